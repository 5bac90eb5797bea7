"""The pathway, supervision and project services, called directly: promotion and step-down (access appears and
disappears), bad input refused with nothing saved, the project status rules, and the active-citizen indicator."""

import datetime
import io
import itertools
import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry

from learners.models import Learner
from lms import access, roles
from peer_educators import selectors, services
from peer_educators.models import ActivityLog, ActivityPhoto, Observation, PeerEducator, Project, StatusChange
from tests import factories
from tests.factories import (
    add_members,
    assign,
    consenting_learner,
    days_ago,
    held_session,
    make_centre,
    make_group,
)

TODAY = timezone.localdate


def log_entries(action: str, instance) -> list[ModelLogEntry]:
    """Audit entries of one action about one record, oldest first."""
    return list(ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk)).order_by("timestamp", "pk"))


def fresh(user: User) -> User:
    """The user as a new request would load them (no cached roles)."""
    return User.objects.get(pk=user.pk)


def png(size=(4, 4)) -> SimpleUploadedFile:
    """A small PNG upload."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, "white").save(buffer, "PNG")
    return SimpleUploadedFile("activity.png", buffer.getvalue(), content_type="image/png")


RATINGS = {"preparation": 3, "participation": 4, "child_safe": 4, "key_messages": 2}
NO_REACH = dict.fromkeys(ActivityLog.REACH_FIELDS, 0)


class PeerWorld(TestCase):
    """Centres A (QTA, facilitator and facilitator 2) and B (PSN, facilitator B), the peer training module, and
    Zarak (17) at A who completed it: eligible, not yet promoted."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.facilitator_2 = factories.UserFactory(username="facilitator_2", role=roles.FACILITATORS)
        cls.facilitator_b = factories.UserFactory(username="facilitator_b", role=roles.FACILITATORS)
        cls.admin = cls.users["admin"]
        cls.module, cls.lessons = factories.topic_module(
            "Peer educator training",
            ["Leading a group", "Keeping everyone safe"],
            topic="peer-education",
            editor=cls.users["editor"],
            reviewer=cls.users["reviewer"],
        )
        cls.centre = make_centre("QTA")
        cls.centre_b = make_centre("PSN")
        assign(cls.facilitator, cls.centre)
        assign(cls.facilitator_2, cls.centre)
        assign(cls.facilitator_b, cls.centre_b)
        cls.zarak = cls.trainee(cls.centre, cls.facilitator, "Zarak")

    @classmethod
    def trainee(cls, centre, facilitator, name, *, age=17):
        """A learner who completed the training with full marks."""
        learner = consenting_learner(centre=centre, first_name=name, acting_user=facilitator, age=age)
        group = make_group(centre, facilitator, [cls.module], name=f"{name} training")
        add_members(group, [learner], acting_user=facilitator)
        factories.train(group, cls.lessons, acting_user=facilitator, post={learner: 1})
        return learner

    def promote(self, learner=None, **kwargs):
        kwargs.setdefault("statement", "Kind, reliable, and the younger boys listen to him.")
        kwargs.setdefault("mentor", self.facilitator)
        kwargs.setdefault("acting_user", self.facilitator)
        return services.peer_educator_promote(learner=learner or self.zarak, **kwargs)

    def set_status(self, peer, status, note="", user=None):
        return services.peer_educator_set_status(
            peer=peer, status=status, note=note, acting_user=user or self.facilitator
        )


