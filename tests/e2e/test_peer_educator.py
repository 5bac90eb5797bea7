"""A peer educator on a phone: peer1 signs in, runs today's session for the group he leads marking one
learner absent, and logs an activity on his in-progress social action project; then facilitator1
approves the other project peer1 proposed."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from courses import services as delivery
from courses.models import Attendance, Session
from lms import roles
from peer_educators import services as peer_services
from peer_educators.models import ActivityLog, PeerEducator, Project
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 800}
GROUP = "Falcons"
MEMBERS = ["Asad", "Bilal", "Danish", "Faheem", "Hamid"]
ABSENT = "Danish"
RUNNING = "Clean water at the bus stop"
PROPOSED = "Safe walk to school"
DESCRIPTION = "Talked with shopkeepers about the broken tap"
APPROVAL = "Good plan: start with the parents' meeting"


@pytest.fixture
def peer_world(users):
    """facilitator1's centre; peer1, an active peer educator mentored by facilitator1, leading a group of five
    with a session planned today; a project of peer1's in progress and another one only proposed."""
    facilitator = factories.UserFactory(username="facilitator1", first_name="Nadia", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    account = factories.UserFactory(username="peer1", first_name="Karim", role=roles.PEER_EDUCATORS)
    learner = factories.consenting_learner(
        centre=centre, first_name="Karim", acting_user=facilitator, joined_days_ago=900, age=18
    )
    peer = PeerEducator.objects.create(
        learner=learner,
        user=account,
        mentor=facilitator,
        status=PeerEducator.Status.ACTIVE,
        endorsement="Ready to lead.",
        endorsed_by=facilitator,
    )

    module, lessons = factories.published_module(
        "Speaking up", ["Finding your voice", "Asking for help"], editor=users["editor"], reviewer=users["reviewer"]
    )
    built = factories.group_with_members(
        centre=centre,
        name=GROUP,
        facilitator=facilitator,
        modules=[module],
        first_names=MEMBERS,
        acting_user=facilitator,
    )
    peer_services.peer_group_assign(group=built["group"], peer=peer, acting_user=facilitator)
    session = delivery.session_plan(
        group=built["group"], lesson=lessons[0], date=factories.days_ago(0), acting_user=facilitator
    )

    running = peer_services.project_propose(
        centre=centre,
        title=RUNNING,
        problem="The tap at the bus stop has been broken for months.",
        goal="Get the tap fixed by the town committee.",
        place="Main bus stop",
        team=[learner, built["learners"][0]],
        acting_user=account,
    )
    # Proposed two weeks ago and already under way: one activity logged last week.
    Project.objects.filter(pk=running.pk).update(created_on=factories.days_ago(14))
    running.refresh_from_db()
    peer_services.project_approve(project=running, comment="Go ahead.", acting_user=facilitator)
    peer_services.activity_log_add(
        project=running,
        date=factories.days_ago(7),
        description="Met the town committee",
        reach={"officials_male": 2},
        acting_user=account,
    )
    proposed = peer_services.project_propose(
        centre=centre,
        title=PROPOSED,
        problem="Children are harassed on the way to school.",
        goal="Walk together in groups with a trusted adult.",
        place="Jinnah Road market",
        team=[learner],
        acting_user=account,
    )
    return {
        "peer": peer,
        "session": session,
        "lesson": lessons[0],
        "learners": {learner.first_name: learner for learner in built["learners"]},
        "running": running,
        "proposed": proposed,
    }


def assert_fits_the_screen(page: Page) -> None:
    """Nothing makes the page scroll sideways on a 360 px screen (wide tables scroll inside their box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Sign in on the site (not the admin)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def run_todays_session(page: Page, base_url: str, world: dict, artifacts_dir) -> None:
    """From his home, peer1 opens today's session of his group, marks one learner absent and saves."""
    expect(page).to_have_url(f"{base_url}/peer/")
    expect(page.get_by_role("heading", name="My groups", level=1)).to_be_visible()
    assert_fits_the_screen(page)
    page.screenshot(path=artifacts_dir / "peer-home-360.png", full_page=True)

    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=GROUP, level=2))
    expect(card).to_contain_text(world["lesson"].title)
    card.get_by_role("link", name=re.compile(r"^Run session")).first.click()
    expect(page.get_by_role("heading", name=world["lesson"].title, level=1)).to_be_visible()
    attendance = page.get_by_role("region", name=re.compile(r"^Attendance"))
    absent = world["learners"][ABSENT]
    attendance.get_by_role("group", name=f"{absent.code} {absent.first_name}").get_by_label("Absent").check()
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    expect(page.get_by_role("heading", name=f"Progress of {GROUP}", level=1)).to_be_visible()


