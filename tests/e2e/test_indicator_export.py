"""The programme manager on a laptop: `manager` signs in on the demo site, opens the indicator dashboard, chooses
a period, and asks for the Excel file; the page says it is being prepared until the worker (the database task
backend's, run here for one pass) has made it, then it downloads; the file holds the period and exactly the
figures on the screen."""

import datetime
from itertools import takewhile

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from wagtail.models import ModelLogEntry

from demo.data.accounts import DEMO_PASSWORD
from reports.exports import BREAKDOWNS, UNITS, format_value
from reports.forms import months_back

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = timezone.localdate()
START = months_back(TODAY, 6)  # six whole months, ending with the last one
END = TODAY.replace(day=1) - datetime.timedelta(days=1)
HEADINGS = ["Section", "Indicator", "Breakdown", "Category", "Value", "Unit"]

# Every number on the page: (indicator, breakdown, category label, text), read from the data-n attributes.
READ_NUMBERS = """elements => elements.map(element => [
    element.closest("article").querySelector("h3").textContent.trim(),
    element.dataset.n.split(":")[0],
    element.dataset.n === "total" ? "" : element.closest("tr").querySelector("th").textContent.trim(),
    element.textContent.trim(),
])"""


DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "exports": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@pytest.fixture
def demo_site():
    """The demo world: accounts, curriculum, two centres, a year of delivery and programme evidence."""
    with override_settings(DEBUG=True):
        call_command("load_demo_data", verbosity=0)


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Sign in on the site (not the admin) with the demo password."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def choose_period(page: Page, base_url: str) -> list[list[str]]:
    """Open the dashboard, choose the period, and read every number it shows once the figures are there."""
    page.goto(f"{base_url}/reports/")
    expect(page.get_by_role("heading", name="Indicators", level=1)).to_be_visible()
    page.get_by_label("From", exact=True).fill(START.isoformat())
    page.get_by_label("To", exact=True).fill(END.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{base_url}/reports/?start={START.isoformat()}&end={END.isoformat()}")
    expect(page.locator('[data-figure="protective-services"] [data-n="total"]')).to_be_visible()
    return page.locator("[data-n]").evaluate_all(READ_NUMBERS)


def download_excel(page: Page, tmp_path, artifacts_dir) -> list[list]:
    """Ask for the Excel file, see it being prepared, let the worker make it, refresh, download it and read the
    workbook back (trailing empty cells dropped)."""
    page.get_by_role("button", name="Prepare Excel file").click()
    expect(page.get_by_role("status")).to_contain_text("being prepared")
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=artifacts_dir / "export-being-prepared-360.png", full_page=True)
    call_command("db_worker", "--backend", "exports", "--batch", "--no-startup-delay", verbosity=0)
    page.get_by_role("link", name="Refresh").click()
    expect(page.get_by_role("status")).to_contain_text("The file is ready")
    page.screenshot(path=artifacts_dir / "export-ready-360.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the Excel file").click()
    download = download_info.value
    assert download.suggested_filename == f"indicators-{START.isoformat()}-to-{END.isoformat()}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = []
    for row in load_workbook(path).active.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


@override_settings(TASKS=DATABASE_TASKS)
def test_manager_downloads_the_dashboard_for_a_chosen_period_as_excel(
    page: Page, live_server, demo_site, artifacts_dir, tmp_path
):
    """The Excel file carries the chosen period and every figure label and number on the screen, no more."""
    base_url = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base_url, "manager")
    on_screen = choose_period(page, base_url)
    page.screenshot(path=artifacts_dir / "indicator-dashboard.png", full_page=True)
    services_total = next(
        text for label, kind, _c, text in on_screen if label.startswith("Children provided") and kind == "total"
    )
    assert int(services_total) > 0, "the demo shows children provided protective services in the period"

    labels_on_screen = page.locator("article.figure-card h3").all_text_contents()
    rows = download_excel(page, tmp_path, artifacts_dir)
    assert rows[0] == ["Programme indicators"]
    period = next(row for row in rows if row and row[0] == "Period")
    assert [value.date() for value in period[1:3]] == [START, END]
    centres = next(row for row in rows if row and row[0] == "Centres")
    assert centres[1].count(",") >= 1  # both demo centres
    headings = next(i for i, row in enumerate(rows) if row[:6] == HEADINGS)
    breakdown_keys = {str(label): key for key, label in BREAKDOWNS}
    unit_keys = {str(label): key for key, label in UNITS.items()}
    figures = list(takewhile(any, rows[headings + 1 :]))  # the targets' own table follows after an empty row
    in_file = [
        [label, breakdown_keys[breakdown], category or "", format_value(value, unit_keys[unit])]
        for _section, label, breakdown, category, value, unit in (row[:6] for row in figures)
    ]

    assert sorted(in_file) == sorted(on_screen)
    assert {label for label, *_ in in_file} == {label.strip() for label in labels_on_screen}

    entry = ModelLogEntry.objects.get(action="lms.export")
    assert entry.user.username == "manager"
    assert (entry.data["what"], entry.data["format"]) == ("dashboard", "xlsx")
    assert (entry.data["start"], entry.data["end"]) == (START.isoformat(), END.isoformat())
