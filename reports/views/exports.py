"""Downloads of the dashboard and of the records behind a figure. CSV files are streamed at once; Excel files are
asked for (POST) and prepared in the background (reports.tasks), then downloaded from the export's own page
(reports.views.background). Every download and every request for a file is audited."""

from itertools import chain

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from lms import access, audit
from reports import export_requests, exports, indicators
from reports.forms import scope_from_request
from reports.indicators import Scope
from reports.views.dashboard import audit_read

FORMATS = ("csv", "xlsx")
BACKGROUND_FORMATS = ("xlsx",)  # prepared by the worker, never in the request


def check_format(request, fmt: str) -> None:
    """404 unless the user works with records and asked for a format we write."""
    if not access.uses_records(request.user) or fmt not in FORMATS:
        raise Http404


def scope_or_error(request) -> tuple[Scope | None, HttpResponse | None]:
    """The scope asked for, or a 400 response with the form's messages as plain text (no file)."""
    form, scope = scope_from_request(request)
    if scope is not None:
        return scope, None
    messages = [str(message) for errors in form.errors.values() for message in errors]
    return None, HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")


def export(request, what: str, fmt: str):
    """A CSV download at once; an Excel file asked for in the background (POST: the export's page follows; GET:
    a page with the button that asks for it)."""
    check_format(request, fmt)
    scope, error = scope_or_error(request)
    if error:
        return error
    if fmt in BACKGROUND_FORMATS:
        if request.method != "POST":
            return render(request, "reports/export_request.html", {"export": None, "what": what})
        result = export_requests.export_request_create(
            acting_user=request.user, what=what, fmt=fmt, scope=scope, language=request.LANGUAGE_CODE
        )
        return redirect("export_request", pk=result.record.pk)
    contents = exports.contents(what, scope, request.user, timezone.now())
    audit_read(request, audit.EXPORT, scope, what=what, format=fmt)
    return exports.csv_response(chain(contents.header, contents.table), exports.filename(contents.stem, scope, fmt))


@login_required
def dashboard_export(request, fmt: str):
    """Every number on the dashboard for the chosen period and centres, as CSV or Excel."""
    return export(request, exports.DASHBOARD, fmt)


@login_required
def indicator_records_export(request, key: str, fmt: str):
    """Every record behind one figure for the chosen period and centres, as CSV or Excel."""
    if indicators.get(key) is None:
        raise Http404
    return export(request, key, fmt)
