"""The newest items of a learner's timeline, for the learner record (the full timeline has its own page). A tag
rather than the view's context: the learner record's view (courses) may not import reports, which sits above it."""

from django import template

from reports.selectors import learner_timeline

register = template.Library()

LATEST = 20  # enough to read the recent story on a phone; the whole history is on the timeline page


@register.simple_tag
def latest_timeline(learner, limit: int = LATEST) -> dict:
    """The learner's newest `limit` timeline items and how many there are in all (a fixed number of queries, one
    per kind of record). The caller has already checked that the user may open the learner's record."""
    items = learner_timeline(learner)
    return {"items": items[:limit], "total": len(items), "more": len(items) > limit}
