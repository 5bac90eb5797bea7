"""The world the bad-input tests post into: one centre with its facilitator, a group of two members following
a module with a quiz, a session held yesterday with both members' quiz results, a PCC, a sensitisation event
and a proposed project; a programme manager reads the reports. Built through the services users call."""

from courses.services import quiz_results_record
from learners.models import CommunityGroup
from learners.services import community_group_create, sensitisation_event_record
from peer_educators.services import project_propose
from tests import factories

HUGE_IDS = [str(2**63), str(2**63 - 1), "9" * 30, str(2**31), "0", "-1", "1.5", "1e3", "abc"]


def build(users: dict, curriculum: dict) -> dict:
    """The centre, group, session with scores, community records and project described above."""
    facilitator = users["facilitator"]
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    built = factories.group_with_members(
        centre=centre,
        name="Morning group",
        facilitator=facilitator,
        modules=[curriculum["module"]],
        first_names=["Aimal", "Ayaz"],
        acting_user=facilitator,
    )
    session = factories.held_session(
        group=built["group"], lesson=curriculum["lessons"][0], day=factories.days_ago(1), acting_user=facilitator
    )
    first, second = built["learners"]
    quiz_results_record(
        session=session,
        scores={first.pk: {"pre": 0, "post": 1}, second.pk: {"pre": 1, "post": 1}},
        acting_user=facilitator,
    )
    pcc = community_group_create(
        centre=centre, kind=CommunityGroup.Kind.PCC, name="Mothers' committee", acting_user=facilitator
    )
    event = sensitisation_event_record(
        centre=centre,
        date=factories.days_ago(5),
        audience="parents",
        participants_male=10,
        participants_female=12,
        topics="Child rights",
        acting_user=facilitator,
    ).record
    project = project_propose(
        centre=centre,
        title="Safe playground",
        problem="No safe place to play",
        goal="A cleaned-up playground",
        place="Near the market",
        team=[first],
        planned=[],
        acting_user=facilitator,
    )
    return {
        "users": users,
        "centre": centre,
        "group": built["group"],
        "learners": built["learners"],
        "session": session,
        "lesson": curriculum["lessons"][0],
        "module": curriculum["module"],
        "pcc": pcc,
        "event": event,
        "project": project,
    }
