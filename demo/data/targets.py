"""Demo targets: one programme-wide project period over the demo year, with a target for every indicator.

Built last, after the programme evidence, by the demo programme manager through the services she uses
(`project_period_save`, `targets_set`). The period is the dashboard's default period (the last twelve
months) run on to the end of this month, so the dashboard opens comparing every figure with its target.
Targets are set a little above what the demo achieves, so the percents achieved read about 75-95%: a count
about 110-130% of the count achieved, a rate or a gain a few whole points above the one achieved (at most 100);
a few small counts (one Child Friendly Space) were met exactly. The donor, the name and the numbers are invented.
"""

import datetime
import math
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from learners.models import Centre
from reports import services
from reports.forms import default_period
from reports.indicators import Scope, dashboard
from reports.models import ProjectPeriod

SEED = 2026
DONOR = "Children's Futures Fund (invented)"
PERIOD_NAME = "Protecting boys in Quetta {year}"
PLANNER = "manager"
RATE_UNITS = {"percent", "points"}


def demo_period_dates(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The demo project period: from the first day of the dashboard's default period for twelve months."""
    start, _ = default_period(today)
    index = start.year * 12 + start.month - 1 + 12
    return start, datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)


def demo_target(value: int | float | None, unit: str, rng: random.Random) -> Decimal:
    """A believable target a little above the value achieved (see the module's docstring)."""
    if unit in RATE_UNITS:
        achieved = float(value or 0)
        return Decimal(min(100, max(1, math.ceil(achieved * rng.uniform(1.08, 1.22)))))
    achieved = int(value or 0)
    if achieved < 5:  # one Child Friendly Space, two child associations: what was planned, and met
        return Decimal(max(1, achieved))
    target = math.ceil(achieved * rng.uniform(1.1, 1.3))
    if target >= 200:  # round figures, as a donor's proposal has them
        target = 5 * math.ceil(target / 5)
    return Decimal(max(achieved + 1, target))


@transaction.atomic
def ensure_demo_targets(*, users: dict[str, User]) -> int | None:
    """Create the demo project period and its targets, unless it is there; returns how many targets were set."""
    if ProjectPeriod.objects.filter(donor=DONOR).exists():
        return None
    manager = users[PLANNER]
    starts_on, ends_on = demo_period_dates()
    period = services.project_period_save(
        acting_user=manager,
        name=PERIOD_NAME.format(year=ends_on.year),
        donor=DONOR,
        starts_on=starts_on,
        ends_on=ends_on,
    ).record
    centres = tuple(sorted(Centre.objects.values_list("pk", flat=True)))
    figures = dashboard(Scope(starts_on, timezone.localdate(), centres))
    rng = random.Random(SEED)
    values = {figure.key: demo_target(figure.value, figure.unit, rng) for figure in figures}
    services.targets_set(acting_user=manager, period=period, values=values)
    return len(values)
