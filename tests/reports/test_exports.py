"""Downloads of the dashboard and of the records behind a figure: they hold exactly what the screen shows,
say what period, centres and time they are about, are audited, respect access, and stream."""

import csv
import datetime
import io
import tracemalloc
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.http import FileResponse, StreamingHttpResponse
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from learners.models import (
    CommunityGroup,
    CommunityMeeting,
    JobPlacement,
    SchoolEnrolment,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
    TrainingEvent,
)
from reports import indicators
from reports.exports import BREAKDOWNS, csv_lines, format_value, xlsx_response
from reports.indicators import Scope
from tests.factories import add_members, centre_with_staff, days_ago, held_session, make_group, make_learner

pytestmark = pytest.mark.django_db

START, END = days_ago(75), days_ago(0)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
TABLE_HEADINGS = ["Section", "Indicator", "Breakdown", "Category", "Value", "Unit"]


# ---- data: outcome rows written with the ORM (the services are tested in tests/learners) -----------


def learner(centre, first_name: str, sex: str, age: int, *, by):
    """A learner with consent who joined 200 days ago."""
    return make_learner(
        centre, by, first_name=first_name, sex=sex, joined_on=days_ago(200), birth_year=days_ago(0).year - age
    )


def service(learner, day, kind="counselling", *, by):
    """A service the learner received at their centre."""
    return ServiceRecord.objects.create(learner=learner, centre=learner.centre, kind=kind, date=day, recorded_by=by)


def certified(learner, day, *, by):
    """A tailoring course the learner was certified in."""
    trade = Trade.objects.get_or_create(name="Tailoring")[0]
    return TrainingEnrolment.objects.create(
        learner=learner,
        centre=learner.centre,
        trade=trade,
        enrolled_on=day - datetime.timedelta(days=30),
        completed_on=day,
        certified_on=day,
        certifying_board="TEVTA",
        recorded_by=by,
    )


@pytest.fixture
def world(users, curriculum):
    """QTA (where `facilitator` works): Amina (two services, one of them before the period), Bilal (a service,
    certified, placed in a job), a group whose session was held; a PCC that met. KCH: Chanda (a service,
    mainstreamed into school)."""
    me = users["facilitator"]
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH")
    amina = learner(home, "Amina", "f", 12, by=me)
    bilal = learner(home, "Bilal", "m", 16, by=me)
    chanda = learner(away, "Chanda", "f", 9, by=users["admin"])

    service(amina, days_ago(40), by=me)
    service(amina, days_ago(10), kind="medical", by=me)
    service(amina, days_ago(120), by=me)  # before the period
    service(bilal, days_ago(5), kind="recreation", by=me)
    service(chanda, days_ago(20), by=users["admin"])
    certified(bilal, days_ago(30), by=me)
    JobPlacement.objects.create(
        learner=bilal, centre=home, placed_on=days_ago(15), kind="employment", sector="Tailoring", recorded_by=me
    )
    SchoolEnrolment.objects.create(learner=chanda, centre=away, enrolled_on=days_ago(25), grade="4", recorded_by=me)

    group = make_group(home, me, [curriculum["module"]], name="Stars")
    add_members(group, [amina, bilal], joined_on=days_ago(60), acting_user=me)
    held_session(group=group, lesson=curriculum["lessons"][0], day=days_ago(12), acting_user=me, absent=[bilal])
    pcc = CommunityGroup.objects.create(centre=home, kind="pcc", name="Mothers of Satellite Town", members_female=9)
    CommunityMeeting.objects.create(group=pcc, date=days_ago(8), topics="Child rights", attendance=11, recorded_by=me)
    return {"home": home, "away": away, "amina": amina, "bilal": bilal, "chanda": chanda}


# ---- reading the screen and the files ------------------------------------------------------------


def screen_numbers(html: str) -> dict[tuple[str, str, str], str]:
    """Every number on the dashboard: (figure, breakdown, category) -> its text, from data-figure and data-n."""
    numbers: dict[tuple[str, str, str], str] = {}
    for element in BeautifulSoup(html, "html.parser").select("[data-n]"):
        breakdown, _, category = element["data-n"].partition(":")
        key = (element.find_parent(attrs={"data-figure": True})["data-figure"], breakdown, category)
        text = element.get_text(" ", strip=True)
        assert numbers.setdefault(key, text) == text, f"{key} shows both {numbers[key]!r} and {text!r}"
    return numbers


def table_after_headings(rows: list[list], headings: list[str]) -> tuple[list[list], list[list]]:
    """(the header block, the rows under the table headings) of a file's rows."""
    index = next(i for i, row in enumerate(rows) if [str(v) for v in row[: len(headings)]] == headings)
    return rows[:index], rows[index + 1 :]


