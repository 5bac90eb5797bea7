"""Audit entries for records, written by services into Wagtail's log (admin: Reports > Site history).

Every entry says who, when, what action, and for changes the fields' values before and after.
"""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields' current values, for comparing before and after a change."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose values differ, as {field: [before, after]}."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


def unwrapped(instance: Any) -> Any:
    """The record itself behind lazy wrappers: request.user is one wrapper inside another once django-otp's
    middleware runs, and Wagtail's log looks through one only (it would silently write nothing)."""
    while isinstance(instance, LazyObject):
        if instance._wrapped is empty:
            instance._setup()
        instance = instance._wrapped
    return instance


def record(instance: models.Model, action: str, *, user, data: dict[str, Any] | None = None) -> None:
    """Write one audit entry for an action on a record (a user account included, even as request.user)."""
    log(unwrapped(instance), action, user=unwrapped(user), data=data or {}, content_changed=action not in NOT_CHANGES)


def record_without_object(model: type[models.Model], action: str, *, label: str, data: dict[str, Any]) -> None:
    """Write one audit entry about no particular record of `model` (a sign-in with a user name that matches no
    account), under a plain label; nobody is named as having done it."""
    ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id="0",
        label=label,
        action=action,
        timestamp=timezone.now(),
        data=data,
        content_changed=False,
    )


# Downloads are audited like changes but change nothing.
EXPORT = "lms.export"
# Signing in and out (and failing to), audited for administrators (home.accounts).
SIGN_IN = "lms.signin"
SIGN_IN_FAILED = "lms.signin_failed"
SIGN_OUT = "lms.signout"
# Audit entries that change no record: reports.indicators ignores them when it asks whether the records changed.
NOT_CHANGES = frozenset({EXPORT, SIGN_IN, SIGN_IN_FAILED, SIGN_OUT})
