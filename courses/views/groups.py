"""Facilitators' pages: the dashboard, groups, planning sessions and a learner's record."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import selectors
from courses.forms.groups import GroupForm, LessonPlanForm, ModulePlanForm
from learners import selectors as learner_selectors
from learners.models import Referral
from lms import access, audit, roles

UPCOMING_DAYS = 7
TO_RECORD_DAYS = 14
HELD_SHOWN = 20
REFERRALS_DUE_SHOWN = 10


def _referrals_due(user, today) -> list | None:
    """For staff of a centre, the first of their centres' referrals due for follow-up; None for the others."""
    if not access.manages_any_centre(user) or access.reads_all_centres(user):
        return None
    referrals = access.at_centres_managed_by(user, Referral.objects.all(), field="learner__centre")
    return list(learner_selectors.referrals_due(referrals, today=today)[:REFERRALS_DUE_SHOWN])


@login_required
def dashboard(request):
    """Today's and the coming week's sessions, sessions to record, groups and learners who stopped coming."""
    user = request.user
    if not access.uses_records(user):
        if access.has_role(user, roles.CONTENT_EDITORS, roles.CONTENT_REVIEWERS):
            return redirect(reverse("wagtailadmin_home"))
        if access.is_active_peer_educator(user):
            return redirect("peer_home")
        return redirect("/")
    groups = access.groups_visible_to(user).filter(is_active=True)
    centres, centre = None, None
    if access.reads_all_centres(user):
        centres = list(access.centres_visible_to(user))
        centre = next((c for c in centres if str(c.pk) == request.GET.get("centre")), None)
        if centre is not None:
            groups = groups.filter(centre=centre)
    today = timezone.localdate()
    upcoming = list(selectors.sessions_between(groups, today, today + datetime.timedelta(days=UPCOMING_DAYS)))
    to_record = selectors.sessions_to_record(groups, today, days=TO_RECORD_DAYS)
    sections = [
        {
            "title": _("Today, %(day)s") % {"day": date_format(today, "l j F")},
            "sessions": [s for s in upcoming if s.date == today],
            "empty": _("No sessions today."),
        },
        {
            "title": _("Next 7 days"),
            "sessions": [s for s in upcoming if s.date > today],
            "empty": _("No sessions planned for the next 7 days."),
        },
    ]
    if to_record:
        sections.append(
            {
                "title": _("To record"),
                "note": _("Planned sessions of the last two weeks without attendance."),
                "sessions": to_record,
            }
        )
    return render(
        request,
        "courses/dashboard.html",
        {
            "sections": sections,
            "can_run": access.manages_any_centre(user),
            "summaries": selectors.group_summaries(groups),
            "missing": selectors.learners_missing_recent_sessions(groups),
            "referrals_due": _referrals_due(user, today),
            "centres": centres,
            "centre": centre,
            "follow_ups": learner_selectors.follow_ups_due(access.centres_managed_by(user), today=today),
        },
    )


@login_required
def group_list(request):
    """The groups a user may see, with their headline figures."""
    if not access.uses_records(request.user):
        raise Http404
    groups = access.groups_visible_to(request.user)
    return render(
        request,
        "courses/group_list.html",
        {
            "summaries": selectors.group_summaries(groups),
            "can_create": access.manages_any_centre(request.user),
        },
    )


def _group_form_page(request, group=None):
    """Show the group form, and on a valid POST create or update the group through the services."""
    form = GroupForm(request.POST or None, user=request.user, group=group, initial=_group_initial(request, group))
    if request.method == "POST" and form.is_valid():
        saved = form.submit(acting_user=request.user)
        if saved is not None:
            if group is None:
                messages.success(request, _("Group %(name)s created.") % {"name": saved.name})
            else:
                messages.success(request, _("Group %(name)s saved.") % {"name": saved.name})
            return redirect("group_detail", group_id=saved.pk)
    return render(request, "courses/group_form.html", {"form": form, "group": group})


