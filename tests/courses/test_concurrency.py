"""Two facilitators submitting at the same moment: no row is lost or duplicated (PostgreSQL only).

Each thread has its own database connection, so the two calls really run side by side; SQLite
serialises every write, so there is nothing to race there.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections  # noqa: F401 (connection: read by the skip condition at run time)
from wagtail.models import ModelLogEntry

from courses.models import Attendance, LessonProgress
from courses.services import session_plan, session_record
from learners.models import Membership
from learners.services import membership_add
from lms import roles
from tests.factories import UserFactory, add_members, assign, days_ago, make_centre, make_group, make_learner

pytestmark = [
    pytest.mark.skipif('connection.vendor != "postgresql"', reason="needs PostgreSQL: SQLite serialises writes"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRESENT, ABSENT = Attendance.Status.PRESENT, Attendance.Status.ABSENT


def at_once(*calls):
    """Run the calls in threads released together; return ("ok", result) or ("error", exception) for each."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except Exception as error:  # reported to the test, which decides whether it is clean
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission never finished (deadlock?)"
    return outcomes


def assert_clean(outcomes):
    """At least one call succeeded; any that failed did so with a message for the user, not a crash."""
    assert any(kind == "ok" for kind, _ in outcomes), outcomes
    for kind, value in outcomes:
        assert kind == "ok" or isinstance(value, ValidationError), value


@pytest.fixture
def centre_world(users, curriculum):
    """Two facilitators of the same centre and a group of six learners following "Staying safe"."""
    first = users["facilitator"]
    second = UserFactory(username="facilitator-two", role=roles.FACILITATORS)
    centre = make_centre("QTA")
    assign(first, centre)
    assign(second, centre)
    group = make_group(centre, first, [curriculum["module"]], name="Tigers")
    learners = [make_learner(centre, first, first_name=f"Learner {i}") for i in range(6)]
    add_members(group, learners, joined_on=days_ago(60), acting_user=first)
    return {"facilitators": (first, second), "centre": centre, "group": group, "learners": learners, **curriculum}


def test_two_facilitators_recording_the_same_session_at_once_lose_and_duplicate_nothing(centre_world):
    first, second = centre_world["facilitators"]
    learners = centre_world["learners"]
    everyone_present = {learner.pk: PRESENT for learner in learners}
    two_absent = {**everyone_present, learners[1].pk: ABSENT, learners[4].pk: ABSENT}
    for round_number, lesson in enumerate(centre_world["lessons"] * 2):
        session = session_plan(
            group=centre_world["group"], lesson=lesson, date=days_ago(7 + round_number), acting_user=first
        )

        outcomes = at_once(
            lambda s=session: session_record(
                session=s, attendance=everyone_present, delivered_by=first, acting_user=first
            ),
            lambda s=session: session_record(session=s, attendance=two_absent, delivered_by=second, acting_user=second),
        )

        assert_clean(outcomes)
        rows = list(Attendance.objects.filter(session=session).values_list("learner_id", "status"))
        assert sorted(learner_id for learner_id, _ in rows) == sorted(learner.pk for learner in learners)
        final = dict(rows)
        assert final in (everyone_present, two_absent)
        session.refresh_from_db()
        assert session.status == "held"
        assert session.delivered_by == (first if final == everyone_present else second)
        recorded = ModelLogEntry.objects.filter(object_id=str(session.pk), action="lms.session.record").count()
        assert recorded == 1

    # Progress follows the final attendance of every held session of each lesson.
    for lesson in centre_world["lessons"]:
        present_somewhere = set(
            Attendance.objects.filter(session__lesson=lesson, session__status="held", status=PRESENT).values_list(
                "learner_id", flat=True
            )
        )
        completed = list(LessonProgress.objects.filter(lesson=lesson).values_list("learner_id", flat=True))
        assert sorted(completed) == sorted(present_somewhere)


def test_adding_the_same_learner_twice_at_once_makes_exactly_one_open_membership(centre_world):
    first, second = centre_world["facilitators"]
    group = make_group(centre_world["centre"], first, name="Lions")
    learner = centre_world["learners"][0]

    outcomes = at_once(
        lambda: membership_add(group=group, learner=learner, joined_on=days_ago(3), acting_user=first),
        lambda: membership_add(group=group, learner=learner, joined_on=days_ago(2), acting_user=second),
    )

    assert_clean(outcomes)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    assert Membership.objects.filter(group=group, learner=learner, left_on__isnull=True).count() == 1
    assert ModelLogEntry.objects.filter(action="lms.membership.add", data__group=group.pk).count() == 1


def test_two_learners_registered_at_once_get_different_codes(centre_world):
    first, second = centre_world["facilitators"]
    centre = centre_world["centre"]

    outcomes = at_once(
        lambda: make_learner(centre, first, first_name="Omar"),
        lambda: make_learner(centre, second, first_name="Yusuf"),
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert sorted(learner.code for _, learner in outcomes) == ["QTA-0007", "QTA-0008"]
