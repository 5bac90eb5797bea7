"""Production settings: HTTPS only, secret key required, static files hashed and compressed."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Production needs a long random secret key, for example: "
        "export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\""
    )
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Give the site's host names, comma-separated, "
        "for example: export DJANGO_ALLOWED_HOSTS=lms.example.org"
    )


def _flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# Every account but peer educators' signs in with a second factor in production, whatever the environment says.
LMS_REQUIRE_2FA = True
SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("DJANGO_HSTS_PRELOAD", True)
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Wagtail's live preview shows the page being edited in a frame from this same site, so frames
# stay allowed from the same origin (X_FRAME_OPTIONS = "SAMEORIGIN", CSP frame-ancestors 'self').
SILENCED_SYSTEM_CHECKS = ["security.W019"]
