"""The caches are shared through Redis when REDIS_URL is set and kept in each process's memory otherwise; the
tests' own caches stay in memory either way."""

import json
import os
import subprocess
import sys
from pathlib import Path

from lms.settings.base import caches_for

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS = "django.core.cache.backends.redis.RedisCache"
LOCAL = "django.core.cache.backends.locmem.LocMemCache"


def caches_of(module: str, **env: str) -> dict:
    """CACHES as the settings module computes it in a fresh process with this environment."""
    clean = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "LMS_TEST_SHARED_CACHE"}}
    code = f"import json, {module} as s; print(json.dumps(s.CACHES))"
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def test_with_a_redis_url_every_cache_is_in_redis_each_under_its_own_prefix():
    caches = caches_for("redis://cache.internal:6379/2", "lms")
    assert {alias: cache["BACKEND"] for alias, cache in caches.items()} == {"default": REDIS, "reports": REDIS}
    assert {cache["LOCATION"] for cache in caches.values()} == {"redis://cache.internal:6379/2"}
    assert caches["default"]["KEY_PREFIX"] == "lms:default" and caches["reports"]["KEY_PREFIX"] == "lms:reports"
    assert caches["reports"]["TIMEOUT"] == 15 * 60


def test_without_a_redis_url_each_process_keeps_its_caches_in_memory():
    caches = caches_for("")
    assert {alias: cache["BACKEND"] for alias, cache in caches.items()} == {"default": LOCAL, "reports": LOCAL}
    assert caches["default"]["LOCATION"] != caches["reports"]["LOCATION"]


def test_the_settings_read_redis_url_from_the_environment():
    shared = caches_of("lms.settings.base", REDIS_URL="redis://127.0.0.1:6379/0", LMS_CACHE_PREFIX="staging")
    assert shared["default"]["BACKEND"] == REDIS and shared["reports"]["KEY_PREFIX"] == "staging:reports"
    assert caches_of("lms.settings.base")["default"]["BACKEND"] == LOCAL


def test_the_tests_own_caches_stay_in_memory_unless_a_test_server_asks_for_redis():
    in_tests = caches_of("lms.settings.test", REDIS_URL="redis://127.0.0.1:6379/0")
    assert in_tests["default"]["BACKEND"] == LOCAL
    assert in_tests["reports"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"
    servers = caches_of("lms.settings.test", REDIS_URL="redis://127.0.0.1:6379/0", LMS_TEST_SHARED_CACHE="1")
    assert servers["reports"]["BACKEND"] == REDIS