def _group_initial(request, group):
    if group is None:
        is_facilitator = access.has_role(request.user, roles.FACILITATORS)
        return {"facilitator": request.user.pk if is_facilitator else None}
    return {
        "name": group.name,
        "facilitator": group.facilitator_id,
        "is_active": group.is_active,
        "modules": [module.pk for module in selectors.group_modules(group)],
    }


@login_required
def group_create(request):
    """Create a group at one of the centres the user manages."""
    if not access.manages_any_centre(request.user):
        raise Http404
    return _group_form_page(request)


@login_required
def group_edit(request, group_id):
    """Rename a group, change its facilitator or modules, or mark it as no longer meeting."""
    group = get_object_or_404(access.groups_managed_by(request.user).select_related("centre"), pk=group_id)
    return _group_form_page(request, group)


@login_required
def group_detail(request, group_id):
    """A group's members, modules and sessions, with links to plan, run and print sessions."""
    group = get_object_or_404(
        access.groups_visible_to(request.user).select_related("centre", "facilitator"), pk=group_id
    )
    can_manage = access.can_manage_centre(request.user, group.centre_id)
    members = learner_selectors.current_members(group)
    sessions = selectors.group_sessions(group)
    return render(
        request,
        "courses/group_detail.html",
        {
            "group": group,
            "can_manage": can_manage,
            "members": members,
            "modules": selectors.group_modules(group),
            "planned": sessions.planned,
            "held": sessions.held[:HELD_SHOWN],
            "held_count": len(sessions.held),
            "cancelled": sessions.cancelled[:HELD_SHOWN],
            "today": timezone.localdate(),
        },
    )


@login_required
def sessions_plan(request, group_id):
    """Plan one lesson on a date, or a whole module on a regular schedule."""
    group = get_object_or_404(access.groups_managed_by(request.user).select_related("centre"), pk=group_id)
    module_lessons = selectors.group_module_lessons(group)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("plan") if posted else None
    lesson_form = LessonPlanForm(
        posted if which == "lesson" else None, group=group, modules=module_lessons, prefix="one"
    )
    module_form = ModulePlanForm(posted if which == "module" else None, group=group, prefix="module")
    form = {"lesson": lesson_form, "module": module_form}.get(which)
    if form is not None and form.is_valid():
        planned = form.submit(acting_user=request.user)
        if planned is not None:
            if planned:
                message = ngettext("%(count)d session planned.", "%(count)d sessions planned.", planned) % {
                    "count": planned
                }
            else:
                message = _("This session was already planned.")
            messages.success(request, message)
            return redirect("group_detail", group_id=group.pk)
    return render(
        request,
        "courses/sessions_plan.html",
        {"group": group, "lesson_form": lesson_form, "module_form": module_form, "module_lessons": module_lessons},
    )


@login_required
def learner_record(request, code):
    """A learner's details, groups, attendance, lessons, quiz results, services, training, outcomes and moves
    (who opened it, and when, is audited)."""
    learner = get_object_or_404(
        access.learners_visible_to(request.user).select_related(
            "centre", "guardian_consent_recorded_by", "child_assent_recorded_by"
        ),
        code=code,
    )
    audit.record_read(learner, audit.VIEW_LEARNER, user=request.user, data={"code": learner.code})
    record = selectors.learner_record(learner)
    today = timezone.localdate()
    can_manage = access.can_manage_centre(request.user, learner.centre_id)
    # The child's situation (the most sensitive field): not in the page at all unless the user may read it.
    situations = None
    if access.may_see_situation(request.user, learner):
        situations = learner_selectors.situation_history(learner)
    return render(
        request,
        "courses/learner_record.html",
        {
            "learner": learner,
            "record": record,
            "age": learner.age_on(today),
            "can_manage": can_manage,
            "can_record": can_manage and learner.has_consent,  # nothing is recorded before consent and assent
            "situations": situations,
            "situation": situations[0] if situations else None,
            "referrals": learner_selectors.referrals_of(learner),
        },
    )
