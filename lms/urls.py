"""URL configuration: the Wagtail admin, accounts, language switching and the page tree."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # First: home's URLs include the two throttled password reset pages, in place of Wagtail's and Django's.
    path("", include("home.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("learners.urls")),
    path("", include("courses.urls")),
    path("", include("peer_educators.urls")),
    path("", include("reports.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The page tree only is served per language: the default language unprefixed (/modules/...), the others
# under their code (/ur/modules/...), so each language version of a page has its own address.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
