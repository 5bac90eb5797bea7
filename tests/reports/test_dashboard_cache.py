"""The dashboard's figures are computed once per state of the records: a change through any form (which
is audited) gives new figures at once, a download does not count as a change."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from learners import services
from learners.models import Centre
from learners.services.coordination import coordination_meeting_record
from lms import audit
from reports.indicators import CHANGES, EVERY_KIND, Scope, dashboard, indicators, reads
from reports.indicators.community import ActiveCitizens
from reports.indicators.coordination import CoordinationMeetingsHeld
from reports.indicators.learning import AttendanceRate
from reports.indicators.outcomes import RecordIndicator, Registered
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


@pytest.fixture(autouse=True)
def no_figures_kept():
    """Each test starts with no figures kept: the in-memory cache outlives a test, and the ids of the audit entries
    a rolled-back test wrote may be given again."""
    with override_settings(CACHES=LOCAL_CACHE):
        caches["reports"].clear()


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
    assert queries_of(served["scope"]) == 1  # the newest change of each kind of record, and of the pages
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
    assert queries_of(served["scope"]) == 1


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
    assert queries_of(served["scope"]) == 1


@override_settings(CACHES=LOCAL_CACHE)
@pytest.mark.parametrize("action", [audit.VIEW_LEARNER, audit.VIEW_RECORDS, audit.VIEW_SHEET])
def test_reading_records_is_not_a_change(served, action):
    dashboard(served["scope"])
    user = served["facilitator"]
    audit.record_read(user, action, user=user, data={})
    assert queries_of(served["scope"]) == 1


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
        "manager": users["manager"],
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
    assert records == ["protective-services"] and attendance == ["attendance-rate"]  # sessions: still kept


def recomputed(monkeypatch) -> list:
    """The keys of the figures computed from now on, of every indicator class a test below writes for."""
    return [
        computed(monkeypatch, cls)
        for cls in (Registered, RecordIndicator, AttendanceRate, CoordinationMeetingsHeld, ActiveCitizens)
    ]


def keys_of(calls: list) -> set:
    return {key for found in calls for key in found}


@override_settings(CACHES=LOCAL_CACHE)
def test_a_registration_or_a_meeting_recomputes_only_its_own_figures(taught, monkeypatch):
    scope, fac = taught["scope"], taught["facilitator"]
    before = {figure.key: figure.value for figure in dashboard(scope)}
    calls = recomputed(monkeypatch)

    make_learner(Centre.objects.get(pk=scope.centre_ids[0]), fac, first_name="Daud", joined_on=days_ago(2))
    after = {figure.key: figure.value for figure in dashboard(scope)}
    assert after["registered"] == before["registered"] + 1
    assert keys_of(calls) == {"registered"}  # services, attendance, meetings, projects: still kept

    for found in calls:
        found.clear()
    coordination_meeting_record(
        centre=None,
        date=days_ago(1),
        level="district",
        title="District protection committee",
        organisations="Social welfare",
        topics="Referrals",
        acting_user=taught["manager"],
    )
    again = {figure.key: figure.value for figure in dashboard(scope)}
    assert again["coordination-district"] == before["coordination-district"] + 1
    assert keys_of(calls) == {"coordination-district", "coordination-provincial", "coordination-national"}


@override_settings(CACHES=LOCAL_CACHE)
def test_a_learners_new_details_recompute_every_figure(taught, monkeypatch):
    scope, fac = taught["scope"], taught["facilitator"]
    dashboard(scope)
    calls = recomputed(monkeypatch)
    services.learner_update(learner=taught["learners"][0], sex="f", acting_user=fac)  # in every breakdown by sex
    after = {figure.key: figure for figure in dashboard(scope)}
    assert {"registered", "protective-services", "attendance-rate", "active-citizens"} <= keys_of(calls)
    assert {t.key: t.value for t in after["protective-services"].by_sex}["f"] == 1


def test_every_listed_action_is_registered_and_every_indicator_reads_listed_kinds(db):
    registered = {action for action, _label in log_action_registry.get_choices()}
    assert set(CHANGES) <= registered
    assert not set(CHANGES) & audit.NOT_CHANGES
    for indicator in indicators():
        assert reads(indicator) and reads(indicator) <= EVERY_KIND, indicator.key


def test_an_unregistered_action_is_refused_so_no_change_escapes_the_figures(served):
    with pytest.raises(ValueError, match="not been registered"):
        audit.record(served["centre"], "lms.centre.rename", user=served["facilitator"])
