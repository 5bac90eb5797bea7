"""Visitors' lesson and module pages are the same for everyone, so they are kept whole, gzipped, with validators
and a public Cache-Control, and dropped when anything they show changes (issue 14); signed-in pages are not."""

import gzip
import socket

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve
from wagtail.models import PageViewRestriction

from courses.models import ModulePage, Topic
from home import page_cache
from home.models import PublicPagesVersion
from learners.models import HelpContact
from tests import factories

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:56379/11"


def redis_reachable() -> bool:
    """Whether the test Redis answers (and its client library is installed)."""
    try:
        import redis  # noqa: F401

        socket.create_connection(("127.0.0.1", 56379), timeout=0.5).close()
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def kept(request, settings):
    """The visitors' page cache on, in the in-memory cache and in Redis, emptied before and after each test."""
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip("no Redis at 127.0.0.1:56379")
        settings.CACHES = {
            **settings.CACHES,
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS},
        }
    settings.LMS_PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def locmem(settings):
    """The cache on, in memory only (for tests that are about the pages, not the cache server)."""
    settings.LMS_PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def visitor() -> Client:
    """A visitor's browser: no cookie, accepts gzip."""
    return Client(headers={"accept-encoding": "gzip, deflate, br"})


def html(response) -> str:
    """The page's HTML, unzipped when it came gzipped."""
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def served_from_cache(client: Client, url: str, django_assert_num_queries) -> str:
    """Request the page twice: the second answer costs one query (the version of the visitors' pages)."""
    client.get(url)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    return html(response)


# ---- what a visitor is sent ------------------------------------------------------------------------------------


def test_a_visitors_lesson_page_sets_no_cookie_and_may_be_kept_by_a_proxy(kept, curriculum):
    response = visitor().get(curriculum["lessons"][0].url)

    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response
    assert response["Vary"] == "Accept-Encoding", "never Cookie or Accept-Language: the address holds the language"
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=300"
    assert response["ETag"].startswith('W/"') and response["Last-Modified"].endswith("GMT")
    assert "csrfmiddlewaretoken" not in html(response)


def test_the_page_is_gzipped_for_browsers_that_accept_it_and_unzips_to_the_page_as_made(curriculum, settings):
    url = curriculum["lessons"][0].url
    settings.LMS_PUBLIC_PAGE_CACHE = False
    as_made = Client().get(url).content
    settings.LMS_PUBLIC_PAGE_CACHE = True
    cache.clear()

    zipped = visitor().get(url)
    plain = Client().get(url)

    assert zipped["Content-Encoding"] == "gzip" and int(zipped["Content-Length"]) == len(zipped.content)
    assert gzip.decompress(zipped.content) == as_made == plain.content
    assert "Content-Encoding" not in plain and int(plain["Content-Length"]) == len(as_made)
    assert len(zipped.content) < len(as_made) / 2
    assert zipped["ETag"] == plain["ETag"], "one weak ETag for the page, gzipped or not"
    cache.clear()


def test_a_browser_that_refuses_gzip_gets_the_page_plain(locmem, curriculum):
    url = curriculum["lessons"][0].url
    visitor().get(url)
    response = Client(headers={"accept-encoding": "gzip;q=0, identity"}).get(url)
    assert "Content-Encoding" not in response and response.content.startswith(b"<!doctype html>")


def test_the_second_visitor_is_answered_from_the_cache(kept, curriculum, django_assert_num_queries):
    url = curriculum["lessons"][0].url
    first = html(visitor().get(url))
    assert served_from_cache(visitor(), url, django_assert_num_queries) == first
    module_url = curriculum["module"].url
    assert "No, go, tell" in served_from_cache(visitor(), module_url, django_assert_num_queries)


def test_the_browsers_copy_is_confirmed_with_304(kept, curriculum):
    url = curriculum["lessons"][0].url
    first = visitor().get(url)

    by_etag = visitor().get(url, headers={"if-none-match": first["ETag"]})
    by_date = visitor().get(url, headers={"if-modified-since": first["Last-Modified"]})
    other = visitor().get(url, headers={"if-none-match": 'W/"another"'})

    assert by_etag.status_code == by_date.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"] and by_etag["Cache-Control"] == first["Cache-Control"]
    assert other.status_code == 200


def test_head_has_the_pages_headers_and_no_body(locmem, curriculum):
    url = curriculum["lessons"][0].url
    page = visitor().get(url)
    head = visitor().head(url)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == page["ETag"] and head["Content-Length"] == page["Content-Length"]


# ---- dropped when what it shows changes -----------------------------------------------------------------------


