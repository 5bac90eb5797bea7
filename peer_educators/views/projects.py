"""Social action project pages: the list with the active-citizen indicator, proposing, the project page,
approving, logging activities, planning steps, completing and abandoning.

Every project comes from an lms.access queryset (visible, managed or worked-on scope), so anything
outside the user's scope answers 404. Programme managers read every project and change none.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lms import access
from lms.results import Done
from peer_educators import selectors, services
from peer_educators.forms.projects import (
    REACH_KINDS,
    REACH_SEXES,
    ActivityLogForm,
    PlannedActivityForm,
    ProjectAbandonForm,
    ProjectApproveForm,
    ProjectCompleteForm,
    ProjectFilterForm,
    ProjectProposeForm,
)
from peer_educators.models import ActivityLog, ActivityPhoto, PeerEducator, Project

PAGE_SIZE = 50
APPROVED = Project.Status.APPROVED
METHODS = ["GET", "HEAD", "POST"]


def _active_peer(user) -> PeerEducator | None:
    """The user's own peer-educator record, when they are an active peer educator."""
    if not access.is_active_peer_educator(user):
        return None
    return PeerEducator.objects.select_related("learner__centre").get(user=user)


def _project(scope, request, project_id: int) -> Project:
    """The project from the given lms.access scope, or 404."""
    return get_object_or_404(scope(request.user).select_related("centre"), pk=project_id)


def _in_scope(scope, user, project: Project) -> bool:
    return scope(user).filter(pk=project.pk).exists()


@login_required
def project_list(request):
    """The projects the user may see, filtered by status, with the active-citizen indicator for their scope."""
    user = request.user
    is_peer = access.is_active_peer_educator(user)
    if not (is_peer or access.uses_records(user)):
        raise Http404
    filters = ProjectFilterForm(request.GET or None)
    projects = filters.filter(selectors.projects_listed(access.projects_visible_to(user)))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.project_rows(page.object_list)
    indicator = None
    if not is_peer:
        indicator = selectors.active_citizens(access.centres_visible_to(user)).count()
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "indicator": indicator,
        "all_centres": access.reads_all_centres(user),
        "can_propose": is_peer or access.manages_any_centre(user),
    }
    return render(request, "peer_educators/project_list.html", context)


@login_required
@require_http_methods(METHODS)
def project_propose(request):
    """Propose a project: a peer educator for their own centre (themselves on the team), a facilitator for
    one of their centres (chosen first when they have several)."""
    user = request.user
    peer = _active_peer(user)
    if peer is not None:
        centre, team_initial = peer.learner.centre, [peer.learner]
        candidates = selectors.team_candidates(centre, peer_user=user)
    else:
        centres = list(access.centres_managed_by(user).filter(is_active=True))
        if not centres:
            raise Http404
        centre = centres[0] if len(centres) == 1 else None
        centre = centre or next((c for c in centres if str(c.pk) == request.GET.get("centre")), None)
        if centre is None:
            return render(request, "peer_educators/project_form.html", {"centres": centres})
        team_initial, candidates = [], selectors.team_candidates(centre)
    form = ProjectProposeForm(request.POST or None, centre=centre, candidates=candidates, team_initial=team_initial)
    if request.method == "POST" and form.is_valid():
        project = form.submit(acting_user=user)
        if project is not None:
            messages.success(request, _("Project “%(title)s” proposed.") % {"title": project.title})
            return redirect("project_detail", project_id=project.pk)
    return render(
        request, "peer_educators/project_form.html", {"form": form, "centre": centre, "is_peer": peer is not None}
    )


@login_required
def project_detail(request, project_id: int):
    """Everything about a project: status and dates, team (code and first name), plan, approval, activity
    log with reach and photos, reflection or reason, and the actions the user may take."""
    user = request.user
    project = get_object_or_404(
        access.projects_visible_to(user).select_related("centre", "proposed_by", "approved_by"), pk=project_id
    )
    team = selectors.project_team(project)
    logs = selectors.project_logs(project)
    manages = _in_scope(access.projects_managed_by, user, project)
    works = _in_scope(access.projects_worked_on_by, user, project)
    approval_refusal = services.project_refusal(project, APPROVED, user=user)
    own = project.can_become(APPROVED) and project.proposed_by_id == user.pk
    context = {
        "project": project,
        "team": team,
        "planned": list(project.planned_activities.all()),
        "logs": [_log_entry(log) for log in logs],
        "total_reached": sum(log.people_reached for log in logs),
        "can_approve": manages and approval_refusal is None,
        "own_proposal": approval_refusal if manages and own else None,
        "can_work": works and project.takes_activities(),
        "can_abandon": manages and project.can_become(Project.Status.ABANDONED),
    }
    return render(request, "peer_educators/project_detail.html", context)


