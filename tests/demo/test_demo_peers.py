"""`load_demo_data` makes `peer1` a real peer educator, with a group, an observation and projects."""

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from courses.models import Attendance, QuizResult, Session
from learners.models import Centre, Group, Learner
from lms import access
from peer_educators import selectors
from peer_educators.models import ActivityLog, Observation, PeerEducator, Project, StatusChange


def peer_counts():
    """How many of each pathway and project record there are, and the delivery records they add to."""
    return {
        model.__name__: model.objects.count()
        for model in (
            PeerEducator,
            StatusChange,
            Observation,
            Project,
            ActivityLog,
            Learner,
            Group,
            Session,
            Attendance,
            QuizResult,
        )
    }


class DemoPeersTest(TestCase):
    """The demo data is loaded once for these tests (and rolled back after them)."""

    @classmethod
    def setUpTestData(cls):
        with override_settings(DEBUG=True):
            call_command("load_demo_data", verbosity=0)
        cls.peer_user = User.objects.get(username="peer1")
        cls.peer = PeerEducator.objects.select_related("learner__centre", "mentor").get(user=cls.peer_user)
        cls.qta = Centre.objects.filter(code="QTA")

    def test_peer1_is_an_active_peer_educator_linked_to_a_learner_at_the_first_centre(self):
        assert self.peer.status == PeerEducator.Status.ACTIVE
        assert self.peer.learner.centre.code == "QTA" and self.peer.learner.has_consent
        assert self.peer.mentor.username == "facilitator1" and self.peer.endorsement
        assert not self.peer.must_change_password and self.peer_user.check_password("learn-together")
        assert access.is_active_peer_educator(self.peer_user)
        statuses = list(self.peer.status_changes.values_list("status", flat=True))
        assert statuses == ["nominated", "in_training", "active"]

    def test_peer1_leads_a_group_of_about_eight_with_sessions_he_ran_and_one_planned_today(self):
        group = Group.objects.get(peer_leader=self.peer_user)
        assert 6 <= group.memberships.filter(left_on__isnull=True).count() <= 10
        held = Session.objects.filter(group=group, status=Session.Status.HELD)
        assert held.count() >= 3 and set(held.values_list("delivered_by", flat=True)) == {self.peer_user.pk}
        assert Session.objects.filter(group=group, status=Session.Status.PLANNED, date=timezone.localdate()).exists()
        assert access.can_run_session(self.peer_user, Session.objects.get(group=group, date=timezone.localdate()))

    def test_his_mentor_observed_one_of_his_sessions(self):
        observation = Observation.objects.get(peer_educator=self.peer)
        assert observation.observer.username == "facilitator1" and observation.feedback
        assert observation.session.group.peer_leader == self.peer_user

    def test_his_team_has_a_completed_project_one_in_progress_and_one_proposed(self):
        projects = Project.objects.filter(team__learner=self.peer.learner)
        assert sorted(projects.values_list("status", flat=True)) == ["completed", "in_progress", "proposed"]
        completed = projects.get(status=Project.Status.COMPLETED)
        assert completed.approved_by.username == "facilitator1" and completed.approval_comment
        assert completed.reflection_changed and completed.reflection_learned
        assert completed.planned_activities.count() >= 2 and completed.activity_logs.count() >= 2
        reach = selectors.project_reach([completed])[completed.pk]
        assert reach["children_male"] > 0 and reach["children_female"] > 0 and reach["officials_male"] > 0
        assert projects.get(status=Project.Status.IN_PROGRESS).activity_logs.count() == 1
        proposed = projects.get(status=Project.Status.PROPOSED)
        assert proposed.proposed_by == self.peer_user and proposed.approved_by is None
        assert all(p.proposed_by == self.peer_user for p in projects)
        assert set(access.projects_visible_to(self.peer_user)) == set(projects)

    def test_the_active_citizen_indicator_counts_the_completed_projects_team_who_finished_the_module(self):
        citizens = list(selectors.active_citizens(self.qta).values_list("first_name", flat=True))
        assert len(citizens) >= 1 and self.peer.learner.first_name in citizens

    def test_the_eligibility_page_has_candidates_each_missing_something(self):
        near = [e for e in selectors.candidates(self.qta) if len(e.missing) == 1]
        missing = " / ".join(line for e in near for line in e.missing)
        assert len(near) >= 3
        assert "lessons of Peer educator training still to complete" in missing
        assert "post-test" in missing and "age 13" in missing
        assert self.peer.learner not in [e.learner for e in selectors.candidates(self.qta)]

    def test_loading_the_demo_data_again_adds_nothing(self):
        before = peer_counts()
        with override_settings(DEBUG=True):
            call_command("load_demo_data", verbosity=0)
        assert peer_counts() == before
