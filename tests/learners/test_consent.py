"""Nothing is recorded about a child until the guardian's consent and the child's assent are on file: every
service that records about a learner refuses one without them, names the learner and writes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners.models import (
    CentreTransfer,
    CommunityGroup,
    JobPlacement,
    Learner,
    SchoolEnrolment,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from learners.services import (
    community_group_create,
    learner_transfer,
    learner_update,
    placement_record,
    require_consent,
    school_enrolment_record,
    service_record,
    training_enrol,
    training_update,
)
from peer_educators.models import Project
from peer_educators.services import project_propose
from tests.factories import (
    centre_with_staff,
    consenting_learner,
    days_ago,
    learner_without_consent,
    make_centre,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    """QTA, where the facilitator works: Asad (consent and assent on file) and Zahid (neither)."""
    me = users["facilitator"]
    centre = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    return {
        "me": me,
        "centre": centre,
        "asad": consenting_learner(centre=centre, first_name="Asad", acting_user=me),
        "zahid": learner_without_consent(centre=centre, first_name="Zahid", acting_user=me),
        "trade": Trade.objects.get_or_create(name="Tailoring")[0],
    }


# Each service that records about one learner, with what it writes.
RECORDINGS = {
    "service": (
        ServiceRecord,
        lambda w, learner: service_record(learner=learner, kind="medical", date=days_ago(3), acting_user=w["me"]),
    ),
    "training": (
        TrainingEnrolment,
        lambda w, learner: training_enrol(
            learner=learner, trade=w["trade"], enrolled_on=days_ago(3), acting_user=w["me"]
        ),
    ),
    "placement": (
        JobPlacement,
        lambda w, learner: placement_record(
            learner=learner, placed_on=days_ago(3), kind="employment", trade=w["trade"], acting_user=w["me"]
        ),
    ),
    "school": (
        SchoolEnrolment,
        lambda w, learner: school_enrolment_record(
            learner=learner, enrolled_on=days_ago(3), grade="Class 3", acting_user=w["me"]
        ),
    ),
}


def audit_count() -> int:
    return ModelLogEntry.objects.count()


@pytest.mark.parametrize("kind", RECORDINGS)
def test_nothing_is_recorded_about_a_learner_without_consent(world, kind):
    model, record = RECORDINGS[kind]
    before = audit_count()
    with pytest.raises(ValidationError) as refused:
        record(world, world["zahid"])
    assert refused.value.messages == [
        f"No consent on file for {world['zahid'].code}: record the guardian's consent and the child's assent first."
    ]
    assert not model.objects.exists()
    assert audit_count() == before


@pytest.mark.parametrize("kind", RECORDINGS)
def test_the_same_record_is_written_once_consent_and_assent_are_on_file(world, kind):
    model, record = RECORDINGS[kind]
    record(world, world["asad"])
    assert model.objects.filter(learner=world["asad"]).count() == 1


def test_a_withdrawn_consent_stops_a_training_being_completed(world):
    training = training_enrol(
        learner=world["asad"], trade=world["trade"], enrolled_on=days_ago(9), acting_user=world["me"]
    )
    learner_update(learner=world["asad"], guardian_consent_on=None, acting_user=world["me"])
    with pytest.raises(ValidationError, match="No consent on file for QTA-0001"):
        training_update(training=training, completed_on=days_ago(1), acting_user=world["me"])
    training.refresh_from_db()
    assert training.completed_on is None


def test_a_child_association_cannot_list_a_learner_without_consent(world):
    with pytest.raises(ValidationError, match=f"No consent on file for {world['zahid'].code}"):
        community_group_create(
            centre=world["centre"],
            kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
            name="Young voices",
            learner_members=[world["asad"], world["zahid"]],
            acting_user=world["me"],
        )
    assert not CommunityGroup.objects.exists()


def test_the_child_association_form_offers_only_learners_with_consent(client, world):
    client.force_login(world["me"])
    html = client.get(reverse("community_group_create")).text
    assert "Asad" in html
    assert "Zahid" not in html


def test_a_project_team_cannot_include_a_learner_without_consent(world):
    with pytest.raises(ValidationError, match=f"No consent on file for {world['zahid'].code}"):
        project_propose(
            centre=world["centre"],
            title="Clean water point",
            problem="No clean water",
            goal="A water point",
            place="Sariab",
            team=[world["asad"], world["zahid"]],
            acting_user=world["me"],
        )
    assert not Project.objects.exists()


def test_a_move_to_another_centre_is_administrative_and_needs_no_consent(world):
    other = make_centre("KCH", name="Kuchlak CFS")
    learner_transfer(learner=world["zahid"], to_centre=other, moved_on=days_ago(1), acting_user=world["me"])
    assert CentreTransfer.objects.filter(learner=world["zahid"]).exists()
    assert Learner.objects.get(pk=world["zahid"].pk).centre == other


def test_the_refusal_names_every_learner_without_consent_once(world):
    second = learner_without_consent(centre=world["centre"], first_name="Yasin", acting_user=world["me"])
    with pytest.raises(ValidationError) as refused:
        require_consent([second, world["asad"], world["zahid"], second])
    assert refused.value.messages == [
        f"No consent on file for {world['zahid'].code}, {second.code}: record the guardian's consent and the "
        "children's assent first."
    ]


def test_the_learner_record_offers_no_services_or_outcomes_before_consent(client, world):
    client.force_login(world["me"])
    without = client.get(reverse("learner_record", args=[world["zahid"].code])).text
    with_consent = client.get(reverse("learner_record", args=[world["asad"].code])).text
    assert reverse("service_add", args=[world["asad"].code]) in with_consent
    assert reverse("service_add", args=[world["zahid"].code]) not in without
    assert "Nothing is recorded about this learner until" in without
