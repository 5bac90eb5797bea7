"""The dashboard and the drill-down lists as files: CSV (streamed) and Excel (written to a temporary file).

Both hold exactly the numbers the dashboard shows (`figure_rows`), after a header block saying what the
file is, the period, the centres and when it was made. Neither ever holds all the rows in memory: the
CSV is written row by row as it is sent, and the Excel workbook is written row by row to disk.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lms import access
from reports import indicators, selectors, targets
from reports.indicators import Figure, RecordList, Scope

NO_DATA = "—"
FLOAT_UNITS = {"percent", "points"}
UNITS = {
    "children": gettext_lazy("children"),
    "groups": gettext_lazy("groups"),
    "centres": gettext_lazy("centres"),
    "sessions": gettext_lazy("sessions"),
    "people": gettext_lazy("people"),
    "meetings": gettext_lazy("meetings"),
    "placements": gettext_lazy("placements"),
    "referrals": gettext_lazy("referrals"),
    "percent": gettext_lazy("percent"),
    "points": gettext_lazy("points"),
}
# The breakdowns of a figure, in the order the dashboard shows them: (the key in the data-n attribute, label).
BREAKDOWNS = [
    ("total", gettext_lazy("Total")),
    ("sex", gettext_lazy("Sex")),
    ("age", gettext_lazy("Age band")),
    ("month", gettext_lazy("Month")),
    ("situation", gettext_lazy("Situation")),
    ("audience", gettext_lazy("Audience")),
]
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text a spreadsheet would run as a formula if a cell started with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 1024 * 1024  # small workbooks stay in memory, larger ones go to a temporary file
DASHBOARD = "dashboard"  # what a download of the dashboard is called (the others: an indicator's key)
DASHBOARD_WIDTHS = (24, 60, 12, 24, 10, 12)
RECORD_WIDTHS = (14, 18, 12, 12, 24, 14, 40)


def format_value(value: int | float | None, unit: str) -> str:
    """A figure as the dashboard shows it: whole numbers as "12", rates and gains as "45.3", no data as "—"."""
    if value is None:
        return NO_DATA
    if unit in FLOAT_UNITS or isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def figure_numbers(figure: Figure) -> Iterator[tuple[str, str, str, int | float | None]]:
    """Every number shown for a figure: (breakdown key, category key, category label, value); total first."""
    yield "total", "", "", figure.value
    for breakdown, counts in (
        ("sex", figure.by_sex),
        ("age", figure.by_age_band),
        ("month", figure.trend),
        ("situation", figure.by_situation),  # empty unless the viewer may see it (indicators.dashboard)
        ("audience", figure.by_audience),  # people trained only
    ):
        for count in counts:
            yield breakdown, count.key, count.label, count.value


def figure_rows(figures: Iterable[Figure]) -> Iterator[tuple]:
    """One row per number on the dashboard: Section, Indicator, Breakdown, Category, Value, Unit."""
    breakdowns = {key: str(label) for key, label in BREAKDOWNS}
    for figure in figures:
        unit = str(UNITS.get(figure.unit, figure.unit))
        for breakdown, _key, category, value in figure_numbers(figure):
            yield (str(figure.section), str(figure.label), breakdowns[breakdown], str(category), value, unit)


def figure_columns() -> list[str]:
    """Headings of the dashboard table."""
    return [_("Section"), _("Indicator"), _("Breakdown"), _("Category"), _("Value"), _("Unit")]


def header_rows(
    title: str, scope: Scope, centre_names: Iterable[str], made_at: datetime.datetime, definition: str = ""
) -> list[tuple]:
    """The block above the table: what the file is, the period, the centres and when it was made (local time)."""
    made_at = timezone.localtime(made_at).replace(microsecond=0)
    rows = [(str(title),)]
    if definition:
        rows.append((str(definition),))
    rows += [
        (_("Period"), scope.start, scope.end),
        (_("Centres"), ", ".join(centre_names)),
        (_("Made at"), made_at, str(made_at.tzinfo)),
        (),
    ]
    return rows


def filename(stem: str, scope: Scope, fmt: str) -> str:
    """A file name that says what and when: `indicators-2026-01-01-to-2026-11-29.csv`."""
    return f"{stem}-{scope.start.isoformat()}-to-{scope.end.isoformat()}.{fmt}"


def dashboard_table(figures: Iterable[Figure]) -> Iterator[tuple]:
    """The dashboard table: headings, then one row per number."""
    yield tuple(figure_columns())
    yield from figure_rows(figures)


def target_columns() -> list[str]:
    """Headings of the targets table."""
    return [
        _("Indicator"),
        _("Project period"),
        _("Donor"),
        _("From"),
        _("To"),
        _("Target"),
        _("Achieved"),
        _("Percent achieved"),
        _("Unit"),
    ]


def target_rows(figures: Iterable[Figure], lines: dict) -> Iterator[tuple]:
    """One row per target shown on the dashboard (`lines` from reports.targets.target_lines): achieved and
    percent achieved are empty where the screen shows none (the period chosen does not measure the project
    period)."""
    for figure in figures:
        unit = str(UNITS.get(figure.unit, figure.unit))
        for line in lines.get(figure.key, []):
            period = line.period
            yield (
                str(figure.label),
                period.name,
                period.donor,
                period.starts_on,
                period.ends_on,
                line.target,
                line.achieved,
                line.percent,
                unit,
            )


def targets_table(figures: Iterable[Figure], lines: dict) -> Iterator[tuple]:
    """Below the dashboard table, when any target applies: an empty row, a title, headings and the targets."""
    if not lines:
        return
    yield ()
    yield (_("Targets"),)
    yield tuple(target_columns())
    yield from target_rows(figures, lines)


def record_table(record_list: RecordList) -> Iterator[tuple]:
    """A drill-down list: its columns, then every row (fetched in chunks, never all at once)."""
    yield tuple(record_list.columns)
    yield from record_list.rows()


@dataclass
class Contents:
    """What a download holds: the header block, the table (an iterator: read it once), the file name's stem, the
    sheet's title and its columns' widths (Excel)."""

    title: str
    header: list[tuple]
    table: Iterable[tuple]
    stem: str
    sheet_title: str
    widths: tuple[int, ...]


def exportable(what: str) -> bool:
    """Whether `what` names something we export: the dashboard or an indicator's records."""
    return what == DASHBOARD or indicators.get(what) is not None


