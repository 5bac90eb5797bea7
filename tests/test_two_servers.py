"""Two application servers (gunicorn) on one PostgreSQL and one Redis, as the README's "Deployment on several
servers" runs them: a sign-in made through one holds on the other, a write through one is in the figures the
other serves, the figures one computed are the ones the other serves, and a request limit counts requests to
both together.

It needs PostgreSQL (`DATABASE_URL`: the servers must open the test database) and `REDIS_URL`, and is skipped
without them, saying why; `.ci/run` starts both and sets REQUIRE_TWO_SERVERS_TEST=1, which makes a skip a
failure. The servers keep their cache keys under a prefix of their own, removed at the end.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from learners.models import Learner
from tests.factories import PASSWORD, assign, make_centre, role_users

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60
REQUEST_SECONDS = 30
RESET_LIMIT = 3  # the servers' DJANGO_PASSWORD_RESET_PER_ADDRESS


def missing_services() -> str:
    """What the test lacks to run, in words ("" when nothing)."""
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL as DATABASE_URL (the servers must open the test database)")
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL")
    return "two application servers need " + " and ".join(missing) if missing else ""


MISSING = missing_services()
REQUIRED = os.environ.get("REQUIRE_TWO_SERVERS_TEST") == "1"
pytestmark = [
    pytest.mark.skipif(bool(MISSING) and not REQUIRED, reason=MISSING or "nothing missing"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url() -> str:
    """The test database (pytest-django's test_... name) as a URL the servers can open."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn application server on a free loopback port, its output in a temporary file."""

    def __init__(self, name: str, env: dict[str, str]):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"lms-server-{name}-", suffix=".log", delete=False)  # noqa: SIM115
        command = [sys.executable, "-m", "gunicorn", "lms.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--timeout", "60", "--graceful-timeout", "5"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server {self.name} stopped at start:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        pytest.fail(f"server {self.name} did not answer within {START_SECONDS} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


class Browser:
    """A person's cookies, sent to both servers alike (one site behind one proxy)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[int, str, str]:
        """(status, final URL after redirects, body)."""
        return self._open(urllib.request.Request(url))

    def post_form(self, url: str, data: dict) -> tuple[int, str, str]:
        """GET the form for its CSRF token, then POST `data` with it."""
        _status, _final, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {url}"
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}, doseq=True).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=REQUEST_SECONDS) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")

    def sign_in(self, server: Server, username: str) -> None:
        status, final, _body = self.post_form(
            f"{server.url}/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 200 and "/accounts/login/" not in final, f"{username} could not sign in on {server.name}"


def registered_on_dashboard(browser: Browser, server: Server) -> str:
    """The "children registered" figure of the dashboard a server serves (every centre, last twelve months)."""
    status, final, page = browser.get(f"{server.url}/reports/")
    assert status == 200 and final.endswith("/reports/"), f"{server.name} did not serve the dashboard ({final})"
    figure = re.search(r'data-figure="registered">.*?<span data-n="total">([^<]*)</span>', page, re.DOTALL)
    assert figure, f"no children registered figure on {server.name}'s dashboard"
    return figure.group(1).strip()


def registration(centre) -> dict:
    today = timezone.localdate()
    return {
        "centre": centre.pk,
        "first_name": "Karim",
        "sex": "m",
        "birth_year": today.year - 11,
        "age_band": "",
        "joined_on": today.isoformat(),
        "guardian_consent_on": today.isoformat(),
        "child_assent_on": today.isoformat(),
        "situation": "at_risk",
        "risk_kinds": ["street"],
    }


def test_two_servers_share_sign_ins_records_figures_and_request_limits():
    if MISSING:
        pytest.fail(f"REQUIRE_TWO_SERVERS_TEST=1 but {MISSING}.")
    redis_url = os.environ["REDIS_URL"]
    people = role_users()
    centre = make_centre("TWO")
    assign(people["facilitator"], centre)
    prefix = f"lms-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "DJANGO_CONN_MAX_AGE": "0",  # no connection left open when the test database is emptied after the test
        "REDIS_URL": redis_url,
        "LMS_TEST_SHARED_CACHE": "1",
        "LMS_CACHE_PREFIX": prefix,
        "DJANGO_PASSWORD_RESET_PER_ADDRESS": str(RESET_LIMIT),
    }
    store = redis.Redis.from_url(redis_url, socket_timeout=5)
    servers = [Server("A", env), Server("B", env)]
    a, b = servers
    try:
        for server in servers:
            server.wait_until_up()

        # A sign-in through A holds on B: sessions are in the shared database.
        manager = Browser()
        manager.sign_in(a, "manager")
        assert registered_on_dashboard(manager, a) == "0"
        assert store.keys(f"{prefix}:reports:*"), "A kept no figures in Redis"

        # A learner put straight into the database, behind the site's back (no audit entry, so the records'
        # version is unchanged): B serves the figures A computed and kept in Redis, without this learner. A
        # server with a cache of its own would compute them afresh and count one.
        Learner.objects.create(
            centre=centre,
            number=900,
            code="TWO-0900",
            first_name="Unseen",
            sex="m",
            birth_year=timezone.localdate().year - 12,
            joined_on=timezone.localdate(),
        )
        assert registered_on_dashboard(manager, b) == "0"

        # A registration through A's form is audited: both servers serve new figures with it (and the other).
        facilitator = Browser()
        facilitator.sign_in(a, "facilitator")
        status, final, _page = facilitator.post_form(f"{a.url}/learners/new/", registration(centre))
        assert status == 200 and "/learners/TWO-" in final, f"the registration through A failed ({final})"
        assert registered_on_dashboard(manager, b) == "2"
        assert registered_on_dashboard(manager, a) == "2"

        # The password reset limit per address counts the requests to both servers together.
        visitor = Browser()
        statuses = [
            visitor.post_form(f"{server.url}/accounts/password_reset/", {"email": f"nobody{n}@example.org"})[0]
            for n, server in enumerate([a, b] * RESET_LIMIT)
        ]
        assert statuses[:RESET_LIMIT] == [200] * RESET_LIMIT and set(statuses[RESET_LIMIT:]) == {429}, statuses
    finally:
        for server in servers:
            server.stop()
        for key in store.scan_iter(match=f"{prefix}:*"):
            store.delete(key)
        store.close()
