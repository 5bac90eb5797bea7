"""Coordination and advocacy meetings, trainings, and follow-ups after placement: the services' rules (scope,
programme-level rows, counts, windows, consent, idempotency, audit), the due list and the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from learners import selectors
from learners.models import (
    CoordinationMeeting,
    JobPlacement,
    PlacementFollowUp,
    SchoolEnrolment,
    SensitisationEvent,
    Trade,
    TrainingEvent,
)
from learners.services import coordination_meeting_record, follow_up_record, training_event_record
from lms import access, roles
from tests.factories import UserFactory, centre_with_staff, consenting_learner, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    """QTA with `facilitator`, KCH with `facilitator2`; a learner of QTA placed in a job 100 days ago and
    enrolled in school 185 days ago."""
    me = users["facilitator"]
    other = UserFactory(username="facilitator2", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    learner = consenting_learner(centre=home, first_name="Asad", acting_user=me, joined_days_ago=400)
    trade = Trade.objects.get_or_create(name="Tailoring")[0]
    job = JobPlacement.objects.create(
        learner=learner, centre=home, placed_on=days_ago(100), kind="employment", trade=trade, recorded_by=me
    )
    school = SchoolEnrolment.objects.create(
        learner=learner, centre=home, enrolled_on=days_ago(185), grade="4", recorded_by=me
    )
    return {"me": me, "other": other, "home": home, "away": away, "learner": learner, "job": job, "school": school}


def meeting(centre, user, **extra):
    return coordination_meeting_record(
        centre=centre,
        date=extra.pop("date", days_ago(3)),
        level="district",
        title="District Child Protection Committee",
        organisations="Social Welfare\nPolice",
        topics="Referral pathway",
        acting_user=user,
        **extra,
    )


def test_primary_caregivers_are_an_audience_beside_parents():
    assert SensitisationEvent.Audience.CAREGIVERS in SensitisationEvent.Audience.values
    assert TrainingEvent.Audience.CAREGIVERS in TrainingEvent.Audience.values


def test_a_facilitator_records_a_meeting_of_their_centre_once_and_it_is_audited(world):
    first = meeting(world["home"], world["me"], decisions="Monthly case conference")
    again = meeting(world["home"], world["me"])
    assert first.done == "created" and again.done == "unchanged" and again.record == first.record
    assert CoordinationMeeting.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="lms.coordination.meeting").count() == 1


def test_programme_level_rows_are_recorded_by_managers_and_not_by_facilitators(world, users):
    with pytest.raises(access.OutOfScope):
        meeting(None, world["me"])
    created = meeting(None, users["manager"], date=days_ago(1))
    assert created.record.centre is None
    with pytest.raises(access.OutOfScope):  # managers read centres but do not change their records
        meeting(world["home"], users["manager"])


def test_a_training_needs_a_participant_and_refuses_a_negative_count(world):
    kwargs = {"centre": world["home"], "date": days_ago(2), "audience": "staff", "topic": "Case management"}
    with pytest.raises(ValidationError):
        training_event_record(participants_male=0, participants_female=0, acting_user=world["me"], **kwargs)
    with pytest.raises(ValidationError):
        training_event_record(participants_male=-1, participants_female=3, acting_user=world["me"], **kwargs)
    done = training_event_record(participants_male=4, participants_female=2, acting_user=world["me"], **kwargs)
    assert done.record.participants_total == 6


def test_a_future_meeting_is_refused(world):
    with pytest.raises(ValidationError):
        meeting(world["home"], world["me"], date=days_ago(-2))


def test_a_follow_up_is_recorded_inside_its_window_once(world):
    job = world["job"]
    with pytest.raises(ValidationError):  # 6 months is not due before 165 days
        follow_up_record(of=job, point=6, date=days_ago(0), still_there=True, earnings="lt10k", acting_user=world["me"])
    with pytest.raises(ValidationError):  # a job still held names its earnings band
        follow_up_record(of=job, point=3, date=days_ago(0), still_there=True, acting_user=world["me"])
    done = follow_up_record(
        of=job, point=3, date=days_ago(0), still_there=True, earnings="10-20k", acting_user=world["me"]
    )
    again = follow_up_record(of=job, point=3, date=days_ago(0), still_there=False, acting_user=world["me"])
    assert done.done == "created" and again.done == "unchanged" and again.record.still_there is True
    assert PlacementFollowUp.objects.get().placement == job


def test_school_follow_ups_have_no_earnings_and_a_child_who_left_has_none_recorded(world):
    school = world["school"]
    with pytest.raises(ValidationError):
        follow_up_record(
            of=school, point=6, date=days_ago(0), still_there=True, earnings="lt10k", acting_user=world["me"]
        )
    done = follow_up_record(of=school, point=6, date=days_ago(0), still_there=False, acting_user=world["me"])
    assert done.record.enrolment == school and done.record.earnings == ""


def test_a_follow_up_needs_consent(world):
    learner = world["learner"]
    type(learner).objects.filter(pk=learner.pk).update(guardian_consent_on=None)
    with pytest.raises(ValidationError, match="No consent on file"):
        follow_up_record(of=world["job"], point=3, date=days_ago(0), still_there=False, acting_user=world["me"])
    assert not PlacementFollowUp.objects.exists()


def test_another_centres_facilitator_cannot_record_a_follow_up(world):
    with pytest.raises(access.OutOfScope):
        follow_up_record(of=world["job"], point=3, date=days_ago(0), still_there=False, acting_user=world["other"])


def test_due_follow_ups_are_those_falling_due_within_a_week_and_not_recorded(world):
    today = timezone.localdate()
    due = selectors.follow_ups_due(access.centres_managed_by(world["me"]), today=today)
    # the job (100 days): 3 months due since day 90; the school (185 days): 6 months due since day 180, and its
    # 3-month window (to day 150) has closed.
    assert [(d.kind, d.point) for d in due] == [("job", 3), ("school", 6)]
    assert due[0].due_on == world["job"].placed_on + datetime.timedelta(days=90)
    follow_up_record(of=world["job"], point=3, date=today, still_there=False, acting_user=world["me"])
    due = selectors.follow_ups_due(access.centres_managed_by(world["me"]), today=today)
    assert [(d.kind, d.point) for d in due] == [("school", 6)]
    assert selectors.follow_ups_due(access.centres_managed_by(world["other"]), today=today) == []
    # seven days' notice: a placement 84 days old is listed, one 82 days old is not yet
    world["job"].__class__.objects.filter(pk=world["job"].pk).update(placed_on=days_ago(84))
    PlacementFollowUp.objects.all().delete()
    due = selectors.follow_ups_due(access.centres_managed_by(world["me"]), today=today)
    assert ("job", 3) in [(d.kind, d.point) for d in due]
    world["job"].__class__.objects.filter(pk=world["job"].pk).update(placed_on=days_ago(82))
    due = selectors.follow_ups_due(access.centres_managed_by(world["me"]), today=today)
    assert ("job", 3) not in [(d.kind, d.point) for d in due]


def test_the_dashboard_lists_due_follow_ups_and_the_form_records_one(world, client):
    client.force_login(world["me"])
    page = client.get(reverse("dashboard")).content.decode()
    url = reverse("follow_up_add", args=["job", world["job"].pk, 3])
    assert url in page
    response = client.post(url, {"date": timezone.localdate().isoformat(), "still_there": "yes", "earnings": "gt30k"})
    assert response.status_code == 302
    assert PlacementFollowUp.objects.get().earnings == "gt30k"
    assert url not in client.get(reverse("dashboard")).content.decode()


def test_the_follow_up_form_of_another_centre_answers_404(world, client):
    client.force_login(world["other"])
    assert client.get(reverse("follow_up_add", args=["job", world["job"].pk, 3])).status_code == 404
    client.force_login(world["me"])
    assert client.get(reverse("follow_up_add", args=["job", world["job"].pk, 4])).status_code == 404
    assert client.get(reverse("follow_up_add", args=["car", world["job"].pk, 3])).status_code == 404


def test_the_pages_record_and_list_meetings_and_trainings(world, client, users):
    client.force_login(users["manager"])
    response = client.post(
        reverse("coordination_meeting_add"),
        {
            "centre": "",
            "date": days_ago(5).isoformat(),
            "level": "provincial",
            "title": "Provincial Child Protection Forum",
            "organisations": "Social Welfare",
            "topics": "Budget",
        },
    )
    assert response.status_code == 302
    client.force_login(world["me"])
    response = client.post(
        reverse("training_event_add"),
        {
            "centre": world["home"].pk,
            "date": days_ago(4).isoformat(),
            "audience": "caregivers",
            "topic": "Positive parenting",
            "participants_male": "2",
            "participants_female": "11",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("coordination_list")).content.decode()
    assert "Provincial Child Protection Forum" in page and "Positive parenting" in page
    client.force_login(world["other"])
    page = client.get(reverse("coordination_list")).content.decode()
    assert "Provincial Child Protection Forum" in page and "Positive parenting" not in page