def title_of(what: str) -> str:
    """The title of what is exported, in the active language: the dashboard's, or the indicator's label."""
    return str(_("Programme indicators")) if what == DASHBOARD else str(indicators.get(what).label)


def contents(what: str, scope: Scope, user, made_at: datetime.datetime) -> Contents:
    """The dashboard (`what` "dashboard") or the records behind one indicator (its key) for a scope the user may
    see, in the active language; the breakdown by situation only for those who may see it."""
    names = selectors.centre_names(access.centres_visible_to(user), scope)
    if what == DASHBOARD:
        figures = indicators.dashboard(scope, with_situation=access.sees_situation_breakdown(user))
        lines = targets.target_lines(scope, figures, [])  # the links of the screen are not exported
        title = _("Programme indicators")
        table = chain(dashboard_table(figures), targets_table(figures, lines))
        return Contents(
            title, header_rows(title, scope, names, made_at), table, "indicators", _("Indicators"), DASHBOARD_WIDTHS
        )
    record_list = indicators.get(what).record_list(scope)
    header = header_rows(record_list.title, scope, names, made_at, record_list.definition)
    return Contents(record_list.title, header, record_table(record_list), what, _("Records"), RECORD_WIDTHS)


# ---- CSV -------------------------------------------------------------------------------------


class Echo:
    """A file-like object whose write returns what it was given, so csv.writer produces lines to stream."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value) -> object:
    """A value as CSV text: ISO dates, aware times with their offset, text that cannot run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """The rows as CSV lines, one at a time, after a byte-order mark so Excel reads the file as UTF-8."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_response(rows: Iterable[tuple], name: str) -> StreamingHttpResponse:
    """A CSV download streamed as it is written (memory does not grow with the number of rows)."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# ---- Excel -----------------------------------------------------------------------------------


PLAIN_CELL_TYPES = frozenset({int, float, type(None), datetime.date})  # written as they are, no call apiece


def xlsx_cell(sheet, value, *, bold: bool = False):
    """A value for an Excel row: numbers and dates keep their type (dates shown as 2026-03-01, openpyxl's own
    format for a date), text is never run as a formula. Plain values go as they are (openpyxl makes the cell),
    which is twice as fast."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: local time, the zone in the next cell
    formula_like = isinstance(value, str) and value.startswith("=")
    if not (bold or formula_like or isinstance(value, datetime.datetime)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_row(sheet, row: Iterable) -> list:
    """A table row for Excel: most values (numbers, dates, text not starting with "=") go as they are, without
    a call apiece; the rest through `xlsx_cell`."""
    return [
        value
        if type(value) in PLAIN_CELL_TYPES or (type(value) is str and not value.startswith("="))
        else xlsx_cell(sheet, value)
        for value in row
    ]


def xlsx_write(
    file,
    header: list[tuple],
    table: Iterable[tuple],
    sheet_title: str,
    widths: Iterable[int] = (),
    *,
    right_to_left: bool | None = None,
) -> int:
    """Write an Excel workbook to `file`: the header block, then the table (its first row in bold), row by row
    (openpyxl's write-only mode: memory does not grow with the rows). In a right-to-left language (by default the
    active one, Urdu) the sheet opens right to left, column A on the right. Returns the table's rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.sheet_view.rightToLeft = get_language_bidi() if right_to_left is None else right_to_left
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for number, row in enumerate(header):
        sheet.append([xlsx_cell(sheet, value, bold=number == 0) for value in row])
    rows = 0
    for row in table:
        sheet.append([xlsx_cell(sheet, value, bold=True) for value in row] if rows == 0 else xlsx_row(sheet, row))
        rows += 1
    workbook.save(file)
    return rows


def xlsx_response(
    header: list[tuple],
    table: Iterable[tuple],
    name: str,
    sheet_title: str,
    widths: Iterable[int] = (),
    *,
    right_to_left: bool | None = None,
) -> FileResponse:
    """An Excel download made in the request (`xlsx_write` to a temporary file that is sent and then deleted):
    for small files; the pages ask for Excel files in the background (reports.tasks)."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it once sent)
    try:
        xlsx_write(file, header, table, sheet_title, widths, right_to_left=right_to_left)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
