"""Delivery services, called directly: planning, recording and correcting sessions, quiz results."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from wagtail.models import ModelLogEntry

from courses.models import Attendance, LessonProgress, QuizResult, Session
from courses.services import (
    group_modules_set,
    quiz_results_record,
    session_cancel,
    session_plan,
    session_record,
    sessions_plan_module,
)
from learners.services import membership_add, membership_end
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner, published_module

PRESENT, ABSENT, EXCUSED = Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.EXCUSED


def log_entries(action: str, instance) -> list[ModelLogEntry]:
    """Audit entries of one action about one record, oldest first."""
    return list(ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk)).order_by("timestamp", "pk"))


class DeliveryWorld(TestCase):
    """A centre with a group of three learners following "Staying safe" (two lessons, the first with a quiz)."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator, cls.admin = users["facilitator"], users["admin"]
        curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
        cls.module = curriculum["module"]
        cls.quiz_lesson, cls.plain_lesson = curriculum["lessons"]
        cls.other_module, [cls.other_lesson] = published_module(
            "Keeping clean", ["Washing hands"], editor=users["editor"], reviewer=users["reviewer"]
        )
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        cls.group = make_group(cls.centre, cls.facilitator, [cls.module], name="Tigers")
        cls.amir, cls.bilal, cls.daud = (make_learner(cls.centre, cls.facilitator, first_name=n) for n in "ABD")
        add_members(cls.group, [cls.amir, cls.bilal, cls.daud], joined_on=days_ago(60), acting_user=cls.facilitator)

    def plan(self, lesson=None, date=None, group=None):
        return session_plan(
            group=group or self.group,
            lesson=lesson or self.quiz_lesson,
            date=date or days_ago(7),
            acting_user=self.facilitator,
        )

    def record(self, session, statuses=None, *, members=None, user=None):
        """Record the session: everyone in `members` (default the three learners) present unless told otherwise."""
        statuses = statuses or {}
        members = members if members is not None else [self.amir, self.bilal, self.daud]
        attendance = {learner.pk: statuses.get(learner, PRESENT) for learner in members}
        user = user or self.facilitator
        return session_record(session=session, attendance=attendance, delivered_by=user, acting_user=user).record

    def attendance_of(self, session) -> dict:
        return {a.learner: a.status for a in Attendance.objects.filter(session=session).select_related("learner")}

    def completed(self, lesson=None) -> set:
        return {p.learner for p in LessonProgress.objects.filter(lesson=lesson or self.quiz_lesson)}


