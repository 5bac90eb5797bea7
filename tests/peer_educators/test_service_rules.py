"""Rules that moved into the peer-educator services, called directly: choosing one's own password (atomic,
audited without the password), the project life cycle on the model, services that say what they did, the
duplicate-proposal check, and the refusals the project pages show in the services' own words."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms import access, roles
from lms.results import Done
from peer_educators import services
from peer_educators.models import PeerEducator, PlannedActivity, Project
from tests import factories
from tests.factories import UserFactory, assign, consenting_learner, make_centre

NEW_PASSWORD = "a-long-own-secret-7"
Status = Project.Status


class PasswordTests(TestCase):
    """peer_educator_set_password: the account holder replaces the one-time password."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        learner = consenting_learner(centre=cls.centre, first_name="Zarak", acting_user=cls.facilitator, age=17)
        cls.user = UserFactory(username="zarak", role=roles.PEER_EDUCATORS)
        cls.peer = PeerEducator.objects.create(
            learner=learner, user=cls.user, mentor=cls.facilitator, status="active", must_change_password=True
        )

    def test_the_new_password_is_saved_the_flag_cleared_and_the_audit_holds_neither_password_nor_hash(self):
        services.peer_educator_set_password(user=self.user, password=NEW_PASSWORD, acting_user=self.user)
        user = User.objects.get(pk=self.user.pk)
        assert user.check_password(NEW_PASSWORD)
        assert not PeerEducator.objects.get(pk=self.peer.pk).must_change_password
        (entry,) = ModelLogEntry.objects.filter(action="lms.peer.password")
        assert entry.user_id == self.user.pk
        written = str(entry.data) + str(entry.label)
        assert NEW_PASSWORD not in written
        assert user.password not in written and user.password.split("$")[-1] not in written

    def test_a_weak_password_is_refused_and_nothing_changes(self):
        before = User.objects.get(pk=self.user.pk).password
        with pytest.raises(ValidationError):
            services.peer_educator_set_password(user=self.user, password="12345678", acting_user=self.user)
        assert User.objects.get(pk=self.user.pk).password == before
        assert PeerEducator.objects.get(pk=self.peer.pk).must_change_password
        assert not ModelLogEntry.objects.filter(action="lms.peer.password").exists()

    def test_nobody_else_chooses_a_peer_educators_password_not_even_their_mentor(self):
        with pytest.raises(access.OutOfScope):
            services.peer_educator_set_password(user=self.user, password=NEW_PASSWORD, acting_user=self.facilitator)
        assert not User.objects.get(pk=self.user.pk).check_password(NEW_PASSWORD)


class LifeCycleTests(TestCase):
    """The project life cycle, defined once on the model, and the services that follow it."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator, cls.admin = users["facilitator"], users["admin"]
        cls.second = UserFactory(username="second", role=roles.FACILITATORS)
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        assign(cls.second, cls.centre)
        cls.youth = consenting_learner(centre=cls.centre, first_name="Zarak", acting_user=cls.facilitator, age=17)

    def propose(self, title="Clean tap", user=None):
        return services.project_propose(
            centre=self.centre,
            title=title,
            problem="A dirty tap",
            goal="A clean tap",
            place="Bus stand",
            team=[self.youth],
            acting_user=user or self.facilitator,
        )

    def test_the_transitions_table_says_where_each_status_may_go(self):
        project = Project(status=Status.PROPOSED)
        allowed = {
            status: sorted(s for s in Status.values if Project(status=status).can_become(s)) for status in Status
        }
        assert allowed == {
            "proposed": ["abandoned", "approved"],
            "approved": ["abandoned", "completed", "in_progress"],
            "in_progress": ["abandoned", "completed"],
            "completed": [],
            "abandoned": [],
        }
        assert project.is_open() and not project.takes_activities()
        assert Project(status=Status.IN_PROGRESS).takes_activities()
        assert not Project(status=Status.COMPLETED).is_open()

    def test_proposing_the_same_title_again_the_same_day_returns_the_first_project(self):
        first = self.propose()
        assert self.propose(title=" Clean tap ") == first
        assert Project.objects.count() == 1
        assert ModelLogEntry.objects.filter(action="lms.project.propose").count() == 1
        assert self.propose(title="Clean tap", user=self.second) != first  # another proposer: another project

    def test_approving_says_changed_then_unchanged(self):
        project = self.propose()
        approved = services.project_approve(project=project, comment="Go", acting_user=self.second)
        assert (approved.done, approved.record.status) == (Done.CHANGED, Status.APPROVED)
        again = services.project_approve(project=project, comment="Go", acting_user=self.second)
        assert again.done is Done.UNCHANGED
        assert ModelLogEntry.objects.filter(action="lms.project.approved").count() == 1

    def test_completing_and_abandoning_say_what_they_did_and_a_closed_project_refuses_in_the_pages_words(self):
        project = services.project_approve(project=self.propose(), comment="Go", acting_user=self.second).record
        done = services.project_complete(project=project, changed="Clean", learned="Ask", acting_user=self.facilitator)
        assert done.done is Done.CHANGED
        assert services.project_complete(project=project, changed="a", learned="b", acting_user=self.admin).done is (
            Done.UNCHANGED
        )
        project.refresh_from_db()
        refusal = services.project_refusal(project, Status.ABANDONED)
        assert refusal == "A project that is Completed cannot be moved to this step."
        with pytest.raises(ValidationError) as refused:
            services.project_abandon(project=project, reason="Late", acting_user=self.facilitator)
        assert refused.value.messages == [refusal]
        self.client.force_login(self.facilitator)
        assert refusal in self.client.get(reverse("project_abandon", args=[project.pk])).content.decode()

    def test_the_proposer_is_refused_approval_in_the_words_the_approval_page_shows(self):
        project = self.propose()
        refusal = services.project_refusal(project, Status.APPROVED, user=self.facilitator)
        assert refusal == "You proposed this project, so another facilitator must approve it."
        with pytest.raises(ValidationError) as refused:
            services.project_approve(project=project, comment="Mine", acting_user=self.facilitator)
        assert refused.value.messages == [refusal]
        self.client.force_login(self.facilitator)
        assert refusal in self.client.get(reverse("project_approve", args=[project.pk])).content.decode()

    def test_steps_are_planned_until_the_project_is_closed_and_activities_logged_only_once_approved(self):
        project = self.propose()
        today = timezone.localdate()
        services.planned_activity_add(project=project, title="Meet", target_date=today, acting_user=self.facilitator)
        assert ModelLogEntry.objects.filter(action="lms.project.plan").count() == 1
        log_refusal = services.project_work_refusal(project)
        with pytest.raises(ValidationError) as refused:
            services.activity_log_add(
                project=project, date=today, description="Met", reach={}, acting_user=self.facilitator
            )
        assert refused.value.messages == [log_refusal]
        services.project_abandon(project=project, reason="No time", acting_user=self.facilitator)
        project.refresh_from_db()
        with pytest.raises(ValidationError, match="cannot be planned for a project that is Abandoned"):
            services.planned_activity_add(
                project=project, title="Late", target_date=today, acting_user=self.facilitator
            )
        assert PlannedActivity.objects.filter(project=project).count() == 1
