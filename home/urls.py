"""Site search, language choice, the throttled password reset pages and two-factor sign-in (the home page
and plain pages are served by Wagtail's page tree)."""

from django.urls import include, path

from home import accounts, language, views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("language/", language.language_choose, name="language_choose"),
    path("language/<str:code>/", language.language_link, name="language_link"),
    # In place of Django's and Wagtail's own (lms/urls.py lists these first).
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("admin/password_reset/", accounts.AdminPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("accounts/two-factor/", include("home.two_factor.urls")),
]
