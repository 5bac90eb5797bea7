"""Property test (Hypothesis): random sequences of writes through the services (attendance, corrections,
quiz scores, cancellations, moves between groups and centres, changes of sex and birth year, services and their removal)
never make an indicator computed from the summary tables differ from the same indicator computed from the
records, for whole months, for periods that cut months, and for each centre alone; and the maintained tables
equal a rebuild from scratch.

Each example runs in its own transaction, rolled back after it (hypothesis.extra.django.TestCase). The number of
examples comes from the profile in tests/conftest.py: a few in CI, many under `make bench`.
"""

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from courses.models import Session
from courses.selectors import member_ids_on
from courses.services import quiz_results_record, session_cancel, session_plan, session_record
from learners import services
from learners.models import Centre, Learner, ServiceRecord
from reports import summaries
from reports.indicators import Scope, dashboard, indicators
from reports.models import (
    AttendanceSummary,
    CompletionSummary,
    QuizSummary,
    SelfProtectionPresence,
    SelfProtectionSummary,
    SessionSummary,
)
from tests.factories import (
    add_members,
    assign,
    days_ago,
    make_centre,
    make_group,
    make_learner,
    role_users,
    topic_module,
)

# Days of the writes: spread over four months, so slices and the periods' edges both matter.
DAYS = [days_ago(n) for n in (2, 9, 17, 26, 33, 41, 48, 56, 63, 71, 88, 104)]
STATUSES = st.sampled_from(["present", "absent", "excused"])
KINDS = ["record", "record", "correct", "quiz", "quiz", "cancel", "move_group", "move_centre", "update"]
KINDS += ["service", "unserve"]
WRITES = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 99), st.integers(0, 99), st.lists(STATUSES, min_size=8)),
    max_size=8,
)


def summarised() -> list:
    """Every indicator that reads the summary tables (and so has a records-only reference)."""
    return [indicator for indicator in indicators() if hasattr(indicator, "figure_from_records")]


def table_rows() -> tuple[list, list]:
    """The summary tables' contents, in a comparable form."""
    sessions = sorted(SessionSummary.objects.values_list("centre_id", "month", "held", "first_day", "last_day"))
    fields = ["centre_id", "month", "sex", "birth_year", "age_band", "places", "present"]
    attendance = sorted(AttendanceSummary.objects.values_list(*fields), key=repr)
    fields = ["centre_id", "month", "lesson_id", "sex", "birth_year", "age_band", "pairs", "gain"]
    quizzes = sorted(QuizSummary.objects.values_list(*fields), key=repr)
    fields = ["module_id", "learner_id", "centre_id", "day", "sex", "birth_year", "age_band"]
    completions = sorted(CompletionSummary.objects.values_list(*fields), key=repr)
    spaces = sorted(SelfProtectionSummary.objects.values_list("centre_id", "month", "days"))
    fields = ["centre_id", "month", "learner_id", "sex", "birth_year", "age_band", "days"]
    reached = sorted(SelfProtectionPresence.objects.values_list(*fields), key=repr)
    return sessions, attendance, quizzes, completions, spaces, reached