class PromotionTests(PeerWorld):
    """peer_educator_promote: the account, the one-time password, the role, the link, the history, the audit."""

    def test_promotion_creates_an_account_whose_name_says_nothing_about_the_child(self):
        peer, _password = self.promote()
        username = peer.user.username
        assert re.fullmatch(r"peer-[a-hj-km-np-z2-9]{6}", username), username
        assert "zarak" not in username.lower()
        assert "qta" not in username.lower() and "0001" not in username
        assert peer.user.first_name == "Zarak"
        assert peer.user.is_active

    def test_two_promotions_get_two_different_neutral_names(self):
        first, _password = self.promote()
        second, _password = self.promote(
            self.trainee(self.centre_b, self.facilitator_b, "Zarak"),
            mentor=self.facilitator_b,
            acting_user=self.facilitator_b,
        )
        assert first.user.username != second.user.username
        assert second.user.username.startswith("peer-")

    def test_the_one_time_password_signs_in_and_must_be_changed(self):
        peer, password = self.promote()
        user = fresh(peer.user)
        assert password
        assert user.check_password(password)
        assert not user.check_password(password + "x")
        assert peer.must_change_password
        user.set_password("a-new-secret-9")  # what the first sign-in does
        assert not user.check_password(password)

    def test_every_promotion_gets_its_own_password(self):
        _peer, first = self.promote()
        _other, second = self.promote(self.trainee(self.centre, self.facilitator, "Yasir"))
        assert first != second

    def test_promotion_gives_the_role_and_access_to_the_groups_they_will_lead(self):
        peer, _password = self.promote()
        user = fresh(peer.user)
        assert access.has_role(user, roles.PEER_EDUCATORS)
        assert access.is_active_peer_educator(user)
        assert not access.uses_records(user)

    def test_promotion_links_the_learner_record_the_mentor_and_the_endorsement(self):
        peer, _password = self.promote(mentor=self.facilitator_2)
        peer.refresh_from_db()
        assert peer.learner == self.zarak
        assert Learner.objects.get(pk=self.zarak.pk).peer_educator.user == peer.user
        assert peer.status == PeerEducator.Status.ACTIVE
        assert (peer.mentor, peer.endorsed_by) == (self.facilitator_2, self.facilitator)
        assert peer.endorsement.startswith("Kind, reliable")

    def test_a_nominated_learner_keeps_their_history_when_promoted(self):
        nominated = services.peer_educator_nominate(
            learner=self.zarak, mentor=self.facilitator, note="Shows leadership", acting_user=self.facilitator
        )
        peer, _password = self.promote()
        assert peer.pk == nominated.pk
        history = list(
            StatusChange.objects.filter(peer_educator=peer).values_list("status", "changed_on", "changed_by")
        )
        assert history == [("nominated", TODAY(), self.facilitator.pk), ("active", TODAY(), self.facilitator.pk)]

    def test_promotion_is_audited_on_the_learner_record(self):
        peer, _password = self.promote()
        (entry,) = log_entries("lms.peer.promote", self.zarak)
        assert entry.user_id == self.facilitator.pk
        assert entry.data["account"] == peer.user.username
        assert "password" not in str(entry.data)

    def test_promoting_a_learner_who_is_not_eligible_says_what_is_missing_and_creates_nothing(self):
        young = self.trainee(self.centre, self.facilitator, "Imran", age=12)
        users, peers, changes = User.objects.count(), PeerEducator.objects.count(), StatusChange.objects.count()
        with pytest.raises(ValidationError) as error:
            self.promote(young)
        assert "not eligible yet" in str(error.value)
        assert "age 12, needs 14" in str(error.value)
        assert (User.objects.count(), PeerEducator.objects.count(), StatusChange.objects.count()) == (
            users,
            peers,
            changes,
        )
        assert not log_entries("lms.peer.promote", young)

    def test_promoting_an_active_peer_educator_again_is_refused(self):
        self.promote()
        users = User.objects.count()
        with pytest.raises(ValidationError, match="already an active peer educator"):
            self.promote()
        assert User.objects.count() == users
        assert len(log_entries("lms.peer.promote", self.zarak)) == 1

    def test_promoting_a_paused_or_stepped_down_peer_educator_again_creates_no_second_account(self):
        peer, _password = self.promote()
        for status, note in (("paused", "Exams"), ("stepped_down", "Moved away")):
            self.set_status(peer, status, note)
            users = User.objects.count()
            with pytest.raises(ValidationError, match="change their status"):
                self.promote()
            assert User.objects.count() == users
            assert PeerEducator.objects.get(pk=peer.pk).user_id == peer.user_id

    def test_promotion_needs_an_endorsement(self):
        users = User.objects.count()
        with pytest.raises(ValidationError) as error:
            self.promote(statement="   ")
        assert "statement" in error.value.message_dict
        assert User.objects.count() == users

    def test_only_a_facilitator_of_the_learners_centre_may_promote(self):
        users = User.objects.count()
        peer_user = self.users["peer"]
        for outsider in (self.facilitator_b, self.users["manager"], peer_user, self.users["editor"]):
            with pytest.raises(ValidationError, match="Only a facilitator of this centre"):
                self.promote(acting_user=outsider)
        assert User.objects.count() == users
        assert not PeerEducator.objects.exists()

    def test_an_administrator_may_promote(self):
        peer, _password = self.promote(acting_user=self.admin)
        assert peer.status == PeerEducator.Status.ACTIVE


