"""Demo referrals and linkages: each demo centre's directory of service providers (invented organisations in
areas of Quetta, invented numbers 081-2001xxx, a few shown where to get help) and about one learner in five
referred to one of them, followed up once or twice with mixed outcomes.

Built after the demo evidence, so the learners of the earlier cohorts can be referred too. A few referrals made
two or three weeks ago are still pending with their follow-up due, so each facilitator's dashboard lists them.
Everything goes through `referral_record` and `referral_follow_up`, with dates relative to today and a fixed seed.
"""

import datetime
import random
from collections import Counter

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from learners.models import Centre, CentreTransfer, Learner, Referral, ReferralOutcome, ServiceProvider
from learners.services import referral_follow_up, referral_record

SEED = 2028
FACILITATORS = {"QTA": "facilitator1", "KSI": "facilitator2"}
Kind = ServiceProvider.Kind

# centre code, kind, name, area, phone, shown where to get help
PROVIDERS = [
    ("QTA", Kind.HEALTH, "Sariab Road family clinic (invented)", "Sariab Road", "081-2001101", True),
    ("QTA", Kind.LEGAL_AID, "Balochistan child legal aid desk (invented)", "Jinnah Road", "081-2001102", False),
    ("QTA", Kind.SHELTER, "Safe Haven night shelter (invented)", "Brewery Road", "081-2001103", True),
    ("QTA", Kind.EDUCATION, "Sariab community school (invented)", "Sariab Road", "081-2001104", False),
    ("QTA", Kind.VOCATIONAL, "Quetta skills workshop (invented)", "Satellite Town", "081-2001105", False),
    (
        "QTA",
        Kind.CHILD_PROTECTION,
        "Child protection case officer, Quetta (invented)",
        "Civil Lines",
        "081-2001106",
        False,
    ),
    ("QTA", Kind.POLICE, "Sariab police station child desk (invented)", "Sariab Road", "081-2001107", False),
    ("KSI", Kind.HEALTH, "Kasi Road mother and child clinic (invented)", "Kasi Road", "081-2001201", True),
    ("KSI", Kind.LEGAL_AID, "Women and children legal aid centre (invented)", "Zarghoon Road", "081-2001202", True),
    ("KSI", Kind.SHELTER, "Girls' safe house (invented)", "Samungli Road", "081-2001203", False),
    ("KSI", Kind.EDUCATION, "Kasi Road girls' primary school (invented)", "Kasi Road", "081-2001204", False),
    ("KSI", Kind.VOCATIONAL, "Embroidery and tailoring centre (invented)", "Jinnah Town", "081-2001205", False),
    ("KSI", Kind.CHILD_PROTECTION, "District child protection officer (invented)", "Civil Lines", "081-2001206", False),
    ("KSI", Kind.POLICE, "Kasi Road police child desk (invented)", "Kasi Road", "081-2001207", False),
]
# how often each kind of provider is referred to, and the reason a referral to it gives
KIND_WEIGHTS = {"health": 5, "education": 3, "protection": 2, "legal": 2, "vocational": 2, "shelter": 1, "police": 1}
REASONS = {"police": Referral.Reason.PROTECTION}  # the others: the reason named like the kind

REFERRED_SHARE = 0.2  # of the consenting learners (who never moved between centres)
SECOND_REFERRAL_SHARE = 0.2  # of those referred: referred again, to a provider of another kind
DUE_PER_CENTRE = 3  # referrals made two or three weeks ago, their first follow-up due and not yet done
RECENT_PER_CENTRE = 1  # referrals made this week or last, their follow-up not yet due
FOLLOW_UP_AFTER = 14  # days from a referral (or a pending follow-up) to the next follow-up
TWICE_SHARE = 0.35  # referrals still pending at their first follow-up and followed up again
# the outcome the last follow-up finds
OUTCOMES = {ReferralOutcome.RECEIVED: 75, ReferralOutcome.REFUSED: 10, ReferralOutcome.NOT_REACHABLE: 15}


