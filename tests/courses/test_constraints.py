"""The database itself refuses duplicates and impossible rows, whatever code writes them."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction

from courses.models import Attendance, LessonProgress, QuizResult, Session
from courses.services import session_plan, session_record
from learners.models import Learner, Membership
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(users, curriculum):
    """A held session of the quiz lesson, with one learner present (attendance and progress recorded)."""
    facilitator = users["facilitator"]
    centre = make_centre("QTA")
    assign(facilitator, centre)
    group = make_group(centre, facilitator, [curriculum["module"]])
    learner = make_learner(centre, facilitator)
    add_members(group, [learner], acting_user=facilitator)
    lesson = curriculum["lessons"][0]
    session = session_plan(group=group, lesson=lesson, date=days_ago(7), acting_user=facilitator)
    session_record(
        session=session,
        attendance={learner.pk: Attendance.Status.PRESENT},
        delivered_by=facilitator,
        acting_user=facilitator,
    )
    return SimpleNamespace(
        user=facilitator, centre=centre, group=group, learner=learner, lesson=lesson, session=session
    )


def refused(create) -> None:
    """The database raises IntegrityError for the row, and the test's transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_second_attendance_for_the_same_session_and_learner_is_refused(held):
    refused(
        lambda: Attendance.objects.create(
            session=held.session, learner=held.learner, status=Attendance.Status.ABSENT, recorded_by=held.user
        )
    )
    assert Attendance.objects.count() == 1


def test_a_lesson_cannot_be_completed_twice_by_the_same_learner(held):
    repeat = session_plan(group=held.group, lesson=held.lesson, date=days_ago(3), acting_user=held.user)
    refused(
        lambda: LessonProgress.objects.create(
            learner=held.learner, lesson=held.lesson, session=repeat, completed_on=repeat.date
        )
    )
    assert LessonProgress.objects.count() == 1


def test_a_second_open_membership_of_the_same_group_is_refused(held):
    refused(lambda: Membership.objects.create(group=held.group, learner=held.learner, joined_on=days_ago(1)))
    assert Membership.objects.count() == 1


def test_a_closed_membership_and_an_open_one_may_coexist(held):
    Membership.objects.filter(learner=held.learner).update(left_on=days_ago(2))
    Membership.objects.create(group=held.group, learner=held.learner, joined_on=days_ago(1))
    assert Membership.objects.count() == 2


def test_leaving_a_group_before_joining_it_is_refused(held):
    refused(lambda: Membership.objects.filter(learner=held.learner).update(left_on=days_ago(365)))


def test_a_quiz_score_above_the_maximum_is_refused(held):
    def create(score, max_score):
        return QuizResult.objects.create(
            session=held.session,
            learner=held.learner,
            lesson=held.lesson,
            kind=QuizResult.Kind.PRE,
            score=score,
            max_score=max_score,
            recorded_by=held.user,
        )

    refused(lambda: create(2, 1))
    refused(lambda: create(0, 0))
    create(1, 1)
    refused(lambda: create(0, 1))  # a second pre-test for the same session and learner
    assert QuizResult.objects.count() == 1


def test_a_session_cancelled_without_a_reason_is_refused(held):
    planned = session_plan(group=held.group, lesson=held.lesson, date=days_ago(-7), acting_user=held.user)
    refused(lambda: Session.objects.filter(pk=planned.pk).update(status=Session.Status.CANCELLED))
    Session.objects.filter(pk=planned.pk).update(status=Session.Status.CANCELLED, cancel_reason="Rain")


def test_a_held_session_must_say_who_delivered_it(held):
    refused(lambda: Session.objects.filter(pk=held.session.pk).update(delivered_by=None))


def test_the_same_lesson_twice_on_one_day_for_one_group_is_refused(held):
    refused(lambda: Session.objects.create(group=held.group, lesson=held.lesson, date=held.session.date))


def test_learner_numbers_are_unique_per_centre_and_a_learner_needs_a_birth_year_or_age_band(held):
    refused(lambda: Learner.objects.filter(pk=held.learner.pk).update(birth_year=None, age_band=""))
    other = make_learner(held.centre, held.user)
    refused(lambda: Learner.objects.filter(pk=other.pk).update(number=held.learner.number))


def test_consent_cannot_be_recorded_without_saying_who_recorded_it(held):
    refused(lambda: Learner.objects.filter(pk=held.learner.pk).update(guardian_consent_recorded_by=None))
