"""lms.access, called directly: who may read and who may change which centres' records."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from courses import services as delivery
from lms import access, roles
from tests import factories

pytestmark = pytest.mark.django_db

SCOPES = {
    "centres": (access.centres_visible_to, access.centres_managed_by),
    "learners": (access.learners_visible_to, access.learners_managed_by),
    "groups": (access.groups_visible_to, access.groups_managed_by),
    "sessions": (access.sessions_visible_to, access.sessions_managed_by),
}


@pytest.fixture
def world(users, curriculum):
    """Two centres, each with a group of two learners and a planned session; the facilitator works at A."""
    facilitator_b = factories.UserFactory(username="facilitator_b", role=roles.FACILITATORS)
    admin = users["admin"]
    centres = {
        "A": factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[users["facilitator"]]),
        "B": factories.centre_with_staff(name="Pishin CFS", code="PSN", staff=[facilitator_b]),
    }
    records = {}
    for key, centre in centres.items():
        built = factories.group_with_members(
            centre=centre,
            name=f"Group {key}",
            facilitator=users["facilitator"] if key == "A" else facilitator_b,
            modules=[curriculum["module"]],
            first_names=[f"Asad {key}", f"Bilal {key}"],
            acting_user=admin,
        )
        session = delivery.session_plan(
            group=built["group"], lesson=curriculum["lessons"][0], date=timezone.localdate(), acting_user=admin
        )
        records[key] = {
            "centres": {centre},
            "learners": set(built["learners"]),
            "groups": {built["group"]},
            "sessions": {session},
        }
    return {"users": {**users, "facilitator_b": facilitator_b}, "records": records, "centres": centres}


def reads(user) -> dict[str, set]:
    """What the user may read, per kind of record."""
    return {kind: set(visible(user)) for kind, (visible, _) in SCOPES.items()}


def changes(user) -> dict[str, set]:
    """What the user may change, per kind of record."""
    return {kind: set(managed(user)) for kind, (_, managed) in SCOPES.items()}


def records_of(world, *centres: str) -> dict[str, set]:
    """Every record of the named centres, per kind."""
    return {kind: set().union(*(world["records"][key][kind] for key in centres)) for kind in SCOPES}


def test_facilitator_reads_and_changes_only_their_own_centres_records(world):
    facilitator = world["users"]["facilitator"]
    assert reads(facilitator) == records_of(world, "A")
    assert changes(facilitator) == records_of(world, "A")
    assert reads(world["users"]["facilitator_b"]) == records_of(world, "B")


def test_facilitator_at_two_centres_reads_and_changes_both(world):
    facilitator = world["users"]["facilitator"]
    world["centres"]["B"].staff_assignments.create(user=facilitator)
    assert reads(facilitator) == records_of(world, "A", "B")
    assert changes(facilitator) == records_of(world, "A", "B")


def test_facilitator_assigned_nowhere_sees_nothing(world):
    unassigned = factories.UserFactory(username="new_facilitator", role=roles.FACILITATORS)
    assert reads(unassigned) == records_of(world)
    assert changes(unassigned) == records_of(world)


def test_facilitator_removed_from_a_centre_loses_it_at_once(world):
    facilitator = world["users"]["facilitator"]
    facilitator.centre_assignments.all().delete()
    assert reads(facilitator) == records_of(world)
    assert changes(facilitator) == records_of(world)


def test_programme_manager_reads_every_centre_but_changes_none(world):
    manager = world["users"]["manager"]
    assert reads(manager) == records_of(world, "A", "B")
    assert changes(manager) == records_of(world)


def test_programme_manager_assigned_to_a_centre_still_changes_nothing(world):
    manager = world["users"]["manager"]
    world["centres"]["A"].staff_assignments.create(user=manager)
    assert changes(manager) == records_of(world)


def test_administrator_reads_and_changes_every_centre(world):
    admin = world["users"]["admin"]
    assert reads(admin) == records_of(world, "A", "B")
    assert changes(admin) == records_of(world, "A", "B")


@pytest.mark.parametrize("role", ["editor", "reviewer", "peer", "nobody"])
def test_content_staff_peer_educators_and_users_without_a_role_see_no_records(world, role):
    user = world["users"][role]
    assert reads(user) == records_of(world)
    assert changes(user) == records_of(world)


def test_peer_educator_assigned_to_a_centre_still_sees_no_records(world):
    peer = world["users"]["peer"]
    world["centres"]["A"].staff_assignments.create(user=peer)
    assert reads(peer) == records_of(world)
    assert changes(peer) == records_of(world)


@pytest.mark.parametrize("role", ["facilitator", "manager", "admin"])
def test_deactivated_user_sees_nothing(world, role):
    user = world["users"][role]
    user.is_active = False
    user.save()
    assert reads(user) == records_of(world)
    assert changes(user) == records_of(world)
    assert not access.uses_records(user)
    assert not access.can_see_facilitator_content(user)


def test_anonymous_visitor_sees_nothing(world):
    assert reads(AnonymousUser()) == records_of(world)
    assert changes(AnonymousUser()) == records_of(world)
    assert not access.uses_records(AnonymousUser())


def test_only_facilitators_managers_and_administrators_use_records(world):
    users = world["users"]
    assert {name for name, user in users.items() if access.uses_records(user)} == {
        "facilitator",
        "facilitator_b",
        "manager",
        "admin",
    }
    assert {name for name, user in users.items() if access.reads_all_centres(user)} == {"manager", "admin"}


def test_an_outside_id_or_code_matches_nothing_in_a_facilitators_scope(world):
    """Views narrow these querysets by id or code (get_object_or_404), so an outside object is not found."""
    facilitator = world["users"]["facilitator"]
    (outside_session,) = world["records"]["B"]["sessions"]
    (outside_group,) = world["records"]["B"]["groups"]
    assert not access.sessions_managed_by(facilitator).filter(pk=outside_session.pk).exists()
    assert not access.groups_visible_to(facilitator).filter(pk=outside_group.pk).exists()
    outside_codes = [learner.code for learner in world["records"]["B"]["learners"]]
    assert not access.learners_visible_to(facilitator).filter(code__in=outside_codes).exists()


def test_role_names_are_read_once_per_user_object(world, django_assert_num_queries):
    facilitator = world["users"]["facilitator"]
    with django_assert_num_queries(1):
        access.role_names(facilitator)
        access.uses_records(facilitator)
        access.reads_all_centres(facilitator)
        access.can_see_facilitator_content(facilitator)


# Peer educators: the groups they lead, those groups' sessions, and the projects they are on; nothing else.


@pytest.fixture
def peer_world(world, users):
    """World plus: Zarak, trained and promoted at A, leading Group A; another group at A with a session; a
    project at A with Zarak on the team, one at A without him, and one at B."""
    from peer_educators import services as pathway

    facilitator, admin = users["facilitator"], users["admin"]
    module, lessons = factories.topic_module(
        "Peer educator training",
        ["Leading a group"],
        topic="peer-education",
        editor=users["editor"],
        reviewer=users["reviewer"],
    )
    peer, _password = factories.promoted_peer(
        centre=world["centres"]["A"], facilitator=facilitator, module=module, lessons=lessons
    )
    (group_a,) = world["records"]["A"]["groups"]
    pathway.peer_group_assign(group=group_a, peer=peer, acting_user=facilitator)
    other = factories.make_group(world["centres"]["A"], facilitator, [module], name="Not led by a peer")
    other_session = delivery.session_plan(group=other, lesson=lessons[0], date=timezone.localdate(), acting_user=admin)

    def project(key, team, user):
        return pathway.project_propose(
            centre=world["centres"][key],
            title=f"Project {key} {len(team)}",
            problem="Litter",
            goal="Clean",
            place="Bazaar",
            team=team,
            acting_user=user,
        )

    learners_a = sorted(world["records"]["A"]["learners"], key=lambda x: x.code)
    (learner_b, *_rest) = world["records"]["B"]["learners"]
    projects = {
        "theirs": project("A", [peer.learner, learners_a[0]], peer.user),
        "not_theirs": project("A", learners_a, facilitator),
        "other_centre": project("B", [learner_b], admin),
    }
    return {"peer": peer, "group": group_a, "other_session": other_session, "projects": projects}


def fresh(user):
    """The user as the next request loads them (nothing cached)."""
    from django.contrib.auth.models import User

    return User.objects.get(pk=user.pk)


def test_active_peer_educator_sees_exactly_the_groups_they_lead_and_their_sessions(world, peer_world):
    user = fresh(peer_world["peer"].user)
    assert access.is_active_peer_educator(user)
    assert set(access.groups_visible_to(user)) == world["records"]["A"]["groups"]
    assert set(access.groups_led_by_peer(user)) == {peer_world["group"]}
    assert set(access.sessions_visible_to(user)) == world["records"]["A"]["sessions"]


def test_active_peer_educator_runs_only_their_groups_sessions(world, peer_world):
    user = fresh(peer_world["peer"].user)
    assert set(access.sessions_runnable_by(user)) == world["records"]["A"]["sessions"]
    (own,) = world["records"]["A"]["sessions"]
    (outside,) = world["records"]["B"]["sessions"]
    assert access.can_run_session(user, own)
    assert not access.can_run_session(user, peer_world["other_session"])
    assert not access.can_run_session(user, outside)


def test_active_peer_educator_sees_no_centres_learner_lists_or_pathway_and_changes_no_records(world, peer_world):
    user = fresh(peer_world["peer"].user)
    assert reads(user) == {
        "centres": set(),
        "learners": set(),
        **{k: world["records"]["A"][k] for k in ("groups", "sessions")},
    }
    assert changes(user) == records_of(world)
    assert not access.uses_records(user)
    assert not access.manages_any_centre(user)
    assert not access.can_manage_centre(user, world["centres"]["A"].pk)
    assert not access.peer_educators_visible_to(user).exists()
    assert not access.peer_educators_managed_by(user).exists()


def test_active_peer_educator_sees_and_works_on_only_the_projects_they_are_on(peer_world):
    user = fresh(peer_world["peer"].user)
    theirs = {peer_world["projects"]["theirs"]}
    assert set(access.projects_visible_to(user)) == theirs
    assert set(access.projects_worked_on_by(user)) == theirs
    assert not access.projects_managed_by(user).exists()


def test_a_group_that_no_longer_meets_leaves_the_peer_educators_scope(world, peer_world):
    group = peer_world["group"]
    group.is_active = False
    group.save()
    user = fresh(peer_world["peer"].user)
    assert not access.groups_visible_to(user).exists()
    assert not access.sessions_runnable_by(user).exists()


@pytest.mark.parametrize(("status", "note"), [("paused", "Exams this month"), ("stepped_down", "Moved away")])
def test_paused_or_stepped_down_peer_educator_sees_nothing(world, users, peer_world, status, note):
    from peer_educators import services as pathway

    pathway.peer_educator_set_status(
        peer=peer_world["peer"], status=status, note=note, acting_user=users["facilitator"]
    )
    user = fresh(peer_world["peer"].user)
    assert not access.is_active_peer_educator(user)
    assert reads(user) == records_of(world)
    assert changes(user) == records_of(world)
    assert not access.sessions_runnable_by(user).exists()
    assert not access.projects_visible_to(user).exists()
    assert not access.projects_worked_on_by(user).exists()


def test_facilitators_see_their_centres_projects_and_peer_educators_managers_read_all(world, users, peer_world):
    projects, peer = peer_world["projects"], peer_world["peer"]
    facilitator, manager = users["facilitator"], users["manager"]
    at_a = {projects["theirs"], projects["not_theirs"]}
    assert set(access.projects_visible_to(facilitator)) == at_a
    assert set(access.projects_managed_by(facilitator)) == at_a
    assert set(access.projects_worked_on_by(facilitator)) == at_a
    assert set(access.peer_educators_managed_by(facilitator)) == {peer}
    assert not access.peer_educators_visible_to(world["users"]["facilitator_b"]).exists()
    assert not access.projects_visible_to(world["users"]["facilitator_b"]).filter(pk__in=[p.pk for p in at_a]).exists()
    assert set(access.projects_visible_to(manager)) == set(projects.values())
    assert set(access.peer_educators_visible_to(manager)) == {peer}
    assert not access.projects_managed_by(manager).exists()
    assert not access.projects_worked_on_by(manager).exists()
    assert not access.peer_educators_managed_by(manager).exists()
    assert set(access.sessions_runnable_by(facilitator)) == set(access.sessions_managed_by(facilitator))
