"""The programme manager sets targets: `manager` signs in on the demo site, opens the targets page from the
dashboard, creates a project period, types the targets of two indicators, saves, and opens the dashboard over
the period: each of the two figures reads "Target … · Achieved … · N%" with the exact percent."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from learners.models import Centre
from reports.exports import format_value
from reports.forms import months_back
from reports.indicators import Scope, dashboard
from reports.models import ProjectPeriod
from tests.e2e.test_indicator_export import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = timezone.localdate()
START = months_back(TODAY, 2)  # this month and the two before it
END = months_back(TODAY, -1) - datetime.timedelta(days=1)  # the last day of this month
NAME = "Spring push (invented)"
KEYS = {"registered": "Children registered", "protective-services": "Children provided protective services"}


@pytest.fixture
def demo_site():
    """The demo world: accounts, curriculum, two centres, a year of delivery and programme evidence."""
    with override_settings(DEBUG=True):
        call_command("load_demo_data", verbosity=0)


def percent(achieved: int, target: int) -> int:
    """achieved ÷ target × 100, rounded halves up, in whole numbers (as the README says)."""
    return (200 * achieved + target) // (2 * target)


def test_manager_sets_two_targets_and_reads_the_percent_achieved_on_the_dashboard(
    page: Page, live_server, demo_site, artifacts_dir
):
    base_url = live_server.url
    centres = tuple(sorted(Centre.objects.values_list("pk", flat=True)))
    achieved = {f.key: f.value for f in dashboard(Scope(START, TODAY, centres)) if f.key in KEYS}
    assert all(achieved.values()), "the demo has registrations and services in the last three months"
    wanted = {key: value * 5 // 4 + 1 for key, value in achieved.items()}  # a little more than achieved

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base_url, "manager")
    page.goto(f"{base_url}/reports/")
    page.get_by_role("link", name="Targets", exact=True).click()
    expect(page.get_by_role("heading", name="Targets", level=1)).to_be_visible()
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Donor").fill("Spring Fund (invented)")
    page.get_by_label("First day").fill(START.isoformat())
    page.get_by_label("Last day").fill(END.isoformat())
    page.get_by_role("button", name="Create the project period").click()
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    period = ProjectPeriod.objects.get(name=NAME)
    assert (period.starts_on, period.ends_on, period.centre) == (START, END, None)

    for key, label in KEYS.items():
        page.get_by_label(label, exact=True).fill(str(wanted[key]))
    page.get_by_role("button", name="Save the targets").click()
    expect(page.get_by_text("Targets saved.")).to_be_visible()

    page.get_by_role("link", name="Targets and what was achieved, on the indicators page").click()
    expect(page).to_have_url(f"{base_url}/reports/?start={START.isoformat()}&end={TODAY.isoformat()}")
    for key in KEYS:
        line = page.locator(f'[data-figure="{key}"] [data-target="{period.pk}"]')
        expected = (
            f"Target {format_value(wanted[key], 'children')} · Achieved {format_value(achieved[key], 'children')}"
            f" · {percent(achieved[key], wanted[key])}%"
        )
        expect(line).to_contain_text(expected)
    page.screenshot(path=artifacts_dir / "targets-dashboard.png", full_page=True)
