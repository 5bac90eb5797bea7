"""Private file storage: files that only a view checking who may see them serves (project photos)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Files under LMS_PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT: nothing publishes them, and they have no URL."""

    @cached_property
    def base_location(self):
        """LMS_PRIVATE_MEDIA_ROOT unless a location is given."""
        return self._value_or_setting(self._location, settings.LMS_PRIVATE_MEDIA_ROOT)

    def url(self, name):
        """Refused: a private file is served by a view that checks access, never from a public address."""
        raise ValueError("Private files have no public URL; serve them through a view that checks access.")


def private_storage() -> PrivateStorage:
    """The configured private storage (STORAGES["private"]); a callable, so migrations do not record a path."""
    return storages["private"]


def check_private_root(app_configs=None, **kwargs) -> list[CheckMessage]:
    """A system check: private files must not sit where the web server or WhiteNoise publishes files."""
    private = Path(settings.LMS_PRIVATE_MEDIA_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, name)).resolve()
        if private == public or private.is_relative_to(public) or public.is_relative_to(private):
            errors.append(
                Error(
                    f"LMS_PRIVATE_MEDIA_ROOT ({private}) overlaps {name} ({public}), which is published.",
                    hint="Set DJANGO_PRIVATE_MEDIA_ROOT to a folder outside the media and static folders.",
                    id="lms.E001",
                )
            )
    return errors
