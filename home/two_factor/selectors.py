"""Reads of two-factor sign-in: one account's state, and every account's for the administrators' list."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


@dataclass(frozen=True)
class SecondFactorState:
    """What an account has set up: when its authenticator app was added (None: not set up), and how many
    recovery codes are left unused."""

    app_added_on: datetime | None
    recovery_codes_left: int


def second_factor_state(user: User) -> SecondFactorState:
    """The account's authenticator app and the number of its unused recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return SecondFactorState(app_added_on=device.created_at if device else None, recovery_codes_left=left)


def accounts_with_second_factor() -> QuerySet:
    """Every active account, by username, annotated with `has_app` (an authenticator app is set up) and
    `recovery_codes_left`, in one query."""
    codes = (
        StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
        .values("device__user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.filter(is_active=True)
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            recovery_codes_left=Coalesce(Subquery(codes, output_field=IntegerField()), Value(0)),
        )
        .prefetch_related("groups")
        .order_by("username")
    )