class _Builder:
    def __init__(self, users: dict[str, User]):
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)
        self.users = users
        self.counts: Counter = Counter()
        self.owed: list[str] = []

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def build(self) -> Counter:
        movers = set(CentreTransfer.objects.values_list("learner_id", flat=True))
        for code, facilitator in FACILITATORS.items():
            centre = Centre.objects.get(code=code)
            providers = list(ServiceProvider.objects.filter(centre=centre, is_active=True).order_by("kind", "name"))
            learners = [
                learner
                for learner in Learner.objects.filter(centre=centre).exclude(pk__in=movers).order_by("code")
                if learner.has_consent
            ]
            self.owed = [ReferralOutcome.REFUSED, ReferralOutcome.NOT_REACHABLE]  # each outcome at each centre
            referred = self.rng.sample(learners, round(REFERRED_SHARE * len(learners)))
            for index, learner in enumerate(referred):
                if index < DUE_PER_CENTRE:
                    day = self.days_ago(self.rng.randint(FOLLOW_UP_AFTER + 1, FOLLOW_UP_AFTER + 10))
                elif index < DUE_PER_CENTRE + RECENT_PER_CENTRE:
                    day = self.days_ago(self.rng.randint(1, FOLLOW_UP_AFTER - 2))
                else:
                    day = self.day_since(learner.joined_on)
                kinds = [self.kind()]
                if self.rng.random() < SECOND_REFERRAL_SHARE:
                    kinds.append(self.kind(other_than=kinds[0]))
                for kind in kinds:
                    provider = next(p for p in providers if p.kind == kind)
                    self.refer(learner, provider, max(day, learner.joined_on), self.users[facilitator])
                    day = self.day_since(day) if len(kinds) > 1 else day
        return self.counts

    def day_since(self, first: datetime.date) -> datetime.date:
        """A day from `first` to five weeks ago (referrals older than the due ones are followed up by now)."""
        last = self.days_ago(FOLLOW_UP_AFTER + 21)
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def kind(self, other_than: str = "") -> str:
        kinds = {kind: weight for kind, weight in KIND_WEIGHTS.items() if kind != other_than}
        return self.rng.choices(list(kinds), weights=list(kinds.values()))[0]

    def refer(self, learner: Learner, provider: ServiceProvider, day: datetime.date, user: User) -> None:
        """Refer the learner, then follow up every due follow-up older than ten days (the newer ones wait)."""
        due = day + datetime.timedelta(days=FOLLOW_UP_AFTER)
        referral = referral_record(
            learner=learner,
            provider=provider,
            referred_on=day,
            reason=REASONS.get(provider.kind, provider.kind),
            follow_up_on=due,
            acting_user=user,
        ).record
        self.counts["referrals"] += 1
        if due > self.days_ago(11):
            return  # not due yet, or due in the last days: the facilitator still has to follow it up
        if self.rng.random() < TWICE_SHARE:
            later = due + datetime.timedelta(days=FOLLOW_UP_AFTER)
            referral_follow_up(
                referral=referral, on=due, outcome=ReferralOutcome.PENDING, next_follow_up_on=later, acting_user=user
            )
            self.counts["follow-ups"] += 1
            if later > self.today:
                return
            due = later
        outcome = self.owed.pop() if self.owed else self.rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]
        referral_follow_up(referral=referral, on=due, outcome=outcome, acting_user=user)
        self.counts["follow-ups"] += 1


@transaction.atomic
def ensure_demo_referrals(*, users: dict[str, User]) -> tuple[int, Counter | None]:
    """Add the demo centres' directories (the providers missing, by centre, kind and name), then the referrals and
    their follow-ups unless the demo centres already have referrals. Returns the providers added and what was
    referred (None when nothing was)."""
    centres = {centre.code: centre for centre in Centre.objects.filter(code__in=FACILITATORS)}
    added = 0
    for code, kind, name, area, phone, show_in_help in PROVIDERS:
        centre = centres.get(code)
        if centre is None or ServiceProvider.objects.filter(centre=centre, kind=kind, name=name).exists():
            continue
        provider = ServiceProvider(
            centre=centre, kind=kind, name=name, area=area, phone=phone, show_in_help=show_in_help
        )
        provider.full_clean()
        provider.save()
        added += 1
    if len(centres) < len(FACILITATORS) or Referral.objects.filter(centre__in=centres.values()).exists():
        return added, None
    return added, _Builder(users).build()
