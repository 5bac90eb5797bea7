"""Site search and language choice (the home page and plain pages are served by Wagtail's page tree)."""

from django.urls import path

from home import language, views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("language/", language.language_choose, name="language_choose"),
    path("language/<str:code>/", language.language_link, name="language_link"),
]
