"""A session in Urdu on a 360 px phone: facilitator2 (whose account reads Urdu) signs in, takes attendance,
enters quiz scores (a wrong one is refused in Urdu) and reads the progress grid, right to left, in Nastaliq.

The project's Urdu catalogue is written separately (issue 10), so the test lends the interface a few Urdu
words (tests.i18n.urdu_words) for the screenshots; the Nastaliq font, the direction, the tables and the
language kept on the account are what this test is about.
"""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from courses.models import Attendance, QuizResult, Session
from home.models import UserLanguage
from lms import roles
from tests import factories
from tests.i18n import WORDS, urdu_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 800}
GROUP = "ستارے"
FIRST_NAMES = ["عامر", "بلال", "دانش", "فہیم", "حامد", "جواد"]
ABSENT = ["بلال", "حامد"]
FONT = "noto-nastaliq-urdu-subset"
# Interface words for the screenshots (test data, not the catalogue).
SCREEN_WORDS = {
    **WORDS,
    "Groups": "گروپ",
    "Learners": "بچے",
    "Modules": "ماڈیول",
    "Search": "تلاش",
    "Present": "حاضر",
    "Absent": "غیر حاضر",
    "Excused": "رخصت",
    "Save attendance": "حاضری محفوظ کریں",
    "Quiz scores": "کوئز کے نمبر",
    "Save scores": "نمبر محفوظ کریں",
    "Learner": "بچہ",
    "Attended": "حاضری",
    "Pre-test": "پہلے کا ٹیسٹ",
    "Post-test": "بعد کا ٹیسٹ",
    "Change": "بدلیں",
    "Skip to content": "مواد پر جائیں",
    "Scores must be between 0 and %(max)s": "نمبر 0 سے %(max)s تک ہوں",
}
TOO_HIGH = "Scores must be between 0 and %(max)s"


@pytest.fixture
def urdu_session(users, curriculum):
    """facilitator2 (Urdu on their account), a group of six at their centre, today's session of a quiz lesson."""
    facilitator = factories.UserFactory(username="facilitator2", first_name="فہد", role=roles.FACILITATORS)
    UserLanguage.objects.create(user=facilitator, language="ur")
    built = factories.session_today(
        facilitator=facilitator,
        centre_name="کوئٹہ ڈراپ اِن مرکز",
        group_name=GROUP,
        first_names=FIRST_NAMES,
        module=curriculum["module"],
        lesson=curriculum["lessons"][0],
        admin=users["admin"],
    )
    return {"session": built["session"], "learners": {learner.first_name: learner for learner in built["learners"]}}


def font_requests(page: Page) -> list[int]:
    """A list that fills with the body size of every response for the font file: the bytes that came over the
    network (the browser's cache answers later pages without a body, which Chromium reports as a size <= 0)."""
    found: list[int] = []
    page.on("response", lambda r: found.append(r.request.sizes()["responseBodySize"]) if FONT in r.url else None)
    return found


def assert_reads_right_to_left_and_fits(page: Page) -> None:
    """The page is Urdu, right to left, no wider than the phone, and no control cuts its text."""
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    clipped = page.evaluate(
        """[...document.querySelectorAll('button, select, input:not([type=radio], [type=checkbox], [type=hidden])')]
           .filter(e => e.offsetParent && e.scrollHeight > e.clientHeight + 1).map(e => e.outerHTML.slice(0, 80))"""
    )
    assert not clipped, f"text cut in {clipped}"


def sign_in_as_facilitator2(page: Page, base_url: str) -> None:
    """Sign in through the form (English page: the account's language takes over once signed in)."""
    page.goto(f"{base_url}{reverse('login')}")
    page.locator("#id_username").fill("facilitator2")
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}{reverse('dashboard')}")


def take_attendance(page: Page, base_url: str, urdu_session: dict, artifacts_dir) -> None:
    """Open today's session from the dashboard, mark two learners absent, save."""
    session = urdu_session["session"]
    page.locator(f'main a[href="{reverse("session_run", args=[session.pk])}"]').first.click()
    for name in ABSENT:
        page.locator("fieldset.mark", has_text=name).locator('input[value="absent"]').check()
    assert_reads_right_to_left_and_fits(page)
    page.screenshot(path=artifacts_dir / "urdu-run-session-360.png", full_page=True)
    page.get_by_role("button", name=SCREEN_WORDS["Save attendance"]).click()
    expect(page).to_have_url(f"{base_url}{reverse('group_progress', args=[session.group_id])}")


