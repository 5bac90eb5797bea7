"""The editorial flow in a real browser: an editor writes a lesson in the Wagtail admin and submits
it to the "Curriculum review" workflow; it stays off the site until a reviewer approves it; then a
visitor on a small phone reads it without the answers or the facilitator's notes."""

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from courses.models import LessonPage, ModulePage
from tests import factories
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LESSON_TITLE = "Safe and unsafe secrets"
ACTIVITY_TITLE = "Secret or surprise?"
NOTE_TEXT = "Some children may disclose abuse"
QUIZ_TITLE = "Secrets check"
QUESTION = "An adult asks you to keep a secret that worries you. What do you do?"
WRONG_ANSWER = "Keep the secret"
RIGHT_ANSWER = "Tell an adult I trust"


@pytest.fixture
def module(users):
    """A live module, under the curriculum index, to add the lesson to."""
    module, _lessons = factories.published_module(
        "Keeping safe", [], editor=users["editor"], reviewer=users["reviewer"]
    )
    return module


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Sign in to the Wagtail admin and wait for the dashboard."""
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/admin/")


def insert_block(page: Page, label: str):
    """Append a block to the lesson body through the "+" chooser; return the block's panel."""
    body = page.get_by_role("region", name=re.compile(r"^Lesson body"))
    body.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=label, exact=True).click()
    # A block's panel is named by its type, followed by a preview of its title once one is typed.
    block = body.get_by_role("region", name=re.compile("^" + re.escape(label)))
    expect(block).to_be_visible()
    return block


def write_lesson(page: Page, base_url: str, module: ModulePage, artifacts_dir) -> None:
    """Fill in a new lesson in the admin editor: fields, then activity, note and quiz blocks."""
    page.goto(f"{base_url}/admin/pages/add/courses/lessonpage/{module.pk}/")
    page.get_by_placeholder("Page title").fill(LESSON_TITLE)
    page.get_by_role("textbox", name="Objectives").fill("Tell a safe secret from an unsafe one\nName a trusted adult")
    page.get_by_role("spinbutton", name="Duration (minutes)").fill("45")

    activity = insert_block(page, "Activity")
    activity.get_by_role("textbox", name="Title").fill(ACTIVITY_TITLE)
    activity.get_by_role("spinbutton", name="Minutes").fill("15")
    # A list block starts with one empty item (min_num=1); its input has no label of its own.
    activity.locator('[data-contentpath="steps"]').get_by_role("textbox").fill("Read out each secret")

    note = insert_block(page, "Facilitator note")
    note.get_by_role("textbox").click()  # the Draftail rich text editor
    page.keyboard.type(NOTE_TEXT)

    quiz = insert_block(page, "Quiz")
    quiz.get_by_role("textbox", name="Title").fill(QUIZ_TITLE)
    quiz.get_by_role("textbox", name="Question").fill(QUESTION)
    # The question starts with one answer: add a second one after it.
    answers = quiz.get_by_role("textbox", name="Answer")
    expect(answers).to_have_count(2)
    answers.nth(0).fill(WRONG_ANSWER)
    answers.nth(1).fill(RIGHT_ANSWER)
    quiz.get_by_role("checkbox", name="Correct").nth(1).check()

    # Show the activity block; Playwright's clicks also scrolled the admin's main area sideways, undo that.
    activity.evaluate(
        """block => {
            block.scrollIntoView({block: "start", behavior: "instant"});
            block.closest("main").scrollTo({left: 0, behavior: "instant"});
        }"""
    )
    expect(activity.get_by_role("textbox", name="Title")).to_have_value(ACTIVITY_TITLE)
    page.screenshot(path=artifacts_dir / "admin-lesson-editor.png")


def submit_for_review(page: Page) -> None:
    """Submit the new lesson to the workflow from the footer's "more actions" menu."""
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=re.compile(r"^Submit to Curriculum review")).click()
    expect(page.get_by_text(f"Page '{LESSON_TITLE}' created and submitted for moderation.")).to_be_visible()


def assert_submitted_not_live(module: ModulePage, anonymous: BrowserContext, base_url: str) -> str:
    """The lesson is saved under the module, in review and not live; return its public URL."""
    lesson = LessonPage.objects.get(title=LESSON_TITLE)
    assert lesson.get_parent().pk == module.pk
    assert not lesson.live
    assert lesson.current_workflow_state.status == "in_progress"
    body = lesson.get_latest_revision_as_object().body
    assert [block.block_type for block in body] == ["activity", "facilitator_note", "quiz"]
    answers = body[2].value["questions"][0]["answers"]
    assert [(answer["text"], answer["correct"]) for answer in answers] == [(WRONG_ANSWER, False), (RIGHT_ANSWER, True)]
    lesson_url = f"{base_url}{lesson.url}"
    assert anonymous.request.get(lesson_url).status == 404
    return lesson_url


def approve_as_reviewer(browser: Browser, base_url: str) -> None:
    """In a browser context of their own, the reviewer approves the lesson from the dashboard's
    "Awaiting your review" panel."""
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, base_url, "reviewer")
        row = page.get_by_role("region", name="Awaiting your review").get_by_role("row").filter(has_text=LESSON_TITLE)
        row.get_by_role("button", name="Actions").click()
        row.get_by_role("button", name="Approve", exact=True).click()
        # The action posts in the background, then the dashboard reloads without the task.
        expect(page.get_by_role("row").filter(has_text=LESSON_TITLE)).to_have_count(0)
    finally:
        context.close()
    assert LessonPage.objects.get(title=LESSON_TITLE).live


def read_on_phone(anonymous: BrowserContext, lesson_url: str, artifacts_dir) -> None:
    """A visitor on a 360 px screen reads the live lesson: the activity, but no answer key and no note."""
    page = anonymous.new_page()
    response = page.goto(lesson_url)
    assert response.status == 200
    expect(page.get_by_role("heading", name=LESSON_TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(re.escape(ACTIVITY_TITLE)))).to_be_visible()
    expect(page.get_by_text(RIGHT_ANSWER)).to_be_visible()
    expect(page.get_by_text("(correct answer)")).to_have_count(0)
    expect(page.get_by_role("heading", name="Facilitator note")).to_have_count(0)
    expect(page.get_by_text(NOTE_TEXT)).to_have_count(0)
    page.screenshot(path=artifacts_dir / "lesson-360.png", full_page=True)


def test_editor_writes_lesson_reviewer_approves_visitor_reads_it(
    page: Page, browser: Browser, live_server, module, artifacts_dir
):
    """A lesson written and submitted in the admin goes live only once a reviewer approves it,
    and visitors then see the activity but neither the quiz answer nor the facilitator note."""
    base_url = live_server.url
    anonymous = browser.new_context(viewport={"width": 360, "height": 800})
    try:
        sign_in(page, base_url, "editor")
        write_lesson(page, base_url, module, artifacts_dir)
        submit_for_review(page)
        lesson_url = assert_submitted_not_live(module, anonymous, base_url)

        approve_as_reviewer(browser, base_url)
        read_on_phone(anonymous, lesson_url, artifacts_dir)
    finally:
        anonymous.close()
