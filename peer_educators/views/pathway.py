"""Facilitators' pages for the peer-educator pathway and supervision: the list of peer educators, who is
eligible, promotion, a peer educator's record, their status, observations, and a group's peer leader.

Every object comes from an lms.access queryset, so anything outside the user's scope is a 404.
Programme managers read these pages and change nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lms import access
from lms.results import Done
from peer_educators import selectors
from peer_educators.forms.pathway import RATING_LABELS, ObservationForm, PeerLeaderForm, PromoteForm, StatusForm
from peer_educators.models import PeerEducator

NOT_ELIGIBLE_SHOWN = 50
SESSIONS_SHOWN = 50


@login_required
def peer_list(request):
    """The peer educators of the user's centres: status, mentor, groups led, sessions run and observations."""
    if not access.uses_records(request.user):
        raise Http404
    rows = selectors.peer_list_rows(access.peer_educators_visible_to(request.user))
    return render(
        request,
        "peer_educators/peer_list.html",
        {"rows": rows, "can_manage": access.manages_any_centre(request.user)},
    )


@login_required
def eligibility(request):
    """Learners of the user's centres on the way to becoming peer educators: eligible first, then what
    the others still miss. Facilitators promote from here; programme managers only read."""
    if not access.uses_records(request.user):
        raise Http404
    results = selectors.candidates(access.centres_visible_to(request.user))
    managed = set(access.centres_managed_by(request.user).values_list("pk", flat=True))
    eligible = [
        {"result": result, "can_promote": result.learner.centre_id in managed} for result in results if result.eligible
    ]
    others = [result for result in results if not result.eligible]
    rule = selectors.eligibility_rule()
    return render(
        request,
        "peer_educators/eligibility.html",
        {
            "rule": rule,
            "modules": selectors.required_modules(rule),
            "eligible": eligible,
            "others": others[:NOT_ELIGIBLE_SHOWN],
            "others_count": len(others),
        },
    )


@never_cache
@login_required
def promote(request, code):
    """Endorse an eligible learner and promote them; the one-time password is shown once, on this page."""
    learner = get_object_or_404(access.learners_managed_by(request.user).select_related("centre"), code=code)
    existing = PeerEducator.objects.filter(learner=learner).first()
    form = PromoteForm(request.POST or None, learner=learner, user=request.user)
    if request.method == "POST" and form.is_valid():
        promoted = form.submit(acting_user=request.user)
        if promoted is not None:
            peer, password = promoted
            # Not a redirect: the password must not travel through the session or a cookie.
            return render(
                request,
                "peer_educators/promote.html",
                {"learner": learner, "peer": peer, "password": password, "username": peer.user.get_username()},
            )
    return render(
        request,
        "peer_educators/promote.html",
        {
            "learner": learner,
            "form": form,
            "existing": existing,
            "eligibility": selectors.eligibility_of(learner),
        },
    )


@login_required
def peer_detail(request, peer_id):
    """A peer educator's pathway (status history, mentor, endorsement), groups, sessions run and observations."""
    peer = get_object_or_404(
        access.peer_educators_visible_to(request.user).select_related(
            "learner__centre", "mentor", "endorsed_by", "user"
        ),
        pk=peer_id,
    )
    record = selectors.peer_record(peer, sessions_shown=SESSIONS_SHOWN)
    return render(
        request,
        "peer_educators/peer_detail.html",
        {
            "peer": peer,
            "history": record.history,
            "groups": record.groups,
            "sessions": record.sessions,
            "sessions_count": record.sessions_count,
            "observations": record.observations,
            "rating_labels": RATING_LABELS,
            "can_manage": access.can_manage_centre(request.user, peer.learner.centre_id),
        },
    )


def _managed_peer(request, peer_id) -> PeerEducator:
    return get_object_or_404(
        access.peer_educators_managed_by(request.user).select_related("learner__centre", "user"), pk=peer_id
    )


@login_required
def peer_status(request, peer_id):
    """Move a peer educator to in training, active, paused or stepped down, with a note."""
    peer = _managed_peer(request, peer_id)
    form = StatusForm(request.POST or None, peer=peer)
    if request.method == "POST" and form.is_valid():
        result = form.submit(acting_user=request.user)
        if result is not None:
            changed = result.record
            if result.done is Done.UNCHANGED:
                messages.success(
                    request, _("The status was already %(status)s.") % {"status": changed.get_status_display()}
                )
            else:
                messages.success(
                    request,
                    _("%(code)s is now %(status)s.")
                    % {"code": peer.learner.code, "status": changed.get_status_display().lower()},
                )
            return redirect("peer_detail", peer_id=peer.pk)
    return render(request, "peer_educators/peer_status.html", {"peer": peer, "form": form})


@login_required
def observe(request, peer_id):
    """Record an observation of a peer-led session: date, session, four ratings from 1 to 4, feedback."""
    peer = _managed_peer(request, peer_id)
    form = ObservationForm(request.POST or None, peer=peer)
    if request.method == "POST" and form.is_valid():
        observation = form.submit(acting_user=request.user)
        if observation is not None:
            messages.success(
                request,
                _("Observation of %(day)s saved; %(name)s can read your feedback.")
                % {"day": date_format(observation.observed_on), "name": peer.learner.first_name},
            )
            return redirect("peer_detail", peer_id=peer.pk)
    return render(request, "peer_educators/observe.html", {"peer": peer, "form": form})


@login_required
def group_peer_leader(request, group_id):
    """Choose the active peer educator of the group's centre who leads its sessions, or none."""
    group = get_object_or_404(access.groups_managed_by(request.user).select_related("centre"), pk=group_id)
    form = PeerLeaderForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        saved = form.submit(acting_user=request.user)
        if saved is not None:
            peer = form.cleaned_data["peer"]
            if peer is None:
                message = _("%(group)s has no peer leader now.") % {"group": group.name}
            else:
                message = _("%(name)s now leads %(group)s.") % {"name": peer.learner.first_name, "group": group.name}
            messages.success(request, message)
            return redirect("group_detail", group_id=group.pk)
    return render(request, "peer_educators/group_peer_leader.html", {"group": group, "form": form})
