"""Visitors' pages of the page tree, kept whole in the cache, gzipped once, and dropped when anything they show changes.

A visitor who is not signed in gets the same lesson, module or home page as every other visitor: no token,
no cookie, nothing of theirs (the language is in the address, /ur/...). `PublicPageCacheMiddleware` keeps the
first visitor's page in the "default" cache (gzipped, with an ETag and the time it was made) and answers the
next visitors from it with one query only: the version of the visitors' pages.

That version is one row (`home.models.PublicPagesVersion`) whose token changes with any change in the page tree
(saved, published, unpublished, moved, copied or deleted: drafts too) and in what pages show beside it (images,
documents, sites, locales, view restrictions, and the models the apps `watch`: topics, help contacts, service
providers), and after every `migrate` (a deployment). A page kept under another token is not served. One version
for every page rather than dropping the pages a change touches: a lesson shows its module, its neighbours'
titles and its translations' links, a move changes every address below it, and changes are rare while reading
is constant, so re-rendering each page once after a change costs little and misses nothing. In the database
rather than in the cache: each gunicorn worker has its own in-memory cache, but all read the same row, and the
new token shows up at the commit of the change itself (never before its content can be read).

Never kept: requests with a query string, a session or messages cookie (signed-in users, a pending message),
anything but GET and HEAD, and any response that is not a plain 200 HTML page of the page tree for an anonymous
user, or that sets a cookie, varies on more than the cookie, language or encoding, is marked private or no-store,
or carries a CSP nonce. Signed-in pages are never compressed here (BREACH) and stay private and no-store.
"""

import gzip
import hashlib
import logging
import time
import uuid
from dataclasses import astuple, dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.middleware import is_page, serves_page

logger = logging.getLogger(__name__)

KEY_PREFIX = "lms:public-page:"
# Response headers that are worked out again for each answer, or never kept.
NOT_KEPT = {
    "cache-control",
    "content-encoding",
    "content-length",
    "date",
    "etag",
    "expires",
    "last-modified",
    "set-cookie",
    "vary",
}
# What a visitor's page may vary on: the cookie (read for `request.user`, none sent), the language (in the
# address for the page tree), the encoding (answered here).
SAFE_VARY = {"cookie", "accept-language", "accept-encoding"}


# ---- the version of the visitors' pages ----------------------------------------------------------------------


def current_version() -> str:
    """The token of the visitors' pages now ("" before the first change)."""
    from home.models import PublicPagesVersion

    return PublicPagesVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def public_pages_changed(**kwargs) -> None:
    """Give the visitors' pages a new version, so that every kept page is made again (a signal receiver too).

    Inside a transaction the new token is seen by other requests at its commit, with the change itself."""
    from home.models import PublicPagesVersion

    token = uuid.uuid4().hex
    if not PublicPagesVersion.objects.filter(pk=1).update(token=token):
        PublicPagesVersion.objects.get_or_create(pk=1, defaults={"token": token})


def _page_changed(sender, instance, **kwargs) -> None:
    """post_save and post_delete of any model: a new version when the instance is a page (of any type)."""
    if isinstance(instance, Page):
        public_pages_changed()


def watch(*models) -> None:
    """Drop the visitors' pages whenever a row of these models is saved or deleted (what pages show of them)."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(public_pages_changed, sender=model, dispatch_uid=f"page_cache.save.{label}")
        post_delete.connect(public_pages_changed, sender=model, dispatch_uid=f"page_cache.delete.{label}")


def after_migrate(sender, using="default", **kwargs) -> None:
    """A deployment (`migrate`) may bring new templates: make every page again. Quiet where the table is missing
    (migrating backwards)."""
    try:
        with transaction.atomic(using=using):
            public_pages_changed()
    except DatabaseError:
        pass


def connect() -> None:
    """Connect the receivers of the page tree's changes and of Wagtail's images, documents, sites and locales."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, PageViewRestriction, Site

    page_published.connect(public_pages_changed, dispatch_uid="page_cache.published")
    page_unpublished.connect(public_pages_changed, dispatch_uid="page_cache.unpublished")
    post_page_move.connect(public_pages_changed, dispatch_uid="page_cache.moved")
    post_save.connect(_page_changed, dispatch_uid="page_cache.page_saved")
    post_delete.connect(_page_changed, dispatch_uid="page_cache.page_deleted")
    watch(get_image_model(), get_document_model(), Site, Locale, PageViewRestriction)


