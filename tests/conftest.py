"""Shared fixtures: role users, a small published curriculum, and Chromium for browser tests."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# Fuzz tests (Hypothesis): a few examples each in CI and by default, keeping them under a minute in all;
# `make bench` runs them with many more (HYPOTHESIS_PROFILE=bench).
FUZZ_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]
hypothesis_settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=FUZZ_CHECKS, derandomize=True, database=None
)
hypothesis_settings.register_profile("bench", max_examples=500, deadline=None, suppress_health_check=FUZZ_CHECKS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Skip browser tests where Chromium is missing, unless CI demands them (then they fail)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS=1 but Chromium is not at {CHROMIUM}.")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; no background calls to outside hosts."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the site's default language: the test client runs requests in the test's
    own thread, so a request in Urdu would otherwise leave Urdu active for the tests after it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def artifacts_dir():
    """Where browser tests save screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def users(db):
    """One user per role, plus a superuser and a user with no role."""
    return factories.role_users()


@pytest.fixture
def curriculum(db, users):
    """A published module with two lessons; the first has a facilitator note and a quiz."""
    return factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
