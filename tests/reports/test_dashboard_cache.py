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
from reports.indicators.learning import AttendanceRate
from reports.indicators.outcomes import RecordIndicator
from tests.factories import (
    add_members,
    assign,
    days_ago,
    held_session,
    make_centre,
    make_group,
    make_learner,
    published_module,
    role_users,
)

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
    assert queries_of(served["scope"]) == 3  # the newest change of every record, of all but sessions, of pages
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
    assert queries_of(served["scope"]) == 3


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
    assert queries_of(served["scope"]) == 3


@override_settings(CACHES=LOCAL_CACHE)
@pytest.mark.parametrize("action", [audit.VIEW_LEARNER, audit.VIEW_RECORDS, audit.VIEW_SHEET])
def test_reading_records_is_not_a_change(served, action):
    dashboard(served["scope"])
    user = served["facilitator"]
    audit.record_read(user, action, user=user, data={})
    assert queries_of(served["scope"]) == 3


@override_settings(CACHES=LOCAL_CACHE)
def test_another_period_has_its_own_figures(served):
    assert services_figure(served["scope"]).value == 1
    earlier = Scope(days_ago(90), days_ago(60), served["scope"].centre_ids)
    assert services_figure(earlier).value == 0


@pytest.fixture
def taught():
    """A centre with a group of two learners following a module, one service received, and no session yet."""
    users = role_users()
    facilitator = users["facilitator"]
    centre = make_centre("CTS")
    assign(facilitator, centre)
    module, (lesson,) = published_module("Rights", ["Our rights"], editor=users["editor"], reviewer=users["reviewer"])
    learners = [make_learner(centre, facilitator, first_name=name) for name in ("Amin", "Bilal")]
    group = make_group(centre, facilitator, [module])
    add_members(group, learners, acting_user=facilitator)
    services.service_record(learner=learners[0], kind="medical", date=days_ago(7), acting_user=facilitator)
    return {
        "facilitator": facilitator,
        "group": group,
        "lesson": lesson,
        "learners": learners,
        "scope": Scope(days_ago(30), days_ago(0), (centre.pk,)),
    }


def computed(monkeypatch, cls) -> list:
    """Every figure an indicator class computes from now on (one entry per computation)."""
    calls, figure = [], cls.figure

    def counted(self, scope):
        calls.append(self.key)
        return figure(self, scope)

    monkeypatch.setattr(cls, "figure", counted)
    return calls


@override_settings(CACHES=LOCAL_CACHE)
def test_a_recorded_session_recomputes_only_the_figures_about_sessions(taught, monkeypatch):
    scope = taught["scope"]
    before = {figure.key: figure.value for figure in dashboard(scope)}
    assert before["sessions-held"] == 0 and before["protective-services"] == 1
    records, attendance = computed(monkeypatch, RecordIndicator), computed(monkeypatch, AttendanceRate)

    fac = taught["facilitator"]
    held_session(group=taught["group"], lesson=taught["lesson"], day=days_ago(1), acting_user=fac)
    after = {figure.key: figure.value for figure in dashboard(scope)}
    assert after["sessions-held"] == 1 and after["attendance-rate"] == 100
    assert after["protective-services"] == 1
    assert attendance == ["attendance-rate"] and records == []  # the services, jobs, schools: still kept

    services.service_record(learner=taught["learners"][1], kind="counselling", date=days_ago(1), acting_user=fac)
    again = {figure.key: figure.value for figure in dashboard(scope)}
    assert again["protective-services"] == 2 and again["sessions-held"] == 1
    assert "protective-services" in records and attendance == ["attendance-rate", "attendance-rate"]
