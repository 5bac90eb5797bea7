"""Every write about delivering the curriculum: the modules a group follows, planning sessions,
recording attendance and progress, cancelling, and quiz results.

Each service is keyword-only, runs in one transaction, validates, and writes an audit entry.
Recording the same thing twice changes nothing the second time.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import selectors
from courses.models import (
    Attendance,
    GroupModule,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizResult,
    Session,
    in_source_locale,
)
from learners import services as learner_services
from learners.models import Centre, Group, Learner
from lms import access, audit, summaries
from lms.results import Done, Result

# Sessions may be planned up to a year ahead, and recorded back to the programme's first years.
MAX_DAYS_AHEAD = 366
EARLIEST_DATE = datetime.date(2000, 1, 1)


def validate_session_date(day: datetime.date) -> None:
    """A session date must be plausible: not before 2000, not more than a year ahead."""
    if day < EARLIEST_DATE:
        raise ValidationError({"date": _("This date is too far in the past.")})
    if day > timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"date": _("Sessions can be planned at most one year ahead.")})


@transaction.atomic
def group_modules_set(*, group: Group, modules: Iterable[ModulePage], acting_user: User) -> None:
    """Set the modules a group follows, in the given order. Modules with sessions cannot be dropped."""
    access.require_in(acting_user, access.groups_managed_by, group)
    wanted = list(dict.fromkeys(modules))
    if in_source_locale(ModulePage.objects.filter(pk__in=[m.pk for m in wanted])).count() != len(wanted):
        raise ValidationError(
            _("A group follows the original modules; their translations are shown to groups taught in that language.")
        )
    current = {gm.module_id: gm for gm in GroupModule.objects.select_for_update().filter(group=group)}
    dropped = set(current) - {m.pk for m in wanted}
    for module_id in dropped:
        module = current[module_id].module
        if Session.objects.filter(group=group, lesson__in=LessonPage.objects.child_of(module)).exists():
            raise ValidationError(
                _("%(module)s already has sessions in this group, so it cannot be removed.") % {"module": module.title}
            )
    before = [gm.module_id for gm in sorted(current.values(), key=lambda gm: (gm.position, gm.pk))]
    after = [m.pk for m in wanted]
    if before == after:
        return  # the same modules submitted again: nothing to change or log
    GroupModule.objects.filter(group=group, module_id__in=dropped).delete()
    for position, module in enumerate(wanted):
        GroupModule.objects.update_or_create(group=group, module=module, defaults={"position": position})
    audit.record(group, "lms.group.modules", user=acting_user, data={"modules": [before, after]})


@transaction.atomic
def group_save(
    *,
    group: Group | None = None,
    centre: Centre | None = None,
    name: str,
    facilitator: User,
    modules: Iterable[ModulePage],
    is_active: bool = True,
    language: str | None = None,
    acting_user: User,
) -> Group:
    """Create a group at `centre` (when `group` is None) or change one, and set the modules it follows: one
    transaction, so a refusal of either leaves nothing half-saved. `language` is the teaching language (kept
    as it is when not given)."""
    if group is None:
        group = learner_services.group_create(
            centre=centre, name=name, facilitator=facilitator, language=language, acting_user=acting_user
        )
    else:
        group = learner_services.group_update(
            group=group,
            name=name,
            facilitator=facilitator,
            is_active=is_active,
            language=language or group.language,
            acting_user=acting_user,
        )
    group_modules_set(group=group, modules=modules, acting_user=acting_user)
    return group


@transaction.atomic
def session_plan(*, group: Group, lesson: LessonPage, date: datetime.date, acting_user: User) -> Session:
    """Plan one session of a group for a lesson of a module it follows. Planning it twice returns the first."""
    access.require_in(acting_user, access.groups_managed_by, group)
    validate_session_date(date)
    if not selectors.group_follows_lesson(group, lesson):
        raise ValidationError({"lesson": _("This group does not follow the module of that lesson.")})
    session, created = Session.objects.get_or_create(group=group, lesson=lesson, date=date)
    if not created and session.status == Session.Status.CANCELLED:  # planned again after all
        session.status, session.cancel_reason = Session.Status.PLANNED, ""
        session.save(update_fields=["status", "cancel_reason", "updated_at"])
        created = True
    if created:
        audit.record(
            session, "lms.session.plan", user=acting_user, data={"lesson": lesson.pk, "date": date.isoformat()}
        )
    return session


@transaction.atomic
def sessions_plan_module(
    *, group: Group, module: ModulePage, first_date: datetime.date, every_days: int = 7, acting_user: User
) -> list[Session]:
    """Plan a session for each lesson of a module, one every `every_days` days from the first date.

    Lessons the group already has a planned or held session for are skipped.
    """
    access.require_in(acting_user, access.groups_managed_by, group)
    if not 1 <= every_days <= 31:
        raise ValidationError({"every_days": _("Choose between 1 and 31 days between sessions.")})
    lessons = [
        lesson
        for lesson in selectors.module_lessons(module)
        if not Session.objects.filter(group=group, lesson=lesson).exclude(status=Session.Status.CANCELLED).exists()
    ]
    if not lessons:
        raise ValidationError(_("Every lesson of this module already has a session for this group."))
    validate_session_date(first_date + datetime.timedelta(days=every_days * (len(lessons) - 1)))
    return [
        session_plan(
            group=group,
            lesson=lesson,
            date=first_date + datetime.timedelta(days=every_days * i),
            acting_user=acting_user,
        )
        for i, lesson in enumerate(lessons)
    ]


def _recompute_progress(learner_ids: Iterable[int], lesson: LessonPage) -> None:
    """Make each learner's completion of the lesson match their attendance at held sessions."""
    for learner_id in learner_ids:
        first_present = (
            Attendance.objects.filter(
                learner_id=learner_id,
                session__lesson=lesson,
                session__status=Session.Status.HELD,
                status=Attendance.Status.PRESENT,
            )
            .select_related("session")
            .order_by("session__date", "session_id")
            .first()
        )
        if first_present is None:
            LessonProgress.objects.filter(learner_id=learner_id, lesson=lesson).delete()
        else:
            LessonProgress.objects.update_or_create(
                learner_id=learner_id,
                lesson=lesson,
                defaults={"session": first_present.session, "completed_on": first_present.session.date},
            )