def enter_scores(page: Page, base_url: str, urdu_session: dict, artifacts_dir) -> None:
    """Enter pre- and post-test scores; a score above the maximum is refused with Urdu words, then corrected."""
    session = urdu_session["session"]
    page.goto(f"{base_url}{reverse('session_scores', args=[session.pk])}")
    rows = page.locator("table.scores tbody tr")
    for index in range(rows.count()):
        inputs = rows.nth(index).locator("input")
        inputs.nth(0).fill("0")
        inputs.nth(1).fill("1")
    rows.nth(0).locator("input").nth(1).fill("5")
    page.evaluate("document.querySelector('main form').noValidate = true")  # as a browser that does not check
    page.get_by_role("button", name=SCREEN_WORDS["Save scores"]).click()
    with translation.override("ur"):
        refusal = translation.gettext(TOO_HIGH) % {"max": 1}
    assert refusal != TOO_HIGH % {"max": 1}
    expect(page.locator("table.scores .has-error")).to_have_count(1)
    expect(page.locator("table.scores .has-error")).to_contain_text(refusal)
    assert_reads_right_to_left_and_fits(page)
    page.screenshot(path=artifacts_dir / "urdu-scores-refused-360.png", full_page=True)
    rows.nth(0).locator("input").nth(1).fill("1")
    page.get_by_role("button", name=SCREEN_WORDS["Save scores"]).click()
    expect(page.locator("table.scores .has-error")).to_have_count(0)


def read_the_grid(page: Page, base_url: str, urdu_session: dict, artifacts_dir) -> None:
    """The grid reads from the right (learners' column on the right), and scrolls inside its focusable box."""
    page.goto(f"{base_url}{reverse('group_progress', args=[urdu_session['session'].group_id])}")
    assert_reads_right_to_left_and_fits(page)
    header = page.locator("table.grid thead tr").first.locator("th")
    assert header.nth(0).bounding_box()["x"] > header.nth(1).bounding_box()["x"], "first column on the right"
    rows = page.locator("table.grid tbody tr")
    absent_row = rows.filter(has_text=ABSENT[0])
    expect(absent_row.locator("td").nth(1)).to_have_text("✗")
    wrap = page.locator(".grid-wrap")
    wrap.focus()
    assert page.evaluate("document.activeElement.classList.contains('grid-wrap')"), "a keyboard reaches the grid"
    page.screenshot(path=artifacts_dir / "urdu-progress-grid-360.png", full_page=True)


def test_facilitator2_runs_a_session_in_urdu_on_a_phone(page: Page, live_server, urdu_session, artifacts_dir):
    """Sign in, attendance, scores and the progress grid, all in Urdu; the Nastaliq font is fetched once."""
    base_url = live_server.url
    page.set_viewport_size(PHONE)
    fonts = font_requests(page)

    page.goto(f"{base_url}{reverse('login')}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state("networkidle")
    assert fonts == [], "an English page loads no font, not even for the اردو link"

    with urdu_words(SCREEN_WORDS):
        sign_in_as_facilitator2(page, base_url)
        assert_reads_right_to_left_and_fits(page)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=artifacts_dir / "urdu-dashboard-360.png", full_page=True)
        take_attendance(page, base_url, urdu_session, artifacts_dir)
        enter_scores(page, base_url, urdu_session, artifacts_dir)
        read_the_grid(page, base_url, urdu_session, artifacts_dir)
        for name, url in (
            ("attendance-sheet", reverse("attendance_sheet", args=[urdu_session["session"].pk])),
            ("indicators", reverse("indicator_dashboard")),
        ):
            page.goto(f"{base_url}{url}")
            assert_reads_right_to_left_and_fits(page)
            page.screenshot(path=artifacts_dir / f"urdu-{name}-360.png", full_page=True)
        page.wait_for_load_state("networkidle")

    downloads = [size for size in fonts if size > 0]
    assert len(fonts) > 1 and len(downloads) == 1, f"the font is downloaded once, then comes from the cache: {fonts}"
    assert downloads[0] == Path(finders.find("fonts/noto-nastaliq-urdu-subset.woff2")).stat().st_size
    assert page.evaluate("document.fonts.check('16px \"LMS Nastaliq\"', 'اردو')")
    session = Session.objects.get(pk=urdu_session["session"].pk)
    assert session.status == Session.Status.HELD
    absent = set(
        session.attendance.filter(status=Attendance.Status.ABSENT).values_list("learner__first_name", flat=True)
    )
    assert absent == set(ABSENT)
    assert QuizResult.objects.filter(session=session).count() == 2 * len(FIRST_NAMES)
