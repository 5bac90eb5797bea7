"""Learner registry and group membership pages (facilitators' site, not the admin).

Every object comes from an lms.access queryset, so anything outside the user's scope is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learners import selectors
from learners.forms import LearnerEditForm, LearnerFilterForm, LearnerMoveForm, LearnerRegisterForm, MembersAddForm
from learners.forms import MembershipEndForm as EndForm
from learners.forms.registry import LearnerSituationForm
from learners.models import Membership
from lms import access

PAGE_SIZE = 50


@login_required
def learner_list(request):
    """The learners the user may see, filtered by centre, status and code or first name, 50 a page."""
    if not access.uses_records(request.user):
        raise Http404
    filters = LearnerFilterForm(request.GET or None, user=request.user)
    learners = access.learners_visible_to(request.user).select_related("centre").order_by("code")
    if filters.is_bound:
        learners = filters.filter(learners)
    page = Paginator(learners, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "can_register": access.manages_any_centre(request.user),
    }
    return render(request, "learners/learner_list.html", context)


@login_required
def learner_register(request):
    """Register a learner at one of the user's centres, then open their record."""
    if not access.manages_any_centre(request.user):
        raise Http404
    form = LearnerRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        learner = form.submit(acting_user=request.user)
        if learner is not None:
            messages.success(
                request,
                _("Registered %(name)s with the code %(code)s.") % {"name": learner.first_name, "code": learner.code},
            )
            return redirect("learner_record", code=learner.code)
    return render(request, "learners/learner_form.html", {"form": form})


@login_required
def learner_edit(request, code):
    """Change a learner's details and status (learners of the user's own centres only)."""
    learner = get_object_or_404(access.learners_managed_by(request.user).select_related("centre"), code=code)
    form = LearnerEditForm(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user) is not None:
        messages.success(request, _("Saved the changes to %(code)s.") % {"code": learner.code})
        return redirect("learner_record", code=learner.code)
    return render(request, "learners/learner_form.html", {"form": form, "learner": learner})


@login_required
def learner_situation(request, code):
    """Record a learner's situation as of a day (facilitators of the learner's centre and administrators)."""
    learner = get_object_or_404(
        access.learners_whose_situation_is_recorded_by(request.user).select_related("centre"), code=code
    )
    current = selectors.situation_on([learner.pk], timezone.localdate()).get(learner.pk)
    form = LearnerSituationForm(request.POST or None, learner=learner, current=current)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            if result.changed_anything:
                messages.success(request, _("Situation recorded for %(code)s.") % {"code": learner.code})
            return redirect("learner_record", code=learner.code)
    context = {"form": form, "learner": learner, "heading": _("Record the child's situation"), "kind": "situation"}
    return render(request, "learners/outcome_form.html", context)


@login_required
def learner_move(request, code):
    """Move a learner from one of their groups to another group of the same centre, on a date."""
    learner = get_object_or_404(access.learners_managed_by(request.user).select_related("centre"), code=code)
    form = LearnerMoveForm(request.POST or None, learner=learner, user=request.user)
    if request.method == "POST" and form.is_valid():
        membership = form.submit(acting_user=request.user)
        if membership is not None:
            messages.success(
                request,
                _("Moved %(code)s to %(group)s from %(day)s.")
                % {"code": learner.code, "group": membership.group.name, "day": date_format(membership.joined_on)},
            )
            return redirect("learner_record", code=learner.code)
    has_groups = form.fields["from_group"].queryset.exists()
    return render(request, "learners/learner_move.html", {"form": form, "learner": learner, "has_groups": has_groups})


@login_required
def members_add(request, group_id):
    """Tick learners of the group's centre to add them to the group from one date, all in one go."""
    group = get_object_or_404(access.groups_managed_by(request.user).select_related("centre"), pk=group_id)
    form = MembersAddForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        added = form.submit(acting_user=request.user)
        if added is not None:
            messages.success(
                request,
                ngettext("Added %(count)d learner to %(group)s.", "Added %(count)d learners to %(group)s.", len(added))
                % {"count": len(added), "group": group.name},
            )
            return redirect("group_detail", group_id=group.pk)
    context = {"form": form, "group": group, "candidates": form.candidates(), "chosen": form.chosen_ids()}
    return render(request, "learners/members_add.html", context)


@login_required
def membership_end(request, group_id, membership_id):
    """Confirm, then record, the day a learner left a group."""
    group = get_object_or_404(access.groups_managed_by(request.user), pk=group_id)
    membership = get_object_or_404(Membership.objects.select_related("learner"), pk=membership_id, group=group)
    form = EndForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        ended = form.submit(acting_user=request.user)
        if ended is not None:
            messages.success(
                request,
                _("%(code)s left %(group)s on %(day)s.")
                % {"code": membership.learner.code, "group": group.name, "day": date_format(ended.left_on)},
            )
            return redirect("group_detail", group_id=group.pk)
    context = {"form": form, "group": group, "membership": membership}
    return render(request, "learners/membership_end.html", context)
