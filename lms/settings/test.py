"""Test settings: fast password hashing, in-memory-friendly storage, no throttling surprises."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import caches_for

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A copy, so that lms.settings.base.STORAGES keeps production's hashed storage (the bench reads it).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405


def scratch_folder(prefix):
    """A folder of the system's temporary space for this process alone, removed when the process ends."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


MEDIA_ROOT = scratch_folder("lms-test-media-")
LMS_PRIVATE_MEDIA_ROOT = scratch_folder("lms-test-private-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
STATIC_ROOT = scratch_folder("lms-test-static-")
WHITENOISE_USE_FINDERS = True
# Tests compare figures across data sets whose audit entries can reuse ids after a rollback: no caching
# of figures (tests/reports/test_dashboard_cache.py turns it on where it is the subject). The tests' own
# caches stay in memory whatever REDIS_URL says: tests empty them, which must never empty a Redis that
# something else uses. The servers that tests/test_two_servers.py starts set LMS_TEST_SHARED_CACHE=1 and
# so keep REDIS_URL's caches, under the key prefix it gives them (LMS_CACHE_PREFIX).
if os.environ.get("LMS_TEST_SHARED_CACHE") != "1":
    CACHES = {**caches_for(""), "reports": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# Two-factor sign-in stays off, whatever the environment says; tests/home/test_two_factor.py turns it on.
LMS_REQUIRE_2FA = False
# Visitors' pages are not kept between requests: tests change pages and settings under the same addresses.
# tests/home/test_page_cache.py turns it on where it is the subject, and the bench times it as production runs it.
LMS_PUBLIC_PAGE_CACHE = False
# Exports run at once, in the request (tests/reports/test_background_exports.py uses the database backend).
TASKS = {**TASKS, "exports": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # noqa: F405
