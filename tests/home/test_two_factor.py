"""Two-factor sign-in: who is asked, setting up the app, codes at sign-in, recovery codes, and the
administrators' reset, with LMS_REQUIRE_2FA on (the test settings keep it off for every other test)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from home.two_factor import rules, services
from lms.access import OutOfScope
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = override_settings(LMS_REQUIRE_2FA=True)
ENROL = reverse("two_factor_enrol")
VERIFY = reverse("two_factor_verify")
CODE_IN_PAGE = re.compile(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>")


def code_for(device: TOTPDevice) -> str:
    """The six digits the authenticator app shows now for this device."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def app_for(user) -> TOTPDevice:
    """A set-up authenticator app for the user."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def recovery_codes_for(user, *codes: str) -> StaticDevice:
    """Recovery codes for the user."""
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        device.token_set.create(token=code)
    return device


def verified(client, user, device=None):
    """Sign the client in as the user, with the second factor already given in this session."""
    device = device or app_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def entries(action: str):
    """Audit entries of one action."""
    return ModelLogEntry.objects.filter(action=action)


# Who is asked, and where they are sent.


@REQUIRED
def test_facilitator_without_an_app_is_sent_from_the_dashboard_to_set_one_up(client, users):
    client.force_login(users["facilitator"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == f"{ENROL}?next=%2Fdashboard%2F"


@REQUIRED
@pytest.mark.parametrize(
    ("role", "address"), [("editor", "/admin/"), ("admin", "/admin/"), ("admin", "/django-admin/")]
)
def test_the_wagtail_admin_and_the_django_admin_also_ask_for_the_second_factor(client, users, role, address):
    client.force_login(users[role])
    response = client.get(address)
    assert response.status_code == 302
    assert response.url.startswith(f"{ENROL}?next=")
    app_for(users[role])
    assert client.get(address).url.startswith(f"{VERIFY}?next=")


@REQUIRED
def test_after_the_password_the_code_page_comes_before_the_page_asked_for(client, users):
    app_for(users["facilitator"])
    response = client.post(
        reverse("login") + "?next=/groups/",
        {"username": "facilitator", "password": factories.PASSWORD, "next": "/groups/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fgroups%2F"
    assert "Type your code" in response.text


@REQUIRED
def test_signing_out_and_the_language_stay_open_before_the_second_factor(client, users):
    client.force_login(users["facilitator"])
    assert client.post(reverse("language_choose"), {"language": "ur", "next": ENROL}).url == ENROL
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@REQUIRED
def test_a_peer_educator_signs_in_with_the_password_alone(client, users):
    peer = users["peer"]
    assert not rules.needs_second_factor(peer)
    client.force_login(peer)
    assert client.get(reverse("search")).status_code == 200
    assert client.get(ENROL).url == reverse("dashboard")


@REQUIRED
def test_a_peer_educator_who_also_facilitates_is_asked(users):
    peer = users["peer"]
    peer.groups.add(users["facilitator"].groups.get())
    assert rules.needs_second_factor(type(peer).objects.get(pk=peer.pk))


def test_with_the_setting_off_staff_sign_in_with_the_password_alone(client, users):
    client.force_login(users["facilitator"])
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(ENROL).url == reverse("dashboard")
    assert not TOTPDevice.objects.exists()


# Setting up the app.


@REQUIRED
def test_setting_up_with_the_app_s_code_confirms_it_and_shows_ten_recovery_codes_once(client, users):
    facilitator = users["facilitator"]
    client.force_login(facilitator)
    page = client.get(f"{ENROL}?next=/groups/")
    device = TOTPDevice.objects.get(user=facilitator)
    assert not device.confirmed
    assert 'src="data:image/png;base64,' in page.text  # the QR code is drawn here, nothing loads from outside
    assert "otpauth" not in page.text
    secret = page.context["secret"].replace(" ", "")
    assert secret and secret in page.text.replace(" ", "")

    response = client.post(ENROL, {"code": code_for(device), "next": "/groups/"})

    assert response.status_code == 200
    codes = CODE_IN_PAGE.findall(response.text)
    assert len(set(codes)) == 10
    assert response["Cache-Control"].count("no-store") == 1
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=facilitator).count() == 10
    assert client.get("/groups/").status_code == 200  # this session is verified
    assert client.get(ENROL).url == "/dashboard/"  # the codes are not shown again
    entry = entries(services.ENROLLED).get()
    assert (entry.user, entry.object_id) == (facilitator, str(facilitator.pk))
    logged = json.dumps(entry.data)
    assert secret not in logged and device.key not in logged and not any(c.replace("-", "") in logged for c in codes)


@REQUIRED
def test_a_wrong_code_at_set_up_is_refused_and_the_app_stays_unconfirmed(client, users):
    client.force_login(users["facilitator"])
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=users["facilitator"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(ENROL, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.exists()
    assert client.get(reverse("dashboard")).url.startswith(ENROL)
    assert not entries(services.ENROLLED).exists()


# Signing in with a code.


@REQUIRED
def test_the_app_s_code_opens_the_page_first_asked_for(client, users):
    device = app_for(users["facilitator"])
    client.force_login(users["facilitator"])
    assert client.get("/groups/").url == f"{VERIFY}?next=%2Fgroups%2F"

    response = client.post(VERIFY, {"code": code_for(device), "next": "/groups/"})

    assert response.url == "/groups/"
    assert client.get("/groups/").status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200


@REQUIRED
def test_a_recovery_code_works_once(client, users):
    facilitator = users["facilitator"]
    app_for(facilitator)
    recovery_codes_for(facilitator, "abcdefghij", "klmnopqrst")
    client.force_login(facilitator)

    response = client.post(VERIFY, {"code": "ABCDE-FGHIJ", "next": "/groups/"}, follow=True)

    assert response.redirect_chain == [("/groups/", 302)]
    assert "1 code is left" in response.text
    assert entries(services.RECOVERY_CODE_USED).get().data == {"recovery_codes_left": 1}
    other = Client()  # another phone: a new session, the same code
    other.force_login(facilitator)
    refused = other.post(VERIFY, {"code": "abcde-fghij"})
    assert refused.status_code == 200
    assert "That code is not right" in refused.text
    assert other.get(reverse("dashboard")).url.startswith(VERIFY)


@REQUIRED
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_after_a_wrong_code_the_next_try_must_wait_even_with_the_right_code(client, users):
    device = app_for(users["facilitator"])
    client.force_login(users["facilitator"])
    client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "111111"})

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 200
    assert "Too many wrong codes. Wait" in response.text
    assert client.get(reverse("dashboard")).url.startswith(VERIFY)


# Recovery codes, renewed.


@REQUIRED
def test_new_recovery_codes_replace_the_old_ones(client, users):
    facilitator = users["facilitator"]
    verified(client, facilitator)
    recovery_codes_for(facilitator, "abcdefghij")
    page = client.get(reverse("two_factor"))
    assert "You have 1 recovery code left." in page.text

    response = client.post(reverse("two_factor"))

    codes = CODE_IN_PAGE.findall(response.text)
    assert len(set(codes)) == 10
    assert not StaticToken.objects.filter(token="abcdefghij").exists()
    assert entries(services.RECOVERY_CODES).get().user == facilitator
    new_code, old_code = Client(), Client()
    new_code.force_login(facilitator)
    old_code.force_login(facilitator)
    assert new_code.post(VERIFY, {"code": codes[0], "next": "/groups/"}).url == "/groups/"
    assert "That code is not right" in old_code.post(VERIFY, {"code": "abcdefghij"}).text


# The administrators' reset.


@REQUIRED
def test_an_administrator_resets_a_lost_phone_and_the_user_sets_up_again(client, users):
    facilitator, admin = users["facilitator"], users["admin"]
    facilitator_client = verified(Client(), facilitator)
    recovery_codes_for(facilitator, "abcdefghij")
    verified(client, admin)
    listing = client.get(reverse("two_factor_accounts"))
    reset_url = reverse("two_factor_reset", args=[facilitator.pk])
    assert reset_url in listing.text
    assert reset_url in client.get(reverse("wagtailusers_users:index")).text  # also in Settings > Users
    assert "facilitator" in client.get(reset_url).text

    response = client.post(reset_url)

    assert response.url == reverse("two_factor_accounts")
    assert not TOTPDevice.objects.filter(user=facilitator).exists()
    assert not StaticDevice.objects.filter(user=facilitator).exists()
    entry = entries(services.RESET).get()
    assert (entry.user, entry.object_id, entry.data) == (admin, str(facilitator.pk), {"removed": 2})
    # The facilitator's session, verified with the removed app, must set up a new one.
    assert facilitator_client.get(reverse("dashboard")).url.startswith(ENROL)


@pytest.mark.parametrize("role", ["editor", "reviewer", "manager", "facilitator", "peer", "nobody"])
def test_only_an_administrator_can_reset(client, users, role):
    device = app_for(users["editor"])
    client.force_login(users[role])
    url = reverse("two_factor_reset", args=[users["editor"].pk])
    for response in (client.get(url), client.post(url), client.get(reverse("two_factor_accounts"))):
        if role in ("editor", "reviewer", "manager"):  # they use the admin: the page does not exist for them
            assert response.status_code == 404
        else:  # no admin at all: the admin's sign-in
            assert response.url.startswith(reverse("wagtailadmin_login"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not entries(services.RESET).exists()
    assert reverse("two_factor_reset", args=[users["editor"].pk]) not in client.get("/admin/users/").text


def test_the_reset_service_refuses_anyone_but_an_administrator(users):
    device = app_for(users["facilitator"])
    with pytest.raises(OutOfScope):
        services.second_factor_reset(acting_user=users["manager"], user=users["facilitator"])
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# Settings.


def settings_value(module: str, **env) -> str:
    """LMS_REQUIRE_2FA as a settings module reads it, in a fresh process with the given environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LMS_"))}
    environment.update(DJANGO_SETTINGS_MODULE=module, **env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.LMS_REQUIRE_2FA)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_always_requires_the_second_factor():
    production = {"DJANGO_SECRET_KEY": "k8Jd2-" + "x7Qp9_zL" * 8, "DJANGO_ALLOWED_HOSTS": "lms.example.org"}
    assert settings_value("lms.settings.production", LMS_REQUIRE_2FA="0", **production) == "True"


def test_the_demo_requires_it_only_when_asked():
    assert settings_value("lms.settings.dev") == "False"
    assert settings_value("lms.settings.dev", LMS_REQUIRE_2FA="1") == "True"