def test_publishing_a_new_revision_of_the_lesson_drops_it(kept, curriculum, users):
    lesson = curriculum["lessons"][0]
    before = visitor().get(lesson.url)
    lesson.title = "No, go, tell an adult"
    factories.publish(lesson, editor=users["editor"], reviewer=users["reviewer"])

    after = visitor().get(lesson.url)

    assert "No, go, tell an adult" in html(after) and after["ETag"] != before["ETag"]
    assert "No, go, tell an adult" in html(visitor().get(curriculum["module"].url)), "the module lists it anew"
    assert "No, go, tell an adult" in html(visitor().get(curriculum["lessons"][1].url)), "and its neighbour"


def test_publishing_the_module_drops_its_lessons(kept, curriculum, users):
    lesson_url = curriculum["lessons"][0].url
    visitor().get(lesson_url)
    module = curriculum["module"]
    module.title = "Staying safe together"
    factories.publish(module, editor=users["editor"], reviewer=users["reviewer"])

    assert "Staying safe together" in html(visitor().get(lesson_url)), "the lesson's breadcrumb names its module"


def test_an_unpublished_lesson_is_no_longer_served_or_listed(kept, curriculum, users):
    first, second = curriculum["lessons"]
    for url in (first.url, second.url, curriculum["module"].url):
        visitor().get(url)

    second.unpublish(user=users["reviewer"])

    assert visitor().get(second.url).status_code == 404
    assert "My safety hand" not in html(visitor().get(first.url)), "no 'Next:' link to it"
    assert "My safety hand" not in html(visitor().get(curriculum["module"].url))


def test_a_moved_lesson_leaves_its_old_address_and_its_old_module(kept, curriculum, users):
    first, second = curriculum["lessons"]
    old_url = second.url
    other = ModulePage(
        title="Asking for help",
        slug="asking-for-help",
        topic=Topic.objects.get(slug="self-protection"),
        summary="Who can help.",
        learning_outcomes="I can ask for help",
    )
    curriculum["index"].add_child(instance=other)
    factories.publish(other, editor=users["editor"], reviewer=users["reviewer"])
    for url in (old_url, first.url, curriculum["module"].url):
        visitor().get(url)

    second.move(other, pos="last-child", user=users["admin"])
    second.refresh_from_db()

    moved = visitor().get(old_url)
    assert moved.status_code == 301 and moved["Location"] == second.url, "Wagtail's redirect, not the kept page"
    assert visitor().get(second.url).status_code == 200 and second.url.startswith("/modules/asking-for-help/")
    assert "My safety hand" not in html(visitor().get(curriculum["module"].url))
    assert "My safety hand" not in html(visitor().get(first.url))


def test_a_deleted_lesson_is_gone_from_its_neighbours(kept, curriculum):
    first, second = curriculum["lessons"]
    old_url = second.url
    for url in (old_url, first.url):
        visitor().get(url)

    second.delete()

    assert visitor().get(old_url).status_code == 404
    assert "My safety hand" not in html(visitor().get(first.url))


def test_a_new_programme_help_contact_shows_at_once(locmem, curriculum):
    url = curriculum["lessons"][0].url
    visitor().get(url)
    HelpContact.objects.create(name="Night helpline", phone="0800-1234")
    assert "0800-1234" in html(visitor().get(url))


def test_a_page_made_private_is_no_longer_served_to_visitors(locmem, curriculum):
    lesson = curriculum["lessons"][0]
    assert visitor().get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.LOGIN)
    assert visitor().get(lesson.url).status_code == 302


def test_a_change_made_while_the_page_was_being_made_leaves_it_unkept(locmem, curriculum, monkeypatch):
    """The version is read before the page is made: a page made across a change is kept under the old version,
    which the next request no longer accepts."""
    url = curriculum["lessons"][0].url
    made = page_cache.kept_from

    def change_meanwhile(response, version):
        page_cache.public_pages_changed()
        return made(response, version)

    key = page_cache.cache_key(RequestFactory().get(url))
    monkeypatch.setattr(page_cache, "kept_from", change_meanwhile)
    visitor().get(url)
    monkeypatch.setattr(page_cache, "kept_from", made)
    assert page_cache.KeptPage.from_cache(cache.get(key)).version != page_cache.current_version()

    visitor().get(url)

    assert page_cache.KeptPage.from_cache(cache.get(key)).version == page_cache.current_version()


def test_every_change_of_the_page_tree_and_every_migrate_gives_a_new_version(curriculum, users):
    lesson = curriculum["lessons"][0]
    seen = {page_cache.current_version()}
    factories.publish(lesson, editor=users["editor"], reviewer=users["reviewer"])
    seen.add(page_cache.current_version())
    lesson.save_revision(user=users["editor"])  # a draft: pages made again, harmlessly
    seen.add(page_cache.current_version())
    PublicPagesVersion.objects.all().delete()
    page_cache.after_migrate(sender=None)
    seen.add(page_cache.current_version())
    assert len(seen) == 4 and "" not in seen


# ---- never for signed-in users, posts, sessions, messages, query strings --------------------------------------


