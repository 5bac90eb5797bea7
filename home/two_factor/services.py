"""Every write of two-factor sign-in: start and confirm enrolment, check a code, renew recovery codes, reset.

Secrets never reach the audit log: entries say what happened and how many codes, never a key or a code.

A wrong code must count against the device even though the call fails, or django-otp's throttling would be
rolled back with it: the code is checked in a transaction of its own (`_check_code`), and only what follows
a right code runs in the service's own transaction.
"""

import math
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.two_factor import rules
from lms import access, audit
from lms.results import Done, Result

RECOVERY_CODE_COUNT = 10
# Ten letters and digits (base32, lower case: no 0, 1, 8 or 9 to mistake for letters), about 50 random bits;
# shown as two groups of five.
RECOVERY_CODE_LENGTH = 10
RECOVERY_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

ENROLLED = "lms.otp.enrolled"
RECOVERY_CODES = "lms.otp.recovery_codes"
RECOVERY_CODE_USED = "lms.otp.recovery_code_used"
RESET = "lms.otp.reset"


@dataclass(frozen=True)
class Enrolment:
    """A confirmed authenticator app and the recovery codes made with it (shown once, never stored in clear
    anywhere else)."""

    device: TOTPDevice
    recovery_codes: list[str]


@dataclass(frozen=True)
class Verification:
    """The device that accepted a code at sign-in; for a recovery code, how many are left (None for the app)."""

    device: Device
    recovery_codes_left: int | None = None


def normalise_code(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case ("ABCDE-FGHIJ" is "abcdefghij")."""
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    """Six digits: a code from the authenticator app (recovery codes are ten letters and digits)."""
    return len(code) == 6 and code.isdigit()


def throttled_message(device: Device) -> str | None:
    """The sentence to show when too many wrong codes in a row make the device wait; None when it need not."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (details or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return ngettext(
        "Too many wrong codes. Wait %(seconds)s second, then try again.",
        "Too many wrong codes. Wait %(seconds)s seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def _check_code(device: Device, code: str) -> bool:
    """Whether the code is right for the device; a wrong one counts towards the device's throttling, kept
    even when the caller then refuses (its own transaction, committed before the answer)."""
    message = throttled_message(device)
    if message:
        raise ValidationError({"code": message})
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        return locked.verify_token(code)


def new_recovery_code() -> str:
    """One random recovery code."""
    return "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones (the old ones stop working) and return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_device_start(*, acting_user: User, user: User) -> TOTPDevice:
    """The authenticator app being set up: a new secret key, kept unconfirmed until a code from the app proves
    it was added (the same one on every visit until then). Refused once an app is set up."""
    access.require_in(acting_user, access.oneself, user, message=_("Only the account holder can set up their app."))
    if rules.is_enrolled(user):
        raise ValidationError(_("An authenticator app is already set up for this account."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def second_factor_enrol(*, acting_user: User, user: User, code: str) -> Enrolment:
    """Confirm the authenticator app with a code from it, and make the first recovery codes (audited).
    A wrong code leaves the app unconfirmed and is refused with the reason."""
    access.require_in(acting_user, access.oneself, user, message=_("Only the account holder can set up their app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or rules.is_enrolled(user):
        raise ValidationError(_("Start again: this set-up is finished or was cancelled."))
    code = normalise_code(code)
    if not _check_code(device, code):
        raise ValidationError(
            {"code": _("That code is not right. Check the app shows this site, wait for a new code and type it.")}
        )
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.full_clean()
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit.record(user, ENROLLED, user=acting_user, data={"recovery_codes": len(codes)})
    return Enrolment(device=device, recovery_codes=codes)


def second_factor_verify(*, acting_user: User, user: User, code: str) -> Verification:
    """The device that accepts the code: six digits are checked against the authenticator app, anything else
    against the recovery codes (a recovery code works once, and its use is audited). Refused with the reason:
    a wrong code, or too many wrong codes in a row."""
    access.require_in(acting_user, access.oneself, user, message=_("Only the account holder can sign in."))
    code = normalise_code(code)
    if not code:
        raise ValidationError({"code": _("Type the code.")})
    model = TOTPDevice if is_app_code(code) else StaticDevice
    devices = list(model.objects.filter(user=user, confirmed=True).order_by("pk"))
    for device in devices:
        if not _check_code(device, code):
            continue
        if model is TOTPDevice:
            return Verification(device)
        left = StaticToken.objects.filter(device=device).count()
        audit.record(user, RECOVERY_CODE_USED, user=acting_user, data={"recovery_codes_left": left})
        return Verification(device, recovery_codes_left=left)
    raise ValidationError({"code": _("That code is not right. Type the code the app shows now, or a recovery code.")})


@transaction.atomic
def recovery_codes_regenerate(*, acting_user: User, user: User) -> list[str]:
    """Ten new recovery codes for an account with an authenticator app; the old ones stop working (audited)."""
    access.require_in(acting_user, access.oneself, user, message=_("Only the account holder can make their codes."))
    if not rules.is_enrolled(user):
        raise ValidationError(_("Set up an authenticator app first."))
    codes = _new_recovery_codes(user)
    audit.record(user, RECOVERY_CODES, user=acting_user, data={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def second_factor_reset(*, acting_user: User, user: User) -> Result[User]:
    """An administrator removes a user's authenticator app and recovery codes (a lost phone): the user sets up
    a new app at their next sign-in, and any session verified with the old app must verify again. Audited,
    also when there was nothing to remove."""
    access.require_in(
        acting_user,
        access.accounts_managed_by,
        user,
        message=_("Only an administrator can reset another account's two-factor sign-in."),
    )
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    audit.record(user, RESET, user=acting_user, data={"removed": removed})
    return Result(user, Done.CHANGED if removed else Done.UNCHANGED)
