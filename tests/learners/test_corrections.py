"""Correcting coordination meetings, trainings and follow-ups after placement: the services' rules (scope, the
programme's own rows, uniqueness, windows, audit of before and after, removal kept in the audit) and the pages
(the centre's facilitator yes, another centre's and a peer educator 404, bad input changes nothing and says why)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners.models import CoordinationMeeting, JobPlacement, PlacementFollowUp, SchoolEnrolment, TrainingEvent
from learners.services import (
    coordination_meeting_record,
    coordination_meeting_remove,
    coordination_meeting_update,
    follow_up_record,
    follow_up_update,
    training_event_record,
    training_event_remove,
    training_event_update,
)
from lms import access, roles
from lms.results import Done
from tests.factories import UserFactory, centre_with_staff, consenting_learner, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    """QTA with `facilitator`, KCH with `facilitator2`; at QTA a meeting, a training, and a learner placed in a job
    100 days ago and enrolled in school 100 days ago, each followed up at 3 months."""
    me = users["facilitator"]
    other = UserFactory(username="facilitator2", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    learner = consenting_learner(centre=home, first_name="Asad", acting_user=me, joined_days_ago=400)
    meeting = coordination_meeting_record(
        centre=home,
        date=days_ago(3),
        level="district",
        title="District Child Protection Committee",
        organisations="Social Welfare",
        topics="Referral pathway",
        acting_user=me,
    ).record
    training = training_event_record(
        centre=home,
        date=days_ago(3),
        audience="caregivers",
        topic="Online safety",
        participants_male=2,
        participants_female=7,
        acting_user=me,
    ).record
    job = JobPlacement.objects.create(
        learner=learner, centre=home, placed_on=days_ago(100), kind="employment", sector="Bakery", recorded_by=me
    )
    school = SchoolEnrolment.objects.create(
        learner=learner, centre=home, enrolled_on=days_ago(100), grade="4", recorded_by=me
    )
    job_follow_up = follow_up_record(
        of=job, point=3, date=days_ago(5), still_there=True, earnings="lt10k", acting_user=me
    ).record
    school_follow_up = follow_up_record(of=school, point=3, date=days_ago(5), still_there=True, acting_user=me).record
    return {
        "me": me,
        "other": other,
        "home": home,
        "away": away,
        "learner": learner,
        "meeting": meeting,
        "training": training,
        "job_follow_up": job_follow_up,
        "school_follow_up": school_follow_up,
    }


# ---- services ---------------------------------------------------------------------------------------------


def test_a_facilitator_corrects_a_meeting_and_the_audit_keeps_before_and_after(world):
    result = coordination_meeting_update(
        meeting=world["meeting"], level="provincial", decisions="  Monthly case conference ", acting_user=world["me"]
    )
    assert result.done is Done.CHANGED
    meeting = CoordinationMeeting.objects.get()
    assert (meeting.level, meeting.decisions) == ("provincial", "Monthly case conference")
    entry = ModelLogEntry.objects.get(action="lms.coordination.meeting_update")
    assert entry.data["changes"] == {"level": ["district", "provincial"], "decisions": ["", "Monthly case conference"]}
    again = coordination_meeting_update(meeting=meeting, level="provincial", acting_user=world["me"])
    assert again.done is Done.UNCHANGED
    assert ModelLogEntry.objects.filter(action="lms.coordination.meeting_update").count() == 1


def test_another_centres_facilitator_and_a_manager_cannot_correct_a_centres_meeting(world, users):
    for user in (world["other"], users["manager"], users["peer"]):
        with pytest.raises(access.OutOfScope):
            coordination_meeting_update(meeting=world["meeting"], title="Hijacked", acting_user=user)
        with pytest.raises(access.OutOfScope):
            coordination_meeting_remove(meeting=world["meeting"], acting_user=user)
    assert CoordinationMeeting.objects.get().title == "District Child Protection Committee"


def test_a_manager_corrects_the_programmes_own_meeting_and_a_facilitator_cannot(world, users):
    programme = coordination_meeting_record(
        centre=None,
        date=days_ago(2),
        level="national",
        title="National forum",
        organisations="Ministry",
        topics="Policy",
        acting_user=users["manager"],
    ).record
    with pytest.raises(access.OutOfScope):
        coordination_meeting_update(meeting=programme, topics="Changed", acting_user=world["me"])
    result = coordination_meeting_update(meeting=programme, topics="Child labour policy", acting_user=users["manager"])
    assert result.done is Done.CHANGED


def test_a_correction_that_would_repeat_another_meeting_or_is_in_the_future_is_refused(world):
    other = coordination_meeting_record(
        centre=world["home"],
        date=days_ago(10),
        level="district",
        title="Police liaison",
        organisations="Police",
        topics="Child desk",
        acting_user=world["me"],
    ).record
    with pytest.raises(ValidationError) as refused:
        coordination_meeting_update(
            meeting=other, date=days_ago(3), title="District Child Protection Committee", acting_user=world["me"]
        )
    assert "already recorded" in str(refused.value)
    with pytest.raises(ValidationError):
        coordination_meeting_update(meeting=other, date=days_ago(-2), acting_user=world["me"])
    assert CoordinationMeeting.objects.get(pk=other.pk).title == "Police liaison"


def test_a_training_is_corrected_within_the_rules_and_removed_with_its_values_kept_in_the_audit(world):
    with pytest.raises(ValidationError):
        training_event_update(
            training=world["training"], participants_male=0, participants_female=0, acting_user=world["me"]
        )
    result = training_event_update(training=world["training"], audience="parents", acting_user=world["me"])
    assert result.done is Done.CHANGED and TrainingEvent.objects.get().audience == "parents"
    assert training_event_remove(training=world["training"], acting_user=world["me"]).done is Done.CHANGED
    assert not TrainingEvent.objects.exists()
    entry = ModelLogEntry.objects.get(action="lms.coordination.training_remove")
    assert entry.data["values"]["topic"] == "Online safety" and entry.data["values"]["participants_female"] == 7
    assert training_event_remove(training=world["training"], acting_user=world["me"]).done is Done.UNCHANGED


def test_a_follow_up_is_corrected_with_the_rules_of_recording_it(world):
    follow_up = world["job_follow_up"]
    with pytest.raises(ValidationError) as refused:
        follow_up_update(follow_up=follow_up, date=days_ago(5), still_there=True, earnings="", acting_user=world["me"])
    assert "earnings band" in str(refused.value)
    with pytest.raises(ValidationError) as refused:  # the 3-month window opens 75 days after the start
        follow_up_update(follow_up=follow_up, date=days_ago(40), still_there=False, acting_user=world["me"])
    assert "between" in str(refused.value)
    result = follow_up_update(follow_up=follow_up, date=days_ago(4), still_there=False, acting_user=world["me"])
    assert result.done is Done.CHANGED
    follow_up.refresh_from_db()
    assert (follow_up.still_there, follow_up.earnings, follow_up.date) == (False, "", days_ago(4))
    entry = ModelLogEntry.objects.get(action="lms.follow_up.update")
    assert entry.data["learner"] == world["learner"].code
    assert entry.data["changes"]["still_there"] == [True, False]
    with pytest.raises(access.OutOfScope):
        follow_up_update(
            follow_up=follow_up, date=days_ago(4), still_there=True, earnings="gt30k", acting_user=world["other"]
        )


def test_a_school_follow_up_takes_no_earnings(world):
    with pytest.raises(ValidationError):
        follow_up_update(
            follow_up=world["school_follow_up"],
            date=days_ago(5),
            still_there=True,
            earnings="lt10k",
            acting_user=world["me"],
        )
    assert PlacementFollowUp.objects.get(pk=world["school_follow_up"].pk).earnings == ""


# ---- pages --------------------------------------------------------------------------------------------------


def urls(world) -> dict[str, str]:
    return {
        "meeting": reverse("coordination_meeting_edit", args=[world["meeting"].pk]),
        "meeting_remove": reverse("coordination_meeting_remove", args=[world["meeting"].pk]),
        "training": reverse("training_event_edit", args=[world["training"].pk]),
        "training_remove": reverse("training_event_remove", args=[world["training"].pk]),
        "follow_up": reverse("follow_up_edit", args=[world["job_follow_up"].pk]),
    }


def test_the_centres_facilitator_opens_each_correction_page_and_others_get_404(client, world, users):
    client.force_login(world["me"])
    for name, url in urls(world).items():
        assert client.get(url).status_code == 200, name
    for user in (world["other"], users["peer"], users["editor"], users["reviewer"], users["manager"]):
        client.force_login(user)
        for name, url in urls(world).items():
            assert client.get(url).status_code == 404, (user.username, name)
            assert client.post(url, {"title": "x"}).status_code == 404, (user.username, name)
    assert CoordinationMeeting.objects.count() == TrainingEvent.objects.count() == 1


def test_the_list_links_to_correcting_only_the_rows_the_user_may_correct(client, world, users):
    client.force_login(world["me"])
    page = client.get(reverse("coordination_list")).text
    assert urls(world)["meeting"] in page and urls(world)["training"] in page
    client.force_login(users["manager"])
    page = client.get(reverse("coordination_list")).text
    assert "District Child Protection Committee" in page and urls(world)["meeting"] not in page


def test_correcting_a_meeting_on_its_page(client, world):
    client.force_login(world["me"])
    page = client.get(urls(world)["meeting"]).text
    assert 'value="District Child Protection Committee"' in page
    response = client.post(
        urls(world)["meeting"],
        {
            "date": days_ago(3).isoformat(),
            "level": "national",
            "title": "District Child Protection Committee",
            "organisations": "Social Welfare\nUNICEF",
            "topics": "Referral pathway",
            "decisions": "",
        },
    )
    assert response.status_code == 302
    meeting = CoordinationMeeting.objects.get()
    assert (meeting.level, meeting.organisations) == ("national", "Social Welfare\nUNICEF")


def test_a_bad_correction_changes_nothing_and_says_why(client, world):
    client.force_login(world["me"])
    before = list(CoordinationMeeting.objects.values())
    response = client.post(
        urls(world)["meeting"],
        {"date": days_ago(-3).isoformat(), "level": "galactic", "title": "", "organisations": "", "topics": "x"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text and "This field is required" in response.text
    assert list(CoordinationMeeting.objects.values()) == before
    response = client.post(
        urls(world)["training"],
        {
            "date": days_ago(3).isoformat(),
            "audience": "caregivers",
            "topic": "Online safety",
            "participants_male": 0,
            "participants_female": 0,
        },
    )
    assert response.status_code == 200 and "Count the participants: at least one." in response.text
    assert TrainingEvent.objects.get().participants_female == 7
    response = client.post(urls(world)["follow_up"], {"date": days_ago(5).isoformat(), "still_there": "yes"})
    assert response.status_code == 200 and "Choose the monthly earnings band." in response.text
    assert PlacementFollowUp.objects.get(pk=world["job_follow_up"].pk).earnings == "lt10k"
    assert not ModelLogEntry.objects.filter(action__endswith="_update").exists()


def test_removing_a_training_asks_first_then_removes_it(client, world):
    client.force_login(world["me"])
    page = client.get(urls(world)["training_remove"]).text
    assert "Online safety" in page and "Confirm: remove" in page
    assert TrainingEvent.objects.exists()
    assert client.post(urls(world)["training_remove"]).status_code == 302
    assert not TrainingEvent.objects.exists()
    assert client.post(urls(world)["meeting_remove"]).status_code == 302
    assert not CoordinationMeeting.objects.exists()
    assert ModelLogEntry.objects.filter(action="lms.coordination.meeting_remove").count() == 1


def test_the_learner_record_shows_the_follow_ups_with_a_link_to_correct_them(client, world, users):
    record = reverse("learner_record", args=[world["learner"].code])
    client.force_login(world["me"])
    page = client.get(record).text
    assert urls(world)["follow_up"] in page and "Under 10,000 PKR a month" in page
    client.force_login(users["manager"])
    page = client.get(record).text
    assert "still there" in page and urls(world)["follow_up"] not in page
    response = client.post(
        urls(world)["follow_up"], {"date": days_ago(5).isoformat(), "still_there": "yes", "earnings": "gt30k"}
    )
    assert response.status_code == 404
    client.force_login(world["me"])
    response = client.post(
        urls(world)["follow_up"], {"date": days_ago(5).isoformat(), "still_there": "yes", "earnings": "gt30k"}
    )
    assert response.status_code == 302 and response.url.endswith("#outcomes")
    assert PlacementFollowUp.objects.get(pk=world["job_follow_up"].pk).earnings == "gt30k"


def test_removing_a_mistaken_placement_takes_its_follow_ups_along_kept_in_the_audit(world):
    from learners.services import outcome_remove

    placement = world["job_follow_up"].placement
    outcome_remove(record=placement, acting_user=world["me"])
    assert not PlacementFollowUp.objects.filter(pk=world["job_follow_up"].pk).exists()
    entry = ModelLogEntry.objects.get(action="lms.outcome.remove")
    assert entry.data["follow_ups"] == [
        {"point": 3, "date": days_ago(5).isoformat(), "still_there": True, "earnings": "lt10k"}
    ]
    assert PlacementFollowUp.objects.filter(pk=world["school_follow_up"].pk).exists()
