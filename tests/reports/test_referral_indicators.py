"""Referral indicators: children referred (each once), referrals made, and referrals completed (the latest
follow-up by the end of the period; a referral followed up twice counts once, with its latest outcome)."""

import datetime

from django.test import TestCase

from learners.models import ServiceProvider
from learners.services import referral_follow_up, referral_record
from reports import indicators
from reports.indicators import Scope
from tests import factories
from tests.factories import assign, days_ago, make_centre, make_learner


class ReferralIndicatorTests(TestCase):
    """At QTA: Asad referred twice (clinic, then legal aid), Bibi (a girl) once and Jamal once,
    all 40 to 30 days ago; Asad's clinic referral followed up twice (pending, then received), Bibi's refused,
    Jamal's not followed up. At KCH, one referral outside the chosen centre."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        cls.home, cls.away = make_centre("QTA", name="Quetta drop-in"), make_centre("KCH", name="Kuchlak")
        assign(cls.facilitator, cls.home)
        assign(cls.facilitator, cls.away)
        joined = days_ago(200)
        asad = make_learner(cls.home, cls.facilitator, first_name="Asad", joined_on=joined)
        bibi = make_learner(cls.home, cls.facilitator, first_name="Bibi", sex="f", joined_on=joined)
        jamal = make_learner(cls.home, cls.facilitator, first_name="Jamal", joined_on=joined)
        karim = make_learner(cls.away, cls.facilitator, first_name="Karim", joined_on=joined)
        clinic = ServiceProvider.objects.create(centre=cls.home, kind="health", name="Clinic", phone="081-2000111")
        legal = ServiceProvider.objects.create(kind="legal", name="Legal aid", phone="081-2000222")

        def refer(learner, provider, days):
            return referral_record(
                learner=learner,
                provider=provider,
                referred_on=days_ago(days),
                reason="health",
                acting_user=cls.facilitator,
            ).record

        def follow(referral, days, outcome, next_days=None):
            referral_follow_up(
                referral=referral,
                on=days_ago(days),
                outcome=outcome,
                next_follow_up_on=None if next_days is None else days_ago(next_days),
                acting_user=cls.facilitator,
            )

        twice = refer(asad, clinic, 40)
        follow(twice, 35, "pending", next_days=20)
        follow(twice, 20, "received")
        refer(asad, legal, 38)
        follow(refer(bibi, clinic, 36), 32, "refused")
        refer(jamal, legal, 30)
        follow(refer(karim, legal, 30), 25, "received")

    def figure(self, key, *, end_days=0, centres=None):
        scope = Scope(days_ago(60), days_ago(end_days), tuple(centres or [self.home.pk]))
        return indicators.get(key).figure(scope)

    def test_children_referred_counts_each_child_once(self):
        figure = self.figure("referred")
        assert figure.value == 3
        assert {t.key: t.value for t in figure.by_sex} == {"m": 2, "f": 1, "x": 0}

    def test_referrals_made_counts_each_referral_once_however_often_followed_up(self):
        assert self.figure("referrals-made").value == 4
        assert self.figure("referrals-made", centres=[self.home.pk, self.away.pk]).value == 5

    def test_referrals_completed_takes_the_latest_outcome_by_the_end_of_the_period(self):
        now = self.figure("referrals-completed")
        assert (now.value, now.breakdown_note) == (25.0, "1 of 4 referrals made in the period completed.")
        assert {t.key: t.value for t in now.by_sex} == {"m": 33.3, "f": 0.0, "x": None}
        # 25 days ago, Asad's referral had been followed up once only (pending): none completed yet.
        before = self.figure("referrals-completed", end_days=25)
        assert (before.value, before.breakdown_note) == (0.0, "0 of 4 referrals made in the period completed.")

    def test_no_referrals_no_share(self):
        scope = Scope(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31), (self.home.pk,))
        assert indicators.get("referrals-completed").figure(scope).value is None

    def test_the_list_behind_the_figure_shows_each_referral_with_its_outcome_by_the_end(self):
        scope = Scope(days_ago(60), days_ago(25), (self.home.pk,))
        records = indicators.get("referrals-completed").record_list(scope)
        rows = list(records.rows())
        assert records.total == 4
        assert [(row[1], row[6], row[8]) for row in rows] == [
            ("Asad", "Clinic", "Pending"),
            ("Asad", "Legal aid", "Pending"),
            ("Bibi", "Clinic", "Refused"),
            ("Jamal", "Legal aid", "Pending"),
        ]
