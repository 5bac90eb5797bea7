"""The curriculum in two languages: the Urdu tree, addresses, links between languages, the review of
translations, the translations report and the group's teaching language (issue 10)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from wagtail.models import Locale, Page

from courses import selectors
from courses.models import CurriculumIndexPage, in_source_locale, source_locale
from courses.services import session_plan
from home.models import HomePage
from tests import factories
from tests.factories import assign, make_centre, make_group

URDU_LESSON = "نہیں، جاؤ، بتاؤ"


@pytest.fixture
def urdu(curriculum, users):
    """The module and its first lesson translated into Urdu and published; the second lesson untranslated."""
    editor, reviewer = users["editor"], users["reviewer"]
    module = factories.translate(curriculum["module"], editor=editor, reviewer=reviewer, title="محفوظ رہنا")
    lesson = factories.translate(
        curriculum["lessons"][0], editor=editor, reviewer=reviewer, title=URDU_LESSON, objectives="میں نہ کہہ سکتا ہوں"
    )
    return {"module": module, "lesson": lesson}


def test_the_migrations_make_the_urdu_tree(db):
    urdu = Locale.objects.get(language_code="ur")
    home = HomePage.objects.get(locale=urdu)
    index = CurriculumIndexPage.objects.get(locale=urdu)
    assert home.live and index.live
    assert index.get_parent().pk == home.pk
    assert source_locale().language_code == "en"


def test_the_urdu_home_and_curriculum_are_served_under_ur(client, db):
    home = client.get("/ur/")
    assert home.status_code == 200
    assert '<html lang="ur" dir="rtl">' in home.text
    assert client.get("/ur/modules/").status_code == 200
    assert '<html lang="en" dir="ltr">' in client.get("/modules/").text


def test_the_header_leads_to_the_curriculum_in_the_pages_language(client, db):
    assert '<a href="/ur/modules/">' in client.get("/ur/").text
    assert '<a href="/modules/">' in client.get("/").text


def test_the_english_lesson_links_to_its_urdu_translation_and_back(client, curriculum, urdu):
    english_url = curriculum["lessons"][0].url
    assert urdu["lesson"].url.startswith("/ur/modules/")
    english = client.get(english_url).text
    assert f'href="{urdu["lesson"].url}" hreflang="ur" lang="ur" rel="alternate">اردو</a>' in english
    page = client.get(urdu["lesson"].url)
    assert page.status_code == 200
    assert '<html lang="ur" dir="rtl">' in page.text
    assert URDU_LESSON in page.text
    assert f'href="{english_url}" hreflang="en" lang="en" rel="alternate">English</a>' in page.text
    module = client.get(curriculum["module"].url).text
    assert f'href="{urdu["module"].url}" hreflang="ur"' in module


def test_a_draft_translation_is_neither_served_nor_offered(client, curriculum, users):
    factories.translate(curriculum["module"], editor=users["editor"], reviewer=users["reviewer"], title="محفوظ رہنا")
    draft = factories.translate(
        curriculum["lessons"][1], editor=users["editor"], reviewer=users["reviewer"], publish_it=False, title="ہاتھ"
    )
    assert f'href="{draft.url}"' not in client.get(curriculum["lessons"][1].url).text
    assert client.get(draft.url).status_code == 404
    switch = client.get(f"/language/ur/?next={curriculum['lessons'][1].url}")
    assert switch["Location"] == "/ur/", "the language link leads to the Urdu home page, not to a missing page"


def test_translations_go_through_the_review_workflow_and_editors_cannot_publish(curriculum, urdu, users):
    assert urdu["lesson"].get_workflow().name == "Curriculum review"
    assert not urdu["lesson"].permissions_for_user(users["editor"]).can_publish()
    assert urdu["lesson"].permissions_for_user(users["editor"]).can_edit()
    assert urdu["lesson"].permissions_for_user(users["reviewer"]).can_publish()
    assert users["editor"].has_perm("simple_translation.submit_translation")
    assert not users["facilitator"].has_perm("simple_translation.submit_translation")


def test_the_report_names_each_state(curriculum, urdu, users):
    urdu_locale = Locale.objects.get(language_code="ur")
    states = {row.page.pk: row.states["ur"] for row in selectors.translation_states([urdu_locale])}
    module, (lesson1, lesson2) = curriculum["module"], curriculum["lessons"]
    assert states == {module.pk: "live", lesson1.pk: "live", lesson2.pk: "missing"}
    factories.translate(lesson2, editor=users["editor"], reviewer=users["reviewer"], publish_it=False, title="ہاتھ")
    factories.publish(lesson1.specific, editor=users["editor"], reviewer=users["reviewer"])  # the source changes
    states = {row.page.pk: row.states["ur"] for row in selectors.translation_states([urdu_locale])}
    assert states == {module.pk: "live", lesson1.pk: "older", lesson2.pk: "draft"}


def test_editors_and_reviewers_read_the_report_in_the_admin(client, curriculum, urdu, users):
    for role in ("editor", "reviewer"):
        client.force_login(users[role])
        response = client.get(reverse("translations_report"))
        assert response.status_code == 200
        text = response.text
        assert "Staying safe" in text and "My safety hand" in text
        assert "Missing" in text and "Live" in text
    client.force_login(users["facilitator"])
    assert client.get(reverse("translations_report")).status_code in (302, 403)


def test_the_reports_menu_offers_the_report_to_editors_and_reviewers(client, curriculum, users):
    for role in ("editor", "reviewer"):
        client.force_login(users[role])
        assert reverse("translations_report") in client.get("/admin/").text
    client.force_login(users["admin"])
    assert reverse("translations_report") in client.get("/admin/").text


def test_an_urdu_group_runs_the_urdu_lesson_or_the_original_with_a_notice(client, curriculum, urdu, users):
    facilitator = users["facilitator"]
    centre = make_centre("QTA")
    assign(facilitator, centre)
    group = make_group(centre, facilitator, [curriculum["module"]], name="Falcons", language="ur")
    lesson1, lesson2 = curriculum["lessons"]
    translated = session_plan(group=group, lesson=lesson1, date=factories.days_ago(1), acting_user=facilitator)
    untranslated = session_plan(group=group, lesson=lesson2, date=factories.days_ago(1), acting_user=facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("session_run", args=[translated.pk])).text
    assert URDU_LESSON in page and "not translated" not in page
    page = client.get(reverse("session_run", args=[untranslated.pk])).text
    assert "My safety hand" in page
    assert "This lesson is not translated into Urdu yet: it is shown in the original." in page


def test_the_group_form_sets_the_teaching_language_and_the_group_page_shows_it(client, curriculum, users):
    facilitator = users["facilitator"]
    centre = make_centre("QTA")
    assign(facilitator, centre)
    client.force_login(facilitator)
    response = client.post(
        reverse("group_create"),
        {"centre": centre.pk, "name": "Hawks", "facilitator": facilitator.pk, "language": "ur"},
    )
    group = centre.groups.get(name="Hawks")
    assert group.language == "ur"
    assert "Taught in Urdu" in client.get(response.url).text
    response = client.post(
        reverse("group_edit", args=[group.pk]),
        {"name": "Hawks", "facilitator": facilitator.pk, "language": "fr", "is_active": "on"},
    )
    assert response.status_code == 200  # a language the site does not offer is refused
    group.refresh_from_db()
    assert group.language == "ur"


def test_groups_are_taught_in_the_default_language_unless_chosen(curriculum, users):
    facilitator = users["facilitator"]
    centre = make_centre("QTA")
    assign(facilitator, centre)
    assert make_group(centre, facilitator).language == "en"


def test_the_curriculum_choices_offer_source_modules_only(curriculum, urdu, users):
    from courses.forms.groups import GroupForm

    form = GroupForm(user=users["facilitator"])
    assert list(form.fields["modules"].queryset) == [curriculum["module"]]
    assert not Page.objects.filter(pk=urdu["module"].pk, locale=source_locale()).exists()


def test_a_new_language_gets_the_review_workflow_and_permissions_without_code(curriculum, users):
    pashto = Locale.objects.create(language_code="ps")
    english_home = HomePage.objects.get(locale__language_code="en")
    english_home.copy_for_translation(pashto)  # what Translate does on the home page
    index = in_source_locale(CurriculumIndexPage.objects).get().copy_for_translation(pashto)
    assert index.get_workflow().name == "Curriculum review"
    # Fresh users, as a new request would have: Wagtail keeps a user's page permissions on the user object.
    editor, reviewer = (User.objects.get(pk=users[role].pk) for role in ("editor", "reviewer"))
    module = factories.translate(curriculum["module"], editor=editor, reviewer=reviewer, language="ps")
    assert module.live and module.get_workflow().name == "Curriculum review"
    assert module.permissions_for_user(editor).can_edit()
    assert not module.permissions_for_user(editor).can_publish()


def test_the_language_link_of_a_lesson_leads_to_its_live_translation_whatever_its_address(client, curriculum, users):
    staff = {"editor": users["editor"], "reviewer": users["reviewer"]}
    factories.translate(curriculum["module"], title="محفوظ رہنا", **staff)
    urdu = factories.translate(curriculum["lessons"][0], title="نہیں، جاؤ، بتاؤ", slug="nahin-jao-batao", **staff)
    switch = client.get(f"/language/ur/?next={curriculum['lessons'][0].url}")
    assert switch["Location"] == urdu.url == "/ur/modules/staying-safe/nahin-jao-batao/"
    back = client.get(f"/language/en/?next={urdu.url}")
    assert back["Location"] == curriculum["lessons"][0].url
    english_visitor = type(client)(headers={"cookie": "django_language=en"})
    assert english_visitor.get(f"/language/en/?next={urdu.url}")["Location"] == curriculum["lessons"][0].url
