"""Referrals and linkages, called directly: the directory feeds "where to get help", a learner is referred to a
provider of their centre's directory, and each follow-up (one referral may be followed up twice or more) sets
its outcome; consent, scope, resubmission and audit."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners.models import HelpContact, Referral, ReferralFollowUp, ServiceProvider
from learners.selectors import help_contacts_for, providers_for, referrals_due, referrals_of
from learners.services import referral_follow_up, referral_record
from lms import roles
from lms.access import OutOfScope
from lms.results import Done
from tests import factories
from tests.factories import assign, days_ago, make_centre, make_learner


def refused(call, **kwargs) -> ValidationError:
    """The ValidationError a service call raises (the test fails when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    return raised.value


class ReferralWorld(TestCase):
    """QTA (facilitator) with Asad and its clinic; KCH (facilitator2) with Bilal and its legal aid; a programme-wide
    child protection unit."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.other = factories.UserFactory(username="facilitator2", role=roles.FACILITATORS)
        cls.home = make_centre("QTA", name="Quetta drop-in")
        cls.away = make_centre("KCH", name="Kuchlak CFS")
        assign(cls.facilitator, cls.home)
        assign(cls.other, cls.away)
        cls.asad = make_learner(cls.home, cls.facilitator, first_name="Asad", joined_on=days_ago(100))
        cls.bilal = make_learner(cls.away, cls.other, first_name="Bilal", joined_on=days_ago(100))
        cls.clinic = ServiceProvider.objects.create(
            centre=cls.home, kind="health", name="Sariab clinic", area="Sariab", phone="081-2000111", show_in_help=True
        )
        cls.legal = ServiceProvider.objects.create(
            centre=cls.away, kind="legal", name="Kuchlak legal aid", phone="081-2000222"
        )
        cls.cpu = ServiceProvider.objects.create(kind="protection", name="Child protection unit", phone="081-2000333")

    def refer(self, **changes):
        kwargs = {
            "learner": self.asad,
            "provider": self.clinic,
            "referred_on": days_ago(20),
            "reason": "health",
            "follow_up_on": days_ago(10),
            "acting_user": self.facilitator,
        }
        return referral_record(**{**kwargs, **changes})

    def follow(self, referral, **changes):
        kwargs = {"referral": referral, "on": days_ago(10), "outcome": "received", "acting_user": self.facilitator}
        return referral_follow_up(**{**kwargs, **changes})


class ReferralRecordTests(ReferralWorld):
    def test_a_referral_is_pending_at_the_learners_centre_and_audited(self):
        result = self.refer()
        referral = result.record
        assert result.done is Done.CREATED
        assert (referral.centre, referral.outcome, referral.recorded_by) == (self.home, "pending", self.facilitator)
        [entry] = ModelLogEntry.objects.filter(action="lms.referral.record")
        assert entry.data["learner"] == "QTA-0001" and entry.data["reason"] == "health"

    def test_resubmitting_changes_nothing_and_writes_no_second_entry(self):
        first = self.refer().record
        again = self.refer()
        assert (again.record.pk, again.done) == (first.pk, Done.UNCHANGED)
        assert Referral.objects.count() == 1
        assert ModelLogEntry.objects.filter(action="lms.referral.record").count() == 1

    def test_the_same_referral_with_another_reason_is_refused(self):
        self.refer()
        error = refused(self.refer, reason="legal")
        assert "already recorded" in error.messages[0]

    def test_a_programme_provider_is_open_to_every_centre_another_centres_is_not(self):
        assert self.refer(provider=self.cpu).done is Done.CREATED
        error = refused(self.refer, provider=self.legal)
        assert error.message_dict == {"provider": ["Kuchlak legal aid is in another centre's directory."]}
        assert set(providers_for(self.asad)) == {self.clinic, self.cpu}

    def test_a_provider_no_longer_used_is_refused(self):
        ServiceProvider.objects.filter(pk=self.cpu.pk).update(is_active=False)
        self.cpu.refresh_from_db()
        assert "no longer in the directory" in refused(self.refer, provider=self.cpu).messages[0]

    def test_dates_refused(self):
        assert "follow_up_on" in refused(self.refer, follow_up_on=days_ago(20)).message_dict
        assert "referred_on" in refused(self.refer, referred_on=days_ago(-1)).message_dict
        assert "referred_on" in refused(self.refer, referred_on=days_ago(101)).message_dict

    def test_no_consent_no_referral(self):
        child = make_learner(self.home, self.facilitator, first_name="Jamal", consent=False, joined_on=days_ago(50))
        assert "No consent on file for QTA-0002" in refused(self.refer, learner=child).messages[0]
        assert not Referral.objects.exists()

    def test_another_centres_facilitator_and_a_manager_cannot_refer(self):
        for user in (self.other, self.users["manager"]):
            with pytest.raises(OutOfScope):
                self.refer(acting_user=user)
        assert not Referral.objects.exists()

    def test_the_database_refuses_a_follow_up_day_before_the_referral(self):
        referral = self.refer().record
        with transaction.atomic(), pytest.raises(IntegrityError):
            Referral.objects.filter(pk=referral.pk).update(follow_up_on=days_ago(30))


class FollowUpTests(ReferralWorld):
    def test_a_referral_followed_up_twice_takes_the_latest_outcome(self):
        referral = self.refer().record
        first = self.follow(referral, on=days_ago(10), outcome="pending", next_follow_up_on=days_ago(5))
        assert first.done is Done.CREATED
        referral.refresh_from_db()
        assert (referral.outcome, referral.follow_up_on) == ("pending", days_ago(5))
        second = self.follow(referral, on=days_ago(4), outcome="received")
        referral.refresh_from_db()
        assert (second.done, referral.outcome, referral.follow_up_on) == (Done.CREATED, "received", None)
        assert [f.outcome for f in referrals_of(self.asad)[0].follow_ups.all()] == ["pending", "received"]
        assert ModelLogEntry.objects.filter(action="lms.referral.follow_up").count() == 2

    def test_an_earlier_follow_up_recorded_late_does_not_change_the_outcome(self):
        referral = self.refer().record
        self.follow(referral, on=days_ago(4), outcome="refused")
        self.follow(referral, on=days_ago(10), outcome="pending", next_follow_up_on=days_ago(5))
        referral.refresh_from_db()
        assert referral.outcome == "refused"

    def test_resubmitting_a_follow_up_changes_nothing_and_another_outcome_that_day_corrects_it(self):
        referral = self.refer().record
        self.follow(referral)
        assert self.follow(referral).done is Done.UNCHANGED
        assert self.follow(referral, outcome="unreachable").done is Done.CHANGED
        referral.refresh_from_db()
        assert (referral.outcome, ReferralFollowUp.objects.count()) == ("unreachable", 1)

    def test_pending_needs_the_next_day_and_no_day_before_the_referral(self):
        referral = self.refer().record
        assert "next_follow_up_on" in refused(self.follow, referral=referral, outcome="pending").message_dict
        assert "on" in refused(self.follow, referral=referral, on=days_ago(21)).message_dict
        assert not ReferralFollowUp.objects.exists()

    def test_another_centres_facilitator_cannot_follow_up(self):
        referral = self.refer().record
        with pytest.raises(OutOfScope):
            self.follow(referral, acting_user=self.other)
        assert not ReferralFollowUp.objects.exists()

    def test_referrals_due_are_the_pending_ones_due_by_today(self):
        due = self.refer().record
        later = self.refer(provider=self.cpu, follow_up_on=days_ago(-3)).record
        done = self.refer(referred_on=days_ago(30)).record
        self.follow(done, outcome="received")
        assert list(referrals_due(Referral.objects.all(), today=days_ago(0))) == [due]
        assert later.outcome == "pending"

    def test_the_facilitators_dashboard_lists_the_referrals_due_once_and_not_in_the_title(self):
        self.refer()
        self.client.force_login(self.facilitator)
        page = self.client.get(reverse("dashboard")).content.decode()
        title = page.split("<title>", 1)[1].split("</title>", 1)[0]
        assert "<h2>" not in title and "Sariab clinic" not in title
        assert page.count("Referrals to follow up") == 1 and page.count("Sariab clinic") >= 1


class HelpFromTheDirectoryTests(ReferralWorld):
    def test_providers_shown_in_help_follow_the_help_contacts_of_the_readers_centre(self):
        HelpContact.objects.create(name="National child helpline", phone="1121")
        ServiceProvider.objects.filter(pk=self.cpu.pk).update(show_in_help=True)
        names = [contact.name for contact in help_contacts_for(self.facilitator)]
        assert names == ["National child helpline", "Sariab clinic", "Child protection unit"]
        assert [c.name for c in help_contacts_for(self.other)] == ["National child helpline", "Child protection unit"]
        assert [c.name for c in help_contacts_for(AnonymousUser())] == [
            "National child helpline",
            "Child protection unit",
        ]
