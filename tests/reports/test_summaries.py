"""The indicator summary tables: kept by the services in their own transaction (and rolled back with them),
recomputed by `manage.py rebuild_summaries` to the very rows the services kept, and read by the dashboard."""

import datetime
import io
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Attendance
from courses.selectors import member_ids_on
from courses.services import quiz_results_record, session_plan, session_record
from learners import services
from learners.models import Centre
from reports import summaries
from reports.indicators import Scope, get
from reports.models import (
    AttendanceSummary,
    CompletionSummary,
    QuizSummary,
    SelfProtectionPresence,
    SelfProtectionSummary,
    SessionSummary,
    SummarisedModule,
    SummarisedTopic,
    SummaryState,
)
from tests.factories import (
    add_members,
    assign,
    days_ago,
    held_session,
    make_centre,
    make_group,
    make_learner,
    role_users,
    topic_module,
)
from tests.reports.test_summaries_property import table_rows


class SummariesKeptByTheServices(TestCase):
    """Two centres, a group each with two learners, three held sessions (the first group's complete the module)
    and a pair of tests."""

    @classmethod
    def setUpTestData(cls):
        users = role_users()
        cls.fac = fac = users["facilitator"]
        module, cls.lessons = topic_module(
            "Rights", ["One", "Two"], topic="child-rights", editor=users["editor"], reviewer=users["reviewer"]
        )
        cls.centres, cls.groups, cls.learners = [make_centre("AAA"), make_centre("BBB")], [], []
        for centre in cls.centres:
            assign(fac, centre)
            group = make_group(centre, fac, [module], name="G")
            learners = [make_learner(centre, fac, first_name=name, sex=sex) for name, sex in (("A", "m"), ("B", "f"))]
            add_members(group, learners, joined_on=days_ago(100), acting_user=fac)
            cls.groups.append(group)
            cls.learners += learners
        first = held_session(group=cls.groups[0], lesson=cls.lessons[0], day=days_ago(40), acting_user=fac)
        held_session(group=cls.groups[1], lesson=cls.lessons[1], day=days_ago(10), acting_user=fac, absent=[])
        held_session(group=cls.groups[0], lesson=cls.lessons[1], day=days_ago(20), acting_user=fac)  # module done
        quiz_results_record(session=first, scores={cls.learners[0].pk: {"pre": 0, "post": 1}}, acting_user=fac)
        summaries.rebuild()  # records which lessons each module has, so completions are summarised from now on
        cls.scope = Scope(days_ago(60).replace(day=1), timezone.localdate(), tuple(c.pk for c in cls.centres))

    def test_rebuild_summaries_prints_its_progress_and_writes_the_rows_the_services_kept(self):
        maintained = table_rows()
        assert maintained[0] and maintained[1] and maintained[2]
        assert maintained[3]
        for model in (SessionSummary, AttendanceSummary, QuizSummary, CompletionSummary):
            model.objects.all().delete()
        out = io.StringIO()
        call_command("rebuild_summaries", stdout=out)
        lines = out.getvalue().splitlines()
        assert "1/2 centres" in lines[0] and "2/2 centres" in lines[1]
        assert lines[-1].startswith("Summaries rebuilt:")
        assert table_rows() == maintained

    def test_a_rebuild_leaves_the_planner_statistics_of_the_tables_it_rewrote(self):
        """Without them PostgreSQL plans the dashboard's reads for a handful of rows (sorting 200,000)."""
        if connection.vendor != "postgresql":
            self.skipTest("planner statistics are PostgreSQL's")
        with CaptureQueriesContext(connection) as queries:
            summaries.rebuild()
        analysed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
        assert len(analysed) == 1
        for model in (SelfProtectionPresence, CompletionSummary, AttendanceSummary, QuizSummary):
            assert f'"{model._meta.db_table}"' in analysed[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'reports_completionsummary'")
            assert cursor.fetchone()[0] > 0

    def test_a_recorded_session_changes_the_summary_in_its_own_transaction_and_rolls_back_with_it(self):
        before = table_rows()
        session = session_plan(group=self.groups[0], lesson=self.lessons[1], date=days_ago(3), acting_user=self.fac)
        attendance = dict.fromkeys(member_ids_on(self.groups[0], session.date), "present")
        with transaction.atomic():
            session_record(session=session, attendance=attendance, delivered_by=self.fac, acting_user=self.fac)
            held = SessionSummary.objects.get(centre=self.centres[0], month=days_ago(3).replace(day=1)).held
            assert table_rows() != before and held >= 1
            transaction.set_rollback(True)
        assert table_rows() == before

    def test_a_write_whose_summary_fails_is_not_written(self):
        session = session_plan(group=self.groups[0], lesson=self.lessons[1], date=days_ago(3), acting_user=self.fac)
        attendance = dict.fromkeys(member_ids_on(self.groups[0], session.date), "present")
        with (
            mock.patch("reports.summaries.refresh", side_effect=RuntimeError("summary down")),
            self.assertRaises(RuntimeError),
        ):
            session_record(session=session, attendance=attendance, delivered_by=self.fac, acting_user=self.fac)
        assert not Attendance.objects.filter(session=session).exists()

    def test_a_learners_new_sex_moves_their_places_in_the_summary(self):
        indicator = get("attendance-rate")
        for boy in (self.learners[0], self.learners[2]):
            services.learner_update(learner=boy, sex="f", acting_user=self.fac)
        assert indicator.figure(self.scope) == indicator.figure_from_records(self.scope)
        assert {t.key: t.value for t in indicator.figure(self.scope).by_sex}["m"] is None  # no boy left

    def test_module_completions_come_from_the_summary_until_the_modules_lessons_change(self):
        indicator = get(f"module-{self.lessons[0].get_parent().pk}")
        with mock.patch.object(type(indicator), "figure_from_records", side_effect=AssertionError("records read")):
            summarised = indicator.figure(self.scope)
        assert summarised.value == 2  # the first centre's two children, present at both lessons
        SummarisedModule.objects.update(lesson_ids=[])  # as if a lesson were added since the last rebuild
        assert indicator.figure(self.scope) == indicator.figure_from_records(self.scope) == summarised

    def test_a_period_cutting_a_month_reads_those_days_from_the_records(self):
        quiz_gain = get(f"quiz-gain-{self.lessons[0].get_parent().pk}")
        for indicator in (get("attendance-rate"), get("sessions-held"), quiz_gain):
            for scope in (self.scope, Scope(days_ago(45), days_ago(5), self.scope.centre_ids)):
                assert indicator.figure(scope) == indicator.figure_from_records(scope), indicator.key

    def test_until_the_summaries_are_built_the_figures_come_from_the_records(self):
        SummaryState.objects.all().delete()  # as on a site upgraded with records and not yet rebuilt
        for model in (SessionSummary, AttendanceSummary, QuizSummary, CompletionSummary, SummarisedModule):
            model.objects.all().delete()
        quiz_gain = get(f"quiz-gain-{self.lessons[0].get_parent().pk}")
        for indicator in (get("attendance-rate"), get("sessions-held"), quiz_gain):
            assert indicator.figure(self.scope) == indicator.figure_from_records(self.scope), indicator.key
        assert get("sessions-held").figure(self.scope).value == 3


class SelfProtectionFromTheSummaries(TestCase):
    """A Child Friendly Space and a drop-in centre, each with a group of two children; the self-protection module's
    first lesson held at both on one day, its second at the space on another, with one child absent."""

    @classmethod
    def setUpTestData(cls):
        users = role_users()
        cls.fac = fac = users["facilitator"]
        module, cls.lessons = topic_module(
            "Safety", ["One", "Two"], topic="self-protection", editor=users["editor"], reviewer=users["reviewer"]
        )
        cls.space, centre = make_centre("CFS", kind=Centre.Kind.CFS), make_centre("DIC")
        cls.groups, cls.learners = [], []
        for place in (cls.space, centre):
            assign(fac, place)
            group = make_group(place, fac, [module], name="G")
            learners = [make_learner(place, fac, first_name=name, sex=sex) for name, sex in (("A", "m"), ("B", "f"))]
            add_members(group, learners, joined_on=days_ago(100), acting_user=fac)
            cls.groups.append(group)
            cls.learners += learners
        cls.days = days_ago(40), days_ago(12)
        for group in cls.groups:
            held_session(group=group, lesson=cls.lessons[0], day=cls.days[0], acting_user=fac, absent=[])
        held_session(
            group=cls.groups[0], lesson=cls.lessons[1], day=cls.days[1], acting_user=fac, absent=cls.learners[1:2]
        )
        summaries.rebuild()
        cls.scope = Scope(days_ago(60).replace(day=1), timezone.localdate(), (cls.space.pk, centre.pk))

    def test_the_spaces_and_children_reached_come_from_the_summaries(self):
        indicator = get("cfs-self-protection")
        with mock.patch.object(type(indicator), "figure_from_records", side_effect=AssertionError("records read")):
            figure = indicator.figure(self.scope)
        assert figure == indicator.figure_from_records(self.scope)
        assert figure.value == 1  # the drop-in centre is no Child Friendly Space
        assert {t.key: t.value for t in figure.by_sex} == {"m": 1, "f": 1, "x": 0}
        held: dict = {}
        for day in self.days:  # bit d - 1 for day d, per month
            held[day.replace(day=1)] = held.get(day.replace(day=1), 0) | 1 << (day.day - 1)
        assert dict(SelfProtectionSummary.objects.filter(centre=self.space).values_list("month", "days")) == held
        present = SelfProtectionPresence.objects.filter(centre=self.space, learner_id=self.learners[1].pk)
        assert list(present.values_list("days", flat=True)) == [1 << (self.days[0].day - 1)]  # absent on the 2nd

    def test_a_period_that_cuts_a_month_counts_only_its_days(self):
        indicator = get("cfs-self-protection")
        one_day = Scope(self.days[0], self.days[0], self.scope.centre_ids)
        around = Scope(self.days[0] + datetime.timedelta(days=1), self.days[1], self.scope.centre_ids)
        before = Scope(
            self.days[0] - datetime.timedelta(days=3), self.days[0] - datetime.timedelta(days=1), self.scope.centre_ids
        )
        with mock.patch.object(type(indicator), "figure_from_records", side_effect=AssertionError("records read")):
            figures = [indicator.figure(scope) for scope in (one_day, around, before)]
        assert [figure.value for figure in figures] == [1, 1, 0]
        assert [sum(t.value for t in figure.by_sex) for figure in figures] == [2, 1, 0]  # one was absent on the 2nd
        for scope, figure in zip((one_day, around, before), figures, strict=True):
            assert figure == indicator.figure_from_records(scope)

    def test_a_new_lesson_or_a_rebuild_under_way_reads_the_records(self):
        indicator = get("cfs-self-protection")
        for change in ({"lesson_ids": [self.lessons[0].pk]}, {"complete": False}):
            SummarisedTopic.objects.update(**change)  # an editor's change of the topic's lessons; a rebuild not done
            with mock.patch.object(type(indicator), "figure_from_records", return_value="from the records"):
                assert indicator.figure(self.scope) == "from the records"
            summaries.rebuild()
            assert SummarisedTopic.objects.get().complete
