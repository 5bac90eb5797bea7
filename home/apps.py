"""App configuration for home."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """home: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        """Connect the sign-in receiver that restores the account's language."""
        from home import language  # noqa: F401
