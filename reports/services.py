"""Writes of the reports app: project periods and their targets, set by programme managers and administrators.

Each service checks the acting user's scope first (`lms.access.require_in`), validates, writes in one
transaction and writes one audit entry; the audit entry is also what tells the dashboard's cache that
something changed (targets are read outside the cache anyway, so a new target shows at once).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms import access, audit
from lms.results import Done, Result
from reports import indicators
from reports.models import MAX_RATE_TARGET, MAX_TARGET, ProjectPeriod, Target

PERIOD_FIELDS = ["name", "donor", "starts_on", "ends_on", "centre"]
RATE_UNITS = {"percent", "points"}


def project_period_save(
    *, acting_user, period: ProjectPeriod | None = None, name: str, donor: str, starts_on, ends_on, centre=None
) -> Result[ProjectPeriod]:
    """Create a project period (no `period`) or change one; `centre` None means the whole programme.
    Saving the same values again changes nothing and writes no audit entry."""
    if period is None:
        access.require_in(
            acting_user, access.target_planners, acting_user, message=_("Only programme managers set targets.")
        )
    else:
        access.require_in(
            acting_user, access.project_periods_managed_by, period, message=_("Only programme managers set targets.")
        )
    with transaction.atomic():
        record = period or ProjectPeriod()
        before = audit.snapshot(record, PERIOD_FIELDS) if period else {}
        record.name, record.donor, record.starts_on, record.ends_on, record.centre = (
            name.strip(),
            donor.strip(),
            starts_on,
            ends_on,
            centre,
        )
        record.full_clean()
        after = audit.snapshot(record, PERIOD_FIELDS)
        if period is not None:
            changed = audit.changes(before, after)
            if not changed:
                return Result(record, Done.UNCHANGED)
            record.save()
            audit.record(record, "lms.period.update", user=acting_user, data={"changes": changed})
            return Result(record, Done.CHANGED)
        record.save()
        audit.record(record, "lms.period.create", user=acting_user, data=after)
        return Result(record, Done.CREATED)


def target_bound(unit: str) -> int:
    """The largest target an indicator of this unit may have: 100 for a percent or points, else MAX_TARGET."""
    return MAX_RATE_TARGET if unit in RATE_UNITS else MAX_TARGET


def targets_set(
    *, acting_user, period: ProjectPeriod, values: dict[str, Decimal | int | None]
) -> Result[ProjectPeriod]:
    """Set a period's targets in one go: `values` maps indicator keys to a target, or to None to remove it.
    Keys not given keep their target. Every key must name an indicator; counts are whole numbers from 1 to
    MAX_TARGET, percents and points above 0 and at most 100. Nothing is written unless every value is valid;
    the same values again change nothing (Done.UNCHANGED, no audit entry)."""
    access.require_in(
        acting_user, access.project_periods_managed_by, period, message=_("Only programme managers set targets.")
    )
    units = {indicator.key: indicator.unit for indicator in indicators.indicators()}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal | None] = {}
    for key, value in values.items():
        if key not in units:
            errors.setdefault("__all__", []).append(_("There is no indicator “%(key)s”.") % {"key": key})
            continue
        if value is None:
            cleaned[key] = None
            continue
        number = Decimal(value)
        rate = units[key] in RATE_UNITS
        if number <= 0 or number > target_bound(units[key]):
            errors[key] = [_("Write a number above 0 and at most %(limit)s.") % {"limit": target_bound(units[key])}]
        elif not rate and number != number.to_integral_value():
            errors[key] = [_("Write a whole number.")]
        elif number != number.quantize(Decimal("0.1")):
            errors[key] = [_("Write a number with at most one decimal.")]
        else:
            cleaned[key] = number
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {target.indicator_key: target for target in Target.objects.select_for_update().filter(period=period)}
        changes: dict[str, list] = {}
        for key, value in cleaned.items():
            target = existing.get(key)
            if value is None:
                if target is not None:
                    target.delete()
                    changes[key] = [str(target.value), None]
                continue
            if target is None:
                target = Target(period=period, indicator_key=key, value=value)
                target.full_clean()
                target.save()
                changes[key] = [None, str(value)]
            elif target.value != value:
                changes[key] = [str(target.value), str(value)]
                target.value = value
                target.full_clean()
                target.save(update_fields=["value"])
        if not changes:
            return Result(period, Done.UNCHANGED)
        audit.record(period, "lms.targets.set", user=acting_user, data={"changes": changes})
        return Result(period, Done.CHANGED)