class SummariesEqualRecords(TestCase):
    """Two centres (the second a Child Friendly Space) with two groups each, four learners per centre, a module of
    two lessons and a self-protection module of two lessons."""

    @classmethod
    def setUpTestData(cls):
        users = role_users()
        cls.fac = fac = users["facilitator"]
        module, rights = topic_module(
            "Rights", ["One", "Two"], topic="child-rights", editor=users["editor"], reviewer=users["reviewer"]
        )
        safety, safe = topic_module(
            "Safety", ["Three", "Four"], topic="self-protection", editor=users["editor"], reviewer=users["reviewer"]
        )
        cls.lessons = [*rights, *safe]
        cls.centres = [make_centre("AAA"), make_centre("BBB", kind=Centre.Kind.CFS)]
        year = timezone.localdate().year
        cls.groups = []
        for centre in cls.centres:
            assign(fac, centre)
            first, second = (make_group(centre, fac, [module, safety], name=name) for name in ("G1", "G2"))
            cls.groups += [first, second]
            learners = [
                make_learner(centre, fac, first_name=f"L{i}", sex="mf"[i % 2], birth_year=year - 8 - 4 * i)
                for i in range(4)
            ]
            add_members(first, learners[:2], joined_on=days_ago(200), acting_user=fac)
            add_members(second, learners[2:], joined_on=days_ago(200), acting_user=fac)
        summaries.rebuild()  # records which lessons each module has, so completions are summarised from now on

    def write(self, kind: str, a: int, b: int, statuses: list[str]) -> None:
        """One write through a service; a write the service refuses changes nothing."""
        fac, day = self.fac, DAYS[b % len(DAYS)]
        learners = list(Learner.objects.order_by("pk"))
        learner = learners[a % len(learners)]
        if kind == "record":
            group = self.groups[a % len(self.groups)]
            session = session_plan(group=group, lesson=self.lessons[b % len(self.lessons)], date=day, acting_user=fac)
            self.record(session, statuses)
        elif kind == "correct":
            held = list(Session.objects.filter(status=Session.Status.HELD).order_by("pk"))
            if held:
                self.record(held[a % len(held)], statuses)
        elif kind == "quiz":
            sessions = list(Session.objects.exclude(status=Session.Status.CANCELLED).order_by("pk"))
            if sessions:
                session = sessions[a % len(sessions)]
                members = sorted(member_ids_on(session.group, session.date))
                scores = {pk: {"pre": (b >> i) % 2, "post": (a >> i) % 2} for i, pk in enumerate(members)}
                if b % 3 == 0 and members:
                    scores[members[0]] = {"post": None}  # a score removed
                quiz_results_record(session=session, scores=scores, acting_user=fac)
        elif kind == "cancel":
            session = session_plan(group=self.groups[a % 4], lesson=self.lessons[0], date=day, acting_user=fac)
            session_cancel(session=session, reason="Rain", acting_user=fac)
        elif kind == "move_group":
            here = [g for g in self.groups if g.centre_id == learner.centre_id]
            current = next((g for g in here if learner.pk in member_ids_on(g, timezone.localdate())), None)
            if current is not None:
                other = next(g for g in here if g.pk != current.pk)
                services.learner_move(learner=learner, from_group=current, to_group=other, on=day, acting_user=fac)
        elif kind == "move_centre":
            other = next(c for c in self.centres if c.pk != learner.centre_id)
            services.learner_transfer(learner=learner, to_centre=other, moved_on=day, acting_user=fac)
        elif kind == "update":
            year = timezone.localdate().year
            services.learner_update(learner=learner, sex="mf"[b % 2], birth_year=year - 7 - (b % 14), acting_user=fac)
        elif kind == "service":
            services.service_record(learner=learner, kind="counselling", date=day, acting_user=fac)
        elif kind == "unserve":
            record = ServiceRecord.objects.order_by("pk").first()
            if record is not None:
                services.outcome_remove(record=record, acting_user=fac)

    def record(self, session: Session, statuses: list[str]) -> None:
        """Record the session held, each member present, absent or excused as drawn."""
        members = sorted(member_ids_on(session.group, session.date))
        attendance = {pk: statuses[i % len(statuses)] for i, pk in enumerate(members)}
        session_record(session=session, attendance=attendance, delivered_by=self.fac, acting_user=self.fac)

    @given(WRITES)
    def test_every_summarised_figure_equals_the_records(self, writes):
        for kind, a, b, statuses in writes:
            # A write the service refuses (a session already on that day, a move before the last one...) writes nothing.
            with contextlib.suppress(ValidationError):
                self.write(kind, a, b, statuses)
        ids = tuple(centre.pk for centre in self.centres)
        this_month = timezone.localdate().replace(day=1)
        whole_months = Scope(DAYS[-1].replace(day=1), timezone.localdate(), ids)
        scopes = [
            whole_months,
            Scope(days_ago(50), days_ago(20), ids),  # cuts two months
            Scope(days_ago(95), this_month - datetime.timedelta(days=1), ids[:1]),
            Scope(days_ago(30), timezone.localdate(), ids[1:]),
        ]
        for scope in scopes:
            shared = {figure.key: figure for figure in dashboard(scope, with_situation=True)}  # one query per kind
            for indicator in summarised():
                expected = indicator.figure_from_records(scope)
                self.assertEqual(indicator.figure(scope), expected, (indicator.key, scope))
                self.assertEqual(shared[indicator.key], expected, (indicator.key, scope))
        maintained = table_rows()
        summaries.rebuild()
        self.assertEqual(table_rows(), maintained)