class SessionPlanTests(DeliveryWorld):
    """session_plan and sessions_plan_module."""

    def test_a_lesson_of_a_module_the_group_does_not_follow_is_refused(self):
        with pytest.raises(ValidationError) as raised:
            self.plan(self.other_lesson)
        assert "lesson" in raised.value.message_dict
        assert not Session.objects.exists()

    def test_a_date_more_than_a_year_ahead_is_refused(self):
        with pytest.raises(ValidationError, match="one year ahead"):
            self.plan(date=days_ago(-367))
        assert not Session.objects.exists()
        assert self.plan(date=days_ago(-300)).status == Session.Status.PLANNED

    def test_planning_the_same_session_twice_returns_the_same_session(self):
        first = self.plan(date=days_ago(-2))
        again = self.plan(date=days_ago(-2))
        assert again == first
        assert Session.objects.count() == 1
        assert len(log_entries("lms.session.plan", first)) == 1

    def test_planning_again_a_session_that_was_cancelled_plans_it_again(self):
        cancelled = session_cancel(
            session=self.plan(date=days_ago(-2)), reason="Flooding", acting_user=self.admin
        ).record
        again = self.plan(date=days_ago(-2))
        assert again == cancelled
        assert (again.status, again.cancel_reason) == (Session.Status.PLANNED, "")
        assert len(log_entries("lms.session.plan", again)) == 2

    def test_planning_a_module_makes_one_weekly_session_per_lesson(self):
        start = days_ago(-1)
        sessions = sessions_plan_module(group=self.group, module=self.module, first_date=start, acting_user=self.admin)
        assert [(s.lesson, s.date, s.status) for s in sessions] == [
            (self.quiz_lesson, start, Session.Status.PLANNED),
            (self.plain_lesson, start + datetime.timedelta(days=7), Session.Status.PLANNED),
        ]

    def test_planning_a_module_skips_lessons_already_planned(self):
        self.plan(self.quiz_lesson, date=days_ago(-3))
        start = days_ago(-10)
        sessions = sessions_plan_module(group=self.group, module=self.module, first_date=start, acting_user=self.admin)
        assert [(s.lesson, s.date) for s in sessions] == [(self.plain_lesson, start)]
        assert Session.objects.count() == 2
        with pytest.raises(ValidationError, match="already has a session"):
            sessions_plan_module(group=self.group, module=self.module, first_date=start, acting_user=self.admin)
        assert Session.objects.count() == 2

    def test_planning_a_module_whose_last_session_would_be_too_far_ahead_saves_nothing(self):
        with pytest.raises(ValidationError):
            sessions_plan_module(
                group=self.group, module=self.module, first_date=days_ago(-362), acting_user=self.admin
            )
        assert not Session.objects.exists()

    def test_planning_a_module_the_group_does_not_follow_is_refused(self):
        with pytest.raises(ValidationError):
            sessions_plan_module(
                group=self.group, module=self.other_module, first_date=days_ago(-1), acting_user=self.admin
            )
        assert not Session.objects.exists()

    def test_a_module_with_sessions_cannot_be_dropped_from_a_group(self):
        self.plan()
        with pytest.raises(ValidationError, match="already has sessions"):
            group_modules_set(group=self.group, modules=[self.other_module], acting_user=self.facilitator)
        assert list(self.group.group_modules.values_list("module", flat=True)) == [self.module.pk]

    def test_a_cancelled_session_needs_a_reason_and_a_held_one_cannot_be_cancelled(self):
        session = self.plan(date=days_ago(-1))
        with pytest.raises(ValidationError):
            session_cancel(session=session, reason="  ", acting_user=self.facilitator)
        session_cancel(session=session, reason="Flooding", acting_user=self.facilitator)
        session.refresh_from_db()
        assert (session.status, session.cancel_reason) == (Session.Status.CANCELLED, "Flooding")
        held = self.record(self.plan(date=days_ago(1)))
        with pytest.raises(ValidationError, match="was held"):
            session_cancel(session=held, reason="Oops", acting_user=self.facilitator)