def read_csv(response) -> list[list[str]]:
    """The rows of a streamed CSV download."""
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "the CSV starts with a byte-order mark so Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[list]:
    """The rows of an Excel download (trailing empty cells dropped)."""
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = []
    for row in sheet.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


def parse_number(text):
    """A CSV cell back to the number it holds (None when empty)."""
    if text in ("", None) or isinstance(text, int | float):
        return None if text == "" else text
    return float(text) if "." in text else int(text)


def exported_numbers(rows: list[list], figures) -> dict[tuple[str, str, str], str]:
    """The table of a dashboard export as (figure key, breakdown key, category key) -> text as shown on screen."""
    figure_by_label = {figure.label: figure for figure in figures}
    breakdown_keys = {str(label): key for key, label in BREAKDOWNS}
    numbers = {}
    for section, label, breakdown, category, value, _unit in ((list(row) + [""] * 6)[:6] for row in rows):
        figure = figure_by_label[label]
        assert section == figure.section
        kind = breakdown_keys[breakdown]
        counts = {
            "total": [],
            "sex": figure.by_sex,
            "age": figure.by_age_band,
            "month": figure.trend,
            "situation": figure.by_situation,
            "audience": figure.by_audience,
        }[kind]
        category_key = "" if kind == "total" else next(c.key for c in counts if c.label == (category or ""))
        key = (figure.key, kind, category_key)
        assert key not in numbers, f"{key} exported twice"
        numbers[key] = format_value(parse_number(value), figure.unit)
    return numbers


def get_export(client, fmt="csv", query=None, key=None):
    """A dashboard export (or a drill-down export when `key` is given): a CSV file is a GET; an Excel file is asked
    for (POST), prepared (at once in the tests' settings) and downloaded from its own address. Returns the file's
    response, or the refusal."""
    if key:
        url = reverse("indicator_records_export", kwargs={"key": key, "fmt": fmt})
    else:
        url = reverse("dashboard_export", kwargs={"fmt": fmt})
    query = query if query is not None else PERIOD
    if fmt != "xlsx":
        return client.get(url, query)
    asked = client.post(f"{url}?{urlencode(query, doseq=True)}")
    if asked.status_code != 302 or "/accounts/login/" in asked["Location"]:
        return asked
    return client.get(reverse("export_download", args=[resolve(asked["Location"]).kwargs["pk"]]))


def exports_logged():
    return ModelLogEntry.objects.filter(action="lms.export")


# ---- export equals screen ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dashboard_export_holds_exactly_the_numbers_on_screen(client, users, world, fmt):
    client.force_login(users["manager"])
    page = client.get(reverse("indicator_dashboard"), PERIOD)
    assert page.status_code == 200
    on_screen = screen_numbers(page.text)
    assert on_screen[("protective-services", "total", "")] == "3"  # Amina twice, Bilal, Chanda: three children
    assert on_screen[("protective-services", "sex", "f")] == "2"

    response = get_export(client, fmt)
    assert response.status_code == 200
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    _header, table = table_after_headings(rows, TABLE_HEADINGS)
    # A programme manager's: with the breakdown by situation, on screen and in the file alike.
    figures = indicators.dashboard(Scope(START, END, (world["home"].pk, world["away"].pk)), with_situation=True)
    in_file = exported_numbers(table, figures)
    assert any(kind == "situation" for _figure, kind, _category in in_file)

    assert sorted(set(on_screen) - set(in_file)) == [], "numbers on screen missing from the file"
    assert sorted(set(in_file) - set(on_screen)) == [], "numbers in the file not on screen"
    assert in_file == on_screen
    assert len(table) == len(on_screen)


def test_people_trained_by_audience_are_on_the_card_and_in_the_export_alike(client, users, world):
    for audience, male, female in [("caregivers", 2, 5), ("staff", 1, 1)]:
        TrainingEvent.objects.create(
            centre=world["home"],
            date=days_ago(5),
            audience=audience,
            topic="Child protection",
            participants_male=male,
            participants_female=female,
            recorded_by=users["admin"],
        )
    client.force_login(users["facilitator"])
    on_screen = screen_numbers(client.get(reverse("indicator_dashboard"), PERIOD).text)
    audience = {
        category: text
        for (key, kind, category), text in on_screen.items()
        if key == "people-trained" and kind == "audience"
    }
    assert audience == {
        "staff": "2",
        "peers": "0",
        "parents": "0",
        "caregivers": "7",
        "teachers": "0",
        "police": "0",
        "government": "0",
        "others": "0",
    }
    _header, table = table_after_headings(read_csv(get_export(client)), TABLE_HEADINGS)
    rows = [row for row in table if row[1] == "People trained" and row[2] == "Audience"]
    assert [(row[3], row[4]) for row in rows] == [
        ("Staff", "2"),
        ("Peer educators", "0"),
        ("Parents", "0"),
        ("Primary caregivers", "7"),
        ("Teachers", "0"),
        ("Law enforcement", "0"),
        ("Government officials", "0"),
        ("Other stakeholders", "0"),
    ]


