"""Limits on guessing: the client's address read through the trusted proxies only, sign-in lockouts with a
limit per rule (django-axes), and a small counter for other pages that must not be hammered (password reset).
"""

import hashlib
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.cache import caches
from django.db.models import Sum


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request) -> str | None:
    """The address of the person at the other end.

    With `LMS_TRUSTED_PROXY_COUNT` = 0 it is the connecting address (REMOTE_ADDR): X-Forwarded-For is then
    whatever the client chose to send, and is ignored. Behind N trusted proxies, each appends the address it
    received the request from, so the client is the N-th address from the right; anything further left was
    written by the client and is not believed. A header that is missing, too short or malformed (a request
    that did not come through the proxies) falls back to the connecting address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.LMS_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count or not _valid(forwarded[-count]):
        return remote
    return forwarded[-count]


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lockout rule.

    Axes compares every rule of AXES_LOCKOUT_PARAMETERS with one limit; here the first rule (user name and
    address) keeps AXES_FAILURE_LIMIT and the rules on the address alone get LMS_SIGNIN_ADDRESS_FAILURE_LIMIT,
    since a centre's phones may share one address. A successful sign-in forgives only that user name's
    failures from that address, so an attacker holding one account cannot reset the address's count.
    """

    @staticmethod
    def _limits() -> list[int]:
        per_user = settings.AXES_FAILURE_LIMIT
        per_address = settings.LMS_SIGNIN_ADDRESS_FAILURE_LIMIT
        return [per_user if "username" in rule else per_address for rule in settings.AXES_LOCKOUT_PARAMETERS]

    def get_failures(self, request, credentials=None) -> int:
        """The worst rule's failures, scaled to AXES_FAILURE_LIMIT: it reaches that limit exactly when one rule
        reaches its own (axes compares the result with AXES_FAILURE_LIMIT)."""
        limit = settings.AXES_FAILURE_LIMIT
        worst = 0
        for attempts, rule_limit in zip(self.get_user_attempts(request, credentials), self._limits(), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, failures * limit // rule_limit)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in: forget that user name's failures from that address (first rule) only."""
        first_rule = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = first_rule.delete()
        return count


def allow(bucket: str, key: str | None, *, limit: int, seconds: int = 3600) -> bool:
    """Count one request for `key` in `bucket` and say whether it is within `limit` per `seconds` (a fixed
    window, in the default cache). The key is hashed, so e-mail addresses are not kept in the cache."""
    digest = hashlib.sha256(f"{bucket}|{key or ''}".encode()).hexdigest()
    cache = caches["default"]
    name = f"throttle:{bucket}:{digest}"
    cache.add(name, 0, timeout=seconds)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds)
        count = 1
    return count <= limit
