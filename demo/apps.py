"""App configuration for demo."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """demo: the demo data (load_demo_data) and the benchmark (bench); it may import every app, nothing imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
