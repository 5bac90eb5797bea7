"""One child's timeline: everything recorded about a learner in date order, for whoever may open their record."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from lms import access, audit
from reports.selectors import learner_timeline as timeline_of

PER_PAGE = 100  # a long history is paged, so a page stays small on a phone


@login_required
def learner_timeline(request, code: str):
    """A learner's history, newest first, 100 items a page; the same access as the learner record (404 outside
    it), and opening it is audited like the record."""
    learner = get_object_or_404(access.learners_visible_to(request.user).select_related("centre"), code=code)
    audit.record_read(learner, audit.VIEW_LEARNER, user=request.user, data={"code": learner.code, "what": "timeline"})
    page = Paginator(timeline_of(learner), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/learner_timeline.html", {"learner": learner, "page": page})