def test_a_signed_in_user_gets_their_own_page_plain_private_and_never_kept(locmem, curriculum, users):
    url = curriculum["lessons"][0].url
    visitor().get(url)  # the visitors' copy is kept
    facilitator = Client(headers={"accept-encoding": "gzip"})
    facilitator.force_login(users["facilitator"])

    response = facilitator.get(url)

    assert "Facilitator view" in response.text, "not the visitors' copy"
    assert "Content-Encoding" not in response and "ETag" not in response
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    cache.clear()
    facilitator.get(url)
    assert cache.get(page_cache.cache_key(RequestFactory().get(url))) is None, "and nothing kept from it"
    assert "Facilitator view" not in html(visitor().get(url))


@pytest.mark.parametrize(
    "ask",
    [
        lambda client, url: client.post(url),
        lambda client, url: client.get(url, {"page": "2"}),
        lambda client, url: (client.cookies.load({"sessionid": "abc"}), client.get(url))[1],
        lambda client, url: (client.cookies.load({CookieStorage.cookie_name: "x"}), client.get(url))[1],
    ],
    ids=["post", "query-string", "session-cookie", "messages-cookie"],
)
def test_posts_query_strings_and_session_or_message_cookies_bypass_the_cache(locmem, curriculum, ask):
    url = curriculum["lessons"][0].url
    visitor().get(url)
    response = ask(visitor(), url)
    assert (
        "ETag" not in response
        and "Content-Encoding" not in response
        and "public" not in response.get("Cache-Control", "")
    )


def test_the_language_cookie_does_not_change_a_page_of_the_tree(locmem, curriculum):
    url = curriculum["lessons"][0].url
    reader = visitor()
    reader.cookies.load({"django_language": "ur"})
    assert '<html lang="en" dir="ltr">' in html(reader.get(url)), "the address decides the language"
    assert '<html lang="en" dir="ltr">' in html(reader.get(url))


# ---- the language, by link ------------------------------------------------------------------------------------


def test_a_visitor_reads_the_urdu_lesson_at_its_address_without_a_token(
    locmem, curriculum, users, django_assert_num_queries
):
    editor, reviewer = users["editor"], users["reviewer"]
    factories.translate(curriculum["module"], editor=editor, reviewer=reviewer, title="محفوظ رہنا")
    urdu = factories.translate(curriculum["lessons"][0], editor=editor, reviewer=reviewer, title="نہیں، جاؤ، بتاؤ")
    english_url = curriculum["lessons"][0].url

    english = html(visitor().get(english_url))
    response = visitor().get(urdu.url)
    page = html(response)

    assert f'href="{urdu.url}" hreflang="ur"' in english, "a plain link to the Urdu page"
    assert response.status_code == 200 and not response.cookies and response["Content-Language"] == "ur"
    assert '<html lang="ur" dir="rtl">' in page and "نہیں، جاؤ، بتاؤ" in page
    assert f'href="{english_url}" hreflang="en"' in page and "csrfmiddlewaretoken" not in page
    assert 'href="/language/en/?next=' in page, "the footer's plain link, no form"
    assert served_from_cache(visitor(), urdu.url, django_assert_num_queries) == page


# ---- the pieces ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, accepted",
    [("gzip", True), ("deflate, gzip;q=0.5", True), ("gzip;q=0", False), ("br", False), ("", False), ("*", True)],
)
def test_accept_encoding_is_read_with_its_weights(header, accepted):
    request = RequestFactory().get("/", headers={"accept-encoding": header})
    assert page_cache.accepts_gzip(request) is accepted


def anonymous_request(url: str):
    """A visitor's GET of a page of the tree, as the middleware sees it after the view."""
    request = RequestFactory().get(url)
    request.resolver_match = resolve(url)
    request.user = AnonymousUser()
    return request


def test_a_response_that_sets_a_cookie_or_a_nonce_is_never_kept(db):
    request = anonymous_request("/modules/")
    plain = HttpResponse("<p>page</p>")
    with_cookie = HttpResponse("<p>page</p>")
    with_cookie.set_cookie("csrftoken", "x")
    with_nonce = HttpResponse("<p>page</p>", headers={"Content-Security-Policy": "script-src 'nonce-abc'"})
    varies = HttpResponse("<p>page</p>", headers={"Vary": "User-Agent"})
    private = HttpResponse("<p>page</p>", headers={"Cache-Control": "private"})

    assert page_cache.keepable(request, plain)
    assert not any(page_cache.keepable(request, r) for r in (with_cookie, with_nonce, varies, private))
    assert not page_cache.keepable(anonymous_request("/dashboard/"), plain), "only the page tree's pages"


def test_a_cache_that_fails_leaves_the_page_as_it_would_be_without_one(locmem, curriculum, monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

    url = curriculum["lessons"][0].url
    monkeypatch.setattr(page_cache, "cache", Down())
    response = visitor().get(url)
    assert response.status_code == 200 and "No, go, tell" in response.text and "ETag" not in response
