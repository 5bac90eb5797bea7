"""Delivery selectors, called directly: attendance rates, the progress grid, quiz gain, summaries, records."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from courses import selectors
from courses.models import Attendance
from courses.services import quiz_results_record, session_cancel, session_plan, session_record
from learners.models import Group
from learners.services import membership_end
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner, published_module


class SelectorWorld(TestCase):
    """A centre, a facilitator and the "Staying safe" (2 lessons, the first with a quiz) and "Keeping clean" modules."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
        cls.module = curriculum["module"]
        cls.quiz_lesson, cls.plain_lesson = curriculum["lessons"]
        cls.other_module, [cls.other_lesson] = published_module(
            "Keeping clean", ["Washing hands"], editor=users["editor"], reviewer=users["reviewer"]
        )
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)

    @classmethod
    def learners(cls, *names, joined_on=None, group=None):
        """Register learners and, with a group, add them to it (by default from 60 days ago)."""
        learners = [make_learner(cls.centre, cls.facilitator, first_name=name) for name in names]
        if group is not None:
            add_members(group, learners, joined_on=joined_on or days_ago(60), acting_user=cls.facilitator)
        return learners

    @classmethod
    def hold(cls, group, lesson, day, *, absent=()):
        """Plan and record a session: every member that day present except the absent ones."""
        session = session_plan(group=group, lesson=lesson, date=day, acting_user=cls.facilitator)
        absent_ids = {learner.pk for learner in absent}
        attendance = {
            learner_id: Attendance.Status.ABSENT if learner_id in absent_ids else Attendance.Status.PRESENT
            for learner_id in selectors.member_ids_on(group, day)
        }
        return session_record(
            session=session, attendance=attendance, delivered_by=cls.facilitator, acting_user=cls.facilitator
        ).record


