"""The database itself refuses impossible peer-educator and project rows, whatever code writes them."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from peer_educators.models import ActivityLog, ActivityPhoto, Observation, PeerEducator, Project, ProjectMember
from tests.factories import assign, consenting_learner, make_centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(users):
    """A centre, its facilitator, a learner, and an approved project with an activity logged."""
    facilitator = users["facilitator"]
    centre = make_centre("QTA")
    assign(facilitator, centre)
    learner = consenting_learner(centre=centre, first_name="Zarak", acting_user=facilitator, age=17)
    today = timezone.localdate()
    project = Project.objects.create(
        centre=centre,
        title="Clean tap",
        problem="Dirty water",
        goal="A clean tap",
        place="Bus stand",
        status=Project.Status.APPROVED,
        proposed_by=users["peer"],
        approved_by=facilitator,
        approved_on=today,
        created_on=today,
    )
    ProjectMember.objects.create(project=project, learner=learner)
    log = ActivityLog.objects.create(project=project, date=today, description="Talked", recorded_by=facilitator)
    return SimpleNamespace(user=facilitator, centre=centre, learner=learner, project=project, log=log, today=today)


def refused(create) -> None:
    """The database raises IntegrityError for the row, and the test's transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def project_row(base, **fields) -> Project:
    fields = {
        "centre": base.centre,
        "title": "Another",
        "problem": "p",
        "goal": "g",
        "place": "Bazaar",
        "proposed_by": base.user,
        "approved_by": base.user,
        "created_on": base.today,
        **fields,
    }
    return Project.objects.create(**fields)


def test_an_active_peer_educator_without_an_account_is_refused(base):
    refused(lambda: PeerEducator.objects.create(learner=base.learner, mentor=base.user, status="active"))
    assert not PeerEducator.objects.exists()
    PeerEducator.objects.create(learner=base.learner, mentor=base.user, status="nominated")  # the control


@pytest.mark.parametrize("rating", ["preparation", "participation", "child_safe", "key_messages"])
def test_an_observation_rating_of_5_or_0_is_refused(base, rating):
    peer = PeerEducator.objects.create(learner=base.learner, mentor=base.user)
    ratings = {"preparation": 3, "participation": 3, "child_safe": 3, "key_messages": 3}
    for bad in (5, 0):
        refused(
            lambda bad=bad: Observation.objects.create(
                peer_educator=peer,
                observed_on=base.today,
                observer=base.user,
                feedback="Good",
                **{**ratings, rating: bad},
            )
        )
    assert not Observation.objects.exists()
    Observation.objects.create(peer_educator=peer, observed_on=base.today, observer=base.user, feedback="Ok", **ratings)


def test_a_completed_project_without_its_reflection_is_refused(base):
    done = {"status": "completed", "completed_on": base.today}
    refused(lambda: project_row(base, **done))
    refused(lambda: project_row(base, **done, reflection_changed="The tap is clean"))
    refused(lambda: project_row(base, **done, reflection_learned="Plan ahead"))
    refused(lambda: project_row(base, status="completed", reflection_changed="a", reflection_learned="b"))
    project_row(base, **done, reflection_changed="The tap is clean", reflection_learned="Plan ahead")


def test_an_abandoned_project_without_a_reason_is_refused(base):
    refused(lambda: project_row(base, status="abandoned"))
    project_row(base, status="abandoned", abandoned_reason="The team moved away")


def test_a_project_past_proposal_without_an_approver_is_refused(base):
    refused(lambda: project_row(base, status="in_progress", approved_by=None))


def test_a_photo_without_the_no_child_identifiable_confirmation_is_refused(base):
    files = {"file": "activity-photos/a.jpg", "thumbnail": "activity-photos/b.jpg"}
    refused(lambda: ActivityPhoto.objects.create(log=base.log, **files, no_child_identifiable=False))
    assert not ActivityPhoto.objects.exists()
    ActivityPhoto.objects.create(log=base.log, **files, no_child_identifiable=True)


def test_the_same_learner_twice_on_a_team_is_refused(base):
    refused(lambda: ProjectMember.objects.create(project=base.project, learner=base.learner))
    assert base.project.team.count() == 1
