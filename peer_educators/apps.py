"""App configuration for peer_educators."""

from django.apps import AppConfig


class PeerEducatorsConfig(AppConfig):
    """peer_educators: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peer_educators"

    def ready(self):
        """Check that project photos are stored where nothing publishes them (lms.storage)."""
        from django.core import checks

        from lms.storage import check_private_root

        checks.register(check_private_root)
