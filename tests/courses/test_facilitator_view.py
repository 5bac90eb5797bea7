"""Facilitator notes and correct answers are for people who deliver sessions only."""

import pytest

from tests.factories import CORRECT_ANSWER, NOTE_TEXT

pytestmark = pytest.mark.django_db


def lesson_html(client, curriculum, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(curriculum["lessons"][0].url)
    assert response.status_code == 200
    return response.text


def test_anonymous_visitor_sees_the_quiz_but_not_the_notes_or_answers(client, curriculum):
    html = lesson_html(client, curriculum)
    assert "Someone asks you to keep a worrying secret" in html
    assert CORRECT_ANSWER in html  # the choice is shown...
    assert "correct answer" not in html  # ...but not marked
    assert NOTE_TEXT not in html
    assert "Facilitator view" not in html


@pytest.mark.parametrize("role", ["editor", "reviewer", "manager", "nobody"])
def test_roles_that_do_not_deliver_sessions_get_the_learner_view(client, curriculum, users, role):
    html = lesson_html(client, curriculum, users[role])
    assert NOTE_TEXT not in html
    assert "correct answer" not in html


@pytest.mark.parametrize("role", ["facilitator", "peer", "admin"])
def test_facilitators_and_peer_educators_see_notes_and_answers(client, curriculum, users, role):
    html = lesson_html(client, curriculum, users[role])
    assert "Facilitator view" in html
    assert NOTE_TEXT in html
    assert f"{CORRECT_ANSWER} <span>(correct answer)</span>" in html


def test_inactive_facilitator_gets_the_learner_view(client, curriculum, users):
    facilitator = users["facilitator"]
    client.force_login(facilitator)
    facilitator.is_active = False
    facilitator.save()
    assert NOTE_TEXT not in client.get(curriculum["lessons"][0].url).text
