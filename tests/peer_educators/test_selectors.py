"""Peer-educator and project selectors behind the pages, called directly: the peer list, a peer educator's
record, the groups on their home page, their feedback, who may join a project team, and the project list."""

import pytest

from courses import services as delivery
from learners.models import Group, Learner
from learners.services import membership_end
from lms import roles
from peer_educators import selectors, services
from peer_educators.models import ActivityLog, Observation, PeerEducator, Project, ProjectMember
from tests import factories
from tests.factories import UserFactory, days_ago

pytestmark = pytest.mark.django_db

RATINGS = {"preparation": 3, "participation": 3, "child_safe": 4, "key_messages": 2}


def make_peer(*, centre, facilitator, first_name: str, username: str | None) -> PeerEducator:
    """A peer educator of the centre (active with an account, or nominated without one), built directly."""
    learner = factories.consenting_learner(centre=centre, first_name=first_name, acting_user=facilitator, age=17)
    if username is None:
        return PeerEducator.objects.create(
            learner=learner, mentor=facilitator, status=PeerEducator.Status.NOMINATED, endorsed_by=facilitator
        )
    user = UserFactory(username=username, first_name=first_name, role=roles.PEER_EDUCATORS)
    return PeerEducator.objects.create(
        learner=learner, user=user, mentor=facilitator, status=PeerEducator.Status.ACTIVE, endorsed_by=facilitator
    )


@pytest.fixture
def world(users, curriculum):
    """QTA: Zarak leads "Peer group" (Ali, Bilal; Daud left) and ran a session; Yusuf is active, leads nothing;
    Nadia is only nominated. KCH (another centre) has Omar."""
    me = users["facilitator"]
    home = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = factories.centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[me])
    zarak = make_peer(centre=home, facilitator=me, first_name="Zarak", username="zarak")
    yusuf = make_peer(centre=home, facilitator=me, first_name="Yusuf", username="yusuf")
    nadia = make_peer(centre=home, facilitator=me, first_name="Nadia", username=None)
    omar = make_peer(centre=away, facilitator=me, first_name="Omar", username="omar")
    built = factories.group_with_members(
        centre=home,
        name="Peer group",
        facilitator=me,
        modules=[factories.not_sensitive(curriculum["module"])],
        first_names=["Ali", "Bilal", "Daud"],
        acting_user=me,
    )
    services.peer_group_assign(group=built["group"], peer=zarak, acting_user=me)
    lesson, second = curriculum["lessons"]
    held = factories.held_session(group=built["group"], lesson=lesson, day=days_ago(5), acting_user=zarak.user)
    membership_end(membership=built["memberships"][2], left_on=days_ago(2), acting_user=me)
    return {
        "me": me,
        "home": home,
        "away": away,
        "zarak": zarak,
        "yusuf": yusuf,
        "nadia": nadia,
        "omar": omar,
        "group": built["group"],
        "ali": built["learners"][0],
        "bilal": built["learners"][1],
        "daud": built["learners"][2],
        "lesson": lesson,
        "second": second,
        "held": held,
    }


def observe(world, peer, days: int, feedback: str) -> Observation:
    """An observation of the peer educator `days` ago, recorded through the service."""
    return services.observation_record(
        peer=peer, observed_on=days_ago(days), ratings=RATINGS, feedback=feedback, acting_user=world["me"]
    )


def test_the_peer_list_gives_each_peer_educator_sessions_run_groups_led_and_observations(world):
    observe(world, world["zarak"], 1, "Good start.")
    rows = selectors.peer_list_rows(PeerEducator.objects.all())
    # Kuchlak CFS before Quetta drop-in, then by learner code.
    assert [row["peer"] for row in rows][0] == world["omar"]
    by_peer = {row["peer"]: row for row in rows}
    assert by_peer[world["zarak"]]["sessions_run"] == 1
    assert by_peer[world["zarak"]]["groups"] == [world["group"]]
    assert by_peer[world["zarak"]]["peer"].observation_count == 1
    assert by_peer[world["yusuf"]]["sessions_run"] == 0 and by_peer[world["yusuf"]]["groups"] == []
    assert by_peer[world["nadia"]]["groups"] == []


def test_the_peer_list_reads_only_the_peer_educators_it_is_given(world):
    rows = selectors.peer_list_rows(PeerEducator.objects.filter(learner__centre=world["away"]))
    assert [row["peer"] for row in rows] == [world["omar"]]


def test_a_peer_educators_record_shows_their_latest_held_sessions_and_how_many_in_all(world):
    later = factories.held_session(
        group=world["group"], lesson=world["second"], day=days_ago(1), acting_user=world["zarak"].user
    )
    observe(world, world["zarak"], 3, "Watch the time.")
    record = selectors.peer_record(world["zarak"], sessions_shown=1)
    assert record.sessions == [later]
    assert record.sessions[0].present == 2  # Ali and Bilal: Daud had left
    assert record.sessions_count == 2
    assert record.groups == [world["group"]]
    assert [o.feedback for o in record.observations] == ["Watch the time."]