class SessionRecordTests(DeliveryWorld):
    """session_record: attendance, progress, refusals, resubmission and correction."""

    def test_present_learners_complete_the_lesson_and_absent_or_excused_do_not(self):
        session = self.record(self.plan(), {self.bilal: ABSENT, self.daud: EXCUSED})
        assert session.status == Session.Status.HELD
        assert session.delivered_by == self.facilitator
        assert self.attendance_of(session) == {self.amir: PRESENT, self.bilal: ABSENT, self.daud: EXCUSED}
        [progress] = LessonProgress.objects.all()
        assert (progress.learner, progress.lesson, progress.session, progress.completed_on) == (
            self.amir,
            self.quiz_lesson,
            session,
            days_ago(7),
        )
        [entry] = log_entries("lms.session.record", session)
        assert entry.user_id == self.facilitator.pk

    def test_attendance_for_someone_not_in_the_group_is_refused_and_nothing_is_saved(self):
        outsider = make_learner(self.centre, self.facilitator, first_name="Zia")
        session = self.plan()
        with pytest.raises(ValidationError, match="not in this group"):
            self.record(session, members=[self.amir, self.bilal, self.daud, outsider])
        session.refresh_from_db()
        assert session.status == Session.Status.PLANNED
        assert not Attendance.objects.exists()
        assert not LessonProgress.objects.exists()

    def test_a_learner_who_left_before_the_session_is_not_a_member_that_day(self):
        [membership] = self.daud.memberships.all()
        membership_end(membership=membership, left_on=days_ago(10), acting_user=self.facilitator)
        session = self.plan()
        with pytest.raises(ValidationError, match="not in this group"):
            self.record(session)
        self.record(session, members=[self.amir, self.bilal])
        assert set(self.attendance_of(session)) == {self.amir, self.bilal}

    def test_leaving_out_a_member_is_refused(self):
        session = self.plan()
        with pytest.raises(ValidationError, match="every member"):
            self.record(session, members=[self.amir, self.bilal])
        assert not Attendance.objects.exists()

    def test_an_unknown_attendance_status_is_refused(self):
        session = self.plan()
        with pytest.raises(ValidationError):
            self.record(session, {self.amir: "late"})
        assert not Attendance.objects.exists()

    def test_a_session_planned_for_a_later_date_cannot_be_recorded(self):
        session = self.plan(date=days_ago(-1))
        with pytest.raises(ValidationError, match="later date"):
            self.record(session)
        assert not Attendance.objects.exists()

    def test_a_cancelled_session_cannot_be_recorded(self):
        session = session_cancel(session=self.plan(), reason="Holiday", acting_user=self.facilitator).record
        with pytest.raises(ValidationError, match="cancelled"):
            self.record(session)
        assert not Attendance.objects.exists()

    def test_submitting_the_same_attendance_again_changes_nothing_and_logs_nothing(self):
        session = self.record(self.plan(), {self.bilal: ABSENT})
        rows = list(Attendance.objects.order_by("pk").values())
        progress = list(LessonProgress.objects.order_by("pk").values())
        self.record(session, {self.bilal: ABSENT})
        assert list(Attendance.objects.order_by("pk").values()) == rows
        assert list(LessonProgress.objects.order_by("pk").values()) == progress
        assert len(log_entries("lms.session.record", session)) == 1
        assert log_entries("lms.session.correct", session) == []

    def test_correcting_absent_to_present_completes_the_lesson_and_is_logged(self):
        session = self.record(self.plan(), {self.bilal: ABSENT})
        self.record(session, user=self.admin)
        assert self.completed() == {self.amir, self.bilal, self.daud}
        assert LessonProgress.objects.get(learner=self.bilal).session == session
        [entry] = log_entries("lms.session.correct", session)
        assert entry.user_id == self.admin.pk
        assert entry.data["attendance"] == {str(self.bilal.pk): [ABSENT, PRESENT]}
        assert Attendance.objects.get(session=session, learner=self.bilal).recorded_by == self.admin

    def test_correcting_present_to_absent_removes_the_lesson_and_is_logged(self):
        session = self.record(self.plan())
        self.record(session, {self.daud: ABSENT})
        assert self.completed() == {self.amir, self.bilal}
        [entry] = log_entries("lms.session.correct", session)
        assert entry.data["attendance"] == {str(self.daud.pk): [PRESENT, ABSENT]}

    def test_a_learner_present_at_another_session_of_the_lesson_keeps_it_after_a_correction(self):
        first = self.record(self.plan(date=days_ago(14)), {self.bilal: ABSENT})
        repeat = self.record(self.plan(date=days_ago(7)))
        assert LessonProgress.objects.get(learner=self.amir).session == first
        assert LessonProgress.objects.get(learner=self.bilal).session == repeat
        self.record(first, {self.amir: ABSENT, self.bilal: ABSENT})
        progress = LessonProgress.objects.get(learner=self.amir)  # still completed, now through the repeat
        assert (progress.session, progress.completed_on) == (repeat, days_ago(7))
        self.record(repeat, {self.amir: ABSENT})
        assert self.completed() == {self.bilal, self.daud}

    def test_a_member_added_later_with_an_earlier_joining_date_completes_the_lesson_when_the_session_is_corrected(
        self,
    ):
        session = self.record(self.plan(date=days_ago(7)))
        late = make_learner(self.centre, self.facilitator, first_name="Emal")
        membership_add(group=self.group, learner=late, joined_on=days_ago(10), acting_user=self.facilitator)
        with pytest.raises(ValidationError, match="every member"):
            self.record(session)
        self.record(session, members=[self.amir, self.bilal, self.daud, late])
        assert self.attendance_of(session)[late] == PRESENT
        assert late in self.completed()
        [entry] = log_entries("lms.session.correct", session)
        assert entry.data["attendance"] == {str(late.pk): [None, PRESENT]}

    def test_a_changed_note_on_a_held_session_is_logged_as_a_correction(self):
        session = self.record(self.plan())
        session_record(
            session=session,
            attendance={m.pk: PRESENT for m in (self.amir, self.bilal, self.daud)},
            notes="Good energy",
            delivered_by=self.facilitator,
            acting_user=self.facilitator,
        )
        [entry] = log_entries("lms.session.correct", session)
        assert entry.data["session"] == {"notes": ["", "Good energy"]}
        assert entry.data["attendance"] == {}


