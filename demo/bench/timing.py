"""Time pages the way a facilitator's browser asks for them: through Django's full request cycle.

Each page gets warm-up requests first (template compilation, the first connection), then one
request whose database queries are counted, then the timed requests. Server time is the wall
time around `Client.get`: middleware, view, queries and template rendering, without the network.

Downloads are measured by reading the whole (streaming) response the way a browser would: the
time it takes, and the peak of Python memory allocated meanwhile (`tracemalloc`, in a separate
read, since tracing slows everything down).
"""

import gc
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

WARM_UP_REQUESTS = 2
P95_TARGET_MS = 150
BYTES_TARGET = 30 * 1024
REPORT_P95_TARGET_MS = 500  # the indicator pages (the target for the dashboard): heavier, for managers
CACHED_PAGE_P95_TARGET_MS = 5  # a visitor's lesson page once kept whole in the cache (issue 14)


@dataclass
class PageResult:
    """The measurements for one page."""

    name: str
    url: str
    status: int
    p50_ms: float
    p95_ms: float
    queries: int
    bytes: int
    p95_target_ms: float = P95_TARGET_MS
    bytes_target: int | None = BYTES_TARGET  # None: no size target

    @property
    def passed(self) -> bool:
        """Whether the page answered and met its targets (p95 time, and size when it has a size target)."""
        small_enough = self.bytes_target is None or self.bytes <= self.bytes_target
        return self.status == 200 and self.p95_ms < self.p95_target_ms and small_enough

    def as_dict(self) -> dict:
        """The result as plain data for the JSON report."""
        return {**asdict(self), "passed": self.passed}


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least that fraction of samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def bench_client(user) -> Client:
    """A test client signed in as the user (a visitor for None), addressed to a host the settings accept."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    host = "testserver" if not hosts or "*" in settings.ALLOWED_HOSTS else hosts[0].lstrip(".")
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def visitor_client() -> Client:
    """A visitor who is not signed in, with a browser that accepts gzip, addressed to a host the settings accept."""
    client = bench_client(None)
    client.defaults["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    return client


def measure(
    client: Client,
    name: str,
    url: str,
    requests: int,
    *,
    p95_target_ms: float = P95_TARGET_MS,
    bytes_target: int | None = BYTES_TARGET,
    before_each: Callable[[], None] = lambda: None,
) -> PageResult:
    """Request the page: warm-up, one counted request, then `requests` timed ones (`before_each` runs
    before every request, untimed: emptying a cache measures the page as its first visitor sees it)."""
    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)  # production settings redirect plain HTTP
    for _ in range(WARM_UP_REQUESTS):
        before_each()
        client.get(url, secure=secure)
    before_each()
    reset_queries()  # each request clears the query log when it starts; count from an empty log
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=secure)
    query_count = len(queries)  # read now: the captured list is a slice of a log the next request clears
    if response.status_code != 200:
        return PageResult(
            name, url, response.status_code, 0.0, 0.0, query_count, len(response.content), p95_target_ms, bytes_target
        )
    # As lms/wsgi.py does for a served worker: objects alive now (the app, the built data set's leftovers)
    # leave the collector's generations, so a full collection no longer scans them mid-request.
    gc.collect()
    gc.freeze()
    timings = []
    for _ in range(requests):
        before_each()
        start = time.perf_counter()
        client.get(url, secure=secure)
        timings.append((time.perf_counter() - start) * 1000)
    return PageResult(
        name=name,
        url=url,
        status=response.status_code,
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        queries=query_count,
        bytes=len(response.content),
        p95_target_ms=p95_target_ms,
        bytes_target=bytes_target,
    )


@dataclass
class DownloadResult:
    """One read of a download: its status, size, lines, whether it streamed, the time and the memory peak."""

    status: int
    bytes: int
    lines: int
    streaming: bool
    seconds: float
    peak_mb: float | None  # None when the read was not traced


def download(client: Client, url: str, *, traced: bool) -> DownloadResult:
    """Request a download and read every chunk, as a browser saving the file would.

    Traced, the peak is the most Python memory allocated at any moment between the request and the
    last chunk (above what was allocated before), so it grows with the rows only when they are all
    held at once.
    """
    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)
    gc.collect()
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    response = client.get(url, secure=secure)
    size = lines = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    # No response.close() here: the test client closes a streamed response once it is read, without the
    # request_finished handler that would close the database connection (and a test's transaction with it).
    seconds = time.perf_counter() - start
    peak = None
    if traced:
        peak = (tracemalloc.get_traced_memory()[1] - base) / (1024 * 1024)
        tracemalloc.stop()
    return DownloadResult(
        status=response.status_code,
        bytes=size,
        lines=lines,
        streaming=response.streaming,
        seconds=round(seconds, 2),
        peak_mb=None if peak is None else round(peak, 1),
    )


@dataclass
class RunResult:
    """One run of a function (a background task's body): what it returned, the time and the memory peak."""

    value: object
    seconds: float
    peak_mb: float | None  # None when the run was not traced


def run(function: Callable[[], object], *, traced: bool) -> RunResult:
    """Call `function` once, timed; traced, also the peak of Python memory allocated meanwhile (above what was
    allocated before), as for a download."""
    gc.collect()
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - start
    peak = None
    if traced:
        peak = (tracemalloc.get_traced_memory()[1] - base) / (1024 * 1024)
        tracemalloc.stop()
    return RunResult(value, round(seconds, 2), None if peak is None else round(peak, 1))


# ---- an Urdu lesson page: its weight and the Nastaliq font's --------------------------------------------

URDU_FONT = "fonts/noto-nastaliq-urdu-subset.woff2"
STYLESHEET = "css/site.css"
YEAR_SECONDS = 365 * 24 * 60 * 60


def cached_for_a_year(cache_control: str) -> bool:
    """Whether a Cache-Control header lets the browser keep the file a year or more without asking again."""
    parts = [part.strip() for part in cache_control.lower().split(",")]
    ages = [int(part.split("=", 1)[1]) for part in parts if part.startswith("max-age=")]
    return bool(ages) and ages[0] >= YEAR_SECONDS


def production_cache_control() -> str:
    """What production sends for the font: WhiteNoise marks a hashed static name (CompressedManifest storage
    in lms.settings.base) immutable and cacheable for ten years; an unhashed name gets WHITENOISE_MAX_AGE."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.utils.module_loading import import_string
    from whitenoise.base import WhiteNoise

    from lms.settings import base

    storage = import_string(base.STORAGES["staticfiles"]["BACKEND"])
    if issubclass(storage, ManifestFilesMixin):
        return f"max-age={WhiteNoise.FOREVER}, public, immutable"
    return f"max-age={getattr(base, 'WHITENOISE_MAX_AGE', 60)}, public"


def urdu_lesson_weight(client: Client, url: str) -> dict:
    """An Urdu lesson page's bytes: HTML and the stylesheet (the 30 KB target), and the font on a first visit
    and on the next (nothing when the cache headers keep it for a year). Read from the responses themselves,
    plus the headers production sends for the font (this server's may differ when its files are not hashed)."""
    from django.templatetags.static import static

    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)
    html = client.get(url, secure=secure)
    css = client.get(static(STYLESHEET), secure=secure)
    font = client.get(static(URDU_FONT), secure=secure)
    css_bytes = sum(len(chunk) for chunk in css.streaming_content) if css.streaming else len(css.content)
    font_bytes = sum(len(chunk) for chunk in font.streaming_content) if font.streaming else len(font.content)
    served = font.headers.get("Cache-Control", "")
    production = production_cache_control()
    return {
        "url": url,
        "lang": 'lang="ur"' in html.content.decode()[:400],
        "html_bytes": len(html.content),
        "css_bytes": css_bytes,
        "html_css_bytes": len(html.content) + css_bytes,
        "html_css_target": BYTES_TARGET,
        "font_status": font.status_code,
        "font_bytes_first_visit": font_bytes,
        "font_cache_control_here": served,
        "font_cache_control_production": production,
        "font_bytes_second_visit": 0 if cached_for_a_year(production) else font_bytes,
        "font_budget": 60 * 1024,
    }


# ---- a visitor's lesson page: kept whole, gzipped, validated --------------------------------------------------


def visitor_lesson(client: Client, url: str) -> dict:
    """What a visitor's browser is sent for a lesson page once it is kept: bytes gzipped and unzipped, the
    headers that let a proxy keep it, whether any cookie is set, and the answer to the browser's ETag."""
    import gzip

    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)
    page = client.get(url, secure=secure)
    zipped = page.get("Content-Encoding") == "gzip"
    again = client.get(url, secure=secure, headers={"if-none-match": page.get("ETag", "")})
    return {
        "url": url,
        "bytes_sent": len(page.content),
        "bytes_unzipped": len(gzip.decompress(page.content)) if zipped else len(page.content),
        "gzip": zipped,
        "cache_control": page.get("Cache-Control", ""),
        "vary": page.get("Vary", ""),
        "etag": page.get("ETag", ""),
        "cookies_set": len(page.cookies),
        "status_if_none_match": again.status_code,
    }
