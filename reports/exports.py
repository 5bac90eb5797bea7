"""The dashboard and the drill-down lists as files: CSV (streamed) and Excel (written to a temporary file).

Both hold exactly the numbers the dashboard shows (`figure_rows`), after a header block saying what the
file is, the period, the centres and when it was made. Neither ever holds all the rows in memory: the
CSV is written row by row as it is sent, and the Excel workbook is written row by row to disk.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def xlsx_cell(sheet, value, *, bold: bool = False):
    """A value for an Excel row: numbers and dates keep their type (dates shown as 2026-03-01), text is never
    run as a formula. Plain values go as they are (openpyxl makes the cell), which is twice as fast."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: local time, the zone in the next cell
    formula_like = isinstance(value, str) and value.startswith("=")
    if not (bold or formula_like or isinstance(value, datetime.date)):
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


def xlsx_response(
    header: list[tuple],
    table: Iterable[tuple],
    name: str,
    sheet_title: str,
    widths: Iterable[int] = (),
    *,
    right_to_left: bool | None = None,
) -> FileResponse:
    """An Excel download: the header block, then the table (its first row in bold), written row by row to a
    temporary file that is sent and then deleted. In a right-to-left language (by default the active one,
    Urdu) the sheet opens right to left, column A on the right."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.sheet_view.rightToLeft = get_language_bidi() if right_to_left is None else right_to_left
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for number, row in enumerate(header):
        sheet.append([xlsx_cell(sheet, value, bold=number == 0) for value in row])
    for number, row in enumerate(table):
        sheet.append([xlsx_cell(sheet, value, bold=number == 0) for value in row])
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it once sent)
    try:
        workbook.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
