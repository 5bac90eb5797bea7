"""Each user's language is kept on their account and in a cookie; visitors switch with plain links."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from home.models import UserLanguage
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME
URDU_PAGE = '<html lang="ur" dir="rtl">'
ENGLISH_PAGE = '<html lang="en" dir="ltr">'


def sign_in(client: Client, username: str):
    """Sign in through the sign-in form, as a person does."""
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_the_accounts_language_survives_signing_out_and_in_again(users):
    facilitator = users["facilitator"]
    UserLanguage.objects.create(user=facilitator, language="ur")
    phone = Client(headers={"accept-language": "en"})

    response = sign_in(phone, facilitator.username)
    assert response.cookies[COOKIE].value == "ur"
    assert URDU_PAGE in phone.get(reverse("dashboard")).text

    phone.post(reverse("logout"))
    assert SESSION_KEY not in phone.session
    assert URDU_PAGE in phone.get(reverse("login")).text, "signed out, the cookie keeps the language"

    another_phone = Client(headers={"accept-language": "en"})
    assert ENGLISH_PAGE in another_phone.get(reverse("login")).text
    sign_in(another_phone, facilitator.username)
    assert URDU_PAGE in another_phone.get(reverse("dashboard")).text, "the account carries it to a new phone"


def test_signing_in_without_a_chosen_language_keeps_the_visitors_choice(users):
    phone = Client()
    phone.get(reverse("language_link", args=["ur"]), {"next": "/"})

    response = sign_in(phone, users["facilitator"].username)

    assert COOKIE not in response.cookies, "an account with no language leaves the cookie alone"
    assert URDU_PAGE in phone.get(reverse("dashboard")).text


def test_the_signed_in_form_saves_the_language_on_the_account_and_in_the_cookie(users):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    first_token = client.get(reverse("login")).cookies["csrftoken"].value
    client.post(
        reverse("login"),
        {"username": "facilitator", "password": PASSWORD, "csrfmiddlewaretoken": first_token},
    )
    dashboard = client.get(reverse("dashboard"))
    assert f'action="{reverse("language_choose")}" method="post"' in dashboard.text
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("language_choose"), {"language": "ur", "next": reverse("dashboard"), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert response.cookies[COOKIE].value == "ur"
    assert UserLanguage.objects.get(user=users["facilitator"]).language == "ur"
    assert URDU_PAGE in client.get(reverse("dashboard")).text


def test_the_signed_in_form_needs_post_and_the_token_and_a_language_of_the_site(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["facilitator"])

    assert client.get(reverse("language_choose")).status_code == 405
    assert client.post(reverse("language_choose"), {"language": "ur"}).status_code == 403
    client.get(reverse("dashboard"))
    token = client.cookies["csrftoken"].value
    assert client.post(reverse("language_choose"), {"language": "fr", "csrfmiddlewaretoken": token}).status_code == 400
    assert not UserLanguage.objects.exists()


def test_a_visitors_language_link_sets_the_cookie_and_the_next_page_is_urdu(curriculum):
    visitor = Client(headers={"accept-language": "en"})
    home = visitor.get("/")
    link = f'href="{reverse("language_link", args=["ur"])}?next=/"'
    assert link in home.text and "csrfmiddlewaretoken" not in home.text, "a plain link, no form or token"

    response = visitor.get(reverse("language_link", args=["ur"]), {"next": "/modules/"})

    assert response.status_code == 302 and response.url == "/ur/modules/", "the page's own Urdu address"
    assert response.cookies[COOKIE].value == "ur"
    assert response.cookies[COOKIE]["max-age"] == settings.LANGUAGE_COOKIE_AGE, "kept after the browser closes"
    assert URDU_PAGE in visitor.get("/ur/modules/").text
    assert URDU_PAGE in visitor.get(reverse("login")).text, "the facilitators' pages follow the cookie"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_a_language_link_never_sends_the_visitor_to_another_site(target):
    response = Client().get(reverse("language_link", args=["ur"]), {"next": target})
    assert response.status_code == 302 and response.url == "/ur/", "the home page, in the chosen language"


def test_a_language_the_site_does_not_offer_is_refused():
    response = Client().get(reverse("language_link", args=["xx"]))
    assert response.status_code == 400 and COOKIE not in response.cookies


def test_the_account_language_rules_the_site_but_not_the_wagtail_page_tree(users, curriculum):
    UserLanguage.objects.create(user=users["facilitator"], language="ur")
    client = Client()
    client.force_login(users["facilitator"])  # fires the sign-in signal: the session holds "ur"
    client.cookies[COOKIE] = "en"  # as if another tab had switched the cookie back

    assert URDU_PAGE in client.get(reverse("dashboard")).text
    assert ENGLISH_PAGE in client.get("/modules/").text, "page-tree language comes from its address (and cookie)"


def test_urdu_dates_use_urdu_month_names_and_the_digits_0_to_9():
    day = datetime.date(2026, 12, 2)
    template = Template("{{ day|date }} · {{ day|date:'D j M Y' }}")
    with translation.override("ur"):
        text = template.render(Context({"day": day}))
    assert text.startswith("2 دسمبر 2026"), text
    indic_digits = [ch for ch in text if "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9"]
    assert not indic_digits, "digits stay 0-9"


def test_the_default_language_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.LANGUAGE_CODE)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "DJANGO_LANGUAGE_CODE": "ur"}
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "ur"
    assert settings.LANGUAGE_CODE == "en", "English when the variable is not set"


def test_the_wagtail_admin_offers_editors_english_only():
    assert settings.WAGTAILADMIN_PERMITTED_LANGUAGES == [("en", "English")]


def test_demo_facilitator2_and_peer1_read_urdu_and_a_later_choice_is_kept():
    from demo.data.accounts import ensure_demo_accounts

    accounts = ensure_demo_accounts()
    languages = dict(UserLanguage.objects.values_list("user__username", "language"))
    assert languages == {"facilitator2": "ur", "peer1": "ur"}
    UserLanguage.objects.filter(user=accounts["peer1"]).update(language="en")
    ensure_demo_accounts()
    assert UserLanguage.objects.get(user=accounts["peer1"]).language == "en", "loading the demo again keeps it"


def test_a_visitors_language_link_on_a_page_of_the_curriculum_leads_to_its_address_in_that_language(client):
    response = client.get("/language/ur/?next=/modules/")
    assert response.status_code == 302
    assert response["Location"] == "/ur/modules/"
    back = client.get("/language/en/?next=/ur/modules/")
    assert back["Location"] == "/modules/"
