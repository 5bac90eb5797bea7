"""`load_demo_data` fills the centres with invented learners, groups and eight weeks of sessions."""

import datetime

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from courses import selectors
from courses.models import Attendance, LessonProgress, QuizResult, Session
from learners.models import Centre, Group, Learner, Membership, StaffAssignment


def record_counts():
    """How many of each delivery record there are."""
    return {
        model.__name__: model.objects.count()
        for model in (Centre, Learner, Group, Membership, Session, Attendance, LessonProgress, QuizResult)
    }


class DemoRecordsTest(TestCase):
    """The demo data is loaded once for these tests (and rolled back after them)."""

    @classmethod
    def setUpTestData(cls):
        with override_settings(DEBUG=True):
            call_command("load_demo_data", verbosity=0)

    def test_demo_records_give_every_facilitator_page_something_to_show(self):
        today = timezone.localdate()
        eight_weeks_ago = today - datetime.timedelta(weeks=8)
        assert set(Centre.objects.values_list("code", flat=True)) == {"QTA", "KSI"}
        # 33 learners in the centre records, 12 more with the demo peer educator (demo/data/peers.py),
        # and 76 in the earlier cohorts of the programme evidence (demo/data/evidence.py), now closed
        assert Learner.objects.count() == 121
        assert set(Group.objects.filter(is_active=True).values_list("name", flat=True)) == {
            "Sunrise group",
            "Falcons",
            "Stars group",
            "Peer training",
            "Young stars",
        }
        assert Group.objects.filter(is_active=False).count() == 8

        held = Session.objects.filter(status=Session.Status.HELD, group__is_active=True)
        assert held.filter(date__range=(eight_weeks_ago, today)).count() == held.count() >= 20
        assert not held.filter(attendance__isnull=True).exists()
        assert Attendance.objects.exclude(status=Attendance.Status.PRESENT).exists()
        assert LessonProgress.objects.count() > 100
        pre_and_post = set(QuizResult.objects.values_list("kind", flat=True))
        assert pre_and_post == {"pre", "post"}

        planned_today = Session.objects.filter(status=Session.Status.PLANNED, date=today)
        assert set(planned_today.values_list("group__name", flat=True)) == {
            "Sunrise group",
            "Stars group",
            "Young stars",
        }
        next_week = Session.objects.filter(
            status=Session.Status.PLANNED,
            date__range=(today + datetime.timedelta(days=1), today + datetime.timedelta(7)),
        )
        assert next_week.values("group").distinct().count() == 4
        assert Session.objects.filter(status=Session.Status.CANCELLED).exclude(cancel_reason="").count() == 1
        assert Membership.objects.filter(group__is_active=True, left_on__isnull=False).count() == 1  # moved groups

        missing = selectors.learners_missing_recent_sessions(Group.objects.all())
        assert [(learner.first_name, group.name) for learner, group in missing] == [("Naveed", "Sunrise group")]
        grid = selectors.group_progress_grid(Group.objects.get(name="Sunrise group"))
        assert all(gain is not None and gain > 0 for gain in grid.gain_by_module.values())

    def test_every_learner_in_a_group_has_consent_and_assent_and_a_few_still_wait_for_it(self):
        in_groups = Learner.objects.filter(memberships__isnull=False).distinct()
        assert all(learner.has_consent for learner in in_groups)
        waiting = Learner.objects.exclude(pk__in=in_groups)
        assert 2 <= waiting.count() <= 3
        assert all(not learner.has_consent and learner.centre.code == "QTA" for learner in waiting)

    def test_each_demo_facilitator_is_assigned_only_to_their_own_centre(self):
        assignments = set(StaffAssignment.objects.values_list("user__username", "centre__code"))
        assert assignments == {("facilitator1", "QTA"), ("facilitator2", "KSI")}
        assert set(Group.objects.filter(centre__code="QTA").values_list("facilitator__username", flat=True)) == {
            "facilitator1"
        }

    def test_loading_the_demo_data_again_adds_no_records(self):
        before = record_counts()
        with override_settings(DEBUG=True):
            call_command("load_demo_data", verbosity=0)
        assert record_counts() == before
