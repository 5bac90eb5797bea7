"""Changes to learner records are logged, and only administrators can read that log in the admin."""

import datetime

import pytest
from wagtail.models import ModelLogEntry

from learners import services
from learners.models import Centre

pytestmark = pytest.mark.django_db

SITE_HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def learner(users):
    centre = Centre.objects.create(name="Audit Centre", code="AUD")
    return services.learner_register(
        centre=centre,
        first_name="Zahid",
        sex="m",
        birth_year=datetime.date.today().year - 12,
        joined_on=datetime.date.today(),
        acting_user=users["admin"],
    )


def test_registration_is_logged_with_who_did_it(learner, users):
    entry = ModelLogEntry.objects.get(action="lms.learner.register", object_id=str(learner.pk))
    assert entry.user == users["admin"]
    assert entry.data["code"] == learner.code


def test_administrator_reads_learner_changes_in_site_history(client, learner, users):
    client.force_login(users["admin"])
    response = client.get(SITE_HISTORY)
    assert response.status_code == 200
    assert learner.code in response.text
    assert "Registered learner" in response.text


@pytest.mark.parametrize("role", ["editor", "reviewer", "manager"])
def test_admin_users_other_than_administrators_never_see_learner_entries(client, learner, users, role):
    client.force_login(users[role])
    response = client.get(SITE_HISTORY)
    assert learner.code not in response.text
    assert "Zahid" not in response.text


def test_an_entry_on_an_account_is_written_even_through_request_user_s_lazy_wrappers(users):
    from django.utils.functional import SimpleLazyObject

    from lms import audit

    account = users["facilitator"]
    wrapped = SimpleLazyObject(lambda: SimpleLazyObject(lambda: account))  # request.user under django-otp
    audit.record(wrapped, "lms.otp.reset", user=SimpleLazyObject(lambda: users["admin"]), data={"removed": 0})
    entry = ModelLogEntry.objects.get(action="lms.otp.reset")
    assert (entry.object_id, entry.user) == (str(account.pk), users["admin"])