def session_delivery_refusal(session: Session, user: User) -> str | None:
    """Why this user may not record this session (the message session_record and quiz_results_record give), or
    None: a lesson of a module marked sensitive is delivered by a trained facilitator, never by a peer educator."""
    if not access.is_active_peer_educator(user) or not selectors.is_sensitive_lesson(session.lesson):
        return None
    if access.sessions_managed_by(user).filter(pk=session.pk).exists():
        return None  # a peer educator later hired as a facilitator of this centre
    return _("This lesson belongs to a sensitive module: a trained facilitator runs it, not a peer educator.")


def _refuse_peer_on_sensitive(session: Session, user: User) -> None:
    refusal = session_delivery_refusal(session, user)
    if refusal:
        raise ValidationError(refusal)


def _consenting_members(session: Session, learner_ids) -> tuple[set[int], set[int]]:
    """The ids of the group's members on the session date, and of those among them whose consent and assent are on
    file, once every learner in `learner_ids` is a member whose consent is on file (else refused, nothing written)."""
    members = set(selectors.member_ids_on(session.group, session.date))
    if set(learner_ids) - members:
        raise ValidationError(_("Attendance was given for someone who is not in this group on the session date."))
    learners = Learner.objects.filter(pk__in=members).only("code", "guardian_consent_on", "child_assent_on")
    learner_services.require_consent([learner for learner in learners if learner.pk in set(learner_ids)])
    return members, {learner.pk for learner in learners if learner.has_consent}


def _check_attendance(session: Session, attendance: Mapping[int, str]) -> tuple[dict[int, str], set[int]]:
    """The attendance by learner id, once it covers exactly the group's members on the session date whose consent
    is on file, and the ids of the members without it (left off the list; their earlier rows are kept)."""
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled. Plan a new one instead."))
    if session.date > timezone.localdate():
        raise ValidationError(_("This session is planned for a later date; record it on or after that day."))
    given = {int(k): v for k, v in attendance.items()}
    members, consenting = _consenting_members(session, given)
    if consenting - set(given):
        raise ValidationError(_("Give attendance for every member of the group."))
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in given.values()):
        raise ValidationError(_("Attendance must be present, absent or excused."))
    return given, members - consenting