def test_every_month_of_the_period_is_exported_for_each_figure(client, users, world):
    client.force_login(users["manager"])
    _header, table = table_after_headings(read_csv(get_export(client)), TABLE_HEADINGS)
    services = [row for row in table if row[1] == "Children provided protective services" and row[2] == "Month"]
    expected_months = Scope(START, END, ()).months()
    assert [row[3] for row in services] == [month.strftime("%b %Y") for month in expected_months]
    assert sum(int(row[4]) for row in services) >= 3


def test_excel_export_writes_numbers_as_numbers_and_dates_as_dates(client, users, world):
    client.force_login(users["manager"])
    rows = read_xlsx(get_export(client, "xlsx"))
    header, table = table_after_headings(rows, TABLE_HEADINGS)
    period = next(row for row in header if row and row[0] == "Period")
    assert [value.date() for value in period[1:3]] == [START, END]
    total = next(row for row in table if row[1] == "Children provided protective services" and row[2] == "Total")
    assert total[3:] == [None, 3, "children"]
    assert isinstance(total[4], int)


def test_drill_down_export_equals_the_list_on_screen(client, users, world):
    client.force_login(users["manager"])
    page = client.get(reverse("indicator_records", kwargs={"key": "protective-services"}), PERIOD)
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    table = soup.select_one("table.records")
    headings = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    screen_rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]

    rows = read_csv(get_export(client, key="protective-services"))
    _header, exported = table_after_headings(rows, headings)
    assert len(exported) == len(screen_rows) == 4  # Amina twice in the period, Bilal, Chanda
    assert [row[0] for row in exported] == [row[0] for row in screen_rows]  # learner codes, same order
    assert [row[1] for row in exported] == [row[1] for row in screen_rows]  # first names
    assert [row[1] for row in exported] == ["Amina", "Chanda", "Amina", "Bilal"]  # oldest first
    assert [row[5] for row in exported] == [days_ago(d).isoformat() for d in (40, 20, 10, 5)]

    workbook_rows = read_xlsx(get_export(client, "xlsx", key="protective-services"))
    _header, in_excel = table_after_headings(workbook_rows, headings)
    assert [row[:2] for row in in_excel] == [row[:2] for row in exported]
    assert all(isinstance(row[5], datetime.datetime) for row in in_excel)  # the date column is a date


# ---- header block ------------------------------------------------------------------------------------


def test_export_header_says_which_period_which_centres_and_when_it_was_made(client, users, world):
    client.force_login(users["manager"])
    response = get_export(client)
    assert response["Content-Disposition"] == (
        f'attachment; filename="indicators-{START.isoformat()}-to-{END.isoformat()}.csv"'
    )
    header, _table = table_after_headings(read_csv(response), TABLE_HEADINGS)
    assert header[0] == ["Programme indicators"]
    assert ["Period", START.isoformat(), END.isoformat()] in header
    assert ["Centres", "Kuchlak CFS, Quetta drop-in"] in header
    made_at = next(row for row in header if row and row[0] == "Made at")
    made = datetime.datetime.fromisoformat(made_at[1])
    assert made.utcoffset() == timezone.localtime().utcoffset()  # local time, with its offset
    assert abs(made - timezone.now()) < datetime.timedelta(minutes=1)


def test_drill_down_export_is_named_after_the_indicator_and_says_what_it_counts(client, users, world):
    client.force_login(users["manager"])
    response = get_export(client, "xlsx", key="protective-services")
    assert (
        f'filename="protective-services-{START.isoformat()}-to-{END.isoformat()}.xlsx"'
        in response["Content-Disposition"]
    )
    rows = read_xlsx(response)
    assert rows[0] == ["Children provided protective services"]
    assert rows[1][0].startswith("Children who received at least one service")
    made_at = next(row for row in rows if row and row[0] == "Made at")
    assert abs(made_at[1] - timezone.localtime().replace(tzinfo=None)) < datetime.timedelta(minutes=1)
    assert made_at[2] == str(timezone.get_current_timezone())


# ---- audit -------------------------------------------------------------------------------------------


