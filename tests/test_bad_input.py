"""Bad input never breaks a page or loses data (issue 11): counts have a maximum in the form and the database,
ids no record can have are refused as invalid choices, dates outside a plausible range are refused, a partial
score form changes nothing it did not post, a likely duplicate learner is confirmed before registering, and
names refuse invisible control characters. The world is tests.bad_input's."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import QuizResult, Session
from learners.models import Centre, CommunityGroup, Group, Learner, Membership, SensitisationEvent, Trade
from lms.validators import MAX_COMMITTEE_MEMBERS, MAX_PEOPLE, validate_name
from peer_educators.models import ActivityLog, Project, ProjectMember
from tests import bad_input, factories

pytestmark = pytest.mark.django_db

BIGGEST_SQLITE_INTEGER = str(2**63 - 1)


@pytest.fixture
def world(users, curriculum):
    """See tests.bad_input."""
    return bad_input.build(users, curriculum)


def signed_in(client, user):
    """The client, signed in as the user; a server error comes back as a 500 response, not an exception."""
    client.force_login(user)
    client.raise_request_exception = False
    return client


def event_data(world, **changes) -> dict:
    """A sensitisation event form for the world's centre, a new audience today."""
    return {
        "centre": world["centre"].pk,
        "date": timezone.localdate().isoformat(),
        "audience": "elders",
        "participants_male": "3",
        "participants_female": "4",
        "topics": "Child protection",
        **changes,
    }


def register_data(world, **changes) -> dict:
    """A registration form for the world's centre: a 12-year-old with consent and assent."""
    today = timezone.localdate()
    return {
        "centre": world["centre"].pk,
        "first_name": "Bilal",
        "sex": "m",
        "birth_year": str(today.year - 12),
        "joined_on": today.isoformat(),
        "guardian_consent_on": today.isoformat(),
        "child_assent_on": today.isoformat(),
        "situation": "other",
        **changes,
    }


# --- Counts have a maximum: in the form, with a message, and in the database ---


def test_an_event_of_nine_quintillion_participants_is_refused_and_the_reports_still_open(client, world):
    facilitator, manager = world["users"]["facilitator"], world["users"]["manager"]
    response = signed_in(client, facilitator).post(
        reverse("sensitisation_event_add"), event_data(world, participants_male=BIGGEST_SQLITE_INTEGER)
    )
    assert response.status_code == 200
    assert f"Write a number no bigger than {MAX_PEOPLE}." in response.text
    assert SensitisationEvent.objects.count() == 1
    signed_in(client, manager)
    for url in (reverse("indicator_dashboard"), reverse("donor_summary"), reverse("dashboard_export", args=["csv"])):
        assert client.get(url).status_code == 200


def test_a_committee_of_more_than_a_thousand_members_is_refused(client, world):
    data = {"centre": world["centre"].pk, "kind": "pcc", "name": "Elders", "members_male": MAX_COMMITTEE_MEMBERS + 1}
    response = signed_in(client, world["users"]["facilitator"]).post(reverse("community_group_create"), data)
    assert f"Write a number no bigger than {MAX_COMMITTEE_MEMBERS}." in response.text
    assert not CommunityGroup.objects.filter(name="Elders").exists()


def test_an_activity_reaching_too_many_people_is_refused_with_one_message(client, world):
    project = world["project"]
    Project.objects.filter(pk=project.pk).update(status=Project.Status.APPROVED, approved_by=world["users"]["admin"])
    data = {"date": timezone.localdate().isoformat(), "description": "Cleaned up", "children_male": "100001"}
    response = signed_in(client, world["users"]["facilitator"]).post(reverse("project_log", args=[project.pk]), data)
    assert response.status_code == 200
    assert f"no bigger than {MAX_PEOPLE}" in response.text
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda w: SensitisationEvent.objects.filter(pk=w["event"].pk), "participants_female"),
        (lambda w: CommunityGroup.objects.filter(pk=w["pcc"].pk), "members_male"),
    ],
)
def test_the_database_refuses_a_count_beyond_its_maximum(world, make, field):
    limit = MAX_PEOPLE if field.startswith("participants") else MAX_COMMITTEE_MEMBERS
    with pytest.raises(IntegrityError), transaction.atomic():
        make(world).update(**{field: limit + 1})