class AttendanceRateTests(SelectorWorld):
    """Attendance rates count only sessions held while the learner was a member."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = make_group(cls.centre, cls.facilitator, [cls.module], name="Tigers")
        [cls.early] = cls.learners("Early", group=cls.group, joined_on=days_ago(60))
        cls.hold(cls.group, cls.quiz_lesson, days_ago(50))
        cls.hold(cls.group, cls.plain_lesson, days_ago(43))
        [cls.late] = cls.learners("Late", group=cls.group, joined_on=days_ago(40))
        cls.hold(cls.group, cls.quiz_lesson, days_ago(36))
        cls.hold(cls.group, cls.plain_lesson, days_ago(29))
        cls.last = cls.hold(cls.group, cls.quiz_lesson, days_ago(22), absent=[cls.late])
        planned = session_plan(group=cls.group, lesson=cls.plain_lesson, date=days_ago(15), acting_user=cls.facilitator)
        session_cancel(session=planned, reason="Eid holiday", acting_user=cls.facilitator)
        session_plan(group=cls.group, lesson=cls.plain_lesson, date=days_ago(-3), acting_user=cls.facilitator)

    def row(self, learner):
        [row] = [row for row in selectors.group_progress_grid(self.group).rows if row.learner == learner]
        return row

    def test_a_learner_who_joined_after_two_sessions_and_came_to_two_of_the_next_three_has_67_percent(self):
        row = self.row(self.late)
        assert (row.sessions_attended, row.sessions_held, row.attendance_rate) == (2, 3, 67)

    def test_a_learner_who_came_to_every_held_session_has_100_percent_and_cancelled_or_planned_ones_do_not_count(
        self,
    ):
        row = self.row(self.early)
        assert (row.sessions_attended, row.sessions_held, row.attendance_rate) == (5, 5, 100)

    def test_the_learner_record_counts_the_same_sessions(self):
        record = selectors.learner_record(self.late)
        assert (len(record.sessions_attended), record.sessions_counted, record.attendance_rate) == (2, 3, 67)

    def test_time_outside_the_group_does_not_count(self):
        [membership] = self.late.memberships.all()
        membership_end(membership=membership, left_on=days_ago(30), acting_user=self.facilitator)
        add_members(self.group, [self.late], joined_on=days_ago(25), acting_user=self.facilitator)
        row = self.row(self.late)  # members for the sessions of days 36 and 22, not 29
        assert (row.sessions_attended, row.sessions_held, row.attendance_rate) == (1, 2, 50)


class ProgressGridTests(SelectorWorld):
    """The grid's cells: completed, missed or not yet; and the average quiz gain per module."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = make_group(cls.centre, cls.facilitator, [cls.module, cls.other_module], name="Tigers")
        cls.amir, cls.bilal = cls.learners("Amir", "Bilal", group=cls.group)
        cls.session = cls.hold(cls.group, cls.quiz_lesson, days_ago(7), absent=[cls.bilal])
        [cls.newcomer] = cls.learners("Newcomer", group=cls.group, joined_on=days_ago(5))
        [cls.gone] = cls.learners("Gone", group=cls.group)
        membership_end(membership=cls.gone.memberships.get(), left_on=days_ago(1), acting_user=cls.facilitator)

    def cells(self) -> dict:
        return {row.learner: row.cells for row in selectors.group_progress_grid(self.group).rows}

    def test_the_grid_has_the_groups_lessons_in_module_order(self):
        grid = selectors.group_progress_grid(self.group)
        assert [module for module, _lessons in grid.modules] == [self.module, self.other_module]
        assert grid.lessons == [self.quiz_lesson, self.plain_lesson, self.other_lesson]

    def test_present_learners_completed_absent_ones_missed_and_later_members_have_not_yet_had_it(self):
        assert self.cells() == {
            self.amir: ["completed", "not_yet", "not_yet"],
            self.bilal: ["missed", "not_yet", "not_yet"],
            self.newcomer: ["not_yet", "not_yet", "not_yet"],
        }

    def test_a_lesson_completed_in_another_group_shows_as_completed(self):
        other_group = make_group(self.centre, self.facilitator, [self.module], name="Lions")
        add_members(other_group, [self.newcomer], joined_on=days_ago(5), acting_user=self.facilitator)
        self.hold(other_group, self.quiz_lesson, days_ago(2))
        assert self.cells()[self.newcomer][0] == "completed"

    def test_the_quiz_gain_averages_only_learners_with_both_a_pre_and_a_post_test(self):
        quiz_results_record(
            session=self.session,
            scores={
                self.amir.pk: {"pre": 0, "post": 1},  # +100 points
                self.bilal.pk: {"pre": 1, "post": 1},  # +0
                self.gone.pk: {"pre": 0, "post": None},  # no post-test: left out
            },
            acting_user=self.facilitator,
        )
        grid = selectors.group_progress_grid(self.group)
        assert grid.gain_by_module == {self.module.pk: 50.0, self.other_module.pk: None}

    def test_without_quiz_results_there_is_no_gain(self):
        members = selectors.member_ids_on(self.group, factories.days_ago(0))
        gains = selectors.quiz_gain_by_module(members, selectors.lessons_of_modules([self.module]))
        assert gains == {self.module.pk: None}


class GroupSummaryTests(SelectorWorld):
    """The dashboard's figures per group."""

    def test_a_group_summary_gives_members_attendance_and_progress(self):
        busy = make_group(self.centre, self.facilitator, [self.module], name="Busy")
        empty = make_group(self.centre, self.facilitator, name="Empty")
        amir, bilal, _daud = self.learners("Amir", "Bilal", "Daud", group=busy)
        self.hold(busy, self.quiz_lesson, days_ago(7), absent=[bilal])
        summaries = selectors.group_summaries(Group.objects.filter(pk__in=[busy.pk, empty.pk]))
        assert [(s.group, s.members, s.attendance_rate, s.progress, s.lessons) for s in summaries] == [
            (busy, 3, 67, 33, 2),  # 2 of 3 present; 2 lessons completed of 3 learners x 2 lessons
            (empty, 0, None, None, 0),
        ]
        assert amir.progress.count() == 1

    def test_the_number_of_queries_does_not_grow_with_the_number_of_groups(self):
        groups = [make_group(self.centre, self.facilitator, [self.module]) for _ in range(3)]
        for group in groups:
            self.learners("A", "B", group=group)
            self.hold(group, self.quiz_lesson, days_ago(7))
        with CaptureQueriesContext(connection) as one:
            selectors.group_summaries(Group.objects.filter(pk=groups[0].pk))
        with CaptureQueriesContext(connection) as three:
            selectors.group_summaries(Group.objects.filter(pk__in=[g.pk for g in groups]))
        self.assertEqual(len(one.captured_queries), len(three.captured_queries))


