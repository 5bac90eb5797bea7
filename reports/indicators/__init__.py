"""Programme indicators, each defined once (see base.py for the counting rules every one follows).

dashboard(scope) gives every figure in display order; get(key) finds one indicator for its list of records."""

import dataclasses
import hashlib

from django.core.cache import caches
from django.db import connection
from django.utils import translation
from wagtail.log_actions import registry as log_actions
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


# What a write changes, by the action its audit entry is recorded under: the kinds of records the indicators read
# (each indicator's `reads`). A write under an action not listed here changes every figure: a learner's new sex,
# birth year, situation or centre (in every breakdown), a group's members, a Wagtail edit of a centre, and any action
# added later until it is listed. Reads, downloads and sign-ins change nothing (audit.NOT_CHANGES).
SESSION_ACTIONS = (  # a facilitated session: its plan, attendance, corrections, cancellation, quiz scores
    "lms.session.plan",
    "lms.session.record",
    "lms.session.correct",
    "lms.session.cancel",
    "lms.quiz.record",
)
OUTCOME_ACTIONS = ("lms.training.enrol", "lms.training.update", "lms.placement.record", "lms.school.record")
OUTCOME_ACTIONS += ("lms.follow_up.record", "lms.follow_up.update")
COORDINATION_ACTIONS = (
    "lms.coordination.meeting",
    "lms.coordination.meeting_update",
    "lms.coordination.meeting_remove",
)
COORDINATION_ACTIONS += ("lms.coordination.training", "lms.coordination.training_update")
COORDINATION_ACTIONS += ("lms.coordination.training_remove",)
PROJECT_ACTIONS = ("lms.project.propose", "lms.project.approved", "lms.project.plan", "lms.project.log")
PROJECT_ACTIONS += ("lms.project.completed", "lms.project.abandoned")
# Targets and project periods are read beside the figures, not in them; providers' names only in the lists behind
# them; accounts' passwords and second factors in none.
NO_FIGURE_ACTIONS = ("lms.targets.set", "lms.period.create", "lms.period.update", "lms.provider.create")
NO_FIGURE_ACTIONS += ("lms.provider.update", "lms.peer.password", "lms.otp.enrolled", "lms.otp.recovery_codes")
NO_FIGURE_ACTIONS += ("lms.otp.recovery_code_used", "lms.otp.reset")
CHANGES: dict[str, frozenset[str]] = {
    **dict.fromkeys(SESSION_ACTIONS, frozenset({"sessions"})),
    "lms.learner.register": frozenset({"registration"}),  # a new learner, with no other record yet
    "lms.service.record": frozenset({"services"}),
    "lms.outcome.remove": frozenset({"services", "outcomes"}),  # a service, training, placement or enrolment
    **dict.fromkeys(OUTCOME_ACTIONS, frozenset({"outcomes"})),
    "lms.referral.record": frozenset({"referrals"}),
    "lms.referral.follow_up": frozenset({"referrals"}),
    **dict.fromkeys(
        ["lms.community.create", "lms.community.update", "lms.community.meeting", "lms.community.event"],
        frozenset({"community"}),
    ),
    **dict.fromkeys(COORDINATION_ACTIONS, frozenset({"coordination"})),
    **dict.fromkeys(PROJECT_ACTIONS, frozenset({"projects"})),
    **dict.fromkeys(NO_FIGURE_ACTIONS, frozenset()),
}
EVERY_KIND = frozenset().union(*CHANGES.values())


def reads(indicator) -> frozenset[str]:
    """The kinds of records an indicator's figure reads (`CHANGES`); one that does not say reads every kind, so it is
    computed afresh after any change."""
    found = getattr(indicator, "reads", None)
    return EVERY_KIND if found is None else found