class StatusTests(PeerWorld):
    """peer_educator_set_status: stepping down and pausing remove access at once; the history stays."""

    def setUp(self):
        self.peer, _password = self.promote()
        self.group = make_group(self.centre, self.facilitator, [self.module], name="Little hawks")
        services.peer_group_assign(group=self.group, peer=self.peer, acting_user=self.facilitator)

    def test_stepping_down_removes_the_role_and_closes_the_account_at_once(self):
        self.set_status(self.peer, PeerEducator.Status.STEPPED_DOWN, "Moved to another city")
        user = fresh(self.peer.user)
        assert not user.is_active
        assert not user.groups.filter(name=roles.PEER_EDUCATORS).exists()
        assert not access.is_active_peer_educator(user)
        assert not access.groups_visible_to(user).exists()

    def test_stepping_down_keeps_the_peer_educator_and_their_history(self):
        self.set_status(self.peer, PeerEducator.Status.STEPPED_DOWN, "Moved to another city")
        peer = PeerEducator.objects.get(pk=self.peer.pk)
        assert peer.status == PeerEducator.Status.STEPPED_DOWN
        assert peer.user_id == self.peer.user_id
        history = list(peer.status_changes.values_list("status", "note"))
        assert history == [("active", "Promoted"), ("stepped_down", "Moved to another city")]
        (entry,) = log_entries("lms.peer.status", self.zarak)
        assert entry.data["status"] == ["active", "stepped_down"]

    def test_stepping_down_needs_a_reason(self):
        with pytest.raises(ValidationError) as error:
            self.set_status(self.peer, PeerEducator.Status.STEPPED_DOWN)
        assert "note" in error.value.message_dict
        assert PeerEducator.objects.get(pk=self.peer.pk).status == PeerEducator.Status.ACTIVE
        assert fresh(self.peer.user).is_active

    def test_pausing_needs_a_note(self):
        with pytest.raises(ValidationError):
            self.set_status(self.peer, PeerEducator.Status.PAUSED, "  ")
        assert access.is_active_peer_educator(fresh(self.peer.user))

    def test_pausing_removes_access_but_keeps_the_role_and_account(self):
        self.set_status(self.peer, PeerEducator.Status.PAUSED, "Exams this month")
        user = fresh(self.peer.user)
        assert user.is_active
        assert access.has_role(user, roles.PEER_EDUCATORS)
        assert not access.is_active_peer_educator(user)
        assert not access.groups_visible_to(user).exists()
        assert not access.sessions_runnable_by(user).exists()

    def test_resuming_restores_access(self):
        self.set_status(self.peer, PeerEducator.Status.PAUSED, "Exams this month")
        self.set_status(self.peer, PeerEducator.Status.ACTIVE)
        user = fresh(self.peer.user)
        assert access.is_active_peer_educator(user)
        assert list(access.groups_visible_to(user)) == [self.group]

    def test_a_stepped_down_peer_educator_can_come_back_with_the_same_account(self):
        self.set_status(self.peer, PeerEducator.Status.STEPPED_DOWN, "Moved away")
        self.set_status(self.peer, PeerEducator.Status.ACTIVE, "Back in town")
        user = fresh(self.peer.user)
        assert user.is_active
        assert access.is_active_peer_educator(user)

    def test_only_a_facilitator_of_the_centre_changes_the_status(self):
        for outsider in (self.facilitator_b, self.users["manager"], self.peer.user):
            with pytest.raises(ValidationError):
                self.set_status(self.peer, PeerEducator.Status.STEPPED_DOWN, "No", user=outsider)
        assert access.is_active_peer_educator(fresh(self.peer.user))

    def test_the_same_status_again_changes_nothing(self):
        self.set_status(self.peer, PeerEducator.Status.ACTIVE)
        assert self.peer.status_changes.count() == 1

    def test_a_learner_without_an_account_cannot_be_made_active_by_a_status_change(self):
        nominated = services.peer_educator_nominate(
            learner=self.trainee(self.centre, self.facilitator, "Yasir"),
            mentor=self.facilitator,
            acting_user=self.facilitator,
        )
        with pytest.raises(ValidationError, match="Promote the learner first"):
            self.set_status(nominated, PeerEducator.Status.ACTIVE)


