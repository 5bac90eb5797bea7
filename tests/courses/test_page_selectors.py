"""Selectors behind the facilitators' pages, called directly: sessions to record, a group's sessions by status,
its modules and lessons, a session's recorded attendance and scores, and a learner's progress by module.

(Kept apart from test_selectors.py, which covers the progress, completion and quiz-gain rules.)
"""

import pytest

from courses import selectors
from courses.models import QuizResult
from courses.services import quiz_results_record, session_cancel, session_plan
from learners.models import Group
from tests.factories import (
    add_members,
    centre_with_staff,
    days_ago,
    held_session,
    make_group,
    make_learner,
    published_module,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, curriculum):
    """The Tigers follow "Keeping clean" then "Staying safe"; Zara and Asad are members, Asad absent from the
    held session of the quiz lesson. The Lions, at the same centre, follow "Staying safe"."""
    me = users["facilitator"]
    centre = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    other_module, other_lessons = published_module(
        "Keeping clean", ["Washing hands", "Clean water"], editor=users["editor"], reviewer=users["reviewer"]
    )
    tigers = make_group(centre, me, [other_module, curriculum["module"]], name="Tigers")
    lions = make_group(centre, me, [curriculum["module"]], name="Lions")
    zara, asad = make_learner(centre, me, first_name="Zara"), make_learner(centre, me, first_name="Asad")
    add_members(tigers, [zara, asad], acting_user=me)
    add_members(lions, [zara], acting_user=me)
    quiz_lesson, plain_lesson = curriculum["lessons"]
    return {
        "me": me,
        "tigers": tigers,
        "lions": lions,
        "zara": zara,
        "asad": asad,
        "module": curriculum["module"],
        "quiz_lesson": quiz_lesson,
        "plain_lesson": plain_lesson,
        "other_module": other_module,
        "other_lessons": other_lessons,
    }


def plan(world, lesson, days: int, group="tigers"):
    """A session of the lesson planned `days` ago (negative: in the future)."""
    return session_plan(group=world[group], lesson=lesson, date=days_ago(days), acting_user=world["me"])


def test_sessions_to_record_are_the_groups_planned_sessions_of_the_last_days_oldest_first(world):
    recent = plan(world, world["quiz_lesson"], 3)
    older = plan(world, world["plain_lesson"], 10)
    plan(world, world["other_lessons"][0], 20)  # too long ago
    plan(world, world["other_lessons"][1], 0)  # today: still to run, not to record
    held_session(group=world["tigers"], lesson=world["other_lessons"][0], day=days_ago(5), acting_user=world["me"])
    plan(world, world["quiz_lesson"], 2, group="lions")  # another group
    cancelled = plan(world, world["other_lessons"][1], 4)
    session_cancel(session=cancelled, reason="Rain", acting_user=world["me"])
    tigers = Group.objects.filter(pk=world["tigers"].pk)
    assert selectors.sessions_to_record(tigers, days_ago(0), days=14) == [older, recent]


def test_a_groups_sessions_come_by_status_with_the_number_present(world):
    first = plan(world, world["plain_lesson"], -7)
    second = plan(world, world["other_lessons"][0], -14)
    early = held_session(
        group=world["tigers"],
        lesson=world["quiz_lesson"],
        day=days_ago(9),
        acting_user=world["me"],
        absent=[world["asad"]],
    )
    late = held_session(
        group=world["tigers"], lesson=world["other_lessons"][1], day=days_ago(2), acting_user=world["me"]
    )
    cancelled = plan(world, world["other_lessons"][0], 1)
    session_cancel(session=cancelled, reason="Rain", acting_user=world["me"])
    plan(world, world["quiz_lesson"], -3, group="lions")
    sessions = selectors.group_sessions(world["tigers"])
    assert sessions.planned == [first, second]
    assert sessions.held == [late, early]  # newest first
    assert [s.present for s in sessions.held] == [2, 1]
    assert sessions.cancelled == [cancelled]


def test_a_groups_modules_come_in_its_order_with_their_lessons(world):
    rows = selectors.group_module_lessons(world["tigers"])
    assert [module for module, _lessons in rows] == [world["other_module"], world["module"]]
    assert [lesson.title for lesson in rows[0][1]] == ["Washing hands", "Clean water"]
    assert [lesson.pk for lesson in rows[1][1]] == [world["quiz_lesson"].pk, world["plain_lesson"].pk]


def test_the_module_of_a_lesson_is_its_parent(world):
    assert selectors.module_of(world["quiz_lesson"]) == world["module"]
    assert selectors.module_of(world["other_lessons"][1]) == world["other_module"]


def test_attendance_recorded_is_empty_before_recording_and_each_status_after(world):
    planned = plan(world, world["plain_lesson"], 1)
    assert selectors.attendance_recorded(planned) == {}
    held = held_session(
        group=world["tigers"],
        lesson=world["quiz_lesson"],
        day=days_ago(2),
        acting_user=world["me"],
        absent=[world["asad"]],
    )
    assert selectors.attendance_recorded(held) == {world["zara"].pk: "present", world["asad"].pk: "absent"}


def test_quiz_results_of_a_session_are_only_that_sessions(world):
    session = held_session(group=world["tigers"], lesson=world["quiz_lesson"], day=days_ago(2), acting_user=world["me"])
    other = held_session(group=world["lions"], lesson=world["quiz_lesson"], day=days_ago(3), acting_user=world["me"])
    quiz_results_record(session=session, scores={world["zara"].pk: {"pre": 0, "post": 1}}, acting_user=world["me"])
    quiz_results_record(session=other, scores={world["zara"].pk: {"pre": 1, "post": 1}}, acting_user=world["me"])
    results = selectors.quiz_results_of(session)
    assert {(r.learner_id, r.kind, r.score) for r in results} == {
        (world["zara"].pk, QuizResult.Kind.PRE, 0),
        (world["zara"].pk, QuizResult.Kind.POST, 1),
    }


def test_a_learner_record_gives_each_module_its_completed_lessons_and_its_size(world):
    held_session(group=world["tigers"], lesson=world["quiz_lesson"], day=days_ago(9), acting_user=world["me"])
    held_session(group=world["tigers"], lesson=world["other_lessons"][0], day=days_ago(8), acting_user=world["me"])
    rows = selectors.learner_record(world["zara"]).modules
    by_module = {item.module.title: (len(item.completed), item.lessons) for item in rows}
    assert by_module == {"Staying safe": (1, 2), "Keeping clean": (1, 2)}
