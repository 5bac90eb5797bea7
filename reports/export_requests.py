"""Files prepared in the background: asking for one, preparing it (the task's body), finding it, expiring it.

A user asks for an Excel file of the dashboard or of the records behind a figure (`export_request_create`); the
request is stored with the scope they chose and queued on the "exports" task backend (reports.tasks). The worker
prepares it (`export_request_run`), checking the user's scope again so a file never holds more than its owner may
see on the day it is made, and keeps it in private storage for LMS_EXPORT_TTL_HOURS. Only its owner, or an
administrator, may download it; once expired it is deleted (`export_requests_expire`: after each prepared file,
on each visit to "My exports" and by `manage.py expire_exports`).
"""

import datetime
import logging
import tempfile
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms import access, audit
from lms.results import Done, Result
from lms.storage import private_storage
from reports import exports
from reports.indicators import Scope
from reports.models import ExportRequest

logger = logging.getLogger(__name__)
FOLDER = "exports"  # in private storage
LISTED = 50  # the most a user's "My exports" page lists
# A request still waiting after this long is not reused by a new one (its worker may have been stopped mid-way).
STALE_AFTER = datetime.timedelta(hours=1)


def parameters_of(scope: Scope, language: str) -> dict:
    """What a request stores of the scope (JSON): the period, the centres' ids in order and the language."""
    return {
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "centres": sorted(scope.centre_ids),
        "language": language,
    }


def scope_of(export: ExportRequest) -> Scope:
    """The scope a request was made for."""
    parameters = export.parameters
    return Scope(
        datetime.date.fromisoformat(parameters["start"]),
        datetime.date.fromisoformat(parameters["end"]),
        tuple(parameters["centres"]),
    )


def check_may_export(user, what: str, centre_ids) -> None:
    """Refuse (OutOfScope) unless the user works with records, `what` is something we export and every centre is
    one the user may see."""
    if not access.uses_records(user):
        raise access.OutOfScope(_("Only staff who work with records may export them."))
    if not exports.exportable(what):
        raise ValidationError(_("There is nothing to export by that name."))
    visible = set(access.centres_visible_to(user).filter(pk__in=centre_ids).values_list("pk", flat=True))
    if not centre_ids or visible != set(centre_ids):
        raise access.OutOfScope(_("You can only export the records of centres you may see."))


