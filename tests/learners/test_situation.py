"""Who the child is (issue 13): the learner's situation (survivor, at risk and of what, other), its history, who
sees it (the centre's facilitators, programme managers, administrators: never peer educators, editors,
reviewers or other centres' facilitators, not in their HTML at all), never on printable sheets or drill-downs,
and the indicators' breakdown by it for managers only, by the latest situation at the end of the period."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners import selectors
from learners.models import LearnerSituation
from learners.services import learner_situation_record
from lms import access, roles
from lms.results import Done
from reports import indicators
from tests import factories
from tests.factories import UserFactory, centre_with_staff, days_ago

SURVIVOR = "Survivor of commercial sexual exploitation"
STREET = "Working on the street"


@pytest.fixture
def world(db, users):
    """Centre A (facilitator) with Karim, at risk on the street from 200 days ago and recorded as a survivor 50
    days ago, Jamal at risk (out of school) and Wali with no situation; centre B with its own facilitator."""
    facilitator = users["facilitator"]
    other = UserFactory(username="facilitator-b", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    karim = factories.make_learner(
        home,
        facilitator,
        first_name="Karim",
        joined_on=days_ago(200),
        situation="at_risk",
        risk_kinds=["street"],
    )
    learner_situation_record(learner=karim, situation="survivor", recorded_on=days_ago(50), acting_user=facilitator)
    jamal = factories.make_learner(
        home,
        facilitator,
        first_name="Jamal",
        joined_on=days_ago(150),
        situation="at_risk",
        risk_kinds=["out_of_school", "forced_by_family"],
    )
    wali = factories.make_learner(home, facilitator, first_name="Wali", joined_on=days_ago(120))
    return {"home": home, "away": away, "other": other, "karim": karim, "jamal": jamal, "wali": wali, **users}


def situation_keys(figure) -> dict[str, int]:
    return {tally.key: tally.value for tally in figure.by_situation}


# ---- the latest situation at the end of the period ------------------------------------------------


def test_a_child_at_risk_then_survivor_counts_by_the_situation_at_the_end_of_the_period(world):
    karim = world["karim"]
    assert selectors.situation_on([karim.pk], days_ago(100))[karim.pk].situation == "at_risk"
    assert selectors.situation_on([karim.pk], days_ago(50))[karim.pk].situation == "survivor"
    assert selectors.situation_on([karim.pk], days_ago(201)) == {}
    centres = (world["home"].pk,)
    before = indicators.Scope(days_ago(300), days_ago(100), centres)
    after = indicators.Scope(days_ago(300), days_ago(0), centres)
    registered = indicators.get("registered")
    assert situation_keys(registered.figure(before)) == {"survivor": 0, "at_risk": 2, "other": 0, "none": 1}
    assert situation_keys(registered.figure(after)) == {"survivor": 1, "at_risk": 1, "other": 0, "none": 1}


def test_the_service_indicators_break_down_by_situation_too(world):
    from learners.services import service_record

    service_record(learner=world["karim"], kind="counselling", date=days_ago(10), acting_user=world["facilitator"])
    scope = indicators.Scope(days_ago(30), days_ago(0), (world["home"].pk,))
    figure = indicators.get("protective-services").figure(scope)
    assert figure.value == 1
    assert situation_keys(figure) == {"survivor": 1, "at_risk": 0, "other": 0, "none": 0}


# ---- the rule a row must satisfy, and the service ---------------------------------------------------


def test_the_database_refuses_risks_that_do_not_fit_the_situation(world):
    karim = world["karim"]
    with pytest.raises(IntegrityError), transaction.atomic():
        LearnerSituation.objects.create(
            learner=karim, situation="at_risk", recorded_on=days_ago(3), recorded_by=world["facilitator"]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LearnerSituation.objects.create(
            learner=karim, situation="survivor", risk_hotels=True, recorded_on=days_ago(3), recorded_by=world["admin"]
        )


@pytest.mark.parametrize(
    ("situation", "kinds", "field"),
    [("at_risk", [], "risk_kinds"), ("other", ["street"], "risk_kinds"), ("lost", [], "situation")],
)
def test_the_service_refuses_risks_that_do_not_fit(world, situation, kinds, field):
    with pytest.raises(ValidationError) as refused:
        learner_situation_record(
            learner=world["wali"],
            situation=situation,
            risk_kinds=kinds,
            recorded_on=days_ago(1),
            acting_user=world["facilitator"],
        )
    assert field in refused.value.message_dict
    assert not world["wali"].situations.exists()


def test_no_situation_without_consent(world):
    child = factories.learner_without_consent(
        centre=world["home"], first_name="Bilal", acting_user=world["facilitator"]
    )
    with pytest.raises(ValidationError):
        learner_situation_record(
            learner=child, situation="other", recorded_on=days_ago(0), acting_user=world["facilitator"]
        )
    assert not child.situations.exists()


def test_a_change_is_audited_once_and_the_same_again_changes_nothing(world):
    wali, me = world["wali"], world["facilitator"]
    first = learner_situation_record(learner=wali, situation="other", recorded_on=days_ago(5), acting_user=me)
    again = learner_situation_record(learner=wali, situation="other", recorded_on=days_ago(5), acting_user=me)
    fixed = learner_situation_record(
        learner=wali, situation="at_risk", risk_kinds=["hotels"], recorded_on=days_ago(5), acting_user=me
    )
    assert (first.done, again.done, fixed.done) == (Done.CREATED, Done.UNCHANGED, Done.CHANGED)
    entries = ModelLogEntry.objects.filter(action="lms.learner.situation", object_id=str(wali.pk))
    assert entries.count() == 2
    assert entries.order_by("pk").last().user == me
    assert wali.situations.get().risk_kinds == ["hotels"]


def test_a_manager_reads_but_does_not_record_situations(world):
    with pytest.raises(ValidationError):
        learner_situation_record(
            learner=world["wali"], situation="other", recorded_on=days_ago(0), acting_user=world["manager"]
        )
    response = signed_in_client(world["manager"]).get(reverse("learner_situation", args=[world["wali"].code]))
    assert response.status_code == 404


# ---- who sees it -----------------------------------------------------------------------------------


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["facilitator", "manager", "admin"])
def test_the_centre_facilitator_managers_and_admins_see_the_situation_on_the_record(world, who):
    html = signed_in_client(world[who]).get(reverse("learner_record", args=[world["karim"].code])).text
    assert SURVIVOR in html
    assert STREET in html  # the earlier situation, in the history
    assert access.may_see_situation(world[who], world["karim"])


@pytest.mark.parametrize("who", ["peer", "editor", "reviewer", "nobody", "other"])
def test_nobody_else_sees_it(world, who):
    user = world[who]
    response = signed_in_client(user).get(reverse("learner_record", args=[world["karim"].code]))
    assert response.status_code == 404
    assert SURVIVOR not in response.text
    assert not access.may_see_situation(user, world["karim"])
    assert signed_in_client(user).get(reverse("learner_situation", args=[world["karim"].code])).status_code == 404


@pytest.mark.parametrize("who", ["peer", "editor", "reviewer", "nobody", "other"])
def test_the_timeline_embedded_in_the_record_and_on_its_own_page_never_carries_it(world, who):
    """The timeline lists no situation (it stays in its own section of the record), so its newest items on the
    learner record and its own page are the same for everyone who may open them, and 404 for anyone else."""
    from reports.selectors import learner_timeline

    items = learner_timeline(world["karim"])
    assert not any(SURVIVOR in item.text or STREET in item.text for item in items)
    html = signed_in_client(world["facilitator"]).get(reverse("learner_record", args=[world["karim"].code])).text
    timeline = html[html.index('id="timeline"') : html.index("</section>", html.index('id="timeline"'))]
    assert "Registered at Quetta drop-in" in timeline and SURVIVOR not in timeline
    for url in (
        reverse("learner_record", args=[world["karim"].code]),
        reverse("learner_timeline", args=[world["karim"].code]),
    ):
        response = signed_in_client(world[who]).get(url)
        assert response.status_code == 404 and SURVIVOR not in response.text


def test_the_printable_sheets_never_show_it(world, curriculum):
    facilitator = world["facilitator"]
    group = factories.make_group(world["home"], facilitator, [curriculum["module"]], name="Stars")
    factories.add_members(group, [world["karim"], world["jamal"]], acting_user=facilitator)
    session = factories.held_session(
        group=group, lesson=curriculum["lessons"][0], day=days_ago(1), acting_user=facilitator
    )
    client = signed_in_client(facilitator)
    for name in ("attendance_sheet", "score_sheet"):
        sheet = client.get(reverse(name, args=[session.pk])).text
        assert "Karim" in sheet
        assert SURVIVOR not in sheet and "At risk" not in sheet and "situation" not in sheet.lower()


def test_registration_records_the_situation_and_needs_consent_for_it(world):
    client = signed_in_client(world["facilitator"])
    data = {
        "centre": world["home"].pk,
        "first_name": "Naveed",
        "sex": "m",
        "birth_year": days_ago(0).year - 12,
        "joined_on": days_ago(2).isoformat(),
        "guardian_consent_on": days_ago(2).isoformat(),
        "child_assent_on": days_ago(2).isoformat(),
    }
    refused = client.post(reverse("learner_register"), data)
    assert refused.status_code == 200 and "Choose the child" in refused.text
    no_consent = client.post(reverse("learner_register"), {**data, "guardian_consent_on": "", "situation": "survivor"})
    assert no_consent.status_code == 200 and "consent" in no_consent.text
    response = client.post(reverse("learner_register"), {**data, "situation": "survivor"})
    assert response.status_code == 302
    row = LearnerSituation.objects.get(learner__first_name="Naveed")
    assert (row.situation, row.recorded_on, row.recorded_by) == ("survivor", days_ago(2), world["facilitator"])


def test_the_situation_form_records_a_change(world):
    client = signed_in_client(world["facilitator"])
    url = reverse("learner_situation", args=[world["wali"].code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"situation": "at_risk", "risk_kinds": ["bus_stands"], "recorded_on": days_ago(1).isoformat()}
    )
    assert response.status_code == 302
    assert world["wali"].situations.get().risk_bus_stands


# ---- the breakdown: managers only, never in drill-downs ---------------------------------------------


def test_the_breakdown_is_on_the_managers_dashboard_and_export_only(world):
    home = {"centre": world["home"].pk}
    manager = signed_in_client(world["manager"])
    dashboard = manager.get(reverse("indicator_dashboard"), home).text
    assert 'data-n="situation:survivor"' in dashboard
    export = manager.get(reverse("dashboard_export", args=["csv"]), home)
    manager_csv = b"".join(export.streaming_content).decode()
    assert "Survivor of commercial sexual exploitation" in manager_csv
    # The same scope, right after, from the cache: the facilitator gets no breakdown.
    facilitator = signed_in_client(world["facilitator"])
    page = facilitator.get(reverse("indicator_dashboard"), home).text
    assert "data-n=" in page and "situation:" not in page and SURVIVOR not in page
    export = facilitator.get(reverse("dashboard_export", args=["csv"]), home)
    assert SURVIVOR not in b"".join(export.streaming_content).decode()


def test_the_records_behind_a_figure_never_show_it(world):
    manager = signed_in_client(world["manager"])
    page = manager.get(reverse("indicator_records", args=["registered"]), {"centre": world["home"].pk}).text
    assert "Karim" in page
    assert SURVIVOR not in page and "At risk" not in page
