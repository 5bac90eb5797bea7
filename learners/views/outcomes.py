"""Pages where facilitators record what a learner received and achieved, remove a mistaken record,
and move a learner to another centre. Learners and records come from lms.access querysets: 404 outside scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from learners import selectors
from learners.forms import (
    GroupServiceForm,
    LearnerTransferForm,
    OutcomeRemoveForm,
    PlacementForm,
    SchoolEnrolmentForm,
    ServiceRecordForm,
    TrainingEnrolForm,
    TrainingUpdateForm,
)
from learners.models import TrainingEnrolment
from learners.services import OUTCOME_KINDS
from lms import access
from lms.validators import parse_id

# What each add page records: its form, heading and the success message (with %(code)s).
ADD_PAGES = {
    "service": (
        ServiceRecordForm,
        gettext_lazy("Record a service received"),
        gettext_lazy("Service recorded for %(code)s."),
    ),
    "training": (
        TrainingEnrolForm,
        gettext_lazy("Record vocational training"),
        gettext_lazy("Training recorded for %(code)s."),
    ),
    "placement": (
        PlacementForm,
        gettext_lazy("Record a job placement"),
        gettext_lazy("Job placement recorded for %(code)s."),
    ),
    "school": (
        SchoolEnrolmentForm,
        gettext_lazy("Record enrolment in formal school"),
        gettext_lazy("School enrolment recorded for %(code)s."),
    ),
}

KIND_NAMES = {
    "service": gettext_lazy("service received"),
    "training": gettext_lazy("vocational training"),
    "placement": gettext_lazy("job placement"),
    "school": gettext_lazy("school enrolment"),
}


def _managed_learner(request, code):
    return get_object_or_404(access.learners_managed_by(request.user).select_related("centre"), code=code)


def _add(request, code, kind):
    """Show an add page for one learner and, on a valid POST, record through the form's service."""
    learner = _managed_learner(request, code)
    form_class, heading, done = ADD_PAGES[kind]
    form = form_class(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user) is not None:
        messages.success(request, done % {"code": learner.code})
        return redirect("learner_record", code=learner.code)
    context = {"form": form, "learner": learner, "heading": heading, "kind": kind}
    return render(request, "learners/outcome_form.html", context)


@login_required
def service_add(request, code):
    """Record a service a learner received (type, date and provider only)."""
    return _add(request, code, "service")


@login_required
def training_add(request, code):
    """Record that a learner started vocational training in a trade."""
    return _add(request, code, "training")


@login_required
def placement_add(request, code):
    """Record a learner's job placement."""
    return _add(request, code, "placement")


@login_required
def school_enrolment_add(request, code):
    """Record a learner's enrolment in formal school."""
    return _add(request, code, "school")


@login_required
def training_update(request, training_id):
    """Record the completion and/or the certification of a learner's training."""
    trainings = access.at_centres_managed_by(
        request.user, TrainingEnrolment.objects.select_related("learner", "trade"), field="learner__centre"
    )
    training = get_object_or_404(trainings, pk=training_id)
    learner = training.learner
    form = TrainingUpdateForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user) is not None:
        messages.success(
            request,
            _("Saved the %(trade)s training of %(code)s.") % {"trade": training.trade.name, "code": learner.code},
        )
        return redirect("learner_record", code=learner.code)
    heading = _("%(trade)s training, enrolled on %(day)s") % {
        "trade": training.trade.name,
        "day": date_format(training.enrolled_on),
    }
    context = {"form": form, "learner": learner, "heading": heading, "kind": "training_update"}
    return render(request, "learners/outcome_form.html", context)


@login_required
def outcome_remove(request, kind, record_id):
    """Confirm, then remove, a service, training, placement or school record made by mistake."""
    if kind not in OUTCOME_KINDS:
        raise Http404
    records = access.at_centres_managed_by(
        request.user, OUTCOME_KINDS[kind].objects.select_related("learner"), field="learner__centre"
    )
    record = get_object_or_404(records, pk=record_id)
    learner = record.learner
    form = OutcomeRemoveForm(request.POST if request.method == "POST" else None, record=record)  # no fields
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user):
        messages.success(
            request, _("Removed the %(what)s of %(code)s.") % {"what": KIND_NAMES[kind], "code": learner.code}
        )
        return redirect("learner_record", code=learner.code)
    context = {"form": form, "learner": learner, "record": record, "kind": kind, "what": KIND_NAMES[kind]}
    return render(request, "learners/outcome_remove.html", context)


@login_required
def learner_transfer(request, code):
    """Move a learner to another active centre on a day; its staff then see and keep the record."""
    learner = _managed_learner(request, code)
    form = LearnerTransferForm(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        transfer = form.submit(acting_user=request.user)
        if transfer is not None:
            messages.success(
                request,
                _("%(code)s moved to %(centre)s on %(day)s.")
                % {"code": learner.code, "centre": transfer.to_centre.name, "day": date_format(transfer.moved_on)},
            )
            if access.learners_visible_to(request.user).filter(pk=learner.pk).exists():
                return redirect("learner_record", code=learner.code)
            return redirect("learner_list")  # the record now belongs to a centre this user does not see
    return render(request, "learners/learner_transfer.html", {"form": form, "learner": learner})


def _group_record_message(result) -> str:
    """What a group record did, in one sentence: how many children it recorded for, and how many already had it."""
    created, already = len(result.record.created), len(result.record.already)
    recorded = ngettext("Recorded for %(count)d child.", "Recorded for %(count)d children.", created) % {
        "count": created
    }
    if not already:
        return recorded
    had = ngettext("%(count)d already had it.", "%(count)d already had it.", already) % {"count": already}
    return f"{recorded} {had}"


@login_required
def services_for_group(request):
    """Record one service for several children of a centre at once (a recreation day, a medical camp, a hygiene kit
    distribution), choosing them from the centre's groups. A user with several centres first chooses one."""
    centres = access.centres_managed_by(request.user).filter(is_active=True).order_by("name")
    if "centre" in request.GET:  # a centre named that names none of the user's answers 404
        centre = get_object_or_404(centres, pk=parse_id(request.GET["centre"]) or 0)
    else:
        only = list(centres[:2])
        if not only:
            raise Http404
        if len(only) > 1:
            return render(request, "learners/services_for_group.html", {"centres": centres})
        centre = only[0]
    form = GroupServiceForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            messages.success(request, _group_record_message(result))
            return redirect(f"{request.path}?centre={centre.pk}")
    groups, ungrouped = selectors.centre_roll_by_group(centre)
    posted = {str(pk) for pk in request.POST.getlist("learners")} if request.method == "POST" else set()
    whole = {str(pk) for pk in request.POST.getlist("groups")} if request.method == "POST" else set()
    context = {
        "form": form,
        "centre": centre,
        "groups": groups,
        "ungrouped": ungrouped,
        "ticked": posted,
        "whole": whole,
    }
    return render(request, "learners/services_for_group.html", context)
