"""Safeguards when running a session: no attendance or score is recorded for a member whose consent is not on
file (a guardian withdrew it), and peer educators never run a lesson of a sensitive module."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses import services
from courses.models import Attendance, LessonProgress, QuizResult, Session
from learners.services import learner_update
from peer_educators.models import PeerEducator
from peer_educators.services import peer_group_assign
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, curriculum):
    """Boys A (Ali, Bilal, Daud) follows the sensitive module "Staying safe", with a session today; the
    guardian of Daud withdrew consent after he joined."""
    facilitator = users["facilitator"]
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    built = factories.group_with_members(
        centre=centre,
        name="Boys A",
        facilitator=facilitator,
        modules=[curriculum["module"]],
        first_names=["Ali", "Bilal", "Daud"],
        acting_user=facilitator,
    )
    lesson = curriculum["lessons"][0]
    session = services.session_plan(
        group=built["group"], lesson=lesson, date=timezone.localdate(), acting_user=facilitator
    )
    return {**built, "facilitator": facilitator, "centre": centre, "session": session, "lesson": lesson}


def withdraw_consent(world, learner):
    learner_update(learner=learner, guardian_consent_on=None, acting_user=world["facilitator"])
    learner.refresh_from_db()


def record(world, attendance, user=None):
    user = user or world["facilitator"]
    return services.session_record(session=world["session"], attendance=attendance, delivered_by=user, acting_user=user)


# --- consent ---


def test_attendance_for_a_member_without_consent_is_refused_and_nothing_is_written(world):
    ali, bilal, daud = world["learners"]
    withdraw_consent(world, daud)
    logged = ModelLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        record(world, {ali.pk: "present", bilal.pk: "present", daud.pk: "present"})
    assert f"No consent on file for {daud.code}" in refused.value.messages[0]
    assert not Attendance.objects.exists()
    assert not LessonProgress.objects.exists()
    assert Session.objects.get(pk=world["session"].pk).status == Session.Status.PLANNED
    assert ModelLogEntry.objects.count() == logged


def test_a_session_is_recorded_for_the_members_with_consent_and_keeps_earlier_attendance(world):
    ali, bilal, daud = world["learners"]
    record(world, {ali.pk: "present", bilal.pk: "absent", daud.pk: "present"})
    withdraw_consent(world, daud)
    record(world, {ali.pk: "present", bilal.pk: "present"})  # a correction after the withdrawal
    statuses = dict(Attendance.objects.values_list("learner_id", "status"))
    assert statuses == {ali.pk: "present", bilal.pk: "present", daud.pk: "present"}


def test_scores_for_a_member_without_consent_are_refused_and_nothing_is_written(world):
    ali, bilal, daud = world["learners"]
    record(world, {ali.pk: "present", bilal.pk: "present", daud.pk: "present"})
    withdraw_consent(world, daud)
    with pytest.raises(ValidationError, match=f"No consent on file for {daud.code}"):
        services.quiz_results_record(
            session=world["session"],
            scores={ali.pk: {"pre": 1, "post": 1}, daud.pk: {"pre": 0, "post": 1}},
            acting_user=world["facilitator"],
        )
    assert not QuizResult.objects.exists()


def test_the_run_page_and_sheets_list_only_members_with_consent(client, world):
    ali, bilal, daud = world["learners"]
    withdraw_consent(world, daud)
    client.force_login(world["facilitator"])
    run = client.get(reverse("session_run", args=[world["session"].pk])).text
    assert f'name="status_{ali.pk}"' in run
    assert f'name="status_{daud.pk}"' not in run
    assert f"Not listed: {daud.code}." in run
    sheet = client.get(reverse("attendance_sheet", args=[world["session"].pk])).text
    assert ali.code in sheet and daud.code not in sheet

    response = client.post(
        reverse("session_run", args=[world["session"].pk]),
        {f"status_{ali.pk}": "present", f"status_{bilal.pk}": "absent"},
    )
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("learner_id", flat=True)) == {ali.pk, bilal.pk}


# --- sensitive modules and peer educators ---


@pytest.fixture
def peer(world):
    """Zarak, an active peer educator of the centre, now leads Boys A."""
    learner = factories.consenting_learner(
        centre=world["centre"], first_name="Zarak", acting_user=world["facilitator"], age=17
    )
    user = UserFactory(username="zarak", role="Peer educators")
    peer = PeerEducator.objects.create(
        learner=learner,
        user=user,
        mentor=world["facilitator"],
        status=PeerEducator.Status.ACTIVE,
        endorsed_by=world["facilitator"],
    )
    peer_group_assign(group=world["group"], peer=peer, acting_user=world["facilitator"])
    return user


SENSITIVE = "This lesson belongs to a sensitive module: a trained facilitator runs it, not a peer educator."


def test_a_peer_educator_cannot_record_a_session_of_a_sensitive_module(world, peer):
    with pytest.raises(ValidationError) as refused:
        record(world, {learner.pk: "present" for learner in world["learners"]}, user=peer)
    assert refused.value.messages == [SENSITIVE]
    assert not Attendance.objects.exists()
    assert Session.objects.get(pk=world["session"].pk).status == Session.Status.PLANNED


def test_a_peer_educator_cannot_enter_scores_for_a_sensitive_module(world, peer):
    record(world, {learner.pk: "present" for learner in world["learners"]})
    with pytest.raises(ValidationError, match="sensitive module"):
        services.quiz_results_record(
            session=world["session"], scores={world["learners"][0].pk: {"pre": 1, "post": 1}}, acting_user=peer
        )
    assert not QuizResult.objects.exists()


def test_the_facilitator_runs_the_sensitive_session_of_a_peer_led_group(world, peer):
    record(world, {learner.pk: "present" for learner in world["learners"]})
    assert Attendance.objects.count() == 3


def test_a_peer_educator_may_run_a_session_once_the_module_is_not_sensitive(world, peer):
    factories.not_sensitive(world["session"].lesson.get_parent())
    record(world, {learner.pk: "present" for learner in world["learners"]}, user=peer)
    assert Attendance.objects.count() == 3


def test_the_peer_area_does_not_offer_a_session_of_a_sensitive_module(client, world, peer):
    client.force_login(peer)
    home = client.get(reverse("peer_home")).text
    assert reverse("session_run", args=[world["session"].pk]) not in home
    page = client.get(reverse("session_run", args=[world["session"].pk])).text
    assert SENSITIVE.replace("'", "&#x27;") in page
    assert "Save attendance" not in page
    response = client.post(
        reverse("session_run", args=[world["session"].pk]),
        {f"status_{learner.pk}": "present" for learner in world["learners"]},
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()
