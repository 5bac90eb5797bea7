"""Delivery services say what they did (lms.results.Done), so views need not read a session's state first;
group_save changes a group and its modules together or not at all; the cancel page shows the service's refusal."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from courses.models import Attendance, Session
from courses.services import (
    group_save,
    quiz_results_record,
    quiz_results_refusal,
    session_cancel,
    session_cancel_refusal,
    session_plan,
    session_record,
)
from learners.models import Group
from lms.results import Done
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner

PRESENT, ABSENT = Attendance.Status.PRESENT, Attendance.Status.ABSENT


class SessionResultTests(TestCase):
    """session_record and session_cancel return the session and what was done."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
        cls.module, cls.lessons = curriculum["module"], curriculum["lessons"]
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        cls.group = make_group(cls.centre, cls.facilitator, [cls.module], name="Tigers")
        cls.amir, cls.bilal = (make_learner(cls.centre, cls.facilitator, first_name=n) for n in "AB")
        add_members(cls.group, [cls.amir, cls.bilal], joined_on=days_ago(60), acting_user=cls.facilitator)

    def plan(self, days=7):
        return session_plan(group=self.group, lesson=self.lessons[0], date=days_ago(days), acting_user=self.facilitator)

    def record(self, session, bilal=PRESENT, notes=""):
        attendance = {self.amir.pk: PRESENT, self.bilal.pk: bilal}
        return session_record(
            session=session,
            attendance=attendance,
            notes=notes,
            delivered_by=self.facilitator,
            acting_user=self.facilitator,
        )

    def test_recording_then_correcting_then_resubmitting_says_created_changed_unchanged(self):
        session = self.plan()
        first = self.record(session)
        assert (first.done, first.record.status) == (Done.CREATED, Session.Status.HELD)
        assert self.record(session, bilal=ABSENT).done is Done.CHANGED
        assert self.record(session, bilal=ABSENT).done is Done.UNCHANGED
        assert self.record(session, bilal=ABSENT, notes="Rain").done is Done.CHANGED

    def test_cancelling_says_changed_and_cancelling_again_says_unchanged(self):
        session = self.plan(days=-3)
        cancelled = session_cancel(session=session, reason="Flooding", acting_user=self.facilitator)
        assert (cancelled.done, cancelled.record.status) == (Done.CHANGED, Session.Status.CANCELLED)
        again = session_cancel(session=session, reason="Flooding", acting_user=self.facilitator)
        assert again.done is Done.UNCHANGED and not again.changed_anything

    def test_a_held_session_is_refused_with_the_words_the_cancel_page_shows(self):
        held = self.record(self.plan()).record
        assert session_cancel_refusal(self.plan(days=-3)) is None
        with pytest.raises(ValidationError) as refused:
            session_cancel(session=held, reason="Oops", acting_user=self.facilitator)
        assert refused.value.messages == [session_cancel_refusal(held)]
        self.client.force_login(self.facilitator)
        page = self.client.get(reverse("session_cancel", args=[held.pk]))
        assert session_cancel_refusal(held) in page.content.decode()

    def test_scores_for_a_cancelled_session_are_refused_with_the_words_the_scores_page_shows(self):
        cancelled = session_cancel(session=self.plan(days=-3), reason="Rain", acting_user=self.facilitator).record
        refusal = quiz_results_refusal(cancelled, 3)
        assert refusal == "This session was cancelled, so it has no quiz results."
        with pytest.raises(ValidationError) as refused:
            quiz_results_record(session=cancelled, scores={}, acting_user=self.facilitator)
        assert refused.value.messages == [refusal]
        self.client.force_login(self.facilitator)
        assert refusal in self.client.get(reverse("session_scores", args=[cancelled.pk])).content.decode()


class GroupSaveTests(TestCase):
    """group_save: the group and its modules in one transaction."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
        cls.module, cls.lessons = curriculum["module"], curriculum["lessons"]
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)

    def test_a_new_group_is_created_with_its_modules(self):
        group = group_save(
            centre=self.centre,
            name="Stars",
            facilitator=self.facilitator,
            modules=[self.module],
            acting_user=self.facilitator,
        )
        assert list(group.group_modules.values_list("module_id", flat=True)) == [self.module.pk]

    def test_a_refused_module_change_leaves_the_group_as_it_was(self):
        group = make_group(self.centre, self.facilitator, [self.module], name="Stars")
        session_plan(group=group, lesson=self.lessons[0], date=days_ago(1), acting_user=self.facilitator)
        with pytest.raises(ValidationError, match="already has sessions"):
            group_save(
                group=group, name="Renamed", facilitator=self.facilitator, modules=[], acting_user=self.facilitator
            )
        assert Group.objects.get(pk=group.pk).name == "Stars"
