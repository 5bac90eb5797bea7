"""Template context shared by every page: which parts of the site the user may use."""

from lms import access


def navigation(request):
    """Flags for the header: whether to show the records pages (dashboard, groups, learners) or the peer area."""
    uses_records = access.uses_records(request.user)
    # Peer educators never use records; checking that first spares other users the peer query.
    return {"uses_records": uses_records, "is_peer": not uses_records and access.is_active_peer_educator(request.user)}