def _write_attendance(session: Session, given: dict[int, str], previous: dict[int, str], acting_user: User):
    """Make the session's attendance rows match `given` (`previous` holds only the rows it may change); returns
    (ids added, ids changed, ids removed)."""
    added = [learner_id for learner_id in given if learner_id not in previous]
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, learner_id=learner_id, status=given[learner_id], recorded_by=acting_user)
            for learner_id in added
        ]
    )
    changed = [lid for lid, status in given.items() if lid in previous and previous[lid] != status]
    for learner_id in changed:
        Attendance.objects.filter(session=session, learner_id=learner_id).update(
            status=given[learner_id], recorded_by=acting_user, recorded_at=timezone.now()
        )
    removed = set(previous) - set(given)  # members who left before this date since the first record
    Attendance.objects.filter(session=session, learner_id__in=removed).delete()
    return set(added), set(changed), removed


def _first_progress(session: Session, given: dict[int, str]) -> None:
    """The lesson completed, on the session date, by everyone present who had not completed it before."""
    present = [lid for lid, status in given.items() if status == Attendance.Status.PRESENT]
    already = set(
        LessonProgress.objects.filter(lesson=session.lesson, learner_id__in=present).values_list(
            "learner_id", flat=True
        )
    )
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(learner_id=lid, lesson=session.lesson, session=session, completed_on=session.date)
            for lid in present
            if lid not in already
        ]
    )


@transaction.atomic
def session_record(
    *,
    session: Session,
    attendance: Mapping[int, str],
    notes: str = "",
    delivered_by: User,
    acting_user: User,
) -> Result[Session]:
    """Record a held session: attendance for every member, and the lesson completed for those present.

    `attendance` maps learner id to present / absent / excused and must cover exactly the group's
    members on the session date whose consent and assent are on file (anyone else is refused, nothing
    written; a member whose consent was withdrawn is left off and their earlier attendance kept).
    A held session can be recorded again (a correction): the changes are logged, and progress follows
    the new attendance. Returns the session and what was done: created (first recorded), changed
    (corrected) or unchanged (the same record submitted again). Peer educators cannot record a lesson
    of a sensitive module (`session_delivery_refusal`).
    """
    access.require_in(acting_user, access.sessions_runnable_by, session)
    session = Session.objects.select_for_update(of=("self",)).select_related("lesson", "group").get(pk=session.pk)
    _refuse_peer_on_sensitive(session, acting_user)
    given, kept = _check_attendance(session, attendance)
    previous = dict(
        Attendance.objects.filter(session=session).exclude(learner_id__in=kept).values_list("learner_id", "status")
    )
    was_held = session.status == Session.Status.HELD
    before = audit.snapshot(session, ["status", "delivered_by", "notes"])
    session.status = Session.Status.HELD
    session.delivered_by = delivered_by
    session.notes = notes.strip()
    session.full_clean()
    session.save()
    added, changed_ids, removed = _write_attendance(session, given, previous, acting_user)
    if was_held:
        _recompute_progress(changed_ids | removed | added, session.lesson)
    else:
        _first_progress(session, given)
    # The indicator summaries, in this transaction: the session's slice, and module completions of its learners.
    summaries.changed(slices=[(session.group.centre_id, session.date)], progress_of=set(given) | removed)
    attendance_changes = {
        str(lid): [previous.get(lid), given.get(lid)]
        for lid in set(given) | set(previous)
        if previous.get(lid) != given.get(lid)
    }
    session_changes = audit.changes(before, audit.snapshot(session, list(before)))
    if was_held and not attendance_changes and not session_changes:
        return Result(session, Done.UNCHANGED)  # the same record submitted again: nothing to log
    audit.record(
        session,
        "lms.session.correct" if was_held else "lms.session.record",
        user=acting_user,
        data={"attendance": attendance_changes, "session": session_changes},
    )
    return Result(session, Done.CHANGED if was_held else Done.CREATED)


