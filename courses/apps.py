"""App configuration for courses."""

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """courses: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
