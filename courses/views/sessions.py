"""Session pages. Being written."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


group_progress = session_run = session_scores = session_cancel = attendance_sheet = score_sheet = _todo
