"""`load_demo_data` adds a year of programme evidence, so every indicator on the dashboard has numbers."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Attendance, LessonProgress, QuizResult, Session, curriculum_modules
from learners.models import (
    Centre,
    CentreTransfer,
    CommunityGroup,
    CommunityMeeting,
    Group,
    JobPlacement,
    Learner,
    LearnerSituation,
    Referral,
    ReferralFollowUp,
    SchoolEnrolment,
    SensitisationEvent,
    ServiceProvider,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from peer_educators.models import Project
from reports.forms import default_period
from reports.indicators import Scope, dashboard, indicators
from reports.models import ProjectPeriod, Target

EVIDENCE_MODELS = (
    ServiceRecord,
    TrainingEnrolment,
    JobPlacement,
    SchoolEnrolment,
    CentreTransfer,
    CommunityGroup,
    CommunityMeeting,
    SensitisationEvent,
)
# (model, its date fields) for every dated record the demo writes
DATED = [
    (ServiceRecord, ["date"]),
    (TrainingEnrolment, ["enrolled_on", "completed_on", "certified_on"]),
    (JobPlacement, ["placed_on"]),
    (SchoolEnrolment, ["enrolled_on"]),
    (CentreTransfer, ["moved_on"]),
    (CommunityGroup, ["formed_on"]),
    (CommunityMeeting, ["date"]),
    (SensitisationEvent, ["date"]),
    (Referral, ["referred_on"]),
    (ReferralFollowUp, ["on"]),
    (Learner, ["joined_on", "guardian_consent_on", "child_assent_on"]),
    (LessonProgress, ["completed_on"]),
    (Project, ["created_on", "approved_on", "completed_on"]),
]
CFS = "cfs-self-protection"  # the only figure a drop-in centre cannot have


def all_counts() -> dict[str, int]:
    """How many of each record the demo writes there are, audit entries included."""
    models = (
        *EVIDENCE_MODELS,
        ServiceProvider,
        Referral,
        ReferralFollowUp,
        *(Learner, Group, Session, Attendance, QuizResult, LessonProgress, Project, ProjectPeriod, Target),
        ModelLogEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


class DemoEvidenceTest(TestCase):
    """The demo data is loaded once for these tests (and rolled back after them)."""

    @classmethod
    def setUpTestData(cls):
        with override_settings(DEBUG=True):
            call_command("load_demo_data", verbosity=0)
        cls.today = timezone.localdate()
        cls.start, cls.end = default_period()
        cls.centres = {centre.code: centre for centre in Centre.objects.all()}

    def figures(self, *codes: str) -> dict:
        """The dashboard's figures for the last twelve months at these centres, by key."""
        ids = tuple(sorted(self.centres[code].pk for code in codes))
        return {figure.key: figure for figure in dashboard(Scope(self.start, self.end, ids))}

    def test_every_indicator_is_above_zero_for_the_last_twelve_months_at_both_centres(self):
        figures = self.figures("QTA", "KSI")
        modules = curriculum_modules().count()  # the English modules: their Urdu translations are not counted again
        assert modules == 6 and len(figures) >= 2 * modules + 10  # completion and quiz gain for every module
        assert len([key for key in figures if key.startswith("module-")]) == modules
        assert [key for key, figure in figures.items() if not figure.value] == []
        assert figures[CFS].value == 1  # Kasi Road, the Child Friendly Space
        assert 60 <= figures["protective-services"].value <= 120

    def test_each_centre_has_its_own_numbers_for_every_indicator_but_a_drop_in_centre_is_no_cfs(self):
        qta, ksi = self.figures("QTA"), self.figures("KSI")
        assert self.centres["QTA"].kind == Centre.Kind.DROP_IN and self.centres["KSI"].kind == Centre.Kind.CFS
        # Provincial and national meetings are the programme's, not a centre's: they count only for all centres.
        programme_only = ["coordination-provincial", "coordination-national"]
        assert [key for key, figure in qta.items() if not figure.value] == [CFS, *programme_only]
        assert [key for key, figure in ksi.items() if not figure.value] == programme_only
        differ = [key for key in qta if qta[key].value != ksi[key].value]
        assert len(differ) >= len(qta) - 5  # the centres do not look alike

    def test_sessions_were_held_every_month_at_each_centre_and_the_trend_is_not_flat(self):
        trends = {}
        for code in ("QTA", "KSI"):
            trend = [count.value for count in self.figures(code)["sessions-held"].trend]
            assert len(trend) == 12
            assert all(trend[:-1]), (code, trend)  # this month may have begun today
            assert len(set(trend)) >= 4, (code, trend)
            trends[code] = trend
        assert trends["QTA"] != trends["KSI"]
        services = [count.value for count in self.figures("QTA", "KSI")["protective-services"].trend]
        assert sum(1 for n in services if n) >= 10 and len(set(services)) >= 5

    def test_both_centres_have_services_of_every_kind_training_jobs_school_and_community_records(self):
        for code, centre in self.centres.items():
            services = ServiceRecord.objects.filter(centre=centre, date__gte=self.start)
            assert set(services.values_list("kind", flat=True)) == set(ServiceRecord.Kind.values), code
            trainings = TrainingEnrolment.objects.filter(centre=centre)
            assert set(trainings.values_list("trade__name", flat=True)) == set(
                Trade.objects.values_list("name", flat=True)
            )
            assert trainings.filter(completed_on__isnull=False).exists()
            assert trainings.filter(certified_on__gte=self.start).exclude(certificate_number="").exists()
            assert trainings.filter(completed_on__isnull=True).exists()  # some are still learning
            placements = JobPlacement.objects.filter(centre=centre, placed_on__gte=self.start)
            assert set(placements.values_list("kind", flat=True)) == set(JobPlacement.Kind.values), code
            assert placements.filter(trade=None).exclude(sector="").exists()
            assert SchoolEnrolment.objects.filter(centre=centre, enrolled_on__gte=self.start).count() >= 5
            kinds = CommunityGroup.objects.filter(centre=centre).values_list("kind", flat=True)
            assert set(kinds) == set(CommunityGroup.Kind.values)
            meetings = CommunityMeeting.objects.filter(group__centre=centre, date__gte=self.start)
            assert len({day.month for day in meetings.values_list("date", flat=True)}) >= 10, code
            events = SensitisationEvent.objects.filter(centre=centre, date__gte=self.start)
            assert len(set(events.values_list("audience", flat=True))) >= 5, code

    def test_some_learners_were_served_several_times_and_some_by_an_outside_organisation(self):
        per_learner = ServiceRecord.objects.values("learner").annotate(n=Count("id")).values_list("n", flat=True)
        assert sum(per_learner) > 1.5 * len(per_learner) and max(per_learner) >= 3
        providers = set(ServiceRecord.objects.exclude(provider="").values_list("provider", flat=True))
        assert "Legal aid society (invented)" in providers
        assert all(provider.endswith("(invented)") for provider in providers)
        assert not ServiceRecord.objects.filter(kind="referral", provider="").exists()

    def test_one_learner_moved_from_sariab_road_to_kasi_road_with_records_on_both_sides(self):
        move = CentreTransfer.objects.get()
        learner = move.learner
        assert (move.from_centre.code, move.to_centre.code, learner.centre.code) == ("QTA", "KSI", "KSI")
        assert learner.code.startswith("QTA-")  # the code stays
        centres = set(ServiceRecord.objects.filter(learner=learner).values_list("centre__code", flat=True))
        assert centres == {"QTA", "KSI"}
        assert not ServiceRecord.objects.filter(learner=learner, centre__code="QTA", date__gt=move.moved_on).exists()
        groups = set(learner.memberships.values_list("group__centre__code", flat=True))
        assert groups == {"QTA", "KSI"}
        assert SchoolEnrolment.objects.get(learner=learner).centre.code == "KSI"

    def test_child_associations_list_learners_of_their_own_centre_and_committees_none(self):
        for group in CommunityGroup.objects.all():
            members = list(group.learner_members.all())
            if group.kind == CommunityGroup.Kind.PCC:
                assert members == []
            else:
                assert len(members) >= 10 and {m.centre_id for m in members} == {group.centre_id}
                assert group.members_total >= len(members)
                assert all(member.has_consent for member in members)

    def test_active_citizens_completed_the_module_and_a_project_at_each_centre(self):
        completed = Project.objects.filter(status=Project.Status.COMPLETED, completed_on__gte=self.start)
        assert set(completed.values_list("centre__code", flat=True)) == {"QTA", "KSI"}
        for project in completed:
            assert project.approved_by and project.approved_by != project.proposed_by
            assert project.created_on <= project.approved_on <= project.completed_on <= self.today
            assert all(log.date <= project.completed_on for log in project.activity_logs.all())

    def test_every_learner_with_consent_has_a_situation_and_only_the_few_waiting_for_it_have_none(self):
        recorded = Learner.objects.filter(situations__isnull=False).distinct()
        missing = Learner.objects.exclude(pk__in=recorded)
        assert 2 <= missing.count() <= 3 and not any(learner.has_consent for learner in missing)
        survivors = LearnerSituation.objects.filter(situation="survivor").values("learner").distinct().count()
        at_risk = LearnerSituation.objects.filter(situation="at_risk").values("learner").distinct().count()
        assert at_risk > survivors > 0 and LearnerSituation.objects.filter(situation="other").exists()
        ids = tuple(sorted(centre.pk for centre in self.centres.values()))
        figures = dashboard(Scope(self.start, self.end, ids), with_situation=True)
        by_situation = {
            tally.key: tally.value for tally in next(f for f in figures if f.key == "registered").by_situation
        }
        assert min(by_situation["survivor"], by_situation["at_risk"], by_situation["other"]) > 0
        assert by_situation["none"] <= missing.count()

    def test_invented_records_obey_the_rules(self):
        for model, fields in DATED:
            for name in fields:
                latest = model.objects.aggregate(latest=Max(name))["latest"]
                assert latest is None or latest <= self.today, (model.__name__, name, latest)
        for model, name in [(ServiceRecord, "date"), (JobPlacement, "placed_on"), (SchoolEnrolment, "enrolled_on")]:
            for record in model.objects.select_related("learner"):
                assert getattr(record, name) >= record.learner.joined_on, (model.__name__, record.pk)
        for training in TrainingEnrolment.objects.select_related("learner"):
            assert training.enrolled_on >= training.learner.joined_on
            assert training.completed_on is None or training.completed_on >= training.enrolled_on
            if training.certified_on:
                assert training.completed_on and training.certified_on >= training.completed_on
                assert training.certifying_board.endswith("(invented)")
        with_records = Learner.objects.filter(services__isnull=False).distinct()
        assert all(learner.has_consent for learner in with_records)
        # every finished cohort met in the past, and nothing of theirs is left open
        closed = Group.objects.filter(is_active=False)
        assert not Session.objects.filter(group__in=closed).exclude(status=Session.Status.HELD).exists()
        assert not closed.filter(memberships__left_on__isnull=True).exists()

    def test_the_demo_project_period_has_a_target_for_every_indicator_and_the_dashboard_shows_percents(self):
        period = ProjectPeriod.objects.get()
        assert period.centre is None and period.starts_on == self.start and period.ends_on >= self.today
        assert period.donor == "Children's Futures Fund (invented)"
        keys = {indicator.key for indicator in indicators()}
        assert set(Target.objects.filter(period=period).values_list("indicator_key", flat=True)) == keys
        self.client.force_login(User.objects.get(username="manager"))
        query = {"start": self.start.isoformat(), "end": self.today.isoformat()}
        page = self.client.get(reverse("indicator_dashboard"), query).content.decode()
        percents = [int(p) for p in re.findall(r'<strong data-t="percent">(\d+)%</strong>', page)]
        assert len(percents) == len(keys)
        assert all(70 <= p <= 100 for p in percents), str(percents)
        assert sum(70 <= p <= 95 for p in percents) >= 0.75 * len(percents), str(percents)

    def test_about_one_learner_in_five_was_referred_and_most_referrals_were_completed(self):
        both = self.figures("QTA", "KSI")
        referred, made, completed = (both[key] for key in ("referred", "referrals-made", "referrals-completed"))
        learners = Learner.objects.filter(guardian_consent_on__isnull=False, child_assent_on__isnull=False).count()
        assert 0.1 * learners <= referred.value <= 0.3 * learners, (referred.value, learners)
        assert referred.value < made.value <= 1.5 * referred.value
        assert 40 <= completed.value < 90, completed.value
        for code in ("QTA", "KSI"):
            figures = self.figures(code)
            assert figures["referred"].value >= 5 and figures["referrals-completed"].value, code
            referrals = Referral.objects.filter(centre__code=code)
            assert set(referrals.values_list("outcome", flat=True)) == set(Referral.Outcome.values), code
            assert all(referral.provider.centre.code == code for referral in referrals)
            directory = ServiceProvider.objects.filter(centre__code=code)
            assert set(directory.values_list("kind", flat=True)) == set(ServiceProvider.Kind.values), code
            assert directory.filter(show_in_help=True).exists() and directory.filter(show_in_help=False).exists()
        twice = Referral.objects.annotate(n=Count("follow_ups")).filter(n__gte=2)
        assert twice.exists() and ReferralFollowUp.objects.filter(outcome="pending").exists()
        assert all(referral.learner.has_consent for referral in Referral.objects.select_related("learner"))

    def test_each_facilitators_dashboard_lists_a_few_referrals_to_follow_up(self):
        for username, code in (("facilitator1", "QTA"), ("facilitator2", "KSI")):
            self.client.force_login(User.objects.get(username=username))
            due = self.client.get(reverse("dashboard")).context["referrals_due"]
            assert 3 <= len(due) <= 10, (username, len(due))
            assert all(r.learner.centre.code == code and r.follow_up_on <= self.today for r in due)

    def test_loading_the_demo_data_again_changes_no_count(self):
        before = all_counts()
        with override_settings(DEBUG=True):
            call_command("load_demo_data", verbosity=0)
        assert all_counts() == before


@pytest.mark.django_db
def test_the_evidence_is_not_loaded_on_a_live_site_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_data", verbosity=0)
    assert not any(model.objects.exists() for model in EVIDENCE_MODELS)
