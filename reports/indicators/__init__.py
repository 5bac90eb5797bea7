"""Programme indicators, each defined once (see base.py for the counting rules every one follows).

dashboard(scope) gives every figure in display order; get(key) finds one indicator for its list of records."""

import dataclasses
import hashlib

from django.core.cache import caches
from django.db.models import Max
from django.utils import translation
from wagtail.models import ModelLogEntry, PageLogEntry

from lms import audit
from reports import summaries
from reports.indicators.base import Figure, RecordList, Scope, Tally
from reports.indicators.community import (
    CHILD_ASSOCIATIONS,
    PCCS,
    ActiveCitizens,
    PeopleSensitised,
    SelfProtectionSpaces,
)
from reports.indicators.coordination import (
    DISTRICT_MEETINGS,
    NATIONAL_MEETINGS,
    PROVINCIAL_MEETINGS,
    PeopleTrained,
    RetainedAtSixMonths,
)
from reports.indicators.learning import AttendanceRate, ModuleCompletion, QuizGain, SessionsHeld
from reports.indicators.outcomes import CERTIFIED, MAINSTREAMED, PLACED, SERVICES, Registered
from reports.indicators.referrals import REFERRED, ReferralsCompleted, ReferralsMade

__all__ = ["Figure", "RecordList", "Scope", "Tally", "dashboard", "get", "indicators"]


def indicators() -> list:
    """Every indicator in dashboard order (module indicators follow the live curriculum, in its source
    language: a module taught in Urdu and in English is one module)."""
    per_module = summaries.curriculum_lessons()
    return [
        Registered(),
        SERVICES,
        REFERRED,
        ReferralsMade(),
        ReferralsCompleted(),
        CERTIFIED,
        PLACED,
        MAINSTREAMED,
        RetainedAtSixMonths(),
        SessionsHeld(),
        AttendanceRate(),
        *[ModuleCompletion(module, ids) for module, ids in per_module],
        *[QuizGain(module, ids) for module, ids in per_module],
        PCCS,
        CHILD_ASSOCIATIONS,
        SelfProtectionSpaces(),
        PeopleSensitised(),
        ActiveCitizens(),
        DISTRICT_MEETINGS,
        PROVINCIAL_MEETINGS,
        NATIONAL_MEETINGS,
        PeopleTrained(),
    ]


def get(key: str):
    """The indicator with this key, or None."""
    return next((indicator for indicator in indicators() if indicator.key == key), None)


def records_version() -> str:
    """A value that changes whenever a record or a page changes: every write is audited, so the newest
    audit entries name the state of the records (reads, downloads and sign-ins are audited too, but change
    nothing: audit.NOT_CHANGES)."""
    records = ModelLogEntry.objects.exclude(action__in=audit.NOT_CHANGES).aggregate(last=Max("pk"))["last"]
    pages = PageLogEntry.objects.aggregate(last=Max("pk"))["last"]
    return f"{records}.{pages}"


def dashboard(scope: Scope, *, with_situation: bool = False) -> list[Figure]:
    """Every indicator's figure for a scope, in dashboard order; the breakdown by situation only `with_situation`
    (`lms.access.sees_situation_breakdown`: programme managers and administrators), otherwise every figure's
    `by_situation` is empty.

    The heaviest figures read the summary tables (reports/summaries.py), kept exact by the services; the
    figures are still kept in the "reports" cache under the scope, the language and `records_version()`:
    any change to the records gives a new version and so new figures, while the dashboard, its exports
    and the donor summary of one state of the records agree and cost one computation.
    """
    key = f"v2|{records_version()}|{translation.get_language()}|{scope.start}|{scope.end}|{scope.centre_ids}"
    key = "dashboard:" + hashlib.sha256(key.encode()).hexdigest()
    cache = caches["reports"]
    figures = cache.get(key)
    if figures is None:
        with summaries.shared_reads():
            figures = [indicator.figure(scope) for indicator in indicators()]
        cache.set(key, figures)
    # The cache holds the whole figures, one computation for every viewer; what leaves this function for anyone
    # else is a copy without the breakdown by situation, so a facilitator is never served a manager's.
    if with_situation:
        return figures
    return [dataclasses.replace(figure, by_situation=[]) for figure in figures]
