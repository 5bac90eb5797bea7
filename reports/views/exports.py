"""Downloads of the dashboard and of the records behind a figure, as CSV or Excel; every download is audited."""

from itertools import chain

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import access, audit
from reports import exports, indicators, selectors, targets
from reports.forms import scope_from_request
from reports.indicators import Scope
from reports.views.dashboard import audit_read

FORMATS = ("csv", "xlsx")
DASHBOARD_WIDTHS = (24, 60, 12, 24, 10, 12)
RECORD_WIDTHS = (14, 18, 12, 12, 24, 14, 40)


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


def centre_names(request, scope: Scope) -> list[str]:
    """The names of the scope's centres, as the dashboard lists them."""
    return selectors.centre_names(access.centres_visible_to(request.user), scope)


def audit_export(request, what: str, fmt: str, scope: Scope) -> None:
    """Record who downloaded what, in which format, for which period and centres."""
    audit_read(request, audit.EXPORT, scope, what=what, format=fmt)


@login_required
def dashboard_export(request, fmt: str):
    """Every number on the dashboard for the chosen period and centres, as CSV or Excel."""
    check_format(request, fmt)
    scope, error = scope_or_error(request)
    if error:
        return error
    figures = indicators.dashboard(scope, with_situation=access.sees_situation_breakdown(request.user))
    lines = targets.target_lines(scope, figures, [])  # the links of the screen are not exported
    table = chain(exports.dashboard_table(figures), exports.targets_table(figures, lines))
    header = exports.header_rows(_("Programme indicators"), scope, centre_names(request, scope), timezone.now())
    name = exports.filename("indicators", scope, fmt)
    audit_export(request, "dashboard", fmt, scope)
    if fmt == "csv":
        return exports.csv_response(chain(header, table), name)
    return exports.xlsx_response(header, table, name, _("Indicators"), DASHBOARD_WIDTHS)


@login_required
def indicator_records_export(request, key: str, fmt: str):
    """Every record behind one figure for the chosen period and centres, as CSV or Excel."""
    check_format(request, fmt)
    indicator = indicators.get(key)
    if indicator is None:
        raise Http404
    scope, error = scope_or_error(request)
    if error:
        return error
    record_list = indicator.record_list(scope)
    header = exports.header_rows(
        record_list.title, scope, centre_names(request, scope), timezone.now(), record_list.definition
    )
    name = exports.filename(key, scope, fmt)
    audit_export(request, key, fmt, scope)
    if fmt == "csv":
        return exports.csv_response(chain(header, exports.record_table(record_list)), name)
    return exports.xlsx_response(header, exports.record_table(record_list), name, _("Records"), RECORD_WIDTHS)