def log_activity(page: Page, base_url: str) -> None:
    """peer1 opens his in-progress project and logs what the team did today."""
    page.goto(f"{base_url}/peer/")
    page.get_by_role("link", name=RUNNING, exact=True).click()
    expect(page.get_by_role("heading", name=RUNNING, level=1)).to_be_visible()
    expect(page.locator("main .tag").first).to_have_text("In progress")
    page.get_by_role("link", name="Log an activity").click()
    expect(page.get_by_role("heading", name="Log an activity", level=1)).to_be_visible()
    page.get_by_label("Date").fill(factories.days_ago(0).isoformat())
    page.get_by_label("What was done").fill(DESCRIPTION)
    page.get_by_label("Children: Female").fill("6")
    page.get_by_label("Children: Male").fill("4")
    page.get_by_label("Community members: Female").fill("3")
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_role("status")).to_contain_text("logged")
    expect(page.get_by_role("heading", name=RUNNING, level=1)).to_be_visible()
    expect(page.get_by_text(DESCRIPTION)).to_be_visible()
    expect(page.get_by_text("15 people reached in all.")).to_be_visible()


def approve_as_facilitator(browser: Browser, base_url: str, artifacts_dir) -> None:
    """In a browser context of her own, facilitator1 finds the proposed project and approves it."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, base_url, "facilitator1")
        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        page.goto(f"{base_url}/projects/")
        expect(page.get_by_role("heading", name="Social action projects", level=1)).to_be_visible()
        page.get_by_role("link", name=PROPOSED, exact=True).click()
        expect(page.get_by_role("heading", name=PROPOSED, level=1)).to_be_visible()
        expect(page.locator("main .tag").first).to_have_text("Proposed")
        page.get_by_role("link", name="Approve", exact=True).click()
        expect(page.get_by_role("heading", name=f"Approve {PROPOSED}", level=1)).to_be_visible()
        page.get_by_label("Comment for the team").fill(APPROVAL)
        page.get_by_role("button", name="Approve the project").click()
        expect(page.get_by_role("status")).to_contain_text("approved")
        expect(page.get_by_role("heading", name=PROPOSED, level=1)).to_be_visible()
        expect(page.locator("main .tag").first).to_have_text("Approved")
        expect(page.get_by_text(APPROVAL)).to_be_visible()
        expect(page.get_by_role("link", name="Approve", exact=True)).to_have_count(0)
        assert_fits_the_screen(page)
        page.screenshot(path=artifacts_dir / "project-360.png", full_page=True)
    finally:
        context.close()


def test_peer_educator_runs_a_session_and_logs_an_activity_then_facilitator_approves(
    page: Page, browser: Browser, live_server, peer_world, artifacts_dir
):
    """peer1 records today's attendance with one learner absent and logs an activity on his project from a
    phone; facilitator1 approves his proposed project with a comment."""
    base_url = live_server.url
    page.set_viewport_size(PHONE)

    sign_in(page, base_url, "peer1")
    run_todays_session(page, base_url, peer_world, artifacts_dir)
    log_activity(page, base_url)
    approve_as_facilitator(browser, base_url, artifacts_dir)

    session = Session.objects.get(pk=peer_world["session"].pk)
    assert session.status == Session.Status.HELD
    assert session.delivered_by.username == "peer1"
    recorded = dict(session.attendance.values_list("learner__first_name", "status"))
    assert recorded == {
        name: Attendance.Status.ABSENT if name == ABSENT else Attendance.Status.PRESENT for name in MEMBERS
    }

    log = ActivityLog.objects.get(project=peer_world["running"], description=DESCRIPTION)
    assert log.date == factories.days_ago(0)
    assert log.recorded_by.username == "peer1"
    assert (log.children_female, log.children_male, log.community_female, log.people_reached) == (6, 4, 3, 13)

    proposed = Project.objects.get(pk=peer_world["proposed"].pk)
    assert proposed.status == Project.Status.APPROVED
    assert proposed.approved_by.username == "facilitator1"
    assert proposed.approval_comment == APPROVAL
