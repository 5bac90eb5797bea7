"""Programme indicators, each defined once (see base.py for the counting rules every one follows).

dashboard(scope) gives every figure in display order; get(key) finds one indicator for its list of records."""

import dataclasses
import hashlib

from django.core.cache import caches
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


# The writes of a facilitated session (its plan, attendance, corrections, cancellation, quiz scores): they change
# sessions, attendance, lessons completed and quiz results, and nothing else an indicator reads.
SESSION_ACTIONS = (
    "lms.session.plan",
    "lms.session.record",
    "lms.session.correct",
    "lms.session.cancel",
    "lms.quiz.record",
)


def records_versions() -> tuple[str, str]:
    """Two values that change whenever a record or a page changes: every write is audited, so the newest audit
    entries name the state of the records (reads, downloads and sign-ins are audited too, but change nothing:
    audit.NOT_CHANGES). The first names the state of every record; the second that of every record but
    sessions and what they hold (SESSION_ACTIONS), which the figures that read no session depend on.

    Each is the newest matching entry, read backwards from the newest entry of all: the entries passed over are
    only those made since the last change of that kind (a day's reads, a day's sessions), never the whole log,
    which grows with every read of a record for as long as the site runs."""
    entries = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True)
    last = entries.exclude(action__in=audit.NOT_CHANGES).first()
    besides_sessions = entries.exclude(action__in=[*audit.NOT_CHANGES, *SESSION_ACTIONS]).first()
    pages = PageLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return f"{last}.{pages}", f"{besides_sessions}.{pages}"


def records_version() -> str:
    """The state of every record and page (the first of `records_versions()`)."""
    return records_versions()[0]


def reads_sessions(indicator) -> bool:
    """Whether an indicator's figure reads sessions, attendance, lessons completed or quiz results; one that does
    not say otherwise is taken to (so it is computed afresh after every session)."""
    return getattr(indicator, "reads_sessions", True)


def _cache_key(version: str, part: str, scope: Scope) -> str:
    key = f"v3|{part}|{version}|{translation.get_language()}|{scope.start}|{scope.end}|{scope.centre_ids}"
    return "dashboard:" + hashlib.sha256(key.encode()).hexdigest()


def dashboard(scope: Scope, *, with_situation: bool = False) -> list[Figure]:
    """Every indicator's figure for a scope, in dashboard order; the breakdown by situation only `with_situation`
    (`lms.access.sees_situation_breakdown`: programme managers and administrators), otherwise every figure's
    `by_situation` is empty.

    The heaviest figures read the summary tables (reports/summaries.py), kept exact by the services; the
    figures are still kept in the "reports" cache under the scope, the language and the state of the records
    they read (`records_versions()`): the figures that read sessions under the version of every record, the
    others under that of every record but sessions. Any change gives new figures at once, a recorded session
    recomputes only the figures about sessions (the most frequent write of a working day), and the dashboard,
    its exports and the donor summary of one state of the records agree and cost one computation.
    """
    cache = caches["reports"]
    every_record, besides_sessions = records_versions()
    keys = {True: _cache_key(every_record, "sessions", scope), False: _cache_key(besides_sessions, "others", scope)}
    kept = {part: cache.get(key) for part, key in keys.items()}
    if None in kept.values():
        everything = indicators()
        order = [(reads_sessions(indicator), indicator.key) for indicator in everything]
        with summaries.shared_reads():
            for part in (True, False):
                if kept[part] is None:
                    found = {i.key: i.figure(scope) for i in everything if reads_sessions(i) == part}
                    kept[part] = {"order": order, "figures": found}
                    cache.set(keys[part], kept[part])
    # Both parts name the same pages (the curriculum, and so the indicators and their order).
    figures = [kept[part]["figures"][key] for part, key in kept[True]["order"]]
    # The cache holds the whole figures, one computation for every viewer; what leaves this function for anyone
    # else is a copy without the breakdown by situation, so a facilitator is never served a manager's.
    if with_situation:
        return figures
    return [dataclasses.replace(figure, by_situation=[]) for figure in figures]
