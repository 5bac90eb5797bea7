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