class MissingLearnersTests(SelectorWorld):
    """Learners who missed each of their group's last three held sessions."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = make_group(cls.centre, cls.facilitator, [cls.module], name="Tigers")
        cls.regular, cls.gone_quiet, cls.sometimes, cls.left = cls.learners(
            "Regular", "Quiet", "Sometimes", "Left", group=cls.group
        )
        [cls.newcomer] = cls.learners("New", group=cls.group, joined_on=days_ago(16))
        cls.hold(cls.group, cls.quiz_lesson, days_ago(28))
        cls.hold(cls.group, cls.plain_lesson, days_ago(21), absent=[cls.gone_quiet, cls.sometimes, cls.left])
        cls.hold(cls.group, cls.quiz_lesson, days_ago(14), absent=[cls.gone_quiet, cls.left, cls.newcomer])
        cls.hold(
            cls.group, cls.plain_lesson, days_ago(7), absent=[cls.gone_quiet, cls.sometimes, cls.left, cls.newcomer]
        )
        membership_end(membership=cls.left.memberships.get(), left_on=days_ago(2), acting_user=cls.facilitator)
        planned = session_plan(group=cls.group, lesson=cls.quiz_lesson, date=days_ago(3), acting_user=cls.facilitator)
        session_cancel(session=planned, reason="Rain", acting_user=cls.facilitator)

    def test_only_a_current_member_who_missed_all_of_the_last_three_sessions_is_listed(self):
        assert selectors.learners_missing_recent_sessions(Group.objects.all()) == [(self.gone_quiet, self.group)]

    def test_groups_outside_the_given_ones_are_not_looked_at(self):
        other = make_group(self.centre, self.facilitator, name="Lions")
        assert selectors.learners_missing_recent_sessions(Group.objects.filter(pk=other.pk)) == []


class LearnerRecordTests(SelectorWorld):
    """A learner's record: groups, sessions attended, lessons completed per module, quiz results."""

    def test_the_record_shows_groups_sessions_lessons_by_module_and_quiz_results(self):
        tigers = make_group(self.centre, self.facilitator, [self.module, self.other_module], name="Tigers")
        lions = make_group(self.centre, self.facilitator, [self.other_module], name="Lions")
        [amir] = self.learners("Amir", group=tigers)
        first = self.hold(tigers, self.quiz_lesson, days_ago(21))
        self.hold(tigers, self.plain_lesson, days_ago(14), absent=[amir])
        self.hold(tigers, self.other_lesson, days_ago(10))
        add_members(lions, [amir], joined_on=days_ago(9), acting_user=self.facilitator)
        quiz_results_record(session=first, scores={amir.pk: {"pre": 0, "post": 1}}, acting_user=self.facilitator)

        record = selectors.learner_record(amir)
        assert [m.group for m in record.memberships] == [lions, tigers]
        assert [a.session.date for a in record.sessions_attended] == [days_ago(10), days_ago(21)]
        assert (record.sessions_counted, record.attendance_rate) == (3, 67)
        assert [(module, [p.lesson for p in items]) for module, items in record.progress_by_module] == [
            (self.module, [self.quiz_lesson]),
            (self.other_module, [self.other_lesson]),
        ]
        assert [(r.kind, r.score, r.max_score) for r in record.quiz_results] == [("post", 1, 1), ("pre", 0, 1)]

    def test_a_new_learner_has_an_empty_record(self):
        [learner] = self.learners("New")
        record = selectors.learner_record(learner)
        assert (record.memberships, record.sessions_attended, record.progress_by_module, record.quiz_results) == (
            [],
            [],
            [],
            [],
        )
        assert record.attendance_rate is None