def session_cancel_refusal(session: Session) -> str | None:
    """Why this session cannot be cancelled (the message session_cancel gives), or None when it can be."""
    if session.status == Session.Status.HELD:
        return _("This session was held, so it cannot be cancelled. Correct its attendance instead.")
    return None


@transaction.atomic
def session_cancel(*, session: Session, reason: str, acting_user: User) -> Result[Session]:
    """Cancel a planned session, with a reason. Held sessions cannot be cancelled. Returns the session and
    what was done: changed (cancelled now) or unchanged (it was already cancelled)."""
    access.require_in(acting_user, access.sessions_managed_by, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return Result(session, Done.UNCHANGED)
    refusal = session_cancel_refusal(session)
    if refusal:
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Say why the session is cancelled.")})
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.full_clean()
    session.save()
    summaries.changed(slices=[(session.group.centre_id, session.date)])
    audit.record(session, "lms.session.cancel", user=acting_user, data={"reason": session.cancel_reason})
    return Result(session, Done.CHANGED)


def quiz_results_refusal(session: Session, maximum: int) -> str | None:
    """Why no scores can be entered for this session (the message quiz_results_record gives), or None.
    `maximum` is the number of questions in the lesson's quiz."""
    if session.status == Session.Status.CANCELLED:
        return _("This session was cancelled, so it has no quiz results.")
    if not maximum:
        return _("This lesson has no quiz, so there are no scores to enter.")
    return None


@transaction.atomic
def quiz_results_record(*, session: Session, scores: Mapping[int, Mapping[str, int | None]], acting_user: User) -> int:
    """Record pre- and post-test scores for a session's learners; a score given as None removes an earlier one.

    `scores` maps learner id to {"pre": score or None, "post": score or None}, for members whose consent and
    assent are on file (anyone else: refused, nothing written); a learner or a test left out is left as it is
    (never cleared). Scores are out of the number of questions in the lesson's quiz. Returns how many results
    changed.
    """
    access.require_in(acting_user, access.sessions_runnable_by, session)
    session = Session.objects.select_for_update(of=("self",)).select_related("lesson", "group").get(pk=session.pk)
    _refuse_peer_on_sensitive(session, acting_user)
    maximum = selectors.quiz_question_count(session.lesson)
    refusal = quiz_results_refusal(session, maximum)
    if refusal:
        raise ValidationError(refusal)
    members = set(selectors.member_ids_on(session.group, session.date))
    if set(map(int, scores)) - members:
        raise ValidationError(_("Scores were given for someone who is not in this group on the session date."))
    learner_services.require_consent(
        Learner.objects.filter(pk__in=list(map(int, scores))).only("code", "guardian_consent_on", "child_assent_on")
    )
    for row in scores.values():
        for value in row.values():
            if value is not None and not 0 <= value <= maximum:
                raise ValidationError(
                    _("Scores must be between 0 and %(max)s, the number of questions.") % {"max": maximum}
                )
    existing = {(r.learner_id, r.kind): r for r in QuizResult.objects.filter(session=session)}
    changed = {}
    for learner_id, row in scores.items():
        for kind in QuizResult.Kind.values:
            if kind not in row:
                continue  # not given: unchanged
            value = row[kind]
            current = existing.get((int(learner_id), kind))
            if value is None:
                if current is not None:
                    current.delete()
                    changed[f"{learner_id}:{kind}"] = [current.score, None]
                continue
            if current is None:
                QuizResult.objects.create(
                    session=session,
                    learner_id=learner_id,
                    lesson=session.lesson,
                    kind=kind,
                    score=value,
                    max_score=maximum,
                    recorded_by=acting_user,
                )
                changed[f"{learner_id}:{kind}"] = [None, value]
            elif current.score != value or current.max_score != maximum:
                changed[f"{learner_id}:{kind}"] = [current.score, value]
                current.score, current.max_score, current.recorded_by = value, maximum, acting_user
                current.save(update_fields=["score", "max_score", "recorded_by", "recorded_at"])
    if changed:
        summaries.changed(slices=[(session.group.centre_id, session.date)])
        audit.record(session, "lms.quiz.record", user=acting_user, data={"scores": changed, "out_of": maximum})
    return len(changed)
