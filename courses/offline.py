"""Running a session offline: what a phone keeps, and applying what it sends back once the connection returns.

A phone sends each submission (a session's attendance, or its quiz scores) with an identifier it made, what it
saw when it kept the session (`seen`) and what was recorded (`data`), as maps of field keys to values:
"<learner id>" -> present/absent/excused and "notes" for attendance; "<learner id>:pre" / ":post" -> a score or
None for scores. Each submission is applied once (the identifier is unique in OfflineSubmission) through the
same services as the online forms (`session_record`, `quiz_results_record`), so their rules (scope, consent,
membership, bounds) apply to each item. The conflict rule, per key: a value the phone changed is applied
unless someone else changed the same key since the phone kept the session; then the key is kept as a
conflict, and a person resolves it (keep mine, keep theirs), audited like any correction.
"""

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import services
from courses.models import Attendance, OfflineSubmission, QuizResult, Session
from learners.models import Learner
from lms import access, audit, roles
from lms.results import Done, Result

KEPT_DAYS = 7  # the sessions a phone keeps: today and the next seven days
MAX_ITEMS = 50  # per batch; the script sends at most 20
MAX_BYTES = 256 * 1024  # per batch
MAX_KEYS = 400  # per submission: 199 learners' pre- and post-test, and notes
NOTES = "notes"
TESTS = tuple(QuizResult.Kind.values)  # ("pre", "post")


class Outcome:
    """What happened to one submission, as the batch endpoint answers it."""

    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    CONFLICT = "conflict"
    REFUSED = "refused"


@dataclass
class Receipt:
    """The answer for one submission: its identifier, the outcome, a reason when refused, and conflicts."""

    id: str
    outcome: str
    reason: str = ""
    conflicts: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON form sent back to the phone."""
        return {"id": self.id, "outcome": self.outcome, "reason": self.reason, "conflicts": self.conflicts}


class Refused(Exception):
    """A submission that cannot be applied, with the reason shown to the person who recorded it."""


@dataclass
class Item:
    """One submission, checked for shape (not yet for scope or rules)."""

    client_id: uuid.UUID
    user_id: int
    session_id: int
    kind: str
    seen: dict[str, Any]
    data: dict[str, Any]
    made_at: datetime.datetime | None = None
    conflicts: dict[str, Any] = field(default_factory=dict)


def uses_offline(user: User | AnonymousUser) -> bool:
    """Whether the user runs sessions, so their pages load the offline script (facilitators, active peer
    educators, administrators). Learners' and visitors' pages never load a script."""
    if not user.is_authenticated:
        return False
    return access.is_admin(user) or access.has_role(user, roles.FACILITATORS) or access.is_active_peer_educator(user)


# ---- reading what the phone sent --------------------------------------------------------------------------


def _learner_key(key: str, kind: str) -> bool:
    """Whether a key names a learner's field for this kind of submission."""
    if kind == OfflineSubmission.Kind.ATTENDANCE:
        return key.isdigit()
    learner, _sep, test = key.partition(":")
    return learner.isdigit() and test in TESTS


def _check_value(key: str, value: Any, kind: str, *, blank: bool) -> None:
    """Refuse a value that the online form could not have sent for this key."""
    if key == NOTES and kind == OfflineSubmission.Kind.ATTENDANCE:
        if not isinstance(value, str) or len(value) > 1000:
            raise Refused(_("The notes must be text of at most 1000 characters."))
        return
    if not _learner_key(key, kind):
        raise Refused(_("This submission names a field the session form does not have."))
    if value is None and blank:
        return
    if kind == OfflineSubmission.Kind.ATTENDANCE:
        if value not in Attendance.Status.values:
            raise Refused(_("Attendance must be present, absent or excused."))
    elif isinstance(value, bool) or not isinstance(value, int):
        raise Refused(_("A score must be a whole number, or empty."))


def parse_item(raw: Any) -> Item:
    """The submission as sent by the phone, once its shape is right; Refused (with the reason) otherwise."""
    if not isinstance(raw, dict):
        raise Refused(_("This submission is not in the expected form."))
    try:
        client_id = uuid.UUID(str(raw.get("id")))
    except ValueError:
        raise Refused(_("This submission has no valid identifier.")) from None
    user_id, session_id, kind = raw.get("user"), raw.get("session"), raw.get("kind")
    seen, data = raw.get("seen") or {}, raw.get("data")
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (user_id, session_id))
    maps = isinstance(data, dict) and isinstance(seen, dict)
    if not ints or not maps or kind not in OfflineSubmission.Kind.values:
        raise Refused(_("This submission is not in the expected form."))
    if len(data) > MAX_KEYS or len(seen) > MAX_KEYS:
        raise Refused(_("This submission is too large."))
    for key, value in data.items():
        _check_value(key, value, kind, blank=kind == OfflineSubmission.Kind.SCORES)
    for key, value in seen.items():
        _check_value(key, value, kind, blank=True)
    made_at = parse_datetime(raw["made_at"]) if isinstance(raw.get("made_at"), str) else None
    return Item(client_id, user_id, session_id, kind, seen, data, made_at)


