"""Files prepared in the background: one export's page (being prepared, ready, failed), the user's "My exports"
list and the download, served only to the export's owner or an administrator, and audited."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from lms import access, audit
from lms.storage import private_storage
from reports import export_requests, exports
from reports.models import ExportRequest

REFRESH_SECONDS = 5  # how often a page with a file being prepared reloads itself (the HTTP Refresh header)


def refreshing(response, waiting: bool):
    """While a file is being prepared the page reloads itself every few seconds, without any script."""
    if waiting:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def export_or_404(request, pk: int) -> ExportRequest:
    """The request if the user may see it (their own, or any for an administrator), else 404."""
    export = export_requests.export_request_for(request.user, pk)
    if export is None:
        raise Http404
    return export


@login_required
def my_exports(request):
    """The user's exports, newest first, with their status and a download link for those ready."""
    if not access.uses_records(request.user):
        raise Http404
    export_requests.export_requests_expire()
    exports_list = list(export_requests.export_requests_of(request.user))
    response = render(request, "reports/my_exports.html", {"exports": exports_list})
    return refreshing(response, any(export.waiting for export in exports_list))


@login_required
def export_request(request, pk: int):
    """One export's page: "being prepared" (reloading itself), the download link once ready, or why it failed."""
    export = export_or_404(request, pk)
    export_requests.downloadable(export)  # deletes the file at once if its time is up
    response = render(request, "reports/export_request.html", {"export": export, "what": export.what})
    return refreshing(response, export.waiting)


@login_required
def export_download(request, pk: int):
    """The prepared file, for its owner or an administrator, while it has not expired (404 otherwise); audited."""
    export = export_or_404(request, pk)
    if not export_requests.downloadable(export):
        raise Http404
    try:
        file = private_storage().open(export.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404(_("This file is no longer kept.")) from error
    parameters = export.parameters
    audit.record_read(
        request.user,
        audit.EXPORT,
        user=request.user,
        data={
            "what": export.what,
            "format": export.fmt,
            "start": parameters.get("start"),
            "end": parameters.get("end"),
            "centres": parameters.get("centres", []),
            "export": export.pk,
            "owner": export.user_id,
        },
    )
    return FileResponse(file, as_attachment=True, filename=export.download_name, content_type=exports.XLSX_CONTENT_TYPE)
