"""Audit entries for records, written by services into Wagtail's log (admin: Reports > Site history).

Every entry says who, when, what action, and for changes the fields' values before and after. Reading is
audited too: opening a learner's record, the records behind a figure, a printable sheet of names, and every
download (`record_read`).
"""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_action_registry
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
    """Write one audit entry for an action on a record (a user account included, even as request.user). The action
    must be registered (`register_log_actions`), as for `record_read`: Wagtail's log does not check, and the figures'
    cache looks for changes under the registered actions only (`reports.indicators.newest_entries`)."""
    if not log_action_registry.action_exists(action):
        raise ValueError(f"The log action {action!r} has not been registered.")
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


def record_read(instance: models.Model, action: str, *, user, data: dict[str, Any] | None = None) -> None:
    """Write one audit entry saying who read what, and when: a learner's record, a list of records, a sheet or a
    download. `instance` is what was read, or the reader's own account for a list of many records.

    Pages call it on every view, so it is one INSERT: Wagtail's own `log` validates each entry's keys with a query
    apiece, which a read does not need (the instance and the user were just loaded); it refuses, as Wagtail does,
    an action nobody registered (`register_log_actions`)."""
    if not log_action_registry.action_exists(action):
        raise ValueError(f"The log action {action!r} has not been registered.")
    instance, user = unwrapped(instance), unwrapped(user)
    entry = ModelLogEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        label=ModelLogEntry.objects.get_instance_title(instance),
        action=action,
        timestamp=timezone.now(),
        data=data or {},
        user=user if user.is_authenticated else None,
        uuid=get_active_log_context().uuid,
        content_changed=False,
    )
    ModelLogEntry.objects.bulk_create([entry])


# Reads and downloads: audited like changes, but they change nothing.
EXPORT = "lms.export"  # a download of figures or records (CSV, Excel) or the printable donor summary
EXPORT_REQUESTED = "lms.export.request"  # a file asked for, to be prepared in the background (reports.tasks)
VIEW_LEARNER = "lms.view.learner"  # a learner's record opened
VIEW_RECORDS = "lms.view.records"  # the records behind an indicator (a drill-down list) opened
VIEW_SHEET = "lms.view.sheet"  # a printable attendance or score sheet (names of a group's members) opened
# Signing in and out (and failing to), audited for administrators (home.accounts).
SIGN_IN = "lms.signin"
SIGN_IN_FAILED = "lms.signin_failed"
SIGN_OUT = "lms.signout"

# Actions that change no record: reports.indicators ignores them when it asks whether the records changed, so
# reading or signing in never throws away the dashboard's figures. Every such action belongs in this one set.
NOT_CHANGES = frozenset(
    {EXPORT, EXPORT_REQUESTED, VIEW_LEARNER, VIEW_RECORDS, VIEW_SHEET, SIGN_IN, SIGN_IN_FAILED, SIGN_OUT}
)
