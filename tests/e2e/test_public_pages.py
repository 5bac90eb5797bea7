"""A visitor on a small phone reads a kept lesson page (gzipped, no cookie) and switches between English and Urdu
with the footer's plain links, no form or token (issue 14)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

URDU_TITLE = "نہیں، جاؤ، بتاؤ"


@pytest.fixture
def kept_pages(settings):
    """Visitors' pages kept in the cache, as in production."""
    settings.LMS_PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_visitor_switches_language_with_plain_links_on_a_kept_page(
    kept_pages, browser: Browser, live_server, curriculum, users, artifacts_dir
):
    editor, reviewer = users["editor"], users["reviewer"]
    factories.translate(curriculum["module"], editor=editor, reviewer=reviewer, title="محفوظ رہنا")
    urdu = factories.translate(curriculum["lessons"][0], editor=editor, reviewer=reviewer, title=URDU_TITLE)
    english_url = f"{live_server.url}{curriculum['lessons'][0].url}"
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        page = context.new_page()
        page.goto(english_url)  # the first visitor: the page is made and kept
        response = page.reload()
        assert response.status in (200, 304)
        first = page.request.get(english_url, headers={"accept-encoding": "gzip"})
        assert first.headers["content-encoding"] == "gzip" and first.headers["cache-control"].startswith("public")
        assert context.cookies() == [], "reading a lesson sets no cookie"
        footer = page.locator("footer nav.language")
        expect(footer.get_by_role("link", name="اردو")).to_be_visible()
        assert page.locator("footer form").count() == 0, "no form, so no token"
        footer.scroll_into_view_if_needed()
        page.screenshot(path=artifacts_dir / "public-lesson-english-360.png", full_page=True)

        footer.get_by_role("link", name="اردو").click()

        expect(page).to_have_url(f"{live_server.url}{urdu.url}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.get_by_role("heading", name=URDU_TITLE, level=1)).to_be_visible()
        assert [cookie["name"] for cookie in context.cookies()] == ["django_language"], "the link's only cookie"
        expect(page.locator("footer nav.language").get_by_role("link", name="English")).to_be_visible()
        page.locator("footer nav.language").scroll_into_view_if_needed()
        page.screenshot(path=artifacts_dir / "public-lesson-urdu-360.png", full_page=True)

        page.locator("footer nav.language").get_by_role("link", name="English").click()
        expect(page).to_have_url(english_url)
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
    finally:
        context.close()
