"""Property test (Hypothesis): random sequences of writes through the services (situations recorded and corrected,
services, referrals, registrations, moves between centres) never make the breakdown by situation of the figures
that carry one (registration, protective services, children referred, each certified, placed or mainstreamed)
differ from the one rule, `learners.selectors.situation_at` asked learner by learner; and a scope holding every
centre (`reports.indicators.base.in_centres` then filters on no centre) gives the same figures as the centres
filtered one by one.

Each example runs in its own transaction, rolled back after it. The number of examples comes from the profile in
tests/conftest.py: a few in CI, many under `make bench`.
"""

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from learners import services
from learners.models import Learner, ServiceProvider
from learners.selectors import situation_at
from reports import summaries
from reports.indicators import Scope, indicators
from reports.indicators.base import NOT_RECORDED, SITUATIONS, tally
from reports.indicators.outcomes import RecordIndicator, Registered
from tests.factories import assign, days_ago, make_centre, make_learner, role_users

DAYS = [days_ago(n) for n in (0, 3, 12, 30, 31, 45, 60, 90)]
SITUATION = ["survivor", "at_risk", "other"]
KINDS = ["situation", "situation", "situation", "service", "referral", "register", "move_centre"]
WRITES = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 99), st.integers(0, 99)), max_size=10)


def by_rule(learner_ids, day: datetime.date) -> list:
    """The breakdown by situation the slow way: `situation_at` for each learner (a subquery per learner)."""
    rows = (
        Learner.objects.filter(pk__in=learner_ids)
        .annotate(situation=situation_at(day))
        .order_by()
        .values_list("situation")
        .annotate(n=Count("pk"))
    )
    return tally(SITUATIONS, {situation or NOT_RECORDED: n for situation, n in rows})


class SituationBreakdownEqualsTheRule(TestCase):
    """Two centres, three learners each, one provider of the programme's directory."""

    @classmethod
    def setUpTestData(cls):
        cls.fac = role_users()["facilitator"]
        cls.centres = [make_centre("AAA"), make_centre("BBB")]
        for centre in cls.centres:
            assign(cls.fac, centre)
            for i in range(3):
                make_learner(centre, cls.fac, first_name=f"L{i}", sex="mf"[i % 2], joined_on=days_ago(100 + i))
        cls.provider = ServiceProvider.objects.create(name="Clinic", kind="health", phone="081-2000100")

    def write(self, kind: str, a: int, b: int) -> None:
        """One write through a service; a write the service refuses changes nothing."""
        fac, day = self.fac, DAYS[b % len(DAYS)]
        learners = list(Learner.objects.order_by("pk"))
        learner = learners[a % len(learners)]
        if kind == "situation":
            kinds = ["street"] if SITUATION[a % 3] == "at_risk" else []
            services.learner_situation_record(
                learner=learner, situation=SITUATION[a % 3], risk_kinds=kinds, recorded_on=day, acting_user=fac
            )
        elif kind == "service":
            services.service_record(learner=learner, kind="counselling", date=day, acting_user=fac)
        elif kind == "referral":
            services.referral_record(
                learner=learner, provider=self.provider, reason="health", referred_on=day, acting_user=fac
            )
        elif kind == "register":
            make_learner(self.centres[a % 2], fac, first_name="New", joined_on=day)
        elif kind == "move_centre":
            other = next(c for c in self.centres if c.pk != learner.centre_id)
            services.learner_transfer(learner=learner, to_centre=other, moved_on=day, acting_user=fac)

    @given(WRITES)
    def test_the_breakdown_by_situation_follows_the_rule(self, writes):
        for kind, a, b in writes:
            with contextlib.suppress(ValidationError):
                self.write(kind, a, b)
        ids = tuple(centre.pk for centre in self.centres)
        carrying = [indicator for indicator in indicators() if isinstance(indicator, (RecordIndicator, Registered))]
        for end in (DAYS[0], DAYS[2], DAYS[4], DAYS[6]):
            every = Scope(days_ago(120), end, ids)
            for indicator in carrying:
                figure = indicator.figure(every)
                chosen = indicator.learners(every) if hasattr(indicator, "learners") else indicator.records(every)
                learner_ids = chosen.values("pk" if hasattr(indicator, "learners") else "learner_id")
                self.assertEqual(figure.by_situation, by_rule(learner_ids, end), (indicator.key, end))
                # Every centre chosen: the same figure as both centres named (and filtered on) one by one.
                with summaries.shared_reads():
                    summaries.read(("every-centre",), lambda _shared: {-1})  # as if another centre existed
                    self.assertEqual(indicator.figure(every), figure, (indicator.key, end))
            if end != DAYS[0]:
                continue
            for indicator in carrying:  # one centre chosen: its records only, filtered here by hand
                if isinstance(indicator, RecordIndicator):
                    one = Scope(days_ago(120), end, ids[:1])
                    dated = {f"{indicator.date_field}__gte": one.start, f"{indicator.date_field}__lte": end}
                    own = indicator.base().filter(centre_id=ids[0], **dated).values("learner_id")
                    figure = indicator.figure(one)
                    self.assertEqual(figure.value, own.distinct().count(), indicator.key)
                    self.assertEqual(figure.by_situation, by_rule(own, end), indicator.key)
