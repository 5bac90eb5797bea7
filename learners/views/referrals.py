"""Referral pages: refer a learner to a provider of the directory, a referral with its follow-ups and the form
to follow it up, and the centre's referrals due for follow-up. Records come from lms.access querysets: 404
outside scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.forms import ReferralFollowUpForm, ReferralForm
from learners.models import Referral
from learners.selectors import referrals_due
from lms import access

DUE_LIMIT = 200


@login_required
def referral_add(request, code):
    """Refer a learner to a service provider of their centre's directory or the programme's."""
    learner = get_object_or_404(access.learners_managed_by(request.user).select_related("centre"), code=code)
    form = ReferralForm(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        referral = form.submit(acting_user=request.user)
        if referral is not None:
            messages.success(request, _("Referral recorded for %(code)s.") % {"code": learner.code})
            return redirect("referral_detail", referral_id=referral.pk)
    context = {"form": form, "learner": learner, "heading": _("Refer to a service"), "kind": "referral"}
    return render(request, "learners/outcome_form.html", context)


@login_required
def referral_detail(request, referral_id):
    """A referral, its follow-ups, and (for the learner's centre's staff) the form to record the next one."""
    referrals = access.at_centres_visible_to(
        request.user, Referral.objects.select_related("learner", "learner__centre", "provider"), field="learner__centre"
    )
    referral = get_object_or_404(referrals, pk=referral_id)
    learner = referral.learner
    can_manage = access.can_manage_centre(request.user, learner.centre_id)
    if request.method == "POST" and not can_manage:
        raise Http404  # readers of the centre (programme managers) see the referral but change nothing
    can_record = can_manage and (learner.has_consent or request.method == "POST")  # the service says why not
    form = ReferralFollowUpForm(request.POST or None, referral=referral) if can_record else None
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=request.user) is not None:
        messages.success(request, _("Follow-up recorded for %(code)s.") % {"code": learner.code})
        return redirect("referral_detail", referral_id=referral.pk)
    context = {
        "referral": referral,
        "learner": learner,
        "follow_ups": referral.follow_ups.select_related("recorded_by").order_by("on", "id"),
        "form": form,
    }
    return render(request, "learners/referral_detail.html", context)


@login_required
def referrals_due_list(request):
    """Referrals of the user's centres still pending whose follow-up is due by today, the most overdue first."""
    if not access.uses_records(request.user):
        raise Http404
    referrals = access.at_centres_visible_to(request.user, Referral.objects.all(), field="learner__centre")
    due = referrals_due(referrals, today=timezone.localdate())
    return render(request, "learners/referrals_due.html", {"referrals": due[:DUE_LIMIT], "count": due.count()})
