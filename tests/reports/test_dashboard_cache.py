"""The dashboard's figures are computed once per state of the records: a change through any form (which
is audited) gives new figures at once, a download does not count as a change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners import services
from lms import audit
from reports.indicators import Scope, dashboard
from tests.factories import assign, days_ago, make_centre, make_learner, role_users

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "reports": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reports-test"},
}


@pytest.fixture
def served():
    """A centre where one learner received a service last week, and its facilitator."""
    facilitator = role_users()["facilitator"]
    centre = make_centre("CCH")
    assign(facilitator, centre)
    learner = make_learner(centre, facilitator, first_name="Amin")
    services.service_record(learner=learner, kind="medical", date=days_ago(7), acting_user=facilitator)
    return {"centre": centre, "facilitator": facilitator, "scope": Scope(days_ago(30), days_ago(0), (centre.pk,))}


def services_figure(scope: Scope):
    return next(figure for figure in dashboard(scope) if figure.key == "protective-services")


def queries_of(scope: Scope) -> int:
    with CaptureQueriesContext(connection) as context:
        dashboard(scope)
    return len(context.captured_queries)


@override_settings(CACHES=LOCAL_CACHE)
def test_the_same_scope_is_computed_once(served):
    first = queries_of(served["scope"])
    assert first > 20
    assert queries_of(served["scope"]) == 2  # the two questions "have the records changed?"
    assert services_figure(served["scope"]).value == 1


@override_settings(CACHES=LOCAL_CACHE)
def test_a_recorded_service_shows_at_once(served):
    assert services_figure(served["scope"]).value == 1
    other = make_learner(served["centre"], served["facilitator"], first_name="Bilal")
    services.service_record(learner=other, kind="counselling", date=days_ago(2), acting_user=served["facilitator"])
    assert services_figure(served["scope"]).value == 2


@override_settings(CACHES=LOCAL_CACHE)
def test_a_download_is_not_a_change(served):
    dashboard(served["scope"])
    user = served["facilitator"]
    audit.record(user, audit.EXPORT, user=user, data={"what": "dashboard"})
    assert queries_of(served["scope"]) == 2


@override_settings(CACHES=LOCAL_CACHE)
def test_signing_in_and_out_and_failing_to_is_not_a_change(served, client):
    dashboard(served["scope"])
    user = served["facilitator"]
    user.set_password("a-long-secret-9")
    user.save(update_fields=["password"])
    dashboard(served["scope"])  # nothing audited by that: the figures are still kept

    client.post(reverse("login"), {"username": user.username, "password": "wrong-guess"})
    client.post(reverse("login"), {"username": user.username, "password": "a-long-secret-9"})
    client.post(reverse("logout"))

    assert ModelLogEntry.objects.filter(action__in=audit.NOT_CHANGES).count() == 3
    assert queries_of(served["scope"]) == 2


@override_settings(CACHES=LOCAL_CACHE)
@pytest.mark.parametrize("action", [audit.VIEW_LEARNER, audit.VIEW_RECORDS, audit.VIEW_SHEET])
def test_reading_records_is_not_a_change(served, action):
    dashboard(served["scope"])
    user = served["facilitator"]
    audit.record_read(user, action, user=user, data={})
    assert queries_of(served["scope"]) == 2


@override_settings(CACHES=LOCAL_CACHE)
def test_another_period_has_its_own_figures(served):
    assert services_figure(served["scope"]).value == 1
    earlier = Scope(days_ago(90), days_ago(60), served["scope"].centre_ids)
    assert services_figure(earlier).value == 0
