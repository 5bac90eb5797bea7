"""Learner selectors, called directly: a group's current members, who may still join it, a learner's current
groups, and the community list with its activity."""

import datetime

import pytest

from learners import selectors
from learners.models import CommunityGroup, Group, Learner, SensitisationEvent
from learners.services import (
    community_group_create,
    community_meeting_record,
    membership_end,
    sensitisation_event_record,
)
from tests.factories import add_members, centre_with_staff, days_ago, make_group, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    """Two centres. At QTA the Tigers have Zara and Asad (current) and Bilal (left 5 days ago); the Lions
    have Bilal; Chand is an active learner in no group and Dur has dropped out. KCH has Eman."""
    me = users["facilitator"]
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[me])
    zara, asad, bilal, chand, dur = (
        make_learner(home, me, first_name=name) for name in ("Zara", "Asad", "Bilal", "Chand", "Dur")
    )
    Learner.objects.filter(pk=dur.pk).update(status=Learner.Status.DROPPED_OUT)
    eman = make_learner(away, me, first_name="Eman")
    tigers = make_group(home, me, name="Tigers")
    lions = make_group(home, me, name="Lions")
    far = make_group(away, me, name="Far")
    _zara, _asad, bilal_tigers = add_members(tigers, [zara, asad, bilal], joined_on=days_ago(60), acting_user=me)
    membership_end(membership=bilal_tigers, left_on=days_ago(5), acting_user=me)
    add_members(lions, [bilal], joined_on=days_ago(4), acting_user=me)
    add_members(far, [eman], acting_user=me)
    return {
        "me": me,
        "home": home,
        "away": away,
        "tigers": tigers,
        "lions": lions,
        "far": far,
        **{learner.first_name.lower(): learner for learner in (zara, asad, bilal, chand, dur, eman)},
    }


def test_current_members_are_the_groups_open_memberships_by_code(world):
    members = [m.learner for m in selectors.current_members(world["tigers"])]
    assert members == sorted([world["zara"], world["asad"]], key=lambda learner: learner.code)
    assert world["bilal"] not in members  # left the group
    assert [m.learner for m in selectors.current_members(world["lions"])] == [world["bilal"]]


def test_candidates_are_active_learners_of_the_centre_not_already_members(world):
    candidates = set(selectors.membership_candidates(world["tigers"]))
    # Bilal left the Tigers, so he may join again; Dur dropped out; Eman is at another centre.
    assert candidates == {world["bilal"], world["chand"]}


def test_a_learners_current_groups_leave_out_groups_they_left_and_groups_not_offered(world):
    home_groups = Group.objects.filter(centre=world["home"])
    assert list(selectors.current_groups_of(world["bilal"], home_groups)) == [world["lions"]]
    assert list(selectors.current_groups_of(world["zara"], home_groups)) == [world["tigers"]]
    only_lions = Group.objects.filter(pk=world["lions"].pk)
    assert list(selectors.current_groups_of(world["zara"], only_lions)) == []


def test_a_year_before_the_29th_of_february_is_the_28th():
    assert selectors.year_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)
    assert selectors.year_before(datetime.date(2026, 3, 31)) == datetime.date(2025, 3, 31)


def community_group(world, *, centre="home", kind=CommunityGroup.Kind.PCC, name, formed_days_ago=800, **fields):
    """A community group recorded through the service."""
    return community_group_create(
        centre=world[centre],
        kind=kind,
        name=name,
        formed_on=days_ago(formed_days_ago),
        acting_user=world["me"],
        **fields,
    )


def meet(world, group, days: int):
    """A meeting of the group `days` ago, recorded through the service."""
    community_meeting_record(group=group, date=days_ago(days), topics="Safety", attendance=5, acting_user=world["me"])


def test_the_community_list_orders_groups_by_centre_kind_and_name_with_last_years_meetings(world):
    parents = community_group(world, name="Parents")
    elders = community_group(world, name="Elders")
    voices = community_group(world, kind=CommunityGroup.Kind.CHILD_ASSOCIATION, name="Voices")
    kuchlak = community_group(world, centre="away", name="Aunts")
    for days in (400, 100, 10):
        meet(world, parents, days)
    groups = list(selectors.community_groups_with_activity(CommunityGroup.objects.all(), today=days_ago(0)))
    # Kuchlak CFS before Quetta drop-in; at Quetta, associations ("child_association") before PCCs.
    assert groups == [kuchlak, voices, elders, parents]
    assert groups[3].last_meeting == days_ago(10)
    assert groups[3].meetings_last_year == 2  # the meeting 400 days ago is more than a year old
    assert groups[2].last_meeting is None and groups[2].meetings_last_year == 0


def test_the_community_list_reads_only_the_groups_it_is_given(world):
    community_group(world, name="Parents")
    away = community_group(world, centre="away", name="Aunts")
    scoped = CommunityGroup.objects.filter(centre=world["away"])
    assert list(selectors.community_groups_with_activity(scoped, today=days_ago(0))) == [away]


def test_latest_events_are_newest_first_with_the_total(world):
    for days in (30, 3, 10):
        sensitisation_event_record(
            centre=world["home"],
            date=days_ago(days),
            audience="elders",
            participants_male=3,
            participants_female=2,
            topics="Child rights",
            acting_user=world["me"],
        )
    latest, total = selectors.latest_events(SensitisationEvent.objects.all(), limit=2)
    assert [event.date for event in latest] == [days_ago(3), days_ago(10)]
    assert total == 3
    latest, total = selectors.latest_events(SensitisationEvent.objects.all(), limit=5)
    assert len(latest) == 3 and total == 3


def test_a_child_associations_learners_are_listed_by_code(world):
    voices = community_group(
        world,
        kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
        name="Voices",
        learner_members=[world["zara"], world["asad"]],
    )
    assert list(selectors.community_group_learners(voices)) == sorted(
        [world["zara"], world["asad"]], key=lambda learner: learner.code
    )
