"""App configuration for learners."""

from django.apps import AppConfig


class LearnersConfig(AppConfig):
    """learners: centres, the pseudonymous learner registry, consent, staff assignments, groups."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learners"
