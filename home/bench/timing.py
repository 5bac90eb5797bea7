"""Time pages the way a facilitator's browser asks for them: through Django's full request cycle.

Each page gets warm-up requests first (template compilation, the first connection), then one
request whose database queries are counted, then the timed requests. Server time is the wall
time around `Client.get`: middleware, view, queries and template rendering, without the network.
"""

import gc
import math
import statistics
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

WARM_UP_REQUESTS = 2
P95_TARGET_MS = 150
BYTES_TARGET = 30 * 1024


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

    @property
    def passed(self) -> bool:
        """Whether the page answered and met both targets (p95 time and size)."""
        return self.status == 200 and self.p95_ms < P95_TARGET_MS and self.bytes <= BYTES_TARGET

    def as_dict(self) -> dict:
        """The result as plain data for the JSON report."""
        return {**asdict(self), "passed": self.passed}


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least that fraction of samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def bench_client(user) -> Client:
    """A test client signed in as the user, addressed to a host the settings accept."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    host = "testserver" if not hosts or "*" in settings.ALLOWED_HOSTS else hosts[0].lstrip(".")
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def measure(client: Client, name: str, url: str, requests: int) -> PageResult:
    """Request the page: warm-up, one counted request, then `requests` timed ones."""
    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)  # production settings redirect plain HTTP
    for _ in range(WARM_UP_REQUESTS):
        client.get(url, secure=secure)
    reset_queries()  # each request clears the query log when it starts; count from an empty log
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=secure)
    query_count = len(queries)  # read now: the captured list is a slice of a log the next request clears
    if response.status_code != 200:
        return PageResult(name, url, response.status_code, 0.0, 0.0, query_count, len(response.content))
    # As lms/wsgi.py does for a served worker: objects alive now (the app, the built data set's leftovers)
    # leave the collector's generations, so a full collection no longer scans them mid-request.
    gc.collect()
    gc.freeze()
    timings = []
    for _ in range(requests):
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
    )
