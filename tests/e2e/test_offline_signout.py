"""Signing out on a phone that keeps sessions: a warning while something waits to be sent, then the queue and
the kept pages (children's codes and first names) are deleted from the phone."""

import pytest
from playwright.sync_api import Page, expect

from courses.services import session_plan
from lms import roles
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAITING = """lmsQueue.add({id: crypto.randomUUID(), user: -1, session: 1, kind: "attendance", seen: {}, data: {}})"""
KEPT = (
    "caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))"
    ".then(lists => lists.flat().length)"
)


def test_signing_out_warns_about_what_waits_and_deletes_what_the_phone_kept(page: Page, live_server, users, curriculum):
    facilitator = factories.UserFactory(username="facilitator1", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    built = factories.group_with_members(
        centre=centre,
        name="Sparrows",
        facilitator=facilitator,
        modules=[curriculum["module"]],
        first_names=["Asad", "Bilal"],
        acting_user=users["admin"],
    )
    session_plan(
        group=built["group"], lesson=curriculum["lessons"][0], date=factories.days_ago(0), acting_user=users["admin"]
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("facilitator1")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("body[data-offline-kept='2']")).to_be_attached(timeout=15_000)  # one session, two pages
    page.evaluate(WAITING)  # a submission of another account, which this sign-in does not send
    assert page.evaluate(KEPT) > 0
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert warnings and "have not been sent yet" in warnings[0]
    assert page.evaluate(KEPT) == 0
    remaining = page.evaluate(
        """new Promise(ok => { const r = indexedDB.open("lms-offline", 1);
        r.onupgradeneeded = () => r.result.createObjectStore("queue", {keyPath: "id"});
        r.onsuccess = () => { const q = r.result.transaction("queue").objectStore("queue").count();
        q.onsuccess = () => ok(q.result); }; })"""
    )
    assert remaining == 0
