"""App configuration for home."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """home: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        """Connect the sign-in receivers (the account's language, the audit of signing in and out) and those that
        drop the visitors' kept pages when the page tree changes, and after `migrate`."""
        from django.db.models.signals import post_migrate

        from home import accounts, language, page_cache  # noqa: F401

        page_cache.connect()
        post_migrate.connect(page_cache.after_migrate, sender=self, dispatch_uid="page_cache.after_migrate")