def test_every_export_is_audited_with_what_format_and_scope(client, users, world):
    client.force_login(users["manager"])
    get_export(client, "csv")
    get_export(client, "xlsx", key="certified")
    entries = list(exports_logged().order_by("pk"))
    assert [(entry.data["what"], entry.data["format"]) for entry in entries] == [
        ("dashboard", "csv"),
        ("certified", "xlsx"),
    ]
    for entry in entries:
        assert entry.user == users["manager"]
        assert entry.data["start"] == START.isoformat() and entry.data["end"] == END.isoformat()
        assert sorted(entry.data["centres"]) == sorted([world["home"].pk, world["away"].pk])


def test_export_log_reads_in_plain_words_in_site_history(client, users, world):
    client.force_login(users["manager"])
    get_export(client, "xlsx")
    client.force_login(users["admin"])
    history = client.get("/admin/reports/site-history/")
    assert f"Exported dashboard (xlsx), {START.isoformat()} to {END.isoformat()}, 2 centres" in history.text


# ---- access and bad requests -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "reviewer", "peer", "nobody"])
def test_people_who_do_not_use_records_get_not_found(client, users, world, who):
    client.force_login(users[who])
    assert get_export(client).status_code == 404
    assert get_export(client, "xlsx", key="protective-services").status_code == 404
    assert not exports_logged().exists()


def test_signed_out_visitor_is_sent_to_sign_in(client, world):
    response = get_export(client)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_facilitators_export_holds_only_their_centres(client, users, world):
    client.force_login(users["facilitator"])
    header, table = table_after_headings(read_csv(get_export(client)), TABLE_HEADINGS)
    assert ["Centres", "Quetta drop-in"] in header
    total = next(row for row in table if row[1] == "Children provided protective services" and row[2] == "Total")
    assert total[4] == "2"  # Amina and Bilal; not Chanda of Kuchlak
    records = read_csv(get_export(client, key="protective-services"))
    assert "Chanda" not in {row[1] for row in records if len(row) > 1}
    assert exports_logged().get(data__format="csv", data__what="dashboard").data["centres"] == [world["home"].pk]


def test_facilitator_asking_for_another_centre_gets_bad_request_and_no_file(client, users, world):
    client.force_login(users["facilitator"])
    response = get_export(client, "xlsx", query={**PERIOD, "centre": [world["away"].pk]})
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "is not one of the available choices" in response.text
    assert not exports_logged().exists()


def test_period_ending_before_it_starts_is_refused_with_the_forms_message(client, users, world):
    client.force_login(users["manager"])
    response = get_export(client, query={"start": END.isoformat(), "end": START.isoformat()}, key="certified")
    assert response.status_code == 400
    assert response.text == "The end of the period must be on or after its start."
    assert not exports_logged().exists()


def test_unknown_format_or_indicator_is_not_found(client, users, world):
    client.force_login(users["manager"])
    assert get_export(client, "pdf").status_code == 404
    assert get_export(client, "json", key="certified").status_code == 404
    assert get_export(client, "csv", key="no-such-indicator").status_code == 404
    assert not exports_logged().exists()


# ---- streaming and memory ----------------------------------------------------------------------------


def test_csv_export_is_streamed_and_excel_is_sent_from_a_file(client, users, world):
    client.force_login(users["manager"])
    assert isinstance(get_export(client, "csv"), StreamingHttpResponse)
    assert isinstance(get_export(client, key="certified"), StreamingHttpResponse)
    excel = get_export(client, "xlsx")
    assert isinstance(excel, FileResponse)
    assert excel["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def many_rows(n: int):
    """n drill-down-like rows, made one at a time."""
    day = datetime.date(2026, 1, 1)
    for i in range(n):
        yield (
            f"QTA-{i:06d}",
            "Amina",
            "Female",
            "10-14",
            "Quetta drop-in",
            day,
            "Psychosocial counselling (the centre)",
        )


def peak_bytes(write) -> int:
    """The peak memory Python allocated while `write` ran."""
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_of_a_csv_export_does_not_grow_with_the_number_of_rows():
    def write(n):
        return lambda: sum(len(line) for line in csv_lines(many_rows(n)))

    small, large = peak_bytes(write(2_000)), peak_bytes(write(40_000))
    assert large < small + 256 * 1024, f"peak {small} bytes for 2,000 rows, {large} for 40,000"


def test_memory_of_an_excel_export_does_not_grow_with_the_number_of_rows():
    scope = Scope(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), ())

    def write(n):
        def run():
            response = xlsx_response([("Records",)], many_rows(n), f"records-{scope.start}.xlsx", "Records")
            response.close()

        return run

    # Keeping 6,000 rows in memory would take more than a megabyte; the file itself (about 150 kB) may be
    # held in memory below SPOOL_BYTES.
    small, large = peak_bytes(write(500)), peak_bytes(write(6_000))
    assert large < small + 512 * 1024, f"peak {small} bytes for 500 rows, {large} for 6,000"
