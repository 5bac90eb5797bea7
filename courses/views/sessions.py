"""Session pages: run a session (attendance), enter quiz scores, cancel, print sheets, and the group grid.

Reads use lms.access's visible scope, writes its managed scope; anything outside answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from courses import selectors, services
from courses.forms.sessions import AttendanceForm, CancelForm, ScoresForm
from courses.models import Attendance, Session
from lms import access, audit
from lms.results import Done

READS = ("GET", "HEAD")
# What recording attendance did (courses.services.session_record), as the message shown after saving.
ATTENDANCE_SAVED = {
    Done.CREATED: gettext_lazy("Attendance saved and progress updated."),
    Done.CHANGED: gettext_lazy("Attendance corrected."),
    Done.UNCHANGED: gettext_lazy("Attendance saved: nothing had changed."),
}


def _session(request, session_id: int) -> Session:
    """The session, from the user's visible scope for reading and managed scope for changing."""
    scope = access.sessions_visible_to if request.method in READS else access.sessions_runnable_by
    sessions = scope(request.user).select_related(
        "group", "group__centre", "group__facilitator", "lesson", "delivered_by"
    )
    return get_object_or_404(sessions, pk=session_id)


def _can_manage(user, session: Session) -> bool:
    """Whether the user may record this session (programme managers only read)."""
    return access.can_run_session(user, session)


def _session_context(session: Session, **extra) -> dict:
    """What every session page shows about the session: the lesson is the translation in the group's
    teaching language when a live one exists (`taught` says which, and whether it is missing)."""
    taught = selectors.taught_lesson(session.lesson, session.group.language)
    return {"session": session, "group": session.group, "lesson": taught.page, "taught": taught, **extra}


@login_required
@require_http_methods([*READS, "POST"])
def session_run(request, session_id: int):
    """One page to run a session: the lesson in facilitator view and the members' attendance checklist."""
    session = _session(request, session_id)
    refusal = services.session_delivery_refusal(session, request.user)
    can_manage = request.method == "POST" or (refusal is None and _can_manage(request.user, session))
    split = selectors.session_members(session)
    members = split.recordable
    recorded = selectors.attendance_recorded(session)
    form = AttendanceForm(request.POST or None, members=members, recorded=recorded, initial={"notes": session.notes})
    if request.method == "POST" and form.is_valid():
        result = form.submit(session=session, acting_user=request.user)
        if result is not None:
            messages.success(request, ATTENDANCE_SAVED[result.done])
            return redirect("group_progress", group_id=session.group_id)
    labels = dict(Attendance.Status.choices)
    context = _session_context(
        session,
        form=form,
        can_manage=can_manage,
        is_future=session.date > timezone.localdate(),
        members=members,
        without_consent=[learner.code for learner in split.without_consent],
        delivery_refusal=refusal,
        statuses=Attendance.Status.choices,
        readonly_rows=[{"learner": m, "status": labels.get(recorded.get(m.pk))} for m in members],
        facilitator_view=access.can_see_facilitator_content(request.user),
    )
    context["module"] = selectors.module_of(context["lesson"])  # in the language the lesson is shown in
    return render(request, "courses/session_run.html", context)


@login_required
@require_http_methods([*READS, "POST"])
def session_scores(request, session_id: int):
    """Pre- and post-test scores for a session's members, on one form."""
    session = _session(request, session_id)
    delivery_refusal = services.session_delivery_refusal(session, request.user)
    can_manage = request.method == "POST" or (delivery_refusal is None and _can_manage(request.user, session))
    maximum = selectors.quiz_question_count(session.lesson)
    split = selectors.session_members(session)
    members = split.recordable
    form = None
    refusal = services.quiz_results_refusal(session, maximum)
    if refusal is None:
        existing = selectors.quiz_results_of(session)
        form = ScoresForm(request.POST or None, members=members, maximum=maximum, existing=existing)
        if request.method == "POST" and form.is_valid():
            changed = form.submit(session=session, acting_user=request.user)
            if changed is not None:
                if changed:
                    messages.success(request, _("Scores saved."))
                else:
                    messages.success(request, _("Scores saved: nothing had changed."))
                return redirect("session_run", session_id=session.pk)
    return render(
        request,
        "courses/session_scores.html",
        _session_context(
            session,
            form=form,
            can_manage=can_manage,
            maximum=maximum,
            members=members,
            without_consent=[learner.code for learner in split.without_consent],
            refusal=refusal,
            delivery_refusal=delivery_refusal,
        ),
    )


