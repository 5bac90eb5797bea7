"""Indicators over referrals and linkages: children referred to services, referrals made, and the share of
them completed.

Counting rules (in addition to base.py's):
- a referral counts in the period it was made (`referred_on`) for the centre that made it;
- its outcome is the one the latest follow-up on or before the last day of the period found (pending when it
  was not followed up by then): a referral followed up twice counts once, with its latest outcome;
- "completed" means that outcome is "received"; the share is of the referrals made in the period.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learners.models import Referral, ReferralFollowUp, ReferralOutcome
from reports import summaries
from reports.indicators.base import (
    AGE_BANDS,
    OUTCOMES,
    SEXES,
    Figure,
    RecordList,
    Scope,
    age_band_at,
    band_of,
    in_centres,
    month_start,
    monthly,
    sex_labels,
    tally,
)
from reports.indicators.outcomes import RecordIndicator

RECEIVED = ReferralOutcome.RECEIVED


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def referrals_made(scope: Scope) -> QuerySet:
    """Referrals made in the period at the chosen centres, each with `final`: its outcome by the end of the
    period (the latest follow-up on or before that day; pending without one)."""
    latest = ReferralFollowUp.objects.filter(referral=OuterRef("pk"), on__lte=scope.end).order_by("-on", "-id")
    return Referral.objects.filter(
        in_centres(scope), referred_on__gte=scope.start, referred_on__lte=scope.end
    ).annotate(final=Subquery(latest.values("outcome")[:1]))


def _counts(scope: Scope) -> tuple[dict, dict]:
    """Referrals made and referrals completed, overall and by sex, age band and month (one query, shared by
    both referral figures of one dashboard computation: `reports.summaries.shared_reads`)."""
    return summaries.read(("referral-counts", scope), lambda _shared: _count(scope))


def _count(scope: Scope) -> tuple[dict, dict]:
    made, received = defaultdict(int), defaultdict(int)
    rows = (
        referrals_made(scope)
        .annotate(band=age_band_at(scope.end, "learner__"), month=TruncMonth("referred_on"))
        .order_by()
        .values_list("learner__sex", "band", "month")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(final=RECEIVED)))
    )
    for sex, band, month, n, done in rows:
        for key in (("all", ""), ("sex", sex), ("band", band), ("month", month_start(month))):
            made[key] += n
            received[key] += done
    return made, received


def _of(kind: str, values: dict) -> dict:
    return {key: value for (k, key), value in values.items() if k == kind}


def referral_list(title: str, definition: str, scope: Scope) -> RecordList:
    """Every referral made in the period, oldest first, with the learner, the provider and the outcome by the end
    of the period."""
    referrals = (
        referrals_made(scope)
        .select_related("learner", "centre", "provider")
        .order_by("referred_on", "learner__code", "pk")
    )
    sexes = sex_labels()
    reasons = {key: str(label) for key, label in Referral.Reason.choices}
    outcomes = {key: str(label) for key, label in ReferralOutcome.choices}

    def fetch(offset: int, limit: int | None) -> Iterator[tuple]:
        chunk = referrals[offset:] if limit is None else referrals[offset : offset + limit]
        for referral in chunk.iterator(chunk_size=2000):
            learner = referral.learner
            yield (
                learner.code,
                learner.first_name,
                sexes[learner.sex],
                band_of(learner.birth_year, learner.age_band, scope.end),
                referral.centre.name,
                referral.referred_on,
                referral.provider.name,
                reasons[referral.reason],
                outcomes[referral.final or ReferralOutcome.PENDING],
            )

    columns = [
        _("Code"),
        _("First name"),
        _("Sex"),
        _("Age band"),
        _("Centre"),
        _("Referred on"),
        _("Referred to"),
        _("Reason"),
        _("Outcome by the end of the period"),
    ]
    return RecordList(title, definition, [str(c) for c in columns], referrals_made(scope).count(), fetch, 0)


REFERRED = RecordIndicator(
    key="referred",
    label=_("Children referred to services"),
    definition=_(
        "Children referred to an outside service provider of the directory (health, legal aid, shelter, "
        "education, vocational training, government child protection, police child desk) in the period, "
        "counted once however many referrals they had."
    ),
    section=OUTCOMES,
    model=Referral,
    date_field="referred_on",
    detail=lambda referral: f"{referral.provider.name} ({referral.get_reason_display()})",
    detail_heading=_("Referred to"),
    base=lambda: Referral.objects.select_related("provider"),
    reads=frozenset({"referrals"}),
)


@dataclass
class ReferralsMade:
    """Referrals and linkages made in the period (each referral once, however often followed up)."""

    reads = frozenset({"referrals"})  # the records it reads (indicators.CHANGES)

    key: str = "referrals-made"
    section: str = OUTCOMES
    unit: str = "referrals"
    label: str = _("Referrals made")
    definition: str = _(
        "Referrals of learners to outside service providers made in the period; a child referred to two "
        "providers counts twice, a referral followed up several times once."
    )

    def figure(self, scope: Scope) -> Figure:
        """Referrals made, by the learner's sex and age band, and by month."""
        made, _received = _counts(scope)
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            made[("all", "")],
            tally(SEXES, _of("sex", made)),
            tally(AGE_BANDS, _of("band", made)),
            monthly(scope, _of("month", made)),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """Every referral made in the period."""
        return referral_list(str(self.label), str(self.definition), scope)


@dataclass
class ReferralsCompleted:
    """The share of the referrals made in the period that the child had received by its end."""

    reads = frozenset({"referrals"})  # the records it reads (indicators.CHANGES)

    key: str = "referrals-completed"
    section: str = OUTCOMES
    unit: str = "percent"
    label: str = _("Referrals completed")
    definition: str = _(
        "Of the referrals made in the period, the share whose latest follow-up by the last day of the period "
        "found the service received (pending, refused and not reachable are not completed; a referral followed "
        "up twice counts once, with its latest outcome)."
    )

    def figure(self, scope: Scope) -> Figure:
        """The share completed overall, by sex, by age band and by month of referral, with the counts."""
        made, received = _counts(scope)

        def shares(kind: str) -> dict:
            return {key: _percent(received[(kind, key)], n) for key, n in _of(kind, made).items()}

        done, total = received[("all", "")], made[("all", "")]
        note = ngettext(
            "%(done)s of %(total)s referral made in the period completed.",
            "%(done)s of %(total)s referrals made in the period completed.",
            total,
        ) % {"done": done, "total": total}
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            _percent(done, total),
            tally(SEXES, shares("sex"), zero=None),
            tally(AGE_BANDS, shares("band"), zero=None),
            monthly(scope, shares("month"), zero=None),
            breakdown_note=note,
        )

    def record_list(self, scope: Scope) -> RecordList:
        """Every referral made in the period, with its outcome by the end of it."""
        return referral_list(str(self.label), str(self.definition), scope)
