"""The site's two-factor pages: set up the authenticator app, give a code at sign-in, renew recovery codes.

Recovery codes are shown once, in the answer to the form that makes them (never stored in clear, never
cached by the browser), with a layout that prints on one sheet.
"""

import base64
import io
from urllib.parse import urlencode

import django_otp
import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from home.language import safe_next
from home.two_factor import rules, selectors, services
from home.two_factor.forms import EnrolForm, RecoveryCodesForm, VerifyForm


def next_address(request: HttpRequest) -> str:
    """Where to go once the second factor is given: the page first asked for, or the dashboard."""
    return safe_next(request, fallback=reverse("dashboard"))


def with_next(name: str, next_url: str) -> str:
    """The address of the named page, carrying `next` along."""
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def qr_code_image(data: str) -> str:
    """A QR code of `data`, drawn here as a PNG in a data: address (no outside host; the CSP allows data:
    images): black on white, about 1 KB."""
    buffer = io.BytesIO()
    qrcode.make(data, box_size=6, border=2).save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def spaced(secret: str) -> str:
    """A secret key in groups of four letters, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def grouped(code: str) -> str:
    """A recovery code as two groups of five ("abcde-fghij"); it is accepted with or without the dash."""
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


def show_recovery_codes(request: HttpRequest, codes: list[str], *, next_url: str, first_time: bool) -> HttpResponse:
    """The recovery codes, once: to print or write down."""
    context = {"codes": [grouped(code) for code in codes], "next": next_url, "first_time": first_time}
    return render(request, "home/two_factor_codes.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then type the app's first code.
    On success the session counts as verified and the first recovery codes are shown."""
    user, next_url = request.user, next_address(request)
    if not rules.needs_second_factor(user):
        return redirect("dashboard")
    if rules.is_enrolled(user):
        return redirect(next_url if rules.is_verified(user) else with_next("two_factor_verify", next_url))
    device = services.totp_device_start(acting_user=user, user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (enrolment := form.submit(acting_user=user, user=user)):
        django_otp.login(request, enrolment.device)
        return show_recovery_codes(request, enrolment.recovery_codes, next_url=next_url, first_time=True)
    context = {
        "form": form,
        "qr_code": qr_code_image(device.config_url),
        "secret": spaced(base64.b32encode(device.bin_key).decode()),
        "next": next_url,
    }
    return render(request, "home/two_factor_enrol.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code (each works once)."""
    user, next_url = request.user, next_address(request)
    if not rules.needs_second_factor(user) or rules.is_verified(user):
        return redirect(next_url)
    if not rules.is_enrolled(user):
        return redirect(with_next("two_factor_enrol", next_url))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (verification := form.submit(acting_user=user, user=user)):
        django_otp.login(request, verification.device)
        left = verification.recovery_codes_left
        if left is not None:
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code; it will not work again. %(left)s code is left: "
                    "make new ones under Two-factor sign-in.",
                    "You signed in with a recovery code; it will not work again. %(left)s codes are left: "
                    "make new ones under Two-factor sign-in.",
                    left,
                )
                % {"left": left},
            )
        return redirect(next_url)
    return render(request, "home/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The account's two-factor sign-in: when the app was set up, recovery codes left, and making new ones."""
    user = request.user
    if not rules.needs_second_factor(user):
        return redirect("dashboard")
    if not rules.is_verified(user):  # the middleware sends them first; this page never trusts that alone
        return redirect(with_next("two_factor_verify", request.get_full_path()))
    form = RecoveryCodesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and (codes := form.submit(acting_user=user, user=user)):
        messages.success(request, _("Your old recovery codes no longer work."))
        return show_recovery_codes(request, codes, next_url=reverse("two_factor"), first_time=False)
    return render(request, "home/two_factor.html", {"form": form, "state": selectors.second_factor_state(user)})
