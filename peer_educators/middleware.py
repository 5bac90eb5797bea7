"""Send a newly promoted peer educator to choose their own password before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from lms import access, roles
from peer_educators.models import PeerEducator


class FirstPasswordMiddleware:
    """Redirect a signed-in peer educator who still has their one-time password to the first-password page.

    Costs no query for anyone outside the Peer educators role: the role names are read once per
    request and kept on the user (lms.access.has_role), and the other pages read them anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_change_password(request):
            return redirect("first_password")
        return self.get_response(request)

    def _must_change_password(self, request) -> bool:
        user = request.user
        # Superusers are never peer educators; skipping them spares their pages the role query.
        if not user.is_authenticated or user.is_superuser or not access.has_role(user, roles.PEER_EDUCATORS):
            return False
        if self._allowed(request.path_info):
            return False
        return PeerEducator.objects.filter(user=user, must_change_password=True).exists()

    @staticmethod
    def _allowed(path: str) -> bool:
        """Pages a peer educator may open before changing their password: that page, sign out, languages, files."""
        allowed = (reverse("first_password"), reverse("logout"), reverse("set_language"), reverse("language_choose"))
        prefixes = (settings.STATIC_URL or "/static/", "/i18n/", "/language/")
        return path in allowed or path.startswith(prefixes)
