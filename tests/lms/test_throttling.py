"""Guessing is limited per person, not per proxy: behind the reverse proxy each visitor is told apart by the
address the proxy saw; wrong passwords lock a user name from one address, many user names lock the address,
a forged X-Forwarded-For is believed only where a trusted proxy wrote it, and password resets are limited."""

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx, on the same host as gunicorn
CLIENT_1 = "203.0.113.1"
CLIENT_2 = "198.51.100.2"


@pytest.fixture(autouse=True)
def empty_counters():
    """Password reset counters live in the default cache: each test starts with none."""
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def amin(db):
    """A facilitator's account, with an e-mail address for password resets."""
    return UserFactory(username="amin", email="amin@example.org")


def sign_in(client, username: str, password: str, *, remote: str = PROXY, forwarded: str | None = None):
    """POST the sign-in form from a connecting address, with an X-Forwarded-For header when given."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302


def locked(response) -> bool:
    return response.status_code == 429 and "Too many attempts" in response.text


@override_settings(LMS_TRUSTED_PROXY_COUNT=1)
def test_wrong_passwords_from_one_visitor_behind_the_proxy_do_not_lock_the_account_for_another(client, amin):
    answers = [sign_in(client, "amin", "wrong-guess", forwarded=CLIENT_1) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]  # the fifth locks

    assert signed_in(sign_in(client, "amin", PASSWORD, forwarded=CLIENT_2))


@override_settings(LMS_TRUSTED_PROXY_COUNT=1)
def test_wrong_passwords_lock_the_account_from_that_visitor(client, amin):
    for _ in range(5):
        sign_in(client, "amin", "wrong-guess", forwarded=CLIENT_1)

    assert locked(sign_in(client, "amin", PASSWORD, forwarded=CLIENT_1))


@override_settings(LMS_TRUSTED_PROXY_COUNT=1)
def test_an_address_written_by_the_visitor_before_the_proxys_is_not_believed(client, amin):
    for n in range(5):
        sign_in(client, "amin", "wrong-guess", forwarded=f"10.9.9.{n}, {CLIENT_1}")

    assert locked(sign_in(client, "amin", PASSWORD, forwarded=f"10.9.9.99, {CLIENT_1}"))


@override_settings(LMS_TRUSTED_PROXY_COUNT=1, LMS_SIGNIN_ADDRESS_FAILURE_LIMIT=20)
def test_trying_many_user_names_from_one_address_locks_the_address(client, amin):
    for n in range(19):
        sign_in(client, f"guess{n}", "Summer2026!", forwarded=CLIENT_1)
    assert signed_in(sign_in(client, "amin", PASSWORD, forwarded=CLIENT_1))  # 19 tries: still allowed
    client.logout()

    for n in range(20):
        sign_in(client, f"other{n}", "Summer2026!", forwarded=CLIENT_1)

    assert locked(sign_in(client, "amin", PASSWORD, forwarded=CLIENT_1))
    assert signed_in(sign_in(client, "amin", PASSWORD, forwarded=CLIENT_2))


@override_settings(LMS_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forged_forwarded_address_is_ignored(client, amin):
    for n in range(5):
        sign_in(client, "amin", "wrong-guess", remote=CLIENT_1, forwarded=f"10.0.0.{n}")

    assert locked(sign_in(client, "amin", PASSWORD, remote=CLIENT_1, forwarded="10.0.0.77"))
    assert signed_in(sign_in(client, "amin", PASSWORD, remote=CLIENT_2, forwarded=CLIENT_1))


# --- Password reset ---


def ask_reset(client, email: str, *, remote: str = CLIENT_1, url: str | None = None):
    return client.post(url or reverse("password_reset"), {"email": email}, REMOTE_ADDR=remote)


@override_settings(LMS_PASSWORD_RESET_PER_ADDRESS=3)
@pytest.mark.parametrize("page", ["password_reset", "wagtailadmin_password_reset"])
def test_password_resets_from_one_address_are_refused_over_the_limit(client, amin, page):
    for n in range(3):
        assert ask_reset(client, f"someone{n}@example.org", url=reverse(page)).status_code == 302

    response = ask_reset(client, "amin@example.org", url=reverse(page))

    assert response.status_code == 429
    assert "Too many password resets were asked for from this connection." in response.text
    assert mail.outbox == []
    assert ask_reset(client, "amin@example.org", remote=CLIENT_2, url=reverse(page)).status_code == 302
    assert len(mail.outbox) == 1


@override_settings(LMS_PASSWORD_RESET_PER_EMAIL=3)
def test_one_email_address_gets_at_most_its_share_of_reset_mails_and_the_page_does_not_say_so(client, amin):
    answers = [ask_reset(client, "Amin@example.org", remote=f"10.1.1.{n}") for n in range(5)]

    assert len(mail.outbox) == 3
    assert {answer.status_code for answer in answers} == {302}
    assert {answer.url for answer in answers} == {reverse("password_reset_done")}
