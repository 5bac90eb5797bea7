"""Running two sessions without a connection: facilitator1 opens the dashboard online (the coming week's
sessions are kept on the phone), goes offline, records attendance and quiz scores for two sessions, reloads,
comes back online, and the database holds each row once, recorded by facilitator1, with the audit entries."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from wagtail.models import ModelLogEntry

from courses.models import Attendance, OfflineSubmission, QuizResult, Session
from courses.services import session_plan
from lms import roles
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 800}
GROUPS = {"Sparrows": ["Asad", "Bilal", "Danish"], "Falcons": ["Faheem", "Hamid", "Jawad"]}
ABSENT = {"Bilal", "Jawad"}


@pytest.fixture
def two_sessions(users, curriculum):
    """facilitator1's centre with two groups, each with a session of the quiz lesson planned for today."""
    facilitator = factories.UserFactory(username="facilitator1", first_name="Nadia", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    sessions, learners = [], {}
    for name, first_names in GROUPS.items():
        built = factories.group_with_members(
            centre=centre,
            name=name,
            facilitator=facilitator,
            modules=[curriculum["module"]],
            first_names=first_names,
            acting_user=users["admin"],
        )
        learners.update({learner.first_name: learner for learner in built["learners"]})
        sessions.append(
            session_plan(
                group=built["group"],
                lesson=curriculum["lessons"][0],
                date=factories.days_ago(0),
                acting_user=users["admin"],
            )
        )
    return {"facilitator": facilitator, "sessions": sessions, "learners": learners}


def _service_worker_offline(route: Route) -> None:
    """Chromium's offline emulation does not cover the service worker's own requests: refuse them here."""
    if route.request.service_worker:
        route.abort("internetdisconnected")
    else:
        route.continue_()


def go_offline(context: BrowserContext) -> None:
    context.set_offline(True)
    context.route("**/*", _service_worker_offline)


def go_online(context: BrowserContext) -> None:
    context.unroute("**/*", _service_worker_offline)
    context.set_offline(False)


def record_offline(page: Page, base_url: str, session: Session, learners: dict) -> None:
    """Open the kept session page, mark attendance, save; then the kept score page, enter scores, save."""
    page.goto(f"{base_url}/sessions/{session.pk}/")
    attendance = page.get_by_role("region", name=re.compile(r"^Attendance"))
    for name in GROUPS[session.group.name]:
        if name in ABSENT:
            attendance.get_by_role("group", name=f"{learners[name].code} {name}").get_by_label("Absent").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status").filter(has_text="Saved on this phone, not yet sent")).to_be_visible()

    page.get_by_role("link", name="Quiz scores").click()
    for name in GROUPS[session.group.name]:
        if name not in ABSENT:
            page.get_by_label(f"Pre-test score of {learners[name].code}").fill("0")
            page.get_by_label(f"Post-test score of {learners[name].code}").fill("1")
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_role("status").filter(has_text="Saved on this phone, not yet sent")).to_be_visible()


def test_two_sessions_recorded_offline_are_sent_once_when_the_connection_returns(
    page: Page, context: BrowserContext, live_server, two_sessions, artifacts_dir
):
    base_url = live_server.url
    learners = two_sessions["learners"]
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill("facilitator1")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("body[data-offline-kept='4']")).to_be_attached(timeout=15_000)  # 2 sessions, 2 pages each

    go_offline(context)
    for session in two_sessions["sessions"]:
        record_offline(page, base_url, session, learners)
    page.reload()
    status = page.get_by_role("status").filter(has_text="wait to be sent")
    expect(status).to_contain_text("4 submissions wait to be sent.")
    expect(status).to_contain_text("Saved on this phone, not yet sent")
    assert Attendance.objects.count() == 0 and QuizResult.objects.count() == 0
    page.goto(f"{base_url}/dashboard/")  # not kept: the list of kept sessions instead
    expect(page.get_by_role("heading", name="Sessions kept on this phone", level=1)).to_be_visible()
    page.screenshot(path=artifacts_dir / "offline-kept-360.png", full_page=True)

    go_online(context)
    # The "online" event can come a moment before the network is back: the script tries again within seconds.
    sent = page.get_by_role("status")
    expect(sent).to_contain_text("Everything recorded on this phone has been sent.", timeout=15_000)

    facilitator = two_sessions["facilitator"]
    for session in two_sessions["sessions"]:
        session.refresh_from_db()
        assert session.status == Session.Status.HELD and session.delivered_by == facilitator
        rows = dict(session.attendance.values_list("learner__first_name", "status"))
        assert rows == {name: "absent" if name in ABSENT else "present" for name in GROUPS[session.group.name]}
        scores = sorted(session.quiz_results.values_list("learner__first_name", "kind", "score"))
        present = sorted(name for name in GROUPS[session.group.name] if name not in ABSENT)
        assert scores == sorted([(name, "pre", 0) for name in present] + [(name, "post", 1) for name in present])
        for action in ("lms.session.record", "lms.quiz.record"):
            entries = ModelLogEntry.objects.filter(action=action, object_id=str(session.pk))
            assert [entry.user_id for entry in entries] == [facilitator.pk]
    assert Attendance.objects.count() == 6 and QuizResult.objects.count() == 8
    assert OfflineSubmission.objects.filter(status="applied", user=facilitator).count() == 4
