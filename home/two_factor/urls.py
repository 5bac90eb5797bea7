"""The site's two-factor pages, under /accounts/two-factor/."""

from django.urls import path

from home.two_factor import views

urlpatterns = [
    path("", views.two_factor, name="two_factor"),
    path("set-up/", views.two_factor_enrol, name="two_factor_enrol"),
    path("verify/", views.two_factor_verify, name="two_factor_verify"),
]
