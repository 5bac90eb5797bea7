"""App configuration for peer_educators."""

from django.apps import AppConfig


class PeerEducatorsConfig(AppConfig):
    """peer_educators: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peer_educators"
