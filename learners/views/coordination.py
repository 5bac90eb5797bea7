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
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learners import selectors, services
from learners.forms import (
    CoordinationMeetingEditForm,
    CoordinationMeetingForm,
    FollowUpEditForm,
    FollowUpForm,
    RowRemoveForm,
    TrainingEventEditForm,
    TrainingEventForm,
)
from learners.models import CoordinationMeeting, JobPlacement, PlacementFollowUp, SchoolEnrolment, TrainingEvent
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
        "meetings_changeable": _changeable_ids(request.user, CoordinationMeeting, meetings),
        "trainings_changeable": _changeable_ids(request.user, TrainingEvent, trainings),
    }
    return render(request, "learners/coordination_list.html", context)


def _changeable_ids(user, model, rows) -> set[int]:
    """Which of the listed rows the user may correct or remove (one query)."""
    listed = model.objects.filter(pk__in=[row.pk for row in rows])
    return set(access.at_centres_or_programme_recorded_by(user, listed).values_list("pk", flat=True))


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


# What each kind of row's correction and removal pages use: model, edit form, form template, the service keyword,
# the removal service, and the messages (with %(day)s).
CHANGE_PAGES = {
    "meeting": (
        CoordinationMeeting,
        CoordinationMeetingEditForm,
        "learners/coordination_meeting_form.html",
        services.coordination_meeting_remove,
        gettext_lazy("Saved the corrections to the meeting of %(day)s."),
        gettext_lazy("Removed the meeting of %(day)s."),
    ),
    "training": (
        TrainingEvent,
        TrainingEventEditForm,
        "learners/training_event_form.html",
        services.training_event_remove,
        gettext_lazy("Saved the corrections to the training of %(day)s."),
        gettext_lazy("Removed the training of %(day)s."),
    ),
}


def _changeable_row(request, kind: str, row_id: int):
    """The meeting or training if the user may correct it (its centre's facilitators, or for the whole programme
    its managers); 404 otherwise."""
    model = CHANGE_PAGES[kind][0]
    rows = access.at_centres_or_programme_recorded_by(request.user, model.objects.select_related("centre"))
    return get_object_or_404(rows, pk=row_id)


def _edit(request, kind: str, row_id: int):
    row = _changeable_row(request, kind, row_id)
    _model, form_class, template, _remove, saved, _removed = CHANGE_PAGES[kind]
    form = form_class(request.POST or None, user=request.user, **{kind: row})
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            if result.done is Done.CHANGED:
                messages.success(request, saved % {"day": date_format(result.record.date)})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("coordination_list")
    return render(request, template, {"form": form, "row": row, "kind": kind})


def _remove(request, kind: str, row_id: int):
    row = _changeable_row(request, kind, row_id)
    service, removed = CHANGE_PAGES[kind][3], CHANGE_PAGES[kind][5]
    form = RowRemoveForm(request.POST if request.method == "POST" else None, service=service, target={kind: row})
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user) is not None:
        messages.success(request, removed % {"day": date_format(row.date)})
        return redirect("coordination_list")
    return render(request, "learners/coordination_remove.html", {"form": form, "row": row, "kind": kind})


@login_required
def coordination_meeting_edit(request, meeting_id: int):
    """Correct a meeting of one of the user's centres (or, for programme managers, of the whole programme)."""
    return _edit(request, "meeting", meeting_id)


@login_required
def coordination_meeting_remove(request, meeting_id: int):
    """Confirm, then remove, a meeting recorded by mistake."""
    return _remove(request, "meeting", meeting_id)


@login_required
def training_event_edit(request, training_id: int):
    """Correct a training of one of the user's centres (or, for programme managers, of the whole programme)."""
    return _edit(request, "training", training_id)


@login_required
def training_event_remove(request, training_id: int):
    """Confirm, then remove, a training recorded by mistake."""
    return _remove(request, "training", training_id)


@login_required
def follow_up_edit(request, follow_up_id: int):
    """Correct a follow-up after placement of a placement or enrolment recorded at one of the user's centres."""
    follow_ups = PlacementFollowUp.objects.select_related("placement__learner", "enrolment__learner")
    in_scope = access.at_centres_managed_by(
        request.user, follow_ups.filter(placement__isnull=False), field="placement__centre"
    ) | access.at_centres_managed_by(
        request.user, follow_ups.filter(enrolment__isnull=False), field="enrolment__centre"
    )
    follow_up = get_object_or_404(in_scope, pk=follow_up_id)
    record = follow_up.placement or follow_up.enrolment
    form = FollowUpEditForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            values = {"code": record.learner.code, "point": follow_up.point}
            if result.done is Done.CHANGED:
                messages.success(
                    request, _("Saved the corrections to the %(point)s-month follow-up of %(code)s.") % values
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(reverse("learner_record", kwargs={"code": record.learner.code}) + "#outcomes")
    context = {
        "form": form,
        "record": record,
        "point": follow_up.point,
        "is_job": follow_up.placement_id is not None,
        "follow_up": follow_up,
    }
    return render(request, "learners/follow_up_form.html", context)
