"""Every write about referrals: a learner referred to a provider of the directory, and each follow-up of it.

Both services are keyword-only, run in one transaction, check that the acting user manages the learner's centre
and that consent and assent are on file, validate with full_clean(), write an audit entry, and return a
`Result`; resubmitting the same thing changes nothing (Done.UNCHANGED).
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners.models import Learner, Referral, ReferralFollowUp, ReferralOutcome, ServiceProvider
from learners.services.outcomes import _consenting_learner, _save_once, validate_learner_day
from lms import audit
from lms.results import Done, Result

REFERRAL_FIELDS = ["provider", "referred_on", "reason", "follow_up_on"]


def _check_provider(learner: Learner, provider: ServiceProvider) -> None:
    """A learner is referred to a provider still in use, of their own centre or of the whole programme."""
    if provider.centre_id is not None and provider.centre_id != learner.centre_id:
        raise ValidationError({"provider": _("%(name)s is in another centre's directory.") % {"name": provider.name}})
    if not provider.is_active:
        raise ValidationError({"provider": _("%(name)s is no longer in the directory.") % {"name": provider.name}})


def _check_follow_up_day(field: str, day: datetime.date | None, after: datetime.date) -> None:
    """A follow-up due date comes after the day it follows."""
    if day is not None and day <= after:
        raise ValidationError({field: _("Choose a day after %(day)s.") % {"day": date_format(after)}})


@transaction.atomic
def referral_record(
    *,
    learner: Learner,
    provider: ServiceProvider,
    referred_on: datetime.date,
    reason: str,
    follow_up_on: datetime.date | None = None,
    acting_user: User,
) -> Result[Referral]:
    """Record that a learner was referred to a provider on a day for a kind of need (pending until followed up).
    The same referral again changes nothing; a different reason or due date for it is refused."""
    learner = _consenting_learner(learner, acting_user)
    _check_provider(learner, provider)
    validate_learner_day(learner, "referred_on", referred_on)
    _check_follow_up_day("follow_up_on", follow_up_on, referred_on)
    same = Referral.objects.filter(learner=learner, provider=provider, referred_on=referred_on)
    if found := same.first():
        if found.reason == reason and found.follow_up_on == follow_up_on:
            return Result(found, Done.UNCHANGED)
        raise ValidationError(
            _("A referral of %(code)s to %(name)s on that day is already recorded.")
            % {"code": learner.code, "name": provider.name}
        )
    referral = Referral(
        learner=learner,
        centre=learner.centre,
        provider=provider,
        referred_on=referred_on,
        reason=reason,
        follow_up_on=follow_up_on,
        recorded_by=acting_user,
    )
    referral.full_clean()
    referral, created = _save_once(referral, same)
    if not created:
        return Result(referral, Done.UNCHANGED)
    data = {"learner": learner.code, "centre": referral.centre_id, **audit.snapshot(referral, REFERRAL_FIELDS)}
    audit.record(referral, "lms.referral.record", user=acting_user, data=data)
    return Result(referral, Done.CREATED)


def latest_follow_up(referral: Referral) -> ReferralFollowUp | None:
    """The referral's latest follow-up: the latest day, and of one day the last recorded."""
    return ReferralFollowUp.objects.filter(referral=referral).order_by("-on", "-id").first()


@transaction.atomic
def referral_follow_up(
    *,
    referral: Referral,
    on: datetime.date,
    outcome: str,
    next_follow_up_on: datetime.date | None = None,
    acting_user: User,
) -> Result[ReferralFollowUp]:
    """Record what following up a referral found on a day. A referral may be followed up many times: the latest
    follow-up gives its outcome. Pending needs the day of the next follow-up; any other outcome closes it (no
    follow-up due). A second follow-up on the same day with another outcome corrects the first."""
    referral = Referral.objects.select_for_update().select_related("provider").get(pk=referral.pk)
    learner = _consenting_learner(referral.learner, acting_user)
    validate_learner_day(learner, "on", on)
    if on < referral.referred_on:
        raise ValidationError(
            {
                "on": _("The referral was made on %(day)s: this date is before that.")
                % {"day": date_format(referral.referred_on)}
            }
        )
    if outcome == ReferralOutcome.PENDING:
        if next_follow_up_on is None:
            raise ValidationError({"next_follow_up_on": _("Still pending: choose the day of the next follow-up.")})
        _check_follow_up_day("next_follow_up_on", next_follow_up_on, on)
    else:
        next_follow_up_on = None
    follow_up = ReferralFollowUp.objects.filter(referral=referral, on=on).first()
    due_before = referral.follow_up_on
    if follow_up is None:
        follow_up = ReferralFollowUp(referral=referral, on=on, outcome=outcome, recorded_by=acting_user)
        done = Done.CREATED
    elif follow_up.outcome == outcome and (outcome != ReferralOutcome.PENDING or due_before == next_follow_up_on):
        return Result(follow_up, Done.UNCHANGED)
    else:
        follow_up.outcome, done = outcome, Done.CHANGED
    follow_up.full_clean()
    follow_up.save()
    latest = latest_follow_up(referral)
    if latest.pk == follow_up.pk:  # a follow-up dated before the latest one leaves the outcome as it is
        referral.outcome, referral.follow_up_on = outcome, next_follow_up_on
        referral.full_clean()
        referral.save(update_fields=["outcome", "follow_up_on"])
    audit.record(
        referral,
        "lms.referral.follow_up",
        user=acting_user,
        data={"learner": learner.code, "on": on.isoformat(), "outcome": outcome, "done": str(done)},
    )
    return Result(follow_up, done)
