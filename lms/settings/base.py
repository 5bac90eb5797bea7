"""Settings shared by every environment, read from the environment where they differ.

`DATABASE_URL` (default: a SQLite file in the project), `REDIS_URL` (a cache shared by several servers;
default: each process's memory), `DJANGO_SECRET_KEY` and `DJANGO_ALLOWED_HOSTS` configure a deployment;
nothing here calls an outside host.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # PostgreSQL's default random_page_cost (4) is meant for spinning disks: with it, a page that reads one
    # learner's or one group's attendance joins the sessions by reading the whole session table (60 ms at the
    # bench's size) instead of looking each one up (a few ms). 1.1 is the usual value for SSD storage.
    page_cost = os.environ.get("LMS_PG_RANDOM_PAGE_COST", "1.1")
    # The indicators' queries are short and run often; PostgreSQL's JIT compiler, which starts above a cost
    # threshold, spent longer compiling them than running them (280 ms of a 670 ms query at the bench's size).
    options = f"-c random_page_cost={float(page_cost)} -c jit=off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = options
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The export worker (`db_worker`) shares the file with the site: a transaction takes the write lock when it
    # begins, and waits for the other process (up to 20 s) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

INSTALLED_APPS = [
    "home",
    "learners",
    "courses",
    "peer_educators",
    "reports",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
if IS_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Visitors' pages of the page tree from the cache, before sessions and the rest (home.page_cache).
    "home.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lms.sessions.NoStoreMiddleware",
    "lms.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.sessions.IdleSignOutMiddleware",
    "home.two_factor.middleware.SecondFactorMiddleware",
    "peer_educators.middleware.FirstPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.navigation",
                "home.two_factor.context_processors.two_factor",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"

# Two-factor sign-in (home.two_factor) for every account but peer educators': an authenticator app (TOTP)
# and ten recovery codes. Off here and in development unless LMS_REQUIRE_2FA=1, so the demo accounts sign in
# with the password alone; production.py always turns it on.
LMS_REQUIRE_2FA = os.environ.get("LMS_REQUIRE_2FA", "").strip().lower() in {"1", "true", "yes", "on"}
OTP_TOTP_ISSUER = "Life Skills LMS"
# Wrong codes in a row make the next try wait 1, 2, 4, 8... seconds (django-otp's own throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1


# The client's address: behind N trusted reverse proxies (nginx in front of gunicorn: 1) it is the N-th address
# from the right of X-Forwarded-For, which those proxies append to; with 0 the header is ignored (anyone can
# send it) and the connecting address counts. See lms.throttling.client_address.
LMS_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# Sign-in throttling (django-axes, through lms.throttling.SignInHandler), for an hour: five wrong passwords
# lock that user name from that address (not from everywhere: one person's typos must not lock a peer
# educator out at every centre), and LMS_SIGNIN_ADDRESS_FAILURE_LIMIT failures with any user names lock
# the address itself (password spraying). A centre's phones often share one address, hence the higher limit.
AXES_FAILURE_LIMIT = 5
LMS_SIGNIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DJANGO_SIGNIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "lms.throttling.SignInHandler"
AXES_CLIENT_IP_CALLABLE = "lms.throttling.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Password reset requests, per hour: from one address, and for one e-mail address (over that, the same
# "check your e-mail" page and no e-mail, so the page never tells whether an account exists).
LMS_PASSWORD_RESET_PER_ADDRESS = int(os.environ.get("DJANGO_PASSWORD_RESET_PER_ADDRESS", "10"))
LMS_PASSWORD_RESET_PER_EMAIL = 3

# Sessions on shared phones: a sign-in ends when the browser closes, after LMS_SESSION_IDLE_MINUTES without
# a request (lms.sessions.IdleSignOutMiddleware), and at the latest SESSION_COOKIE_AGE after the last one.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# In the database, which every server shares: a sign-in made through one server holds on the others, and emptying
# the cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LMS_SESSION_IDLE_MINUTES = int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "30"))

# The site's default language (for visitors whose browser asks for none of LANGUAGES).
LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A visitor's choice is kept for a year (Django's default cookie ends with the browser session).
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Dates in Urdu ("2 دسمبر 2026"): Django ships no Urdu formats; lms/formats/ur/formats.py supplies them.
FORMAT_MODULE_PATH = ["lms.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Karachi")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Private files (photos of social action projects): outside MEDIA_ROOT, never published by the web server
# or WhiteNoise, served only by views that check who may see them (peer_educators.views.projects).
LMS_PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
# The largest image accepted, in pixels (width x height), for project photos and Wagtail's image library
# alike: checked from the file's header, before the image is decoded.
LMS_MAX_IMAGE_PIXELS = 40_000_000
# Caches. "default" holds the request counters of lms.throttling and Wagtail's own small caches (its sites'
# root paths, image renditions); "reports" holds the indicator dashboard's figures, kept per period, centres,
# language and state of the records (reports.indicators.dashboard): every write is audited, so a new audit
# entry means new figures, and the timeout only bounds changes made outside the site's own forms.
# With REDIS_URL (redis://host:6379/0) both live in that Redis, shared by every worker of every server, each
# under its own key prefix; without it each process keeps its own copy in memory (one server, one worker
# counts on its own). Sessions, sign-in lockouts (django-axes) and two-factor devices are in the database.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
LMS_CACHE_PREFIX = os.environ.get("LMS_CACHE_PREFIX", "lms").strip() or "lms"


def caches_for(redis_url: str, prefix: str = "lms") -> dict:
    """The CACHES setting: every alias in the Redis at `redis_url` (under `prefix:alias`) when one is given,
    otherwise in each process's memory."""
    aliases = {"default": {}, "reports": {"TIMEOUT": 15 * 60, "MAX_ENTRIES": 200}}
    caches = {}
    for alias, options in aliases.items():
        timeout = options.get("TIMEOUT", 300)
        if redis_url:
            caches[alias] = {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": f"{prefix}:{alias}",
                "TIMEOUT": timeout,
                # A Redis that does not answer fails the request within seconds instead of holding the worker.
                "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
            }
        else:
            max_entries = {"MAX_ENTRIES": options["MAX_ENTRIES"]} if "MAX_ENTRIES" in options else {}
            caches[alias] = {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": alias,
                "TIMEOUT": timeout,
                "OPTIONS": max_entries,
            }
    return caches