def export_request_create(*, acting_user, what: str, fmt: str, scope: Scope, language: str) -> Result[ExportRequest]:
    """Ask for a file to be prepared in the background and queue its task. Asking again for the same file (same
    thing, format and scope) while it is still being prepared (for less than STALE_AFTER) changes nothing and returns
    that request."""
    check_may_export(acting_user, what, scope.centre_ids)
    parameters = parameters_of(scope, language)
    from reports.tasks import prepare_export  # the task module imports this one

    with transaction.atomic():
        waiting = ExportRequest.objects.select_for_update().filter(
            user=acting_user,
            what=what,
            fmt=fmt,
            status__in=ExportRequest.WAITING,
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        for export in waiting:
            if export.parameters == parameters:
                return Result(export, Done.UNCHANGED)
        with translation.override(language):
            title = exports.title_of(what)
        export = ExportRequest(
            user=audit.unwrapped(acting_user), what=what, fmt=fmt, parameters=parameters, title=title[:300]
        )
        export.full_clean()
        export.save()
        audit.record_read(
            export, audit.EXPORT_REQUESTED, user=acting_user, data={"what": what, "format": fmt, **parameters}
        )
        # In the same transaction: the worker sees the task only with its request (the immediate backend of the
        # tests runs it here and now).
        task_id = prepare_export.enqueue(export.pk).id
        ExportRequest.objects.filter(pk=export.pk).update(task_id=str(task_id)[:64])
    export.refresh_from_db()
    return Result(export, Done.CREATED)


def mark(export: ExportRequest, status: str, **fields) -> None:
    """Save a request's new status and the fields given (the worker's own bookkeeping)."""
    export.status = status
    for name, value in fields.items():
        setattr(export, name, value)
    export.save(update_fields=["status", *fields])


def export_request_run(*, export_id: int) -> str:
    """Prepare the file of a waiting request (the task's body): check the owner's scope again (centres they may
    no longer see are left out; none left, or no longer working with records: the request fails), write the
    workbook row by row into private storage and mark it ready until it expires. Returns the status reached; a
    request that is not waiting is left as it is."""
    export = ExportRequest.objects.select_related("user").filter(pk=export_id).first()
    if export is None or not export.waiting:
        return export.status if export else ""
    mark(export, ExportRequest.Status.RUNNING)
    scope = scope_of(export)
    user = export.user
    visible = set(access.centres_visible_to(user).filter(pk__in=scope.centre_ids).values_list("pk", flat=True))
    scope = Scope(scope.start, scope.end, tuple(pk for pk in scope.centre_ids if pk in visible))
    if not user.is_active or not access.uses_records(user) or not scope.centre_ids:
        with translation.override(export.parameters.get("language")):
            error = _("You may no longer see these records, so the file was not made.")
        mark(export, ExportRequest.Status.FAILED, error=error, finished_at=timezone.now())
        return export.status
    try:
        write_file(export, scope)
    except Exception:  # noqa: BLE001 (any failure is the request's: shown to its owner, logged in full)
        logger.exception("Export %s failed", export.pk)
        with translation.override(export.parameters.get("language")):
            error = _("The file could not be made. Ask for it again, or tell an administrator if this happens again.")
        mark(export, ExportRequest.Status.FAILED, error=error, finished_at=timezone.now())
        return export.status
    export_requests_expire()
    return export.status


def write_file(export: ExportRequest, scope: Scope) -> None:
    """Write the request's workbook in its language to a temporary file, then into private storage; mark it ready."""
    with translation.override(export.parameters.get("language")), tempfile.TemporaryFile() as file:
        made_at = timezone.now()
        contents = exports.contents(export.what, scope, export.user, made_at)
        rows = exports.xlsx_write(file, contents.header, contents.table, contents.sheet_title, contents.widths)
        file.seek(0)
        name = private_storage().save(f"{FOLDER}/{export.pk}-{uuid.uuid4().hex}.{export.fmt}", File(file))
        title, download_name = str(contents.title), exports.filename(contents.stem, scope, export.fmt)
    finished = timezone.now()
    mark(
        export,
        ExportRequest.Status.READY,
        file_name=name,
        title=title[:300],
        download_name=download_name,
        rows=max(rows - 1, 0),  # the headings are not a record
        finished_at=finished,
        expires_at=finished + datetime.timedelta(hours=settings.LMS_EXPORT_TTL_HOURS),
    )


def delete_file(export: ExportRequest) -> None:
    """Delete a request's file from private storage (if it is still there) and mark the request expired."""
    if export.file_name:
        private_storage().delete(export.file_name)
    mark(export, ExportRequest.Status.EXPIRED, file_name="")


def export_requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files whose time is up and mark their requests expired; returns how many."""
    now = now or timezone.now()
    expired = list(ExportRequest.objects.filter(status=ExportRequest.Status.READY, expires_at__lte=now))
    for export in expired:
        delete_file(export)
    return len(expired)


# ---- selectors -------------------------------------------------------------------------------------------


def export_requests_of(user) -> QuerySet:
    """The user's own requests, newest first (the "My exports" page)."""
    return ExportRequest.objects.filter(user=user).order_by("-created_at", "-id")[:LISTED]


def export_request_for(user, pk: int) -> ExportRequest | None:
    """A request the user may see and download: their own, or any for an administrator; None otherwise."""
    requests = ExportRequest.objects.filter(pk=pk)
    if not access.is_admin(user):
        requests = requests.filter(user=user)
    return requests.select_related("user").first()


def downloadable(export: ExportRequest, *, now: datetime.datetime | None = None) -> bool:
    """Whether the file is ready and its time is not up; a file found past its time is deleted at once."""
    now = now or timezone.now()
    if export.status == ExportRequest.Status.READY and export.expires_at and export.expires_at <= now:
        delete_file(export)
    return export.status == ExportRequest.Status.READY
