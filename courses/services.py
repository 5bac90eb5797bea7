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
from learners.models import Group
from lms import audit

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
def session_plan(*, group: Group, lesson: LessonPage, date: datetime.date, acting_user: User) -> Session:
    """Plan one session of a group for a lesson of a module it follows. Planning it twice returns the first."""
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


@transaction.atomic
def session_record(
    *,
    session: Session,
    attendance: Mapping[int, str],
    notes: str = "",
    delivered_by: User,
    acting_user: User,
) -> Session:
    """Record a held session: attendance for every member, and the lesson completed for those present.

    `attendance` maps learner id to present / absent / excused and must cover exactly the group's
    members on the session date. A held session can be recorded again (a correction): the changes
    are logged, and progress follows the new attendance.
    """
    session = Session.objects.select_for_update(of=("self",)).select_related("lesson", "group").get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled. Plan a new one instead."))
    if session.date > timezone.localdate():
        raise ValidationError(_("This session is planned for a later date; record it on or after that day."))
    members = set(selectors.member_ids_on(session.group, session.date))
    given = {int(k): v for k, v in attendance.items()}
    strangers = set(given) - members
    if strangers:
        raise ValidationError(_("Attendance was given for someone who is not in this group on the session date."))
    missing = members - set(given)
    if missing:
        raise ValidationError(_("Give attendance for every member of the group."))
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in given.values()):
        raise ValidationError(_("Attendance must be present, absent or excused."))

    previous = dict(Attendance.objects.filter(session=session).values_list("learner_id", "status"))
    was_held = session.status == Session.Status.HELD
    before = audit.snapshot(session, ["status", "delivered_by", "notes"])
    session.status = Session.Status.HELD
    session.delivered_by = delivered_by
    session.notes = notes.strip()
    session.full_clean()
    session.save()

    to_create = [
        Attendance(session=session, learner_id=learner_id, status=status, recorded_by=acting_user)
        for learner_id, status in given.items()
        if learner_id not in previous
    ]
    Attendance.objects.bulk_create(to_create)
    changed_ids = [lid for lid, status in given.items() if lid in previous and previous[lid] != status]
    for learner_id in changed_ids:
        Attendance.objects.filter(session=session, learner_id=learner_id).update(
            status=given[learner_id], recorded_by=acting_user, recorded_at=timezone.now()
        )
    removed = set(previous) - set(given)  # members who left before this date since the first record
    Attendance.objects.filter(session=session, learner_id__in=removed).delete()

    if not was_held:
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
    else:
        added = {a.learner_id for a in to_create}  # members recorded for the first time in this correction
        _recompute_progress(set(changed_ids) | removed | added, session.lesson)

    attendance_changes = {
        str(lid): [previous.get(lid), given.get(lid)]
        for lid in set(given) | set(previous)
        if previous.get(lid) != given.get(lid)
    }
    if was_held and not attendance_changes and not audit.changes(before, audit.snapshot(session, list(before))):
        return session  # the same record submitted again: nothing changed, nothing to log
    audit.record(
        session,
        "lms.session.correct" if was_held else "lms.session.record",
        user=acting_user,
        data={
            "attendance": attendance_changes,
            "session": audit.changes(before, audit.snapshot(session, list(before))),
        },
    )
    return session


@transaction.atomic
def session_cancel(*, session: Session, reason: str, acting_user: User) -> Session:
    """Cancel a planned session, with a reason. Held sessions cannot be cancelled."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return session
    if session.status == Session.Status.HELD:
        raise ValidationError(_("This session was held, so it cannot be cancelled. Correct its attendance instead."))
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Say why the session is cancelled.")})
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.full_clean()
    session.save()
    audit.record(session, "lms.session.cancel", user=acting_user, data={"reason": session.cancel_reason})
    return session


@transaction.atomic
def quiz_results_record(*, session: Session, scores: Mapping[int, Mapping[str, int | None]], acting_user: User) -> int:
    """Record pre- and post-test scores for a session's learners; a blank score removes an earlier one.

    `scores` maps learner id to {"pre": score or None, "post": score or None}. Scores are out of the
    number of questions in the lesson's quiz. Returns how many results changed.
    """
    session = Session.objects.select_for_update(of=("self",)).select_related("lesson", "group").get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled, so it has no quiz results."))
    maximum = selectors.quiz_question_count(session.lesson)
    if not maximum:
        raise ValidationError(_("This lesson has no quiz."))
    members = set(selectors.member_ids_on(session.group, session.date))
    if set(map(int, scores)) - members:
        raise ValidationError(_("Scores were given for someone who is not in this group on the session date."))
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
            value = row.get(kind)
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
        audit.record(session, "lms.quiz.record", user=acting_user, data={"scores": changed, "out_of": maximum})
    return len(changed)