class GroupAndObservationTests(PeerWorld):
    """peer_group_assign and observation_record."""

    def setUp(self):
        self.peer, _password = self.promote()
        self.group = make_group(self.centre, self.facilitator, [self.module], name="Little hawks")
        self.members = [
            consenting_learner(centre=self.centre, first_name=name, acting_user=self.facilitator)
            for name in ("Asad", "Bilal")
        ]
        add_members(self.group, self.members, acting_user=self.facilitator)

    def assign_peer(self, peer=None, group=None, user=None):
        return services.peer_group_assign(
            group=group or self.group, peer=peer or self.peer, acting_user=user or self.facilitator
        )

    def observe(self, **kwargs):
        kwargs.setdefault("peer", self.peer)
        kwargs.setdefault("observed_on", TODAY())
        kwargs.setdefault("ratings", RATINGS)
        kwargs.setdefault("feedback", "Good energy; give quieter boys a turn.")
        kwargs.setdefault("acting_user", self.facilitator)
        return services.observation_record(**kwargs)

    def test_an_active_peer_educator_is_given_a_group_and_sees_it(self):
        self.assign_peer()
        assert self.group.__class__.objects.get(pk=self.group.pk).peer_leader == self.peer.user
        assert list(access.groups_led_by_peer(fresh(self.peer.user))) == [self.group]
        assert len(log_entries("lms.group.peer_leader", self.group)) == 1

    def test_assigning_the_same_peer_again_changes_nothing(self):
        self.assign_peer()
        self.assign_peer()
        assert len(log_entries("lms.group.peer_leader", self.group)) == 1

    def test_a_paused_peer_educator_cannot_be_given_a_group(self):
        self.set_status(self.peer, PeerEducator.Status.PAUSED, "Exams")
        with pytest.raises(ValidationError, match="Only an active peer educator"):
            self.assign_peer(PeerEducator.objects.get(pk=self.peer.pk))
        assert self.group.__class__.objects.get(pk=self.group.pk).peer_leader is None

    def test_a_peer_educator_of_another_centre_cannot_lead_a_group_here(self):
        group_b = make_group(self.centre_b, self.facilitator_b, [self.module], name="Bay Kites")
        with pytest.raises(ValidationError, match="another centre"):
            self.assign_peer(group=group_b, user=self.facilitator_b)
        assert group_b.__class__.objects.get(pk=group_b.pk).peer_leader is None

    def test_a_facilitator_of_another_centre_cannot_give_this_group_a_peer(self):
        with pytest.raises(ValidationError):
            self.assign_peer(user=self.facilitator_b)

    def test_an_observation_of_a_session_the_peer_led_is_recorded_and_audited(self):
        self.assign_peer()
        session = held_session(group=self.group, lesson=self.lessons[0], day=days_ago(1), acting_user=self.peer.user)
        observation = self.observe(session=session, observed_on=days_ago(1))
        assert (observation.preparation, observation.key_messages, observation.observer) == (3, 2, self.facilitator)
        (entry,) = log_entries("lms.peer.observe", self.zarak)
        assert entry.user_id == self.facilitator.pk

    def test_an_observation_of_another_groups_session_is_refused(self):
        self.assign_peer()
        other = make_group(self.centre, self.facilitator, [self.module], name="Not theirs")
        add_members(
            other,
            [consenting_learner(centre=self.centre, first_name="Omar", acting_user=self.facilitator)],
            acting_user=self.facilitator,
        )
        session = held_session(group=other, lesson=self.lessons[0], day=days_ago(1), acting_user=self.facilitator)
        with pytest.raises(ValidationError) as error:
            self.observe(session=session)
        assert "session" in error.value.message_dict
        assert not Observation.objects.exists()

    def test_ratings_outside_1_to_4_are_refused(self):
        for bad in (0, 5, None):
            with pytest.raises(ValidationError):
                self.observe(ratings={**RATINGS, "child_safe": bad})
        assert not Observation.objects.exists()

    def test_an_observation_needs_written_feedback(self):
        with pytest.raises(ValidationError) as error:
            self.observe(feedback="   ")
        assert "feedback" in error.value.message_dict
        assert not Observation.objects.exists()

    def test_an_observation_cannot_be_dated_in_the_future(self):
        with pytest.raises(ValidationError) as error:
            self.observe(observed_on=TODAY() + datetime.timedelta(days=1))
        assert "observed_on" in error.value.message_dict
        assert not Observation.objects.exists()

    def test_only_a_facilitator_of_the_centre_may_observe(self):
        for outsider in (self.facilitator_b, self.users["manager"], self.peer.user):
            with pytest.raises(ValidationError):
                self.observe(acting_user=outsider)
        assert not Observation.objects.exists()


