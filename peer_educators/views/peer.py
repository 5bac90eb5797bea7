"""The peer educator's own phone-first area: my groups, my mentor's feedback, and the first-password page.

Only active peer educators see their area; anyone else gets 404. Learners appear by code and
first name only.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import access
from peer_educators import selectors
from peer_educators.forms.pathway import RATING_CHOICES, RATING_LABELS
from peer_educators.forms.peer import FirstPasswordForm
from peer_educators.models import Observation, PeerEducator

RECENT_DAYS = 14  # held sessions of the last two weeks keep their "Quiz scores" link
RECENT_SHOWN = 3
OBSERVATIONS_PER_PAGE = 10


def _require_active_peer(user) -> None:
    if not access.is_active_peer_educator(user):
        raise Http404


@login_required
def peer_home(request):
    """My groups: members by code and first name, the next session to run, recent scores, the progress grid."""
    user = request.user
    _require_active_peer(user)
    today = timezone.localdate()
    projects = access.projects_visible_to(user).only("title", "status", "place")
    return render(
        request,
        "peer_educators/peer_home.html",
        {
            "cards": selectors.group_cards(
                access.groups_led_by_peer(user), today, recent_days=RECENT_DAYS, recent_shown=RECENT_SHOWN
            ),
            "projects": list(projects),
            "today": today,
        },
    )


def _ratings(observation: Observation) -> list[tuple[str, str]]:
    """The four ratings of an observation, each as (what was rated, the rating in words)."""
    words = dict(RATING_CHOICES)
    return [(label, words.get(getattr(observation, name), "")) for name, label in RATING_LABELS.items()]


@login_required
def peer_feedback(request):
    """What the mentor observed in the peer educator's sessions, newest first, with ratings in words."""
    _require_active_peer(request.user)
    observations = selectors.observations_of_peer(request.user)
    # Not "page": base.html takes that name for a Wagtail page (title, userbar).
    pages = Paginator(observations, OBSERVATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"observation": obs, "ratings": _ratings(obs)} for obs in pages]
    return render(request, "peer_educators/peer_feedback.html", {"pages": pages, "rows": rows})


@login_required
def first_password(request):
    """At first sign-in, a promoted peer educator replaces the one-time password they were handed."""
    user = request.user
    if not PeerEducator.objects.filter(user=user, must_change_password=True).exists():
        return redirect("dashboard")  # already done (or never needed): nothing to change twice
    form = FirstPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid() and form.submit(acting_user=user) is not None:
        update_session_auth_hash(request, user)
        messages.success(request, _("Your new password is saved. Use it from now on."))
        return redirect("peer_home" if access.is_active_peer_educator(user) else "dashboard")
    return render(request, "peer_educators/first_password.html", {"form": form})
