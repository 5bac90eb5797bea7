"""Sessions on shared phones: a sign-in ends with the browser and after the idle limit, and nothing shown to a
signed-in user (pages, downloads, the admin) may be kept by the browser or a proxy; visitors' lesson pages may."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms import audit
from lms.sessions import LAST_ACTIVITY
from tests.factories import assign, make_centre, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(client, users):
    """The facilitator, signed in on the test client, with a centre and one learner."""
    user = users["facilitator"]
    centre = make_centre("QTA")
    assign(user, centre)
    learner = make_learner(centre, user, first_name="Amin")
    client.force_login(user)
    return {"user": user, "learner": learner}


def last_active(client, seconds_ago: int) -> str:
    """Pretend the signed-in client's last request was `seconds_ago`; returns the session's key."""
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds_ago
    session.save()
    return session.session_key


def test_the_session_ends_when_the_browser_closes():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_signing_in_sets_a_cookie_that_ends_with_the_browser(client, users):
    users["facilitator"].set_password("a-long-secret-9")
    users["facilitator"].save()

    response = client.post(reverse("login"), {"username": "facilitator", "password": "a-long-secret-9"})

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_idle_beyond_the_limit_signs_out_and_says_why_on_the_sign_in_page(client, facilitator):
    key = last_active(client, 31 * 60)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('dashboard')}"
    assert not Session.objects.filter(session_key=key).exists()
    assert SESSION_KEY not in client.session
    page = client.get(response.url)
    assert "You were signed out after 30 minutes without activity." in page.text
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))


def test_the_idle_sign_out_is_in_the_audit_log(client, facilitator):
    last_active(client, 31 * 60)

    client.get(reverse("dashboard"))

    entry = ModelLogEntry.objects.filter(action=audit.SIGN_OUT).get()
    assert entry.user == facilitator["user"] and entry.data["reason"] == "idle"


def test_idle_within_the_limit_stays_signed_in(client, facilitator):
    last_active(client, 29 * 60)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 5  # the clock starts again


@override_settings(LMS_SESSION_IDLE_MINUTES=5)
def test_the_idle_limit_is_a_setting(client, facilitator):
    last_active(client, 6 * 60)

    response = client.get(reverse("dashboard"))

    assert response.url.startswith(reverse("login"))
    assert "after 5 minutes without activity" in client.get(response.url).text


def test_reading_pages_writes_the_session_at_most_once_a_minute(client, facilitator):
    client.get(reverse("dashboard"))
    noted = client.session[LAST_ACTIVITY]
    last_active(client, 20)
    before = client.session[LAST_ACTIVITY]

    response = client.get(reverse("dashboard"))

    assert noted
    assert client.session[LAST_ACTIVITY] == before  # 20 seconds ago: not written again
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get("Cache-Control", "")


def test_signed_in_pages_are_not_stored(client, facilitator):
    for url in (reverse("dashboard"), reverse("learner_record", args=[facilitator["learner"].code])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_an_export_is_not_stored(client, users):
    client.force_login(users["manager"])

    response = client.get(reverse("dashboard_export", kwargs={"fmt": "csv"}))

    assert response.status_code == 200 and response.streaming
    assert no_store(response)


def test_the_admin_is_not_stored(client, users):
    client.force_login(users["admin"])

    response = client.get("/admin/")

    assert response.status_code == 200
    assert no_store(response)


def test_a_visitors_lesson_page_is_not_marked_no_store(client, curriculum):
    response = client.get(curriculum["lessons"][0].url)

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_signed_in_users_lesson_page_is_not_stored(client, users, curriculum):
    client.force_login(users["facilitator"])

    response = client.get(curriculum["lessons"][0].url)

    assert response.status_code == 200
    assert no_store(response)
