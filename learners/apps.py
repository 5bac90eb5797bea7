"""App configuration for learners."""

from django.apps import AppConfig


class LearnersConfig(AppConfig):
    """learners: centres, the pseudonymous learner registry, consent, staff assignments, groups."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learners"

    def ready(self):
        """Visitors' pages show the programme's help contacts and the providers listed with them: a change to
        either makes them again (home.page_cache)."""
        from home.page_cache import watch
        from learners.models import HelpContact, ServiceProvider

        watch(HelpContact, ServiceProvider)