@login_required
@require_http_methods([*READS, "POST"])
def session_cancel(request, session_id: int):
    """Cancel a planned session with a reason (people who manage the session only)."""
    session = get_object_or_404(
        access.sessions_managed_by(request.user).select_related("group", "group__centre", "lesson"), pk=session_id
    )
    form = CancelForm(request.POST or None) if session.status == Session.Status.PLANNED else None
    submitted = form is not None and request.method == "POST" and form.is_valid()
    result = form.submit(session=session, acting_user=request.user) if submitted else None
    if result is not None:
        cancelled = result.done is not Done.UNCHANGED
        messages.success(request, _("Session cancelled.") if cancelled else _("This session was already cancelled."))
        return redirect("session_run", session_id=session.pk)
    refusal = services.session_cancel_refusal(session)
    return render(request, "courses/session_cancel.html", _session_context(session, form=form, refusal=refusal))


def _facilitator_name(session: Session) -> str:
    person = session.delivered_by or session.group.facilitator
    return person.get_full_name() or person.get_username()


def _sheet(request, session_id: int, template: str, *, sheet: str, **extra):
    """A printable sheet of a session's members for the paper fallback (reading only; audited, since the names
    leave the screen)."""
    session = _session(request, session_id)  # out of scope: 404 whatever the method
    if request.method not in READS:
        return HttpResponseNotAllowed(READS)
    members = selectors.session_members(session).recordable  # nobody whose consent is not on file
    audit.record_read(session, audit.VIEW_SHEET, user=request.user, data={"sheet": sheet, "learners": len(members)})
    context = _session_context(
        session,
        members=members,
        facilitator_name=_facilitator_name(session),
        **{name: make(session) for name, make in extra.items()},
    )
    return render(request, template, context)


@login_required
def attendance_sheet(request, session_id: int):
    """A printable attendance sheet for the paper fallback."""
    return _sheet(
        request,
        session_id,
        "courses/attendance_sheet.html",
        sheet="attendance",
        statuses=lambda session: Attendance.Status.choices,
    )


@login_required
def score_sheet(request, session_id: int):
    """A printable pre- and post-test score sheet for the paper fallback."""
    return _sheet(
        request,
        session_id,
        "courses/score_sheet.html",
        sheet="scores",
        maximum=lambda session: selectors.quiz_question_count(session.lesson),
    )


@login_required
def group_progress(request, group_id: int):
    """Learners by lessons of a group's modules, with attendance rates and quiz gain per module."""
    scope = access.groups_visible_to if request.method in READS else access.groups_managed_by
    group = get_object_or_404(scope(request.user).select_related("centre"), pk=group_id)
    if request.method not in READS:
        return HttpResponseNotAllowed(READS)
    grid = selectors.group_progress_grid(group)
    columns, modules = [], []
    for module_number, (module, lessons) in enumerate(grid.modules, start=1):
        modules.append(
            {
                "module": module,
                "number": module_number,
                "lessons": len(lessons),
                "gain": grid.gain_by_module.get(module.pk),
            }
        )
        for lesson_number, lesson in enumerate(lessons, start=1):
            columns.append(
                {
                    "lesson": lesson,
                    "short": _("M%(module)s L%(lesson)s") % {"module": module_number, "lesson": lesson_number},
                }
            )
    return render(
        request,
        "courses/group_progress.html",
        {"group": group, "grid": grid, "columns": columns, "modules": modules},
    )