CACHES = caches_for(REDIS_URL, LMS_CACHE_PREFIX)

# Visitors' pages of the page tree (home.page_cache): kept whole in the "default" cache, gzipped, until anything
# they show changes (then made again), and for LMS_PUBLIC_PAGE_CACHE_SECONDS at most. Browsers may keep them for
# LMS_PUBLIC_PAGE_MAX_AGE seconds without asking (0: they ask each time, and get a 304 when nothing changed, so a
# facilitator who signs in never sees a visitor's copy), shared proxies for LMS_PUBLIC_PAGE_SHARED_MAX_AGE.
LMS_PUBLIC_PAGE_CACHE = os.environ.get("DJANGO_PUBLIC_PAGE_CACHE", "1").strip().lower() in {"1", "true", "yes", "on"}
LMS_PUBLIC_PAGE_CACHE_SECONDS = 10 * 60
LMS_PUBLIC_PAGE_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_PAGE_MAX_AGE", "0"))
LMS_PUBLIC_PAGE_SHARED_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_PAGE_SHARED_MAX_AGE", "300"))

# Background tasks (Django's task framework, the django-tasks backport that Wagtail 8 uses). Wagtail's own
# tasks (search and reference index updates) stay on "default", run at once in the request as before; the
# long exports (reports.tasks) go to "exports": a row in the database that the worker runs
# (`manage.py db_worker --backend exports`, started by `make run`; see the README for production).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "exports": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# How long a prepared export file is kept for its owner to download, in hours (then deleted).
LMS_EXPORT_TTL_HOURS = float(os.environ.get("LMS_EXPORT_TTL_HOURS", "24"))

# Retention: `manage.py anonymise_leavers` removes the identifying details of learners who left more than
# this many years ago (their code and dated records stay, so past figures do not change).
LMS_RETENTION_YEARS = int(os.environ.get("LMS_RETENTION_YEARS", "5"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {"BACKEND": "lms.storage.PrivateStorage"},  # in LMS_PRIVATE_MEDIA_ROOT
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy for the learner and facilitator site: everything from this host,
# no inline script. The Wagtail admin keeps its own rules and is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Life Skills LMS"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILEMBEDS_FINDERS = []  # no oEmbed look-ups: lessons carry their own media files
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "txt", "mp3", "m4a", "ogg", "mp4", "webm"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = LMS_MAX_IMAGE_PIXELS
# Every upload to the image library is re-encoded without its metadata (EXIF, GPS, comments) and renamed.
WAGTAILIMAGES_IMAGE_FORM_BASE = "lms.image_forms.CleanImageForm"
# The curriculum in several languages: Wagtail's own localisation, one page tree per language, translated
# with the "Translate" action (wagtail.contrib.simple_translation). Pages of the site's default
# language have no prefix (/modules/...), the others do (/ur/modules/...): see lms/urls.py.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Editors' admin stays in English (Wagtail has no Urdu catalogue); the site's users choose their language
# on the site itself (home.models.UserLanguage), which the admin never reads.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
