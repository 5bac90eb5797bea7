"""The administrators' two-factor pages in the Wagtail admin (Settings > Two-factor sign-in): every account's
state, and resetting one (a lost phone). Anyone but an administrator gets 404."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.two_factor import rules, selectors, services
from lms import access

ACCOUNTS = {"url": reverse_lazy("two_factor_accounts"), "label": gettext_lazy("Two-factor sign-in")}


class AdministratorsOnly:
    """Answer 404 to anyone but an administrator (the page's existence is not revealed)."""

    def dispatch(self, request, *args, **kwargs):
        """Refuse before anything is read."""
        if not access.is_admin(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SecondFactorAccountsView(AdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Every active account: whether it needs a second factor, has set up its app, and its recovery codes."""

    page_title = gettext_lazy("Two-factor sign-in")
    header_icon = "key"
    template_name = "home/admin/two_factor_accounts.html"

    def get_breadcrumbs_items(self):
        """Home > Two-factor sign-in."""
        return [*self.breadcrumbs_items, ACCOUNTS]

    def get_context_data(self, **kwargs):
        """The accounts, each with `applies` (signs in with a second factor) and its role names."""
        accounts = list(selectors.accounts_with_second_factor())
        for account in accounts:
            account.role_list = sorted(group.name for group in account.groups.all())
            account._lms_role_names = frozenset(account.role_list)  # lms.access's per-user cache: no query each
            account.applies = rules.second_factor_applies_to(account)
        return super().get_context_data(accounts=accounts, required=rules.needs_second_factor(self.request.user))


class SecondFactorResetView(AdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then remove an account's authenticator app and recovery codes (audited)."""

    page_title = gettext_lazy("Reset two-factor sign-in")
    header_icon = "key"
    template_name = "home/admin/two_factor_reset.html"

    def get_account(self) -> User:
        """The account named in the address."""
        return get_object_or_404(User, pk=self.kwargs["user_id"])

    def get_page_subtitle(self):
        """The account's username."""
        return self.get_account().get_username()

    def get_breadcrumbs_items(self):
        """Home > Two-factor sign-in > Reset two-factor sign-in."""
        return [*self.breadcrumbs_items, ACCOUNTS, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        """The account and what it has set up."""
        account = self.get_account()
        return super().get_context_data(account=account, state=selectors.second_factor_state(account), **kwargs)

    def post(self, request, *args, **kwargs):
        """Reset, say what was done, and go back to the list."""
        account = self.get_account()
        try:
            result = services.second_factor_reset(acting_user=request.user, user=account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("two_factor_accounts"))
        name = account.get_username()
        if result.changed_anything:
            messages.success(
                request,
                _("Two-factor sign-in of %(name)s is reset: they set up their app again when they next sign in.")
                % {"name": name},
            )
        else:
            messages.info(request, _("%(name)s had no authenticator app or recovery codes to remove.") % {"name": name})
        return redirect(reverse("two_factor_accounts"))
