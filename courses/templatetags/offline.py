"""Template tags for offline sessions: the script (for people who run sessions) and the state a session form
was rendered with, which the phone sends back as what it saw (the base of the conflict rule)."""

import json

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, json_script

from courses import offline
from courses.models import OfflineSubmission, QuizResult

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_script(context) -> str:
    """The offline script and the sentences it shows, on the site's own pages of people who run sessions only
    (learners' pages and the curriculum pages load no script). The sentences are JSON, which the content
    security policy allows (it is never run)."""
    request = context.get("request")
    if request is None or context.get("page") is not None or not offline.uses_offline(request.user):
        return ""  # curriculum pages (Wagtail's) stay within their 30 KB: the script has nothing to do there
    urls = {
        name: reverse(view)
        for name, view in [
            ("sw", "service_worker"),
            ("token", "offline_token"),
            ("kept", "offline_manifest"),
            ("submit", "offline_submit"),
            ("conflicts", "offline_conflicts"),
            ("login", "login"),
            ("dashboard", "dashboard"),
            ("peer", "peer_home"),
        ]
    }
    config = {**offline.script_strings(), "user": request.user.pk, "urls": urls}
    return format_html(
        '{}<script src="{}" defer></script><script src="{}" defer></script>',
        json_script(config, "offline-strings"),
        static("js/queue.js"),
        static("js/offline.js"),
    )


@register.simple_tag(takes_context=True)
def offline_state(context, kind: str, session, form) -> str:
    """A hidden field holding what this form showed when the page was rendered: the session, the kind of
    record, the user, and the values by key. The online form ignores it; a phone that kept the page sends it
    back with what was recorded offline."""
    if kind == OfflineSubmission.Kind.ATTENDANCE:
        seen = {str(lid): status for lid, status in form.recorded.items()}
        seen[offline.NOTES] = session.notes
    else:
        seen = {
            f"{learner.pk}:{test}": form.fields[f"{test}_{learner.pk}"].initial
            for learner in form.members
            for test in QuizResult.Kind.values
        }
    state = {"session": session.pk, "kind": kind, "user": context["request"].user.pk, "seen": seen}
    return format_html('<input type="hidden" name="offline" value="{}">', json.dumps(state, separators=(",", ":")))