@login_required
@require_safe
def project_photo(request, project_id: int, photo_id: int, size: str):
    """A photo of a project's activity log (`photo` or `thumbnail`), for those who may see the project: its
    file lives in private storage, which nothing else serves, and no browser or proxy keeps a copy."""
    project = get_object_or_404(access.projects_visible_to(request.user), pk=project_id)
    photo = selectors.project_photo(project, photo_id)
    if photo is None or size not in ActivityPhoto.SIZES:
        raise Http404
    stored = photo.file_of(size)
    try:
        file = stored.storage.open(stored.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(file, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def _log_entry(log: ActivityLog) -> dict:
    """One log entry with its reach as table rows (kind: male, female, total) and the totals by sex."""
    rows = []
    for kind, label in REACH_KINDS:
        male, female = (getattr(log, f"{kind}_{sex}") for sex, _label in REACH_SEXES)
        rows.append({"label": label, "male": male, "female": female, "total": male + female})
    return {
        "log": log,
        "rows": rows,
        "male": sum(row["male"] for row in rows),
        "female": sum(row["female"] for row in rows),
        "total": log.people_reached,
    }


@login_required
@require_http_methods(METHODS)
def project_approve(request, project_id: int):
    """A facilitator of the centre approves a proposed project with a comment (never their own proposal)."""
    project = _project(access.projects_managed_by, request, project_id)
    form = ProjectApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = form.submit(project=project, acting_user=request.user)
        if result is not None:
            if result.done is Done.UNCHANGED:
                messages.success(request, _("This project was already approved."))
            else:
                messages.success(request, _("Project “%(title)s” approved.") % {"title": project.title})
            return redirect("project_detail", project_id=project.pk)
    context = {
        "project": project,
        "form": form,
        "refusal": services.project_refusal(project, APPROVED, user=request.user),
    }
    return render(request, "peer_educators/project_approve.html", context)


@login_required
@require_http_methods(METHODS)
def activity_log_add(request, project_id: int):
    """Log what the team did on a day, whom it reached by kind and sex, and an optional child-safe photo."""
    project = _project(access.projects_worked_on_by, request, project_id)
    form = ActivityLogForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = form.submit(project=project, acting_user=request.user)
        if result is not None:
            log = result.record
            if result.done is Done.CREATED:
                messages.success(
                    request, _("Activity of %(day)s logged.") % {"day": date_format(log.date, "DATE_FORMAT")}
                )
            else:
                messages.success(request, _("This activity was already logged."))
            return redirect("project_detail", project_id=project.pk)
    context = {"project": project, "form": form, "refusal": services.project_work_refusal(project)}
    return render(request, "peer_educators/project_log.html", context)


@login_required
@require_http_methods(METHODS)
def planned_activity_add(request, project_id: int):
    """Add a planned step with a target date."""
    project = _project(access.projects_worked_on_by, request, project_id)
    form = PlannedActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = form.submit(project=project, acting_user=request.user)
        if result is not None:
            activity = result.record
            if result.done is Done.CREATED:
                messages.success(request, _("Planned: %(title)s.") % {"title": activity.title})
            else:
                messages.success(request, _("This activity was already planned."))
            return redirect("project_detail", project_id=project.pk)
    context = {"project": project, "form": form, "refusal": services.project_work_refusal(project, planning=True)}
    return render(request, "peer_educators/project_plan.html", context)


def _status_page(request, project: Project, form, *, status: str, done: str, again: str, template: str):
    """A page that moves a project to a final status through its form (a reflection or a reason); posting it
    again once the project has that status only says so."""
    if request.method == "POST" and form.is_valid():
        result = form.submit(project=project, acting_user=request.user)
        if result is not None:
            messages.success(request, again if result.done is Done.UNCHANGED else done % {"title": project.title})
            return redirect("project_detail", project_id=project.pk)
    refusal = services.project_refusal(project, status)
    return render(request, template, {"project": project, "form": form, "refusal": refusal})


@login_required
@require_http_methods(METHODS)
def project_complete(request, project_id: int):
    """Mark a project completed, with the team's reflection: what changed and what the team learned."""
    project = _project(access.projects_worked_on_by, request, project_id)
    return _status_page(
        request,
        project,
        ProjectCompleteForm(request.POST or None),
        status=Project.Status.COMPLETED,
        done=_("Project “%(title)s” completed."),
        again=_("This project was already completed."),
        template="peer_educators/project_complete.html",
    )


@login_required
@require_http_methods(METHODS)
def project_abandon(request, project_id: int):
    """Abandon a project that is not completed, with a reason."""
    project = _project(access.projects_managed_by, request, project_id)
    return _status_page(
        request,
        project,
        ProjectAbandonForm(request.POST or None),
        status=Project.Status.ABANDONED,
        done=_("Project “%(title)s” abandoned."),
        again=_("This project was already abandoned."),
        template="peer_educators/project_abandon.html",
    )
