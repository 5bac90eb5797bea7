"""Running a session on a phone: facilitator1 signs in, opens today's session from the dashboard,
marks two of six learners absent, saves, and sees the group's progress grid updated."""

import re

import pytest
from playwright.sync_api import Page, expect

from courses.models import Attendance, Session
from lms import roles
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST_NAMES = ["Asad", "Bilal", "Danish", "Faheem", "Hamid", "Jawad"]
ABSENT = ["Bilal", "Hamid"]
GROUP = "Sparrows"
PHONE = {"width": 360, "height": 800}


@pytest.fixture
def todays_session(users, curriculum):
    """facilitator1's centre, a group of six learners following the module, and a session planned today."""
    facilitator = factories.UserFactory(username="facilitator1", first_name="Nadia", role=roles.FACILITATORS)
    return factories.session_today(
        facilitator=facilitator,
        centre_name="Quetta drop-in",
        group_name=GROUP,
        first_names=FIRST_NAMES,
        module=curriculum["module"],
        lesson=curriculum["lessons"][0],
        admin=users["admin"],
    )


def assert_fits_the_screen(page: Page) -> None:
    """Nothing makes the page scroll sideways on a 360 px screen (wide tables scroll inside their box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def sign_in(page: Page, base_url: str) -> None:
    """Sign in on the site (not the admin) and land on the dashboard."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill("facilitator1")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def grid_cells(page: Page, lesson_title: str) -> dict[str, tuple[str, str]]:
    """Each learner's attendance and their cell for the lesson, read from the progress grid."""
    grid = page.locator("table.grid")
    titles = grid.locator("thead tr").nth(1).locator("abbr").evaluate_all("abbrs => abbrs.map(a => a.title)")
    column = titles.index(lesson_title)
    cells = {}
    for row in grid.locator("tbody tr").all():
        learner = row.get_by_role("rowheader").inner_text().strip()
        values = [text.strip() for text in row.get_by_role("cell").all_inner_texts()]
        cells[learner] = (values[0], values[1 + column])
    return cells


def test_facilitator_runs_todays_session_on_a_phone(page: Page, live_server, todays_session, artifacts_dir):
    """Two taps mark two learners absent; one submit records everyone and the grid shows it."""
    base_url = live_server.url
    learners = {learner.first_name: learner for learner in todays_session["learners"]}
    lesson_title = todays_session["lesson"].title
    page.set_viewport_size(PHONE)

    sign_in(page, base_url)
    expect(page).to_have_url(f"{base_url}/dashboard/")
    today = page.get_by_role("region", name=re.compile(r"^Today"))
    today.get_by_role("listitem").filter(has_text=GROUP).get_by_role("link", name="Run session").click()

    expect(page.get_by_role("heading", name=lesson_title, level=1)).to_be_visible()
    attendance = page.get_by_role("region", name=re.compile(r"^Attendance"))
    for name in FIRST_NAMES:
        learner = attendance.get_by_role("group", name=f"{learners[name].code} {name}")
        expect(learner.get_by_role("radio", name="Present")).to_be_checked()
    for name in ABSENT:
        attendance.get_by_role("group", name=f"{learners[name].code} {name}").get_by_label("Absent").check()
    save = page.get_by_role("button", name="Save attendance")
    expect(save).to_be_visible()
    assert_fits_the_screen(page)
    page.screenshot(path=artifacts_dir / "run-session-360.png", full_page=True)

    save.click()
    expect(page.get_by_role("heading", name=f"Progress of {GROUP}", level=1)).to_be_visible()
    expect(page).to_have_url(f"{base_url}/groups/{todays_session['session'].group_id}/progress/")
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    expect(page.locator("table.grid")).to_be_visible()
    assert_fits_the_screen(page)
    page.screenshot(path=artifacts_dir / "group-grid-360.png", full_page=True)

    expected = {
        f"{learners[name].code} {name}": ("0/1 (0%)", "✗") if name in ABSENT else ("1/1 (100%)", "✓")
        for name in FIRST_NAMES
    }
    assert grid_cells(page, lesson_title) == expected

    session = Session.objects.get(pk=todays_session["session"].pk)
    assert session.status == Session.Status.HELD
    assert session.delivered_by.username == "facilitator1"
    recorded = dict(session.attendance.values_list("learner__first_name", "status"))
    assert recorded == {
        name: Attendance.Status.ABSENT if name in ABSENT else Attendance.Status.PRESENT for name in FIRST_NAMES
    }
