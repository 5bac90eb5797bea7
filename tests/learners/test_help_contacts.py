"""Where to get help: each centre keeps its own help contacts, programme managers edit them, and lesson help
blocks and the site footer show the reader's centre's contacts (the programme's own to visitors)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from courses.blocks import LessonStreamBlock
from courses.models import LessonPage
from learners.models import HelpContact
from lms import roles
from peer_educators.models import PeerEducator
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PLACEHOLDERS = ("writes the local helpline number here", "the centre writes the details here", "لکھے گا")
CURRICULUM = Path(settings.BASE_DIR) / "demo" / "data" / "curriculum"


@pytest.fixture
def world(users, curriculum):
    """Centres A (facilitator) and B (another facilitator), each with its own number, the programme's helpline,
    and a published lesson with a help block."""
    other = UserFactory(username="facilitator-b", role=roles.FACILITATORS)
    a = factories.centre_with_staff(name="Sariab Road", code="SRB", staff=[users["facilitator"]])
    b = factories.centre_with_staff(name="Kasi Road", code="KSR", staff=[other])
    HelpContact.objects.create(name="National child helpline", phone="1121", kind=HelpContact.Kind.HELPLINE)
    HelpContact.objects.create(centre=a, name="Sariab Road centre", phone="081-2000101", kind="centre")
    HelpContact.objects.create(centre=b, name="Kasi Road centre", phone="081-2000202", kind="centre")
    body = LessonStreamBlock().to_python(
        [
            {"type": "text", "value": "<p>Today we talk about feeling safe.</p>"},
            {
                "type": "help",
                "value": {
                    "heading": "Where to get help",
                    "text": "<p>You are not alone.</p>",
                    "contacts": [{"name": "Your facilitator", "how_to_reach": "At the centre any day it is open"}],
                },
            },
        ]
    )
    lesson = LessonPage(title="Feeling safe", slug="feeling-safe", objectives="Learners will name helpers", body=body)
    curriculum["module"].add_child(instance=lesson)
    factories.publish(lesson, editor=users["editor"], reviewer=users["reviewer"])
    return {"a": a, "b": b, "other": other, "lesson": lesson, "users": users}


def page_as(user, url: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def help_block(html: str) -> str:
    start = html.index('<section class="block help">')
    return html[start : html.index("</section>", start)]


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def test_a_facilitator_sees_their_centres_contacts_in_the_lesson_and_the_footer(world):
    html = page_as(world["users"]["facilitator"], world["lesson"].url)
    for part in (help_block(html), footer(html)):
        assert "Sariab Road centre" in part
        assert 'href="tel:0812000101"' in part
        assert "National child helpline" in part
        assert "Kasi Road centre" not in part
    assert "Your facilitator" in help_block(html)  # the editor's own contacts stay


def test_another_centres_facilitator_sees_that_centres_contacts(world):
    html = page_as(world["other"], world["lesson"].url)
    assert "Kasi Road centre" in help_block(html)
    assert "Sariab Road centre" not in html


def test_a_visitor_sees_only_the_programmes_contacts(world):
    html = page_as(None, world["lesson"].url)
    for part in (help_block(html), footer(html)):
        assert "National child helpline" in part
        assert 'href="tel:1121"' in part
    assert "Sariab Road centre" not in html and "Kasi Road centre" not in html
    assert page_as(None, world["lesson"].url) == html  # the same page for every visitor


def test_a_peer_educator_sees_their_own_centres_contacts(world):
    users = world["users"]
    learner = factories.consenting_learner(centre=world["b"], first_name="Zarak", acting_user=world["other"], age=17)
    PeerEducator.objects.create(
        learner=learner, user=users["peer"], mentor=world["other"], status="active", endorsed_by=world["other"]
    )
    html = page_as(users["peer"], world["lesson"].url)
    assert "Kasi Road centre" in footer(html)
    assert "Sariab Road centre" not in html


def test_a_programme_manager_edits_help_contacts_and_a_facilitator_cannot(world):
    contact = HelpContact.objects.get(centre=world["a"])
    edit = reverse("wagtailsnippets_learners_helpcontact:edit", args=[contact.pk])
    listing = reverse("wagtailsnippets_learners_helpcontact:list")
    facilitator = Client()
    facilitator.force_login(world["users"]["facilitator"])
    for url in (edit, listing):
        assert facilitator.get(url).status_code in (302, 403)
    manager = Client()
    manager.force_login(world["users"]["manager"])
    assert manager.get(listing).status_code == 200
    assert manager.get(edit).status_code == 200
    response = manager.post(
        edit,
        {"centre": world["a"].pk, "kind": "centre", "name": "Sariab Road centre", "phone": "081-2000999", "order": 0},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "081-2000999"


@pytest.mark.parametrize("phone", ["call the centre", "081/2000101", "+", "1" * 25])
def test_the_database_refuses_a_phone_number_that_is_not_a_number(phone):
    # PostgreSQL refuses a number longer than the column before its check does (DataError); SQLite has no
    # length limit, so there the check's length bound refuses it.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        HelpContact.objects.create(name="Somewhere", phone=phone)


def test_no_lesson_of_the_demo_curriculum_keeps_a_placeholder_for_the_helpline():
    files = sorted(CURRICULUM.glob("*.json")) + sorted((CURRICULUM / "ur").glob("*.json"))
    assert len(files) == 12
    for path in files:
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        assert not any(placeholder in text for placeholder in PLACEHOLDERS), path.name


def test_no_published_lesson_page_shows_a_placeholder(world):
    for lesson in LessonPage.objects.live():
        html = page_as(None, lesson.url)
        assert not any(placeholder in html for placeholder in PLACEHOLDERS)
