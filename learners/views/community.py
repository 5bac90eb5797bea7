"""Community structures pages: PCCs and child associations, their meetings, and sensitisation events.

Programme managers and administrators read every centre's; facilitators read and record their centres';
everyone else gets 404. Every object comes from an lms.access queryset.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners import selectors
from learners.forms import CommunityGroupForm, CommunityMeetingForm, SensitisationEventForm
from learners.models import CommunityGroup, SensitisationEvent
from lms import access
from lms.results import Done

LATEST_EVENTS = 20


@login_required
def community_list(request):
    """The PCCs and child associations of the user's centres, and the latest sensitisation events."""
    if not access.uses_records(request.user):
        raise Http404
    groups = selectors.community_groups_with_activity(
        access.at_centres_visible_to(request.user, CommunityGroup.objects.all()), today=timezone.localdate()
    )
    events = access.at_centres_visible_to(request.user, SensitisationEvent.objects.all())
    latest, total = selectors.latest_events(events, limit=LATEST_EVENTS)
    context = {
        "groups": groups,
        "events": latest,
        "events_total": total,
        "can_record": access.manages_any_centre(request.user),
    }
    return render(request, "learners/community_list.html", context)


@login_required
def community_group_detail(request, group_id):
    """A group's details, its learner members and its meetings."""
    if not access.uses_records(request.user):
        raise Http404
    group = get_object_or_404(
        access.at_centres_visible_to(request.user, CommunityGroup.objects.select_related("centre")), pk=group_id
    )
    context = {
        "group": group,
        "learners": selectors.community_group_learners(group),
        "meetings": group.meetings.all(),
        "can_manage": access.can_manage_centre(request.user, group.centre_id),
    }
    return render(request, "learners/community_group_detail.html", context)


@login_required
def community_group_create(request):
    """Record a PCC or child association at one of the user's centres, then open it."""
    if not access.manages_any_centre(request.user):
        raise Http404
    form = CommunityGroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = form.submit(acting_user=request.user)
        if group is not None:
            messages.success(request, _("Saved %(name)s.") % {"name": group.name})
            return redirect("community_group_detail", group_id=group.pk)
    return render(request, "learners/community_group_form.html", {"form": form})


@login_required
def community_group_edit(request, group_id):
    """Change a group of one of the user's centres."""
    group = get_object_or_404(
        access.at_centres_managed_by(request.user, CommunityGroup.objects.select_related("centre")), pk=group_id
    )
    form = CommunityGroupForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user) is not None:
        messages.success(request, _("Saved the changes to %(name)s.") % {"name": group.name})
        return redirect("community_group_detail", group_id=group.pk)
    return render(request, "learners/community_group_form.html", {"form": form, "group": group})


@login_required
def community_meeting_add(request, group_id):
    """Record a meeting of a group of one of the user's centres."""
    group = get_object_or_404(
        access.at_centres_managed_by(request.user, CommunityGroup.objects.select_related("centre")), pk=group_id
    )
    form = CommunityMeetingForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            meeting = result.record
            values = {"group": group.name, "day": date_format(meeting.date)}
            if result.done is Done.CREATED:
                messages.success(request, _("Recorded the meeting of %(group)s on %(day)s.") % values)
            else:
                messages.info(request, _("The meeting of %(group)s on %(day)s was already recorded.") % values)
            return redirect("community_group_detail", group_id=group.pk)
    return render(request, "learners/community_meeting_form.html", {"form": form, "group": group})


@login_required
def sensitisation_event_add(request):
    """Record a sensitisation event at one of the user's centres."""
    if not access.manages_any_centre(request.user):
        raise Http404
    form = SensitisationEventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            event = result.record
            values = {"audience": event.get_audience_display(), "day": date_format(event.date)}
            if result.done is Done.CREATED:
                messages.success(request, _("Recorded the event for %(audience)s on %(day)s.") % values)
            else:
                messages.info(request, _("The event for %(audience)s on %(day)s was already recorded.") % values)
            return redirect("community_list")
    return render(request, "learners/sensitisation_event_form.html", {"form": form})