def newest_entries() -> tuple[dict[str, int | None], int | None]:
    """The newest audit entry of each action that may change a record (every registered action, ours included:
    `lms.audit.record` and `record_read` refuse any other), and the newest page entry, in one query. Each is one
    step down an index on (action, id) (migration reports 0005), however long the log has grown."""
    actions = sorted(action for action, _label in log_actions.get_choices() if action not in audit.NOT_CHANGES)
    quote = connection.ops.quote_name
    entries, pages = quote(ModelLogEntry._meta.db_table), quote(PageLogEntry._meta.db_table)
    # Only the two tables' own names are written into the statement; the actions are parameters.
    newest = ", ".join([f"(SELECT MAX(id) FROM {entries} WHERE action = %s)"] * len(actions))  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {newest}, (SELECT MAX(id) FROM {pages})", actions)  # nosec B608
        *found, last_page = cursor.fetchone()
    return dict(zip(actions, found, strict=True)), last_page


def version_of(kinds: frozenset[str], newest: dict[str, int | None], last_page: int | None) -> str:
    """The state of the records of these kinds, and of the pages: the newest entry of an action that changes any of
    them, or that is not listed in `CHANGES` (it may change anything)."""
    changed = [
        entry
        for action, entry in newest.items()
        if entry is not None and (action not in CHANGES or CHANGES[action] & kinds)
    ]
    return f"{max(changed, default=None)}.{last_page}"


def records_version() -> str:
    """The state of every record and page: it changes with any write."""
    return version_of(EVERY_KIND, *newest_entries())


def _cache_key(version: str, part: str, scope: Scope) -> str:
    key = f"v4|{part}|{version}|{translation.get_language()}|{scope.start}|{scope.end}|{scope.centre_ids}"
    return "dashboard:" + hashlib.sha256(key.encode()).hexdigest()


def _part(kinds: frozenset[str]) -> str:
    return "+".join(sorted(kinds))


def dashboard(scope: Scope, *, with_situation: bool = False) -> list[Figure]:
    """Every indicator's figure for a scope, in dashboard order; the breakdown by situation only `with_situation`
    (`lms.access.sees_situation_breakdown`: programme managers and administrators), otherwise every figure's
    `by_situation` is empty.

    The heaviest figures read the summary tables (reports/summaries.py), kept exact by the services; the figures are
    still kept in the "reports" cache under the scope, the language, and the state of the kinds of records they read
    (`reads`, `CHANGES`): one part per kind, so a recorded session recomputes only the figures about sessions (the
    most frequent write of a working day), a registration only registration, a meeting only the meetings. Any change
    gives new figures at once, and the dashboard, its exports and the donor summary of one state of the records agree
    and cost one computation. Which indicators there are, and their order, is kept under the state of the pages.
    """
    cache = caches["reports"]
    newest, last_page = newest_entries()
    index_key = _cache_key(f"pages {last_page}", "index", scope)
    index = cache.get(index_key)
    everything = None
    if index is None:
        everything = indicators()
        index = {
            "order": [(_part(reads(indicator)), indicator.key) for indicator in everything],
            "parts": {_part(reads(indicator)): reads(indicator) for indicator in everything},
        }
        cache.set(index_key, index)
    keys = {
        part: _cache_key(version_of(kinds, newest, last_page), part, scope) for part, kinds in index["parts"].items()
    }
    kept = cache.get_many(list(keys.values()))
    parts = {part: kept.get(key) for part, key in keys.items()}
    missing = [part for part, found in parts.items() if found is None]
    if missing:
        everything = everything or indicators()
        with summaries.shared_reads():
            for part in missing:
                kinds = index["parts"][part]
                parts[part] = {i.key: i.figure(scope) for i in everything if reads(i) == kinds}
        cache.set_many({keys[part]: parts[part] for part in missing})
    figures = [parts[part][key] for part, key in index["order"]]
    # The cache holds the whole figures, one computation for every viewer; what leaves this function for anyone
    # else is a copy without the breakdown by situation, so a facilitator is never served a manager's.
    if with_situation:
        return figures
    return [dataclasses.replace(figure, by_situation=[]) for figure in figures]
