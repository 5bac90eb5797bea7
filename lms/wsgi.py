"""WSGI entry point for gunicorn: `gunicorn lms.wsgi`. Uses production settings by default."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# Move everything loaded at start-up (Django, Wagtail, the URL and template machinery) out of the
# garbage collector's generations: full collections then scan only what requests create, which
# removes pauses of tens of milliseconds from some requests.
gc.collect()
gc.freeze()
