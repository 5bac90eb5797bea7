"""Translating a lesson in a real browser: an editor uses Wagtail's "Translate" action on an English lesson,
writes a line of it in Urdu and submits it to the "Curriculum review" workflow; it stays off the site until
a reviewer approves it; then a visitor on a small phone follows the English page's link to the Urdu one
and reads it right to left."""

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from courses.models import LessonPage
from tests import factories
from tests.e2e.test_editorial_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

URDU_TITLE = "نہیں کہو، بھاگ جاؤ، بتاؤ"
URDU_OBJECTIVE = "میں کسی خطرے میں نہیں کہہ سکتا ہوں اور کسی بھروسے والے بڑے کو بتا سکتا ہوں"


@pytest.fixture
def lesson(curriculum, users):
    """The English lesson "No, go, tell", whose module already has its Urdu translation."""
    factories.translate(curriculum["module"], editor=users["editor"], reviewer=users["reviewer"], title="محفوظ رہنا")
    return curriculum["lessons"][0]


def translate_and_submit(page: Page, base_url: str, lesson: LessonPage, artifacts_dir) -> LessonPage:
    """From the English lesson's editor, "Translate" into Urdu, edit the copy and submit it for review."""
    page.goto(f"{base_url}/admin/pages/{lesson.pk}/edit/")
    page.get_by_role("button", name="Actions", exact=True).click()
    page.get_by_role("link", name="Translate").click()
    page.get_by_role("checkbox", name="Urdu").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("successfully created in Urdu")).to_be_visible()
    translation = LessonPage.objects.get(translation_key=lesson.translation_key, locale__language_code="ur")
    assert not translation.live
    expect(page).to_have_url(re.compile(rf"/admin/pages/{translation.pk}/edit/"))

    page.get_by_placeholder("Page title").fill(URDU_TITLE)
    page.get_by_role("textbox", name="Objectives").fill(URDU_OBJECTIVE)
    page.screenshot(path=artifacts_dir / "admin-translation-editor.png")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=re.compile(r"^Submit to Curriculum review")).click()
    expect(page.get_by_text("submitted for moderation")).to_be_visible()
    translation.refresh_from_db()
    assert not translation.live
    assert translation.current_workflow_state.status == "in_progress"
    assert translation.get_latest_revision_as_object().title == URDU_TITLE
    return translation


def approve_as_reviewer(browser: Browser, base_url: str) -> None:
    """The reviewer approves the translation from the dashboard's "Awaiting your review" panel."""
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, base_url, "reviewer")
        row = page.get_by_role("region", name="Awaiting your review").get_by_role("row").filter(has_text=URDU_TITLE)
        row.get_by_role("button", name="Actions").click()
        row.get_by_role("button", name="Approve", exact=True).click()
        expect(page.get_by_role("row").filter(has_text=URDU_TITLE)).to_have_count(0)
    finally:
        context.close()


def read_in_urdu(anonymous: BrowserContext, english_url: str, urdu_url: str, artifacts_dir) -> None:
    """On a 360 px phone: the English lesson links to the Urdu one, which reads right to left."""
    page = anonymous.new_page()
    assert page.goto(english_url).status == 200
    page.screenshot(path=artifacts_dir / "translation-english-360.png", full_page=True)
    link = page.locator('#main a[hreflang="ur"]')
    expect(link).to_have_attribute("lang", "ur")
    link.click()
    expect(page).to_have_url(urdu_url)
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name=URDU_TITLE, level=1)).to_be_visible()
    expect(page.get_by_text(URDU_OBJECTIVE)).to_be_visible()
    expect(page.locator('#main a[hreflang="en"]')).to_have_attribute("href", re.compile(r"^/modules/"))
    page.screenshot(path=artifacts_dir / "translation-urdu-360.png", full_page=True)


def check_report(page: Page, base_url: str, artifacts_dir) -> None:
    """Reports > Translations: the translated lesson is live in Urdu, the other lesson still missing."""
    page.goto(f"{base_url}/admin/")
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Translations").click()
    expect(page.get_by_role("row").filter(has_text="No, go, tell")).to_contain_text("Live")
    expect(page.get_by_role("row").filter(has_text="My safety hand")).to_contain_text("Missing")
    page.screenshot(path=artifacts_dir / "admin-translations-report.png")


def test_editor_translates_reviewer_approves_visitor_reads_urdu(
    page: Page, browser: Browser, live_server, lesson, artifacts_dir
):
    """A translation made with the Translate action goes live only once a reviewer approves it; visitors
    then reach it from the English page and read it in Urdu, right to left."""
    base_url = live_server.url
    anonymous = browser.new_context(viewport={"width": 360, "height": 800})
    try:
        sign_in(page, base_url, "editor")
        translation = translate_and_submit(page, base_url, lesson, artifacts_dir)
        urdu_url = f"{base_url}{translation.url}"
        assert urdu_url.startswith(f"{base_url}/ur/modules/")
        assert anonymous.request.get(urdu_url).status == 404
        assert f'href="{translation.url}"' not in anonymous.request.get(f"{base_url}{lesson.url}").text()

        approve_as_reviewer(browser, base_url)
        translation.refresh_from_db()
        assert translation.live
        read_in_urdu(anonymous, f"{base_url}{lesson.url}", urdu_url, artifacts_dir)
        check_report(page, base_url, artifacts_dir)
    finally:
        anonymous.close()


def test_an_urdu_group_runs_its_session_from_the_urdu_lesson_on_a_phone(
    browser: Browser, live_server, lesson, users, artifacts_dir
):
    """The session page of a group taught in Urdu shows the Urdu lesson (right to left) on a 360 px phone,
    and the lesson that is not translated yet in English with a notice."""
    from courses.services import session_plan

    editor, reviewer, facilitator = users["editor"], users["reviewer"], users["facilitator"]
    factories.translate(lesson, editor=editor, reviewer=reviewer, title=URDU_TITLE, objectives=URDU_OBJECTIVE)
    built = factories.group_with_members(
        centre=factories.centre_with_staff(name="Sariab Road", code="QTA", staff=[facilitator]),
        name="Falcons",
        facilitator=facilitator,
        modules=[lesson.get_parent().specific],
        first_names=["Amir", "Bilal"],
        acting_user=facilitator,
    )
    group = built["group"]
    group.language = "ur"
    group.save(update_fields=["language"])
    untranslated = lesson.get_next_siblings().first().specific
    sessions = [
        session_plan(group=group, lesson=which, date=factories.days_ago(0), acting_user=facilitator)
        for which in (lesson, untranslated)
    ]
    context = browser.new_context(viewport={"width": 360, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(facilitator.username)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/sessions/{sessions[0].pk}/")
        heading = page.get_by_role("heading", name=URDU_TITLE, level=1)
        expect(heading).to_have_attribute("dir", "rtl")
        page.locator("details.lesson-plan summary").click()
        expect(page.get_by_text(URDU_OBJECTIVE)).to_be_visible()
        page.screenshot(path=artifacts_dir / "session-urdu-group-360.png", full_page=True)
        page.goto(f"{live_server.url}/sessions/{sessions[1].pk}/")
        expect(page.get_by_text("is not translated into Urdu yet")).to_be_visible()
        expect(page.get_by_role("heading", name=untranslated.title, level=1)).to_have_attribute("dir", "ltr")
        page.screenshot(path=artifacts_dir / "session-urdu-group-untranslated-360.png", full_page=True)
    finally:
        context.close()