def test_the_database_refuses_a_quiz_result_out_of_more_questions_than_a_quiz_has(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizResult.objects.filter(session=world["session"]).update(score=21, max_score=21)


# --- Ids no record can have: "Select a valid choice", never a server error ---


def test_the_reports_centre_filter_refuses_an_impossible_id(client, world):
    signed_in(client, world["users"]["manager"])
    for value in bad_input.HUGE_IDS:
        response = client.get(reverse("indicator_dashboard"), {"centre": value})
        assert response.status_code == 200, value
        assert "Select a valid choice" in response.text
        assert "data-figure" not in response.text


def test_adding_members_with_an_impossible_id_adds_nobody(client, world):
    before = Membership.objects.count()
    signed_in(client, world["users"]["facilitator"])
    for value in bad_input.HUGE_IDS:
        data = {"learners": [value], "joined_on": timezone.localdate().isoformat()}
        response = client.post(reverse("members_add", args=[world["group"].pk]), data)
        assert response.status_code == 200, value
        assert "Select a valid choice" in response.text
    assert Membership.objects.count() == before


@pytest.mark.parametrize("value", [str(2**63), "9" * 30])
def test_planning_a_session_of_an_impossible_lesson_or_module_plans_nothing(client, world, value):
    signed_in(client, world["users"]["facilitator"])
    url = reverse("sessions_plan", args=[world["group"].pk])
    day = timezone.localdate().isoformat()
    for data in (
        {"plan": "lesson", "one-lesson": value, "one-date": day},
        {"plan": "module", "module-module": value, "module-first_date": day, "module-every_days": value},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
    assert Session.objects.count() == 1


@pytest.mark.parametrize("value", [str(2**63), "9" * 30, "-1"])
def test_a_project_team_or_committee_member_with_an_impossible_id_saves_nothing(client, world, value):
    signed_in(client, world["users"]["facilitator"])
    project = {"title": "Clean water", "problem": "p", "goal": "g", "place": "Market", "team": [value]}
    response = client.post(reverse("project_propose"), project)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    pcc = {"centre": world["centre"].pk, "kind": "child_assoc", "name": "Young voices", "learner_members": [value]}
    response = client.post(reverse("community_group_create"), pcc)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert Project.objects.count() == 1
    assert ProjectMember.objects.count() == 1
    assert CommunityGroup.objects.count() == 1


URL_IDS = [
    ("group_detail", "group_id"),
    ("group_edit", "group_id"),
    ("sessions_plan", "group_id"),
    ("group_progress", "group_id"),
    ("members_add", "group_id"),
    ("group_peer_leader", "group_id"),
    ("session_run", "session_id"),
    ("session_scores", "session_id"),
    ("score_sheet", "session_id"),
    ("community_group_detail", "group_id"),
    ("community_meeting_add", "group_id"),
    ("project_detail", "project_id"),
    ("project_log", "project_id"),
    ("peer_detail", "peer_id"),
    ("training_update", "training_id"),
]


def test_an_impossible_id_in_the_address_answers_404(client, world):
    signed_in(client, world["users"]["facilitator"])
    for name, argument in URL_IDS:
        for value in (2**63, 10**30):
            url = reverse(name, kwargs={argument: 1}).replace("/1/", f"/{value}/", 1)
            assert client.get(url).status_code == 404, url


# --- Dates outside a plausible range ---


@pytest.mark.parametrize("query", [{"end": "9999-12-31"}, {"start": "9999-12-01", "end": "9999-12-31"}])
def test_a_report_period_beyond_what_the_database_holds_shows_a_message(client, world, query):
    signed_in(client, world["users"]["manager"])
    response = client.get(reverse("indicator_dashboard"), query)
    assert response.status_code == 200
    assert "Choose a date between" in response.text
    assert client.get(reverse("donor_summary"), query).status_code == 200
    assert client.get(reverse("dashboard_export", args=["csv"]), query).status_code == 400


@pytest.mark.parametrize("field", ["joined_on", "guardian_consent_on", "child_assent_on"])
def test_registering_with_a_date_in_year_one_is_refused(client, world, field):
    response = signed_in(client, world["users"]["facilitator"]).post(
        reverse("learner_register"), register_data(world, **{field: "0001-01-01"})
    )
    assert response.status_code == 200
    assert "Choose a date between" in response.text
    assert not Learner.objects.filter(first_name="Bilal").exists()


def test_an_event_in_year_one_is_refused_and_the_model_refuses_it_too(client, world):
    response = signed_in(client, world["users"]["facilitator"]).post(
        reverse("sensitisation_event_add"), event_data(world, date="0001-01-01")
    )
    assert "Choose a date between" in response.text
    event = world["event"]
    event.date = datetime.date(1, 1, 1)
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "date" in refused.value.message_dict


def test_a_birth_year_before_1990_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Learner.objects.filter(pk=world["learners"][0].pk).update(birth_year=1)


# --- A score form posted without some members' fields changes nothing for them ---


def results(session) -> set:
    """Every quiz result of the session as (learner, test, score)."""
    return set(QuizResult.objects.filter(session=session).values_list("learner_id", "kind", "score"))


def test_scores_posted_without_the_members_fields_keep_every_result(client, world):
    before = results(world["session"])
    assert len(before) == 4
    response = signed_in(client, world["users"]["facilitator"]).post(
        reverse("session_scores", args=[world["session"].pk]), {"csrfmiddlewaretoken": "only the token"}
    )
    assert response.status_code == 302
    assert results(world["session"]) == before


def test_scores_posted_for_one_member_leave_the_other_as_they_were(client, world):
    first, second = world["learners"]
    signed_in(client, world["users"]["facilitator"]).post(
        reverse("session_scores", args=[world["session"].pk]), {f"post_{first.pk}": "0"}
    )
    assert results(world["session"]) == {
        (first.pk, "pre", 0),
        (first.pk, "post", 0),
        (second.pk, "pre", 1),
        (second.pk, "post", 1),
    }


def test_a_score_box_posted_empty_clears_that_score_only(client, world):
    first, _ = world["learners"]
    signed_in(client, world["users"]["facilitator"]).post(
        reverse("session_scores", args=[world["session"].pk]), {f"pre_{first.pk}": ""}
    )
    assert (first.pk, "pre", 0) not in results(world["session"])
    assert len(results(world["session"])) == 3


# --- The same child registered twice ---


def test_registering_the_same_child_again_warns_and_lists_the_likely_duplicate(client, world):
    aimal = world["learners"][0]
    data = register_data(world, first_name="  aimal ", birth_year=str(aimal.birth_year))
    response = signed_in(client, world["users"]["facilitator"]).post(reverse("learner_register"), data)
    assert response.status_code == 200
    assert aimal.code in response.text
    assert "This is a different child" in response.text
    assert Learner.objects.filter(first_name__iexact="aimal").count() == 1


def test_confirming_a_different_child_registers_exactly_one(client, world):
    aimal = world["learners"][0]
    data = register_data(world, first_name="Aimal", birth_year=str(aimal.birth_year), different_child="on")
    signed_in(client, world["users"]["facilitator"])
    response = client.post(reverse("learner_register"), data)
    assert response.status_code == 302
    assert Learner.objects.filter(first_name="Aimal").count() == 2


def test_the_same_first_name_born_another_year_is_registered_without_a_warning(client, world):
    aimal = world["learners"][0]
    data = register_data(world, first_name="Aimal", birth_year=str(aimal.birth_year - 1))
    response = signed_in(client, world["users"]["facilitator"]).post(reverse("learner_register"), data)
    assert response.status_code == 302
    assert Learner.objects.filter(first_name="Aimal").count() == 2


# --- Names refuse invisible control characters ---


def test_a_first_name_with_a_right_to_left_override_is_refused(client, world):
    response = signed_in(client, world["users"]["facilitator"]).post(
        reverse("learner_register"), register_data(world, first_name="\u202eevil")
    )
    assert response.status_code == 200
    assert "Remove the invisible characters from this name (U+202E)" in response.text
    assert not Learner.objects.filter(first_name__contains="evil").exists()


@pytest.mark.parametrize(
    "build",
    [
        lambda w: Centre(name="\u202eevil", code="EVL"),
        lambda w: Group(centre=w["centre"], name="\u202eevil", facilitator=w["users"]["facilitator"]),
        lambda w: CommunityGroup(centre=w["centre"], kind="pcc", name="\u202eevil"),
        lambda w: Trade(name="\u202eevil"),
    ],
)
def test_every_name_field_refuses_a_right_to_left_override(world, build):
    record = build(world)
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert any(
        "invisible characters" in message for messages in refused.value.message_dict.values() for message in messages
    )


def test_a_project_title_with_an_invisible_mark_is_refused(client, world):
    data = {
        "title": "Clean\u200fwater",
        "problem": "p",
        "goal": "g",
        "place": "Market",
        "team": [world["learners"][0].pk],
    }
    response = signed_in(client, world["users"]["facilitator"]).post(reverse("project_propose"), data)
    assert "Remove the invisible characters from this name (U+200F)" in response.text
    assert Project.objects.count() == 1


@pytest.mark.parametrize("name", ["علی", "نو\u200cروز", "Ali Khan", "Zarak-Gul"])
def test_urdu_names_with_joiners_and_plain_names_are_accepted(name):
    validate_name(name)


@pytest.mark.parametrize("name", ["\u202eevil", "a\u2066b", "tab\there", "zero\u200bwidth", "line\nbreak", "\u200eAli"])
def test_control_and_format_characters_are_refused(name):
    with pytest.raises(ValidationError):
        validate_name(name)


def test_a_learner_registered_through_the_factories_still_passes(world, users):
    """The rules accept every ordinary record the rest of the suite builds."""
    learner = factories.make_learner(world["centre"], users["facilitator"], first_name="Gul")
    learner.full_clean()