def test_a_nominated_peer_without_an_account_has_no_groups_or_sessions(world):
    record = selectors.peer_record(world["nadia"], sessions_shown=10)
    assert (record.groups, record.sessions, record.sessions_count) == ([], [], 0)


def test_group_cards_show_todays_members_and_the_next_recent_and_unrecorded_sessions(world):
    today = days_ago(0)
    group = world["group"]
    missed = delivery.session_plan(group=group, lesson=world["second"], date=days_ago(3), acting_user=world["me"])
    upcoming = delivery.session_plan(group=group, lesson=world["second"], date=days_ago(-2), acting_user=world["me"])
    delivery.session_plan(group=group, lesson=world["lesson"], date=days_ago(-9), acting_user=world["me"])
    cards = selectors.group_cards(
        Group.objects.filter(peer_leader=world["zarak"].user), today, recent_days=14, recent_shown=3
    )
    [card] = cards
    assert card.members == [world["ali"], world["bilal"]]  # Daud left two days ago
    assert card.next_session == upcoming
    assert card.to_record == [missed]
    assert card.recent == [world["held"]]
    assert "birth_year" in card.members[0].get_deferred_fields()  # code and first name only


def test_a_peer_educators_feedback_is_theirs_only_newest_first(world):
    observe(world, world["zarak"], 10, "First visit.")
    observe(world, world["zarak"], 2, "Second visit.")
    observe(world, world["yusuf"], 1, "Someone else's.")
    feedback = [o.feedback for o in selectors.observations_of_peer(world["zarak"].user)]
    assert feedback == ["Second visit.", "First visit."]


def test_team_candidates_are_active_peer_educators_and_consenting_active_learners_of_the_centre(world):
    no_consent = factories.learner_without_consent(centre=world["home"], first_name="Gul", acting_user=world["me"])
    Learner.objects.filter(pk=world["bilal"].pk).update(status=Learner.Status.DROPPED_OUT)
    candidates = list(selectors.team_candidates(world["home"]))
    assert world["zarak"].learner in candidates and world["ali"] in candidates
    assert no_consent not in candidates and world["bilal"] not in candidates
    assert world["omar"].learner not in candidates  # another centre
    assert candidates == sorted(candidates, key=lambda learner: learner.code)


def test_a_peer_educator_proposing_sees_themselves_and_their_groups_current_members(world):
    candidates = set(selectors.team_candidates(world["home"], peer_user=world["zarak"].user))
    assert candidates == {world["zarak"].learner, world["ali"], world["bilal"]}  # not Daud (left), not Yusuf


def project(world, title: str, days: int, *, team=(), reach=()) -> Project:
    """A project at QTA proposed `days` ago, with its team and one activity log entry per reach."""
    made = Project.objects.create(
        centre=world["home"],
        title=title,
        problem="Litter",
        goal="A clean street",
        place="Main bazaar",
        proposed_by=world["me"],
        created_on=days_ago(days),
        status=Project.Status.IN_PROGRESS,
        approved_by=world["me"],
        approved_on=days_ago(days),
        started_on=days_ago(days),
    )
    for learner in team:
        ProjectMember.objects.create(project=made, learner=learner)
    for children, parents in reach:
        ActivityLog.objects.create(
            project=made,
            date=days_ago(1),
            description="Cleaning",
            children_male=children,
            parents_female=parents,
            recorded_by=world["me"],
        )
    return made


def test_the_project_list_is_newest_first_with_team_size_and_people_reached(world):
    old = project(world, "Old", 30, team=[world["ali"]], reach=[(3, 2), (1, 0)])
    new = project(world, "New", 3, team=[world["ali"], world["bilal"]])
    listed = list(selectors.projects_listed(Project.objects.all()))
    assert listed == [new, old]
    assert [p.team_size for p in listed] == [2, 1]
    rows = selectors.project_rows(listed)
    assert [(row["project"], row["reached"]) for row in rows] == [(new, 0), (old, 6)]
    assert list(selectors.projects_listed(Project.objects.filter(pk=old.pk))) == [old]


def test_a_projects_team_is_by_code_and_its_log_comes_with_photos(world):
    made = project(world, "Street", 3, team=[world["bilal"], world["ali"]], reach=[(2, 2)])
    assert [m.learner for m in selectors.project_team(made)] == sorted(
        [world["ali"], world["bilal"]], key=lambda learner: learner.code
    )
    [log] = selectors.project_logs(made)
    assert log.people_reached == 4
    assert list(log.photos.all()) == []