PROJECT_NUMBERS = itertools.count(1)  # one title per proposal: the same title again the same day is a resubmission


class ProjectTests(PeerWorld):
    """Social action projects: proposal, the status rules, the activity log and its photos."""

    def setUp(self):
        self.peer, _password = self.promote()
        self.helper = consenting_learner(centre=self.centre, first_name="Asad", acting_user=self.facilitator)

    def propose(self, user=None, team=None, **kwargs):
        return services.project_propose(
            centre=kwargs.pop("centre", self.centre),
            title=kwargs.pop("title", None) or f"Clean water at the bus stand ({next(PROJECT_NUMBERS)})",
            problem="Children drink from a dirty tap.",
            goal="A clean tap and a sign.",
            place="Bus stand, Sariab Road",
            team=team if team is not None else [self.zarak, self.helper],
            planned=kwargs.pop("planned", ()),
            acting_user=user or self.peer.user,
        )

    def approved(self):
        return services.project_approve(project=self.propose(), comment="Go ahead", acting_user=self.facilitator).record

    def log(self, project, **kwargs):
        kwargs.setdefault("date", TODAY())
        kwargs.setdefault("description", "Talked to shopkeepers.")
        kwargs.setdefault("reach", {**NO_REACH, "community_male": 5})
        kwargs.setdefault("acting_user", self.peer.user)
        return services.activity_log_add(project=project, **kwargs).record

    def status(self, project):
        return Project.objects.get(pk=project.pk).status

    def test_a_proposal_has_its_team_and_planned_steps(self):
        project = self.propose(planned=[("Meet the shopkeepers", TODAY() + datetime.timedelta(days=7))])
        assert project.status == Project.Status.PROPOSED
        assert {m.learner for m in project.team.all()} == {self.zarak, self.helper}
        assert list(project.planned_activities.values_list("title", flat=True)) == ["Meet the shopkeepers"]
        assert len(log_entries("lms.project.propose", project)) == 1
        assert access.projects_visible_to(fresh(self.peer.user)).get() == project

    def test_a_proposal_needs_a_team_from_its_centre(self):
        outsider = consenting_learner(centre=self.centre_b, first_name="Babrak", acting_user=self.facilitator_b)
        for team in ([], [self.zarak, outsider]):
            with pytest.raises(ValidationError) as error:
                self.propose(team=team)
            assert "team" in error.value.message_dict
        assert not Project.objects.exists()

    def test_a_facilitator_of_the_centre_approves_a_proposed_project_with_a_comment(self):
        project = self.approved()
        assert project.status == Project.Status.APPROVED
        assert (project.approved_by, project.approved_on, project.approval_comment) == (
            self.facilitator,
            TODAY(),
            "Go ahead",
        )
        (entry,) = log_entries("lms.project.approved", project)
        assert entry.user_id == self.facilitator.pk

    def test_nobody_approves_their_own_proposal(self):
        project = self.propose(user=self.facilitator)
        with pytest.raises(ValidationError, match="another facilitator must approve"):
            services.project_approve(project=project, comment="", acting_user=self.facilitator)
        assert self.status(project) == Project.Status.PROPOSED
        services.project_approve(project=project, comment="", acting_user=self.facilitator_2)
        assert self.status(project) == Project.Status.APPROVED

    def test_a_facilitator_of_another_centre_or_a_manager_cannot_approve(self):
        project = self.propose()
        for outsider in (self.facilitator_b, self.users["manager"], self.peer.user):
            with pytest.raises(ValidationError):
                services.project_approve(project=project, comment="", acting_user=outsider)
        assert self.status(project) == Project.Status.PROPOSED

    def test_only_a_proposed_project_can_be_approved(self):
        abandoned = services.project_abandon(
            project=self.propose(), reason="No time", acting_user=self.facilitator
        ).record
        with pytest.raises(ValidationError, match="cannot be moved to this step"):
            services.project_approve(project=abandoned, comment="", acting_user=self.facilitator)
        in_progress = self.approved()
        self.log(in_progress)
        with pytest.raises(ValidationError, match="cannot be moved to this step"):
            services.project_approve(project=in_progress, comment="", acting_user=self.facilitator_2)
        assert (self.status(abandoned), self.status(in_progress)) == ("abandoned", "in_progress")

    def test_approving_twice_changes_nothing(self):
        project = self.approved()
        services.project_approve(project=project, comment="Again", acting_user=self.facilitator)
        assert len(log_entries("lms.project.approved", project)) == 1

    def test_completion_needs_both_reflections(self):
        project = self.approved()
        for changed, learned in (("", "Teamwork"), ("The tap is clean", " "), ("", "")):
            with pytest.raises(ValidationError, match="what changed and what the team learned"):
                services.project_complete(project=project, changed=changed, learned=learned, acting_user=self.peer.user)
        assert self.status(project) == Project.Status.APPROVED
        done = services.project_complete(
            project=project, changed="The tap is clean", learned="Shopkeepers listen", acting_user=self.peer.user
        ).record
        assert (done.status, done.completed_on, done.reflection_learned) == ("completed", TODAY(), "Shopkeepers listen")

    def test_a_proposed_project_cannot_be_completed(self):
        project = self.propose()
        with pytest.raises(ValidationError, match="cannot be moved to this step"):
            services.project_complete(project=project, changed="a", learned="b", acting_user=self.facilitator)
        assert self.status(project) == Project.Status.PROPOSED

    def test_abandoning_needs_a_reason(self):
        project = self.approved()
        with pytest.raises(ValidationError) as error:
            services.project_abandon(project=project, reason=" ", acting_user=self.facilitator)
        assert "abandoned_reason" in error.value.message_dict
        assert self.status(project) == Project.Status.APPROVED
        services.project_abandon(project=project, reason="The team moved away", acting_user=self.facilitator)
        assert self.status(project) == Project.Status.ABANDONED

    def test_a_completed_project_cannot_be_abandoned(self):
        project = self.approved()
        services.project_complete(project=project, changed="a", learned="b", acting_user=self.facilitator)
        with pytest.raises(ValidationError, match="cannot be moved to this step"):
            services.project_abandon(project=project, reason="Oops", acting_user=self.facilitator)
        assert self.status(project) == Project.Status.COMPLETED

    def test_an_activity_on_an_approved_project_puts_it_in_progress(self):
        project = self.approved()
        Project.objects.filter(pk=project.pk).update(created_on=days_ago(10))
        log = self.log(project, date=days_ago(3), reach={**NO_REACH, "children_male": 4, "parents_female": 2})
        project.refresh_from_db()
        assert (project.status, project.started_on) == (Project.Status.IN_PROGRESS, days_ago(3))
        assert log.people_reached == 6
        assert selectors.project_reach([project])[project.pk]["children_male"] == 4
        assert len(log_entries("lms.project.log", project)) == 1

    def test_activities_cannot_be_logged_before_approval(self):
        project = self.propose()
        with pytest.raises(ValidationError, match="once the project is approved"):
            self.log(project)
        assert not ActivityLog.objects.exists()

    def test_an_activity_dated_before_the_project_or_in_the_future_is_refused(self):
        project = self.approved()
        for day in (days_ago(1), TODAY() + datetime.timedelta(days=1)):
            with pytest.raises(ValidationError) as error:
                self.log(project, date=day)
            assert "date" in error.value.message_dict
        assert not ActivityLog.objects.exists()
        assert self.status(project) == Project.Status.APPROVED

    def test_negative_reach_is_refused(self):
        project = self.approved()
        with pytest.raises(ValidationError, match="cannot be negative"):
            self.log(project, reach={**NO_REACH, "officials_female": -1})
        assert not ActivityLog.objects.exists()

    def test_a_photo_is_kept_only_with_the_confirmation_that_no_child_can_be_identified(self):
        project = self.approved()
        images = get_image_model().objects.count()
        with pytest.raises(ValidationError) as error:
            self.log(project, photo=png(), no_child_identifiable=False)
        assert "no_child_identifiable" in error.value.message_dict
        assert (ActivityLog.objects.count(), get_image_model().objects.count()) == (0, images)
        log = self.log(project, photo=png(), no_child_identifiable=True)
        (photo,) = ActivityPhoto.objects.filter(log=log)
        assert photo.no_child_identifiable
        assert photo.file.storage.exists(photo.file.name) and photo.thumbnail.storage.exists(photo.thumbnail.name)
        assert get_image_model().objects.count() == images  # project photos stay out of the image library

    def test_a_file_that_is_not_an_image_is_refused(self):
        project = self.approved()
        fake = SimpleUploadedFile("names.png", b"Asad, Bilal, Zarak", content_type="image/png")
        with pytest.raises(ValidationError, match="not an image"):
            self.log(project, photo=fake, no_child_identifiable=True)
        assert not ActivityLog.objects.exists()
        assert self.status(project) == Project.Status.APPROVED

    @override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=100)
    def test_a_photo_that_is_too_large_is_refused(self):
        project = self.approved()
        with pytest.raises(ValidationError, match="too large"):
            self.log(project, photo=png((64, 64)), no_child_identifiable=True)
        assert not ActivityLog.objects.exists()


