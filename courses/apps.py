"""App configuration for courses."""

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """courses: see ARCHITECTURE.md for what lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"

    def ready(self):
        """Module pages show their topic: a renamed topic makes visitors' pages again (home.page_cache)."""
        from courses.models import Topic
        from home.page_cache import watch

        watch(Topic)
