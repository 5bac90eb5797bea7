"""Offline sessions: the service worker, what a phone keeps, the batch endpoint and resolving conflicts.

The JSON endpoints answer 401 (JSON, not a redirect to the sign-in page) when the sign-in has expired, so
the script keeps its queue and asks the person to sign in again. The batch endpoint is CSRF-protected like
every form: the script fetches a fresh token from `offline_token` before sending.
"""

import json
from functools import cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import offline
from courses.forms.offline import ConflictForm


@cache
def _worker_source() -> bytes:
    """The service worker's source (static/js/sw.js), read once."""
    return Path(finders.find("js/sw.js")).read_bytes()


@require_GET
def service_worker(request):
    """The service worker, served from the site's root so it may control every page (`/sw.js`)."""
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def _signed_out() -> JsonResponse:
    """The answer to a script whose sign-in has expired: it keeps what waits and asks to sign in again."""
    return JsonResponse({"error": "signin", "message": _("Sign in again.")}, status=401)


@never_cache
@require_GET
def offline_token(request):
    """A fresh CSRF token for the script (it may have rotated since the page was kept), and who is signed in."""
    if not request.user.is_authenticated:
        return _signed_out()
    return JsonResponse({"csrf": get_token(request), "user": request.user.pk})


@never_cache
@require_GET
def offline_manifest(request):
    """What the phone keeps: the pages of today's and the next seven days' sessions the user may record (each
    with a version, so only changed pages are fetched again), the offline page and the static files."""
    if not request.user.is_authenticated:
        return _signed_out()
    pages = []
    if offline.uses_offline(request.user):
        for session in offline.kept_sessions(request.user, timezone.localdate()):
            version = offline.session_version(session)
            pages.append({"url": reverse("session_run", args=[session.pk]), "v": version})
            pages.append({"url": reverse("session_scores", args=[session.pk]), "v": version})
    return JsonResponse(
        {
            "user": request.user.pk,
            "pages": pages,
            "fallback": reverse("offline_sessions"),
            "assets": [static("css/site.css"), static("js/queue.js"), static("js/offline.js")],
        }
    )


@login_required
@require_GET
def offline_sessions(request):
    """The sessions kept on this phone (the page a phone shows for any other page while offline)."""
    if not offline.uses_offline(request.user):
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "courses/offline_sessions.html",
        {
            "sessions": offline.kept_sessions(request.user, today),
            "conflicts": offline.conflicts_for(request.user).count(),
            "today": today,
        },
    )


@require_POST
def offline_submit(request):
    """The batch endpoint: `{"items": [...]}` in, `{"results": [...]}` out, one answer per submission."""
    if not request.user.is_authenticated:
        return _signed_out()
    if int(request.META.get("CONTENT_LENGTH") or 0) > offline.MAX_BYTES or len(request.body) > offline.MAX_BYTES:
        message = _("This batch is too large: send at most %(kb)s KB at once.") % {"kb": offline.MAX_BYTES // 1024}
        return JsonResponse({"error": "too_large", "message": message}, status=413)
    try:
        items = json.loads(request.body)["items"]
        results = offline.offline_batch_receive(items=items, acting_user=request.user)
    except (ValueError, TypeError, KeyError, offline.Refused) as error:
        message = str(error) if isinstance(error, offline.Refused) else _("This batch is not in the expected form.")
        return JsonResponse({"error": "malformed", "message": message}, status=400)
    return JsonResponse({"results": [receipt.as_dict() for receipt in results]})


@login_required
@require_GET
def conflict_list(request):
    """Submissions from phones that met someone else's record, waiting for a decision."""
    if not offline.uses_offline(request.user):
        raise Http404
    return render(request, "courses/offline_conflicts.html", {"conflicts": offline.conflicts_for(request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conflict_resolve(request, submission_id: int):
    """Resolve one conflict, line by line: keep the phone's value or the one recorded now."""
    submission = get_object_or_404(offline.conflicts_for(request.user), pk=submission_id)
    form = ConflictForm(request.POST or None, lines=offline.conflict_lines(submission))
    submitted = request.method == "POST" and form.is_valid()
    if submitted and form.submit(submission=submission, acting_user=request.user) is not None:
        messages.success(request, _("Conflict resolved."))
        return redirect("offline_conflicts")
    return render(request, "courses/offline_resolve.html", {"submission": submission, "form": form})
