"""A guardian's request: an administrator downloads everything held about one child (audited)."""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from lms import access, audit
from reports.subject_access import learner_file


@login_required
def learner_data_export(request, code: str):
    """The learner's whole file as JSON, for administrators only (404 for everyone else); the download is logged."""
    if not access.is_admin(request.user):
        raise Http404
    learner = get_object_or_404(access.learners_administered_by(request.user), code=code)
    body = json.dumps(learner_file(learner), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    audit.record(learner, audit.EXPORT, user=request.user, data={"what": "learner file", "format": "json"})
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{learner.code}-file.json"'
    response["Cache-Control"] = "no-store"
    return response