# ---- keeping and answering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptPage:
    """A visitor's page as kept: the version it was made under, its headers, its gzipped body and validators."""

    version: str
    headers: tuple[tuple[str, str], ...]
    gzipped: bytes
    etag: str
    made_at: int  # seconds since the epoch: its Last-Modified

    @classmethod
    def from_cache(cls, raw) -> "KeptPage | None":
        """The page from what the cache holds (a plain tuple, so that a new release reads an old one or ignores it)."""
        try:
            return cls(*raw)
        except TypeError:
            return None


def is_cacheable_request(request: HttpRequest) -> bool:
    """A visitor's plain GET or HEAD of a page of the tree: no query string, no session or messages cookie."""
    if not settings.LMS_PUBLIC_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if request.META.get("QUERY_STRING") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    path = request.path_info
    # The page tree's addresses carry their language (/ur/...); read them in it, as LocaleMiddleware will.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        return serves_page(path)


def cache_key(request: HttpRequest) -> str:
    """The page's key: its scheme, host and path (each site, each language, each page its own)."""
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    return KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def cache_control() -> str:
    """Cache-Control of a visitor's page: anyone may keep it; a proxy for s-maxage, a browser for max-age."""
    return f"public, max-age={settings.LMS_PUBLIC_PAGE_MAX_AGE}, s-maxage={settings.LMS_PUBLIC_PAGE_SHARED_MAX_AGE}"


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the browser accepts gzip (named in Accept-Encoding, and not with q=0)."""
    for part in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _sep, params = part.partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a response to a cacheable request is the same for every visitor and may be kept."""
    if request.method != "GET" or response.status_code != 200 or response.streaming or response.cookies:
        return False
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if not is_page(match) or (user is not None and user.is_authenticated):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if not vary <= SAFE_VARY or response.has_header("Content-Encoding"):
        return False
    return response.get("Content-Type", "").startswith("text/html") and "'nonce-" not in response.get(
        "Content-Security-Policy", ""
    )


def kept_from(response: HttpResponse, version: str) -> KeptPage:
    """The page to keep: headers but the ones worked out per answer, the body gzipped once, a weak ETag (the
    same page gzipped or not) from the body's hash."""
    body = response.content
    headers = tuple((name, value) for name, value in response.items() if name.lower() not in NOT_KEPT)
    return KeptPage(
        version=version,
        headers=headers,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        etag=f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
        made_at=int(time.time()),
    )


def answer(request: HttpRequest, page: KeptPage) -> HttpResponse:
    """The kept page for this request: gzipped when accepted, 304 when the browser's copy is current, no body
    for HEAD."""
    gzipped = accepts_gzip(request)
    body = page.gzipped if gzipped else gzip.decompress(page.gzipped)
    response = HttpResponse(b"" if request.method == "HEAD" else body)
    for name, value in page.headers:
        response.headers[name] = value
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    response.headers["ETag"] = page.etag
    response.headers["Last-Modified"] = http_date(page.made_at)
    response.headers["Cache-Control"] = cache_control()
    response.headers["Vary"] = "Accept-Encoding"
    return get_conditional_response(request, etag=page.etag, last_modified=page.made_at, response=response)


class PublicPageCacheMiddleware:
    """Answer visitors' page-tree requests from the cache, and keep the pages they are given (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = cache_key(request)
        version = current_version()  # read before the page is made: a change meanwhile leaves it stale, not kept
        try:
            kept = KeptPage.from_cache(cache.get(key))
        except Exception:  # a cache server down must not take the pages with it: make the page as without a cache
            logger.exception("Reading a visitor's page from the cache failed")
            return self.get_response(request)
        if kept is not None and kept.version == version:
            return answer(request, kept)
        response = self.get_response(request)
        if not keepable(request, response):
            return response
        kept = kept_from(response, version)
        try:
            cache.set(key, astuple(kept), settings.LMS_PUBLIC_PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Keeping a visitor's page in the cache failed")
        return answer(request, kept)
