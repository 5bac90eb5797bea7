"""Coordination and advocacy meetings, trainings, and follow-ups after placement.

Everyone who uses records reads the rows of the centres they may read and those of the whole programme (no
centre, nothing about a child); facilitators record their centres', programme managers the programme's;
follow-ups are recorded by the facilitators of the centre where the placement was recorded. Anything else
answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners import selectors
from learners.forms import CoordinationMeetingForm, FollowUpForm, TrainingEventForm
from learners.models import CoordinationMeeting, JobPlacement, SchoolEnrolment, TrainingEvent
from learners.services.coordination import centres_or_programme_recorded_by
from lms import access
from lms.results import Done

LATEST = 20
FOLLOW_UP_OF = {"job": JobPlacement, "school": SchoolEnrolment}


def _visible(user, queryset):
    """Rows of the centres the user may read, and rows of the whole programme."""
    return queryset.filter(Q(centre__in=access.centres_visible_to(user)) | Q(centre__isnull=True))


@login_required
def coordination_list(request):
    """The latest coordination meetings and trainings the user may read."""
    if not access.uses_records(request.user):
        raise Http404
    meetings, meetings_total = selectors.latest_events(
        _visible(request.user, CoordinationMeeting.objects.select_related("centre")), limit=LATEST
    )
    trainings, trainings_total = selectors.latest_events(
        _visible(request.user, TrainingEvent.objects.select_related("centre")), limit=LATEST
    )
    context = {
        "meetings": meetings,
        "meetings_total": meetings_total,
        "trainings": trainings,
        "trainings_total": trainings_total,
        "can_record": bool(centres_or_programme_recorded_by(request.user)),
    }
    return render(request, "learners/coordination_list.html", context)


def _record(request, form_class, template: str, created: str, unchanged: str):
    if not centres_or_programme_recorded_by(request.user):
        raise Http404
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            values = {"day": date_format(result.record.date)}
            if result.done is Done.CREATED:
                messages.success(request, created % values)
            else:
                messages.info(request, unchanged % values)
            return redirect("coordination_list")
    return render(request, template, {"form": form})


@login_required
def coordination_meeting_add(request):
    """Record a coordination or advocacy meeting for one of the user's centres or the whole programme."""
    return _record(
        request,
        CoordinationMeetingForm,
        "learners/coordination_meeting_form.html",
        _("Recorded the meeting of %(day)s."),
        _("That meeting of %(day)s was already recorded."),
    )


@login_required
def training_event_add(request):
    """Record a training for one of the user's centres or the whole programme."""
    return _record(
        request,
        TrainingEventForm,
        "learners/training_event_form.html",
        _("Recorded the training of %(day)s."),
        _("That training of %(day)s was already recorded."),
    )


@login_required
def follow_up_add(request, kind: str, record_id: int, point: int):
    """Record the 3- or 6-month follow-up of a job placement or school enrolment at one of the user's centres."""
    model = FOLLOW_UP_OF.get(kind)
    if model is None or point not in (3, 6):
        raise Http404
    record = get_object_or_404(
        access.at_centres_managed_by(request.user, model.objects.select_related("learner", "centre")), pk=record_id
    )
    form = FollowUpForm(request.POST or None, record=record, point=point)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            values = {"code": record.learner.code, "point": point}
            if result.done is Done.CREATED:
                messages.success(request, _("Recorded the %(point)s-month follow-up of %(code)s.") % values)
            else:
                messages.info(request, _("The %(point)s-month follow-up of %(code)s was already recorded.") % values)
            return redirect("dashboard")
    context = {"form": form, "record": record, "point": point, "is_job": kind == "job"}
    return render(request, "learners/follow_up_form.html", context)