class QuizResultsTests(DeliveryWorld):
    """quiz_results_record: scores out of the number of questions; blanks remove."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session = session_plan(
            group=cls.group, lesson=cls.quiz_lesson, date=days_ago(7), acting_user=cls.facilitator
        )

    def enter(self, scores, session=None):
        return quiz_results_record(session=session or self.session, scores=scores, acting_user=self.facilitator)

    def results(self) -> dict:
        return {(r.learner, r.kind): (r.score, r.max_score) for r in QuizResult.objects.select_related("learner")}

    def test_scores_are_saved_out_of_the_number_of_quiz_questions(self):
        assert self.enter({self.amir.pk: {"pre": 0, "post": 1}, self.bilal.pk: {"pre": 1, "post": None}}) == 3
        assert self.results() == {
            (self.amir, "pre"): (0, 1),
            (self.amir, "post"): (1, 1),
            (self.bilal, "pre"): (1, 1),
        }
        [entry] = log_entries("lms.quiz.record", self.session)
        assert entry.data["out_of"] == 1

    def test_a_score_above_the_maximum_is_refused_and_nothing_is_saved(self):
        with pytest.raises(ValidationError, match="between 0 and 1"):
            self.enter({self.amir.pk: {"pre": 1}, self.bilal.pk: {"pre": 2}})
        assert not QuizResult.objects.exists()

    def test_a_blank_score_removes_an_earlier_one(self):
        self.enter({self.amir.pk: {"pre": 0, "post": 1}})
        assert self.enter({self.amir.pk: {"pre": 0, "post": None}}) == 1
        assert self.results() == {(self.amir, "pre"): (0, 1)}

    def test_entering_the_same_scores_again_changes_nothing(self):
        self.enter({self.amir.pk: {"pre": 0, "post": 1}})
        assert self.enter({self.amir.pk: {"pre": 0, "post": 1}}) == 0
        assert len(log_entries("lms.quiz.record", self.session)) == 1

    def test_scores_for_someone_not_in_the_group_are_refused(self):
        outsider = make_learner(self.centre, self.facilitator, first_name="Zia")
        with pytest.raises(ValidationError, match="not in this group"):
            self.enter({self.amir.pk: {"pre": 1}, outsider.pk: {"pre": 1}})
        assert not QuizResult.objects.exists()

    def test_a_lesson_without_a_quiz_takes_no_scores(self):
        session = self.plan(self.plain_lesson)
        with pytest.raises(ValidationError, match="no quiz"):
            self.enter({self.amir.pk: {"pre": 0}}, session=session)
        assert not QuizResult.objects.exists()
