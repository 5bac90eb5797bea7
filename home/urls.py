"""Site search (the home page and plain pages are served by Wagtail's page tree)."""

from django.urls import path

from home import views

urlpatterns = [path("search/", views.search, name="search")]
