"""Site search, language choice and two-factor sign-in (the home page and plain pages are served by the page
tree)."""

from django.urls import include, path

from home import language, views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("language/", language.language_choose, name="language_choose"),
    path("language/<str:code>/", language.language_link, name="language_link"),
    path("accounts/two-factor/", include("home.two_factor.urls")),
]
