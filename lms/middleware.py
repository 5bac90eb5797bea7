"""The language of a request: from the address for pages of the curriculum, from the visitor otherwise."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation

PAGE_VIEW = "wagtail_serve"


def serves_page(path: str) -> bool:
    """True when the address is one of the Wagtail page tree's (the only addresses with a language prefix)."""
    try:
        return resolve(path).url_name == PAGE_VIEW
    except Resolver404:
        return False


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except for unprefixed addresses outside the page tree.

    The page tree is served under `i18n_patterns(prefix_default_language=False)`, and with it Django
    gives every unprefixed address the default language. That is right for /modules/... (the English
    page), but the facilitators' pages (/dashboard/, /groups/...) have one address for every language:
    there the visitor's choice (cookie, then the browser's languages) decides, as before.
    """

    def process_request(self, request):
        """Activate the address's language on pages, the visitor's language elsewhere."""
        super().process_request(request)
        if translation.get_language_from_path(request.path_info) or serves_page(request.path_info):
            return
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