# ---- the record as it is now, and the conflict rule ------------------------------------------------------


def current_values(session: Session, kind: str) -> dict[str, tuple[Any, int | None]]:
    """The session's recorded values by key, each with the id of the user who last set it."""
    if kind == OfflineSubmission.Kind.ATTENDANCE:
        rows = Attendance.objects.filter(session=session).values_list("learner_id", "status", "recorded_by_id")
        values = {str(lid): (status, by) for lid, status, by in rows}
        values[NOTES] = (session.notes, session.delivered_by_id)
        return values
    rows = QuizResult.objects.filter(session=session).values_list("learner_id", "kind", "score", "recorded_by_id")
    return {f"{lid}:{test}": (score, by) for lid, test, score, by in rows}


def split_changes(
    *, data: Mapping[str, Any], seen: Mapping[str, Any], current: Mapping[str, tuple[Any, int | None]], user_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The conflict rule: (keys to apply with the phone's value, keys in conflict with both values).

    A key is applied when the phone changed it (its value differs from what it saw) and nobody else changed it
    since (the record still holds what the phone saw, or the user themselves set it last). A key the phone did
    not change keeps the record's value; a key changed on both sides, to different values, is a conflict.
    """
    apply, conflicts = {}, {}
    for key, mine in data.items():
        theirs, by = current.get(key, (None, None))
        if mine == theirs or mine == seen.get(key):
            continue
        if theirs == seen.get(key) or by == user_id:
            apply[key] = mine
        else:
            conflicts[key] = {"mine": mine, "theirs": theirs, "by": by}
    return apply, conflicts


def _write(session: Session, kind: str, apply: Mapping[str, Any], acting_user: User) -> None:
    """Write the keys through the online forms' services (their scope, consent and bounds checks apply)."""
    current = current_values(session, kind)
    if kind == OfflineSubmission.Kind.ATTENDANCE:
        if session.status == Session.Status.HELD and not apply:
            return
        attendance = {int(key): status for key, (status, _by) in current.items() if key != NOTES}
        attendance.update({int(key): value for key, value in apply.items() if key != NOTES})
        services.session_record(
            session=session,
            attendance=attendance,
            notes=apply.get(NOTES, current[NOTES][0]),
            delivered_by=acting_user,
            acting_user=acting_user,
        )
        return
    if not apply:
        return
    scores: dict[int, dict[str, int | None]] = {}
    for key in apply:
        learner = key.split(":")[0]
        scores[int(learner)] = {
            test: apply.get(f"{learner}:{test}", current.get(f"{learner}:{test}", (None, None))[0]) for test in TESTS
        }
    services.quiz_results_record(session=session, scores=scores, acting_user=acting_user)


# ---- the services --------------------------------------------------------------------------------------


def _answer_existing(existing: OfflineSubmission, item_id: str, acting_user: User) -> Receipt:
    """The answer for a submission received before: its outcome then, or a refusal when another user sends it."""
    if existing.user_id != acting_user.pk:
        return Receipt(item_id, Outcome.REFUSED, _("This submission was sent by another account."))
    if existing.status == OfflineSubmission.Status.CONFLICT:
        return Receipt(item_id, Outcome.CONFLICT, conflicts=len(existing.conflicts))
    return Receipt(item_id, Outcome.ALREADY_APPLIED)


def _reasons(error: ValidationError) -> str:
    """A service's refusal as one sentence or a few."""
    return " ".join(dict.fromkeys(error.messages))


def offline_submission_receive(*, raw: Any, acting_user: User) -> Receipt:
    """Apply one submission sent by a phone, once: applied, already applied (a retry or replay), conflict
    (kept for a person to resolve; the keys without conflict are applied), or refused with the reason.

    Each submission runs in its own transaction: a refusal changes nothing, and two requests carrying the
    same identifier at once apply it once (the session row is locked, the identifier is unique)."""
    item_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
    try:
        item = parse_item(raw)
    except Refused as refusal:
        return Receipt(item_id, Outcome.REFUSED, str(refusal))
    item_id = str(item.client_id)
    existing = OfflineSubmission.objects.filter(client_id=item.client_id).first()
    if existing is not None:
        return _answer_existing(existing, item_id, acting_user)
    if item.user_id != acting_user.pk:
        return Receipt(
            item_id, Outcome.REFUSED, _("This was recorded by another account: sign in as that person to send it.")
        )
    if not access.sessions_runnable_by(acting_user).filter(pk=item.session_id).exists():
        return Receipt(item_id, Outcome.REFUSED, _("There is no session with this number that you can record."))
    try:
        with transaction.atomic():
            session = Session.objects.select_for_update(of=("self",)).select_related("group").get(pk=item.session_id)
            if (existing := OfflineSubmission.objects.filter(client_id=item.client_id).first()) is not None:
                return _answer_existing(existing, item_id, acting_user)
            current = current_values(session, item.kind)
            apply, conflicts = split_changes(data=item.data, seen=item.seen, current=current, user_id=acting_user.pk)
            _write(session, item.kind, apply, acting_user)
            submission = OfflineSubmission.objects.create(
                client_id=item.client_id,
                user=acting_user,
                session=session,
                kind=item.kind,
                made_at=item.made_at,
                seen=item.seen,
                data=item.data,
                conflicts=conflicts,
                status=OfflineSubmission.Status.CONFLICT if conflicts else OfflineSubmission.Status.APPLIED,
            )
            if conflicts:
                data = {"session": session.pk, "keys": conflicts}
                audit.record(submission, "lms.offline.conflict", user=acting_user, data=data)
                return Receipt(item_id, Outcome.CONFLICT, conflicts=len(conflicts))
            return Receipt(item_id, Outcome.APPLIED)
    except IntegrityError:  # the same identifier committed by a concurrent request: ours was rolled back
        existing = OfflineSubmission.objects.filter(client_id=item.client_id).first()
        if existing is None:
            raise
        return _answer_existing(existing, item_id, acting_user)
    except ValidationError as error:
        return Receipt(item_id, Outcome.REFUSED, _reasons(error))


def offline_batch_receive(*, items: Any, acting_user: User) -> list[Receipt]:
    """Apply a batch of submissions, each on its own; a batch of more than MAX_ITEMS is refused item by item."""
    if not isinstance(items, list):
        raise Refused(_("The batch must be a list of submissions."))
    if len(items) > MAX_ITEMS:
        reason = ngettext(
            "Too many submissions at once: send at most %(max)s.",
            "Too many submissions at once: send at most %(max)s.",
            MAX_ITEMS,
        ) % {"max": MAX_ITEMS}
        return [
            Receipt(str(raw.get("id", "")) if isinstance(raw, dict) else "", Outcome.REFUSED, reason) for raw in items
        ]
    return [offline_submission_receive(raw=raw, acting_user=acting_user) for raw in items]


@transaction.atomic
def offline_conflict_resolve(
    *, submission: OfflineSubmission, choices: Mapping[str, str], acting_user: User
) -> Result[OfflineSubmission]:
    """Resolve a conflict: for each key, keep the phone's value ("mine") or the record's ("theirs"). The kept
    phone values are written through the online services (audited as a correction), and the resolution itself
    is audited with every choice. Resolving it again changes nothing."""
    access.require_in(acting_user, access.sessions_runnable_by, submission.session_id)
    submission = OfflineSubmission.objects.select_for_update().select_related("session").get(pk=submission.pk)
    if submission.status != OfflineSubmission.Status.CONFLICT:
        return Result(submission, Done.UNCHANGED)
    if set(choices) != set(submission.conflicts) or not set(choices.values()) <= {"mine", "theirs"}:
        raise ValidationError(_("Choose “keep mine” or “keep theirs” for every line."))
    kept = {key: submission.conflicts[key]["mine"] for key, choice in choices.items() if choice == "mine"}
    session = Session.objects.select_for_update(of=("self",)).get(pk=submission.session_id)
    if kept:
        _write(session, submission.kind, kept, acting_user)
    submission.status = OfflineSubmission.Status.RESOLVED
    submission.resolved_by = acting_user
    submission.resolved_at = timezone.now()
    submission.full_clean()
    submission.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit.record(
        submission,
        "lms.offline.resolve",
        user=acting_user,
        data={"session": session.pk, "choices": dict(choices), "kept_mine": kept},
    )
    return Result(submission, Done.CHANGED)


# ---- selectors -------------------------------------------------------------------------------------------


def kept_sessions(user: User, today: datetime.date) -> QuerySet:
    """The sessions a phone keeps for this user: today's and the next seven days' that they may record, with
    `version`, the last time anything on their pages changed (so the phone fetches only what changed)."""
    return (
        access.sessions_runnable_by(user)
        .filter(date__range=(today, today + datetime.timedelta(days=KEPT_DAYS)))
        .exclude(status=Session.Status.CANCELLED)
        .select_related("group", "lesson")
        .defer("lesson__body", "lesson__objectives", "lesson__materials")
        .annotate(last_attendance=Max("attendance__recorded_at"), last_score=Max("quiz_results__recorded_at"))
        .order_by("date", "group__name")
    )


def session_version(session: Session) -> str:
    """A session's version for the phone's copy (needs kept_sessions' annotations)."""
    stamps = [session.updated_at, session.last_attendance, session.last_score]
    return max(s for s in stamps if s is not None).isoformat()


def conflicts_for(user: User) -> QuerySet:
    """Submissions waiting for a resolution, in the sessions the user may record."""
    return (
        OfflineSubmission.objects.filter(
            status=OfflineSubmission.Status.CONFLICT, session__in=access.sessions_runnable_by(user)
        )
        .select_related("session", "session__group", "session__lesson", "user")
        .order_by("received_at", "pk")
    )


@dataclass
class ConflictLine:
    """One key of a conflict, ready to show: whom or what it is about, the phone's value, the record's now."""

    key: str
    label: str
    mine: str
    theirs: str


def conflict_lines(submission: OfflineSubmission) -> list[ConflictLine]:
    """The conflict's keys in learner-code order, with values in words and the record's value as it is now."""
    current = current_values(submission.session, submission.kind)
    ids = {int(key.split(":")[0]) for key in submission.conflicts if key != NOTES}
    rows = Learner.objects.filter(pk__in=ids).values_list("pk", "code", "first_name")
    learners = {pk: f"{code} {name}" for pk, code, name in rows}
    statuses, tests = dict(Attendance.Status.choices), dict(QuizResult.Kind.choices)

    def shown(value: Any) -> str:
        if value is None or value == "":
            return _("Not recorded")
        return str(statuses.get(value, value))

    lines = []
    for key in submission.conflicts:
        learner, _sep, test = key.partition(":")
        if key == NOTES:
            label = _("Notes")
        else:
            label = learners.get(int(learner), learner)
            if test:
                label = f"{label} · {tests[test]}"
        mine = submission.conflicts[key]["mine"]
        lines.append(ConflictLine(key, label, shown(mine), shown(current.get(key, (None, None))[0])))
    return sorted(lines, key=lambda line: (line.key == NOTES, line.label))


def script_strings() -> dict[str, str]:
    """The sentences the offline script shows, translated here (the script has no catalogue). Plurals come in
    two forms, "one" and "other", with %(count)s for the number."""
    return {
        "saved": _("Saved on this phone, not yet sent. It will be sent when the connection returns."),
        "waiting_one": ngettext("%(count)s submission waits to be sent.", "%(count)s submissions wait to be sent.", 1),
        "waiting_other": ngettext(
            "%(count)s submission waits to be sent.", "%(count)s submissions wait to be sent.", 2
        ),
        "send": _("Send now"),
        "sending": _("Sending…"),
        "sent": _("Everything recorded on this phone has been sent."),
        "offline": _("You are offline. This page is kept on this phone."),
        "signin": _("Your sign-in has expired. Sign in again to send what waits: it stays on this phone."),
        "signin_link": _("Sign in again"),
        "failed": _("Sending failed. It will be tried again when the connection returns."),
        "conflicts_one": ngettext(
            "%(count)s submission conflicts with what someone else recorded.",
            "%(count)s submissions conflict with what someone else recorded.",
            1,
        ),
        "conflicts_other": ngettext(
            "%(count)s submission conflicts with what someone else recorded.",
            "%(count)s submissions conflict with what someone else recorded.",
            2,
        ),
        "resolve": _("Resolve conflicts"),
        "refused": _("Not accepted by the server: %(reason)s"),
        "dismiss": _("Dismiss"),
        "other_account_one": ngettext(
            "%(count)s submission waits for the account that recorded it to sign in.",
            "%(count)s submissions wait for the account that recorded them to sign in.",
            1,
        ),
        "other_account_other": ngettext(
            "%(count)s submission waits for the account that recorded it to sign in.",
            "%(count)s submissions wait for the account that recorded them to sign in.",
            2,
        ),
        "signout": _(
            "Some sessions recorded on this phone have not been sent yet. Signing out deletes them from this phone. "
            "Sign out anyway?"
        ),
    }