class ActiveCitizensTests(TestCase):
    """The indicator "rehabilitated youth trained as active citizens who implemented their social action project",
    on a hand-built data set: who completed the active-citizenship module and was on the team of a completed project.

    Centre A: A1 and A5 on P1 (completed on the period's first day), A5 also on P3 (completed on its last day),
    A6 on P3, A7 on P5 (completed the day after the period), A2 on P1 but one lesson short, A3 on P2 (in progress),
    A4 on no team. Centre B: B1 on P4 (completed the day before the period).
    """

    START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        facilitator, admin = users["facilitator"], users["admin"]
        module, lessons = factories.topic_module(
            "Active citizens",
            ["Rights and duties", "Planning a project"],
            topic="active-citizenship",
            editor=users["editor"],
            reviewer=users["reviewer"],
            quiz=False,
        )
        cls.centre_a, cls.centre_b = make_centre("QTA"), make_centre("PSN")
        assign(facilitator, cls.centre_a)
        assign(facilitator, cls.centre_b)
        names = {"A": ["A1", "A2", "A3", "A4", "A5", "A6", "A7"], "B": ["B1"]}
        cls.youth = {}
        for key, centre in (("A", cls.centre_a), ("B", cls.centre_b)):
            learners = [
                consenting_learner(centre=centre, first_name=name, acting_user=facilitator, age=17)
                for name in names[key]
            ]
            cls.youth.update(zip(names[key], learners, strict=True))
            group = make_group(centre, facilitator, [module])
            add_members(group, learners, acting_user=facilitator)
            held_session(group=group, lesson=lessons[0], day=days_ago(30), acting_user=facilitator)
            absent = [cls.youth["A2"]] if key == "A" else []
            held_session(group=group, lesson=lessons[1], day=days_ago(20), acting_user=facilitator, absent=absent)

        def project(centre, team, completed_on=None):
            proposed = services.project_propose(
                centre=centre,
                title=f"Project of {'+'.join(team)}",
                problem="Litter",
                goal="A cleaner street",
                place="Main bazaar",
                team=[cls.youth[name] for name in team],
                acting_user=facilitator,
            )
            services.project_approve(project=proposed, comment="", acting_user=admin)
            if completed_on is None:
                services.activity_log_add(
                    project=proposed, date=TODAY(), description="Started", reach=NO_REACH, acting_user=facilitator
                )
                return proposed
            services.project_complete(project=proposed, changed="Less litter", learned="Plan ahead", acting_user=admin)
            Project.objects.filter(pk=proposed.pk).update(completed_on=completed_on)
            return proposed

        day = datetime.timedelta(days=1)
        project(cls.centre_a, ["A1", "A5", "A2"], cls.START)  # P1
        project(cls.centre_a, ["A3"])  # P2, in progress
        project(cls.centre_a, ["A5", "A6"], cls.END)  # P3
        project(cls.centre_b, ["B1"], cls.START - day)  # P4
        project(cls.centre_a, ["A7"], cls.END + day)  # P5

    def names(self, *args, **kwargs) -> list[str]:
        return sorted(learner.first_name for learner in selectors.active_citizens(*args, **kwargs))

    def test_all_time_every_centre_counts_five_youth_once_each(self):
        assert self.names() == ["A1", "A5", "A6", "A7", "B1"]
        assert selectors.active_citizens().count() == 5

    def test_the_period_counts_projects_completed_on_its_first_and_last_days_but_not_the_days_around(self):
        assert self.names(start=self.START, end=self.END) == ["A1", "A5", "A6"]
        assert selectors.active_citizens(start=self.START, end=self.END).count() == 3

    def test_a_centre_counts_only_its_own_projects(self):
        centre_a = [self.centre_a]
        assert selectors.active_citizens([self.centre_b]).count() == 1
        assert selectors.active_citizens(centre_a).count() == 4
        assert selectors.active_citizens([self.centre_b], start=self.START, end=self.END).count() == 0
        assert selectors.active_citizens(centre_a, start=self.START, end=self.END).count() == 3

    def test_an_open_ended_period_counts_from_or_until_a_day(self):
        assert self.names(start=self.END) == ["A5", "A6", "A7"]
        assert self.names(end=self.START) == ["A1", "A5", "B1"]

    def test_without_the_module_completed_a_team_member_is_not_counted(self):
        assert self.youth["A2"] not in selectors.active_citizens()
        assert self.youth["A3"] not in selectors.active_citizens()
        assert self.youth["A4"] not in selectors.active_citizens()
