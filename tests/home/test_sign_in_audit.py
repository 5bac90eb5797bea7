"""Sign-ins, sign-outs and failed sign-ins are in the audit log, readable by administrators at Reports > Site
history, with the client's address as the trusted proxy saw it; never the password, and never a user name
that matches no account (it may be a password typed in the wrong box)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms import audit
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE_HISTORY = "/admin/reports/site-history/"
CLIENT = "203.0.113.7"


@pytest.fixture
def amin(db):
    return UserFactory(username="amin-facilitator")


def sign_in(client, username: str, password: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"10.6.6.6, {CLIENT}",
    )


def site_history(client, users) -> str:
    client.force_login(users["admin"])
    response = client.get(SITE_HISTORY)
    assert response.status_code == 200
    return response.text


@override_settings(LMS_TRUSTED_PROXY_COUNT=1)
def test_a_failed_sign_in_is_logged_against_the_account_with_the_clients_address(client, users, amin):
    sign_in(client, "amin-facilitator", "not-my-password-77")

    entry = ModelLogEntry.objects.get(action=audit.SIGN_IN_FAILED)
    assert entry.object_id == str(amin.pk) and entry.user is None
    assert entry.data == {"address": CLIENT}
    assert "not-my-password-77" not in str(entry.data) + entry.label
    history = site_history(client, users)
    assert f"Failed sign-in from {CLIENT}" in history
    assert "amin-facilitator" in history


@override_settings(LMS_TRUSTED_PROXY_COUNT=1)
def test_a_failed_sign_in_with_an_unknown_user_name_does_not_keep_what_was_typed(client, users):
    sign_in(client, "my-secret-pass-99", "oops")

    entry = ModelLogEntry.objects.get(action=audit.SIGN_IN_FAILED)
    assert entry.label == "unknown user"
    assert "my-secret-pass-99" not in str(entry.data) + entry.label
    history = site_history(client, users)
    assert "unknown user" in history and f"Failed sign-in from {CLIENT}" in history
    assert "my-secret-pass-99" not in history


@override_settings(LMS_TRUSTED_PROXY_COUNT=1)
def test_a_sign_in_and_a_sign_out_are_logged(client, users, amin):
    assert sign_in(client, "amin-facilitator", PASSWORD).status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=CLIENT)

    signed_in = ModelLogEntry.objects.get(action=audit.SIGN_IN)
    assert signed_in.user == amin and signed_in.object_id == str(amin.pk)
    assert signed_in.data == {"address": CLIENT}
    assert ModelLogEntry.objects.get(action=audit.SIGN_OUT).user == amin
    history = site_history(client, users)
    assert f"Signed in from {CLIENT}" in history
    assert f"Signed out from {CLIENT}" in history


@pytest.mark.parametrize("role", ["editor", "manager"])
def test_only_administrators_read_sign_ins(client, users, amin, role):
    sign_in(client, "amin-facilitator", PASSWORD)
    client.force_login(users[role])

    history = client.get(SITE_HISTORY)

    assert "amin-facilitator" not in history.text
    assert "Signed in from" not in history.text


def test_the_sign_in_actions_can_be_chosen_by_name_in_the_site_history_filter(client, users, amin):
    sign_in(client, "amin-facilitator", "wrong-one-88")
    sign_in(client, "amin-facilitator", PASSWORD)
    client.post(reverse("logout"))

    history = site_history(client, users)

    for action, label in (
        (audit.SIGN_IN, "Sign-in"),
        (audit.SIGN_IN_FAILED, "Failed sign-in"),
        (audit.SIGN_OUT, "Sign-out"),
    ):
        assert re.search(rf'value="{action}"[^>]*>\s*{label}</label>', history), label
