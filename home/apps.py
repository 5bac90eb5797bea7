"""App configuration for home."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """home: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
