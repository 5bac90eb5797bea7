"""App configuration for home."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """home: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        """Connect the sign-in receivers: the account's language, and the audit of signing in and out."""
        from home import accounts, language  # noqa: F401
