"""Template context shared by every page: which parts of the site the user may use."""

from lms import access


def navigation(request):
    """Flags for the header: whether to show the records pages (dashboard, groups, learners)."""
    return {"uses_records": access.uses_records(request.user)}
