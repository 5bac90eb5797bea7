"""The hook through which services keep the indicator summary tables exact, in their own transaction.

The summary tables belong to `reports` (reports/summaries.py), which sits above the apps whose services write
the records they summarise: a service cannot import it. Instead a service says what it changed through
`changed()`, which sends the `records_changed` signal; `reports` receives it (ReportsConfig.ready) and
recomputes the slices touched, inside the service's transaction, so a write and its summary commit or roll
back together. With no receiver connected (an app used without `reports`), `changed()` does nothing.
"""

import datetime
from collections.abc import Iterable

from django.dispatch import Signal

# Sent with `slices` (a set of (centre id, first day of a month)), `learner_ids` (learners whose own details, such
# as sex or birth year, changed) and `progress_of` (learners whose lessons completed, or centre, changed).
records_changed = Signal()


def changed(
    *,
    slices: Iterable[tuple[int, datetime.date]] = (),
    learner_ids: Iterable[int] = (),
    progress_of: Iterable[int] = (),
) -> None:
    """Tell the summaries that records of these (centre id, day) slices changed, or these learners' details, or
    these learners' lessons completed or the centre they belong to.

    Call it inside the service's transaction, after the write. A receiver's error propagates (`send`, not
    `send_robust`), so the write rolls back rather than leave a summary wrong.
    """
    months = {(centre_id, day.replace(day=1)) for centre_id, day in slices}
    learners = set(learner_ids)
    progress = set(progress_of)
    if months or learners or progress:
        records_changed.send(sender=None, slices=months, learner_ids=learners, progress_of=progress)
