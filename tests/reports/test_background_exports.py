"""Excel files prepared in the background: asked for, shown as being prepared, made by the worker, downloaded by
their owner (or an administrator) only, audited, and deleted when they expire; the worker checks the owner's scope
again, and asking twice while one is being prepared reuses it.

Most tests run the task at once (the test settings' immediate backend); the real flow runs with the database
backend and one pass of its worker."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from learners.models import StaffAssignment
from lms import audit
from lms.storage import private_storage
from reports.export_requests import export_request_create, export_requests_expire
from reports.indicators import Scope, records_version
from reports.models import ExportRequest
from tests.factories import UserFactory, centre_with_staff, days_ago, make_learner

pytestmark = pytest.mark.django_db

PERIOD = {"start": days_ago(400).isoformat(), "end": days_ago(0).isoformat()}
DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "exports": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@pytest.fixture
def world(users):
    """Two centres: QTA, where the facilitator works, with two learners; KCH with one."""
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[users["facilitator"]])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH")
    for name in ("Amina", "Bilal"):
        make_learner(home, users["admin"], first_name=name)
    make_learner(away, users["admin"], first_name="Chanda")
    return {"home": home, "away": away}


def ask(client, key="registered", query=None):
    """POST the request for the Excel file of the records behind `key` (or the dashboard when key is None)."""
    url = reverse("indicator_records_export", args=[key, "xlsx"]) if key else reverse("dashboard_export", args=["xlsx"])
    return client.post(f"{url}?{urlencode(query or PERIOD, doseq=True)}")


def export_of(response) -> ExportRequest:
    """The request a POST redirected to."""
    assert response.status_code == 302
    return ExportRequest.objects.get(pk=resolve(response["Location"]).kwargs["pk"])


def names_in(response) -> set[str]:
    """The first names in a downloaded workbook of registered learners."""
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return {row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1 and row[0] and "-" in str(row[0])}


def run_worker() -> None:
    """One pass of the database backend's worker over every queued export task: each claimed and run by the
    worker's own `run_task` (`db_worker --batch` does the same, but opens an exclusive transaction that SQLite
    refuses inside a test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="exports",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )
    for result in DBTaskResult.objects.ready().filter(backend_name="exports"):
        result.claim(worker.worker_id)
        worker.run_task(result)


# ---- the real flow, with the database backend and its worker -------------------------------------------------


@override_settings(TASKS=DATABASE_TASKS)
def test_asked_prepared_by_the_worker_then_downloaded_by_its_owner_or_an_administrator_until_it_expires(
    client, users, world
):
    manager = users["manager"]
    client.force_login(manager)
    export = export_of(ask(client))
    assert export.status == ExportRequest.Status.PENDING and export.user == manager
    assert DBTaskResult.objects.filter(backend_name="exports").count() == 1

    page = client.get(reverse("export_request", args=[export.pk]))
    assert "being prepared" in page.text and page["Refresh"] == "5"
    assert f'href="{reverse("export_request", args=[export.pk])}"' in page.text  # the refresh link
    listed = client.get(reverse("my_exports"))
    assert "Children registered" in listed.text and "Being prepared" in listed.text and listed["Refresh"] == "5"
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404

    run_worker()

    export.refresh_from_db()
    assert export.status == ExportRequest.Status.READY and export.rows == 3
    assert private_storage().exists(export.file_name)
    page = client.get(reverse("export_request", args=[export.pk]))
    assert "Refresh" not in page and "Download the Excel file" in page.text
    download = client.get(reverse("export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="registered-')
    assert names_in(download) == {"Amina", "Bilal", "Chanda"}
    [entry] = ModelLogEntry.objects.filter(action=audit.EXPORT)
    assert entry.user == manager and entry.data["export"] == export.pk and entry.data["what"] == "registered"

    client.force_login(UserFactory(username="other-manager", role="Programme managers"))
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
    assert client.get(reverse("export_request", args=[export.pk])).status_code == 404
    assert "Children registered" not in client.get(reverse("my_exports")).text

    client.force_login(users["admin"])
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 200

    ExportRequest.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(manager)
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
    export.refresh_from_db()
    assert export.status == ExportRequest.Status.EXPIRED and not private_storage().exists(export.file_name or "x")


@override_settings(TASKS=DATABASE_TASKS)
def test_asking_twice_while_the_file_is_being_prepared_reuses_the_first_request(client, users, world):
    client.force_login(users["manager"])
    first, second = export_of(ask(client)), export_of(ask(client))
    assert first == second
    assert DBTaskResult.objects.count() == 1
    other_period = export_of(ask(client, query={**PERIOD, "start": days_ago(100).isoformat()}))
    assert other_period != first
    run_worker()
    assert export_of(ask(client)) != first, "once ready, asking again makes a new file"


@override_settings(TASKS=DATABASE_TASKS)
def test_a_request_waiting_for_more_than_an_hour_is_not_reused(client, users, world):
    client.force_login(users["manager"])
    stuck = export_of(ask(client))
    ExportRequest.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert export_of(ask(client)) != stuck


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_leaves_out_centres_the_owner_may_no_longer_see(client, users, world):
    facilitator = users["facilitator"]
    client.force_login(facilitator)
    export = export_of(ask(client))
    assert export.parameters["centres"] == [world["home"].pk]
    StaffAssignment.objects.filter(user=facilitator).delete()
    run_worker()
    export.refresh_from_db()
    assert export.status == ExportRequest.Status.FAILED and not export.file_name
    assert "no longer see" in export.error
    assert "no longer see" in client.get(reverse("my_exports")).text  # shown to its owner


# ---- at once (the test settings' immediate backend) -------------------------------------------------------


def test_a_facilitators_file_holds_only_their_centre(client, users, world):
    client.force_login(users["facilitator"])
    export = export_of(ask(client))
    assert export.status == ExportRequest.Status.READY
    assert names_in(client.get(reverse("export_download", args=[export.pk]))) == {"Amina", "Bilal"}


def test_asking_for_another_centre_is_refused_by_the_form_and_by_the_service(client, users, world):
    client.force_login(users["facilitator"])
    assert ask(client, query={**PERIOD, "centre": [world["away"].pk]}).status_code == 400
    scope = Scope(days_ago(30), days_ago(0), (world["away"].pk,))
    with pytest.raises(ValidationError):
        export_request_create(
            acting_user=users["facilitator"], what="registered", fmt="xlsx", scope=scope, language="en"
        )
    with pytest.raises(ValidationError):
        export_request_create(acting_user=users["peer"], what="registered", fmt="xlsx", scope=scope, language="en")
    assert not ExportRequest.objects.exists()


@pytest.mark.parametrize("who", ["peer", "nobody", "editor"])
def test_people_who_do_not_use_records_cannot_ask_or_list(client, users, world, who):
    client.force_login(users[who])
    assert ask(client).status_code == 404
    assert client.get(reverse("my_exports")).status_code == 404


def test_the_dashboards_excel_file_is_asked_for_from_the_dashboard_and_listed(client, users, world):
    client.force_login(users["manager"])
    dashboard = client.get(reverse("indicator_dashboard"), PERIOD)
    assert "Prepare Excel file" in dashboard.text and reverse("my_exports") in dashboard.text
    export = export_of(ask(client, key=None))
    assert export.status == ExportRequest.Status.READY and export.title == "Programme indicators"
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("export_download", args=[export.pk])).streaming_content))
    )
    assert sheet.active["A1"].value == "Programme indicators"
    assert "Download" in client.get(reverse("my_exports")).text


def test_a_get_of_the_excel_address_asks_nothing_and_offers_the_button(client, users, world):
    client.force_login(users["manager"])
    page = client.get(reverse("indicator_records_export", args=["registered", "xlsx"]), PERIOD)
    assert page.status_code == 200 and "Prepare Excel file" in page.text
    assert not ExportRequest.objects.exists()


def test_asking_is_audited_without_changing_the_records_version(client, users, world):
    before = records_version()
    client.force_login(users["manager"])
    export = export_of(ask(client))
    [entry] = ModelLogEntry.objects.filter(action=audit.EXPORT_REQUESTED)
    assert entry.user == users["manager"] and entry.object_id == str(export.pk)
    assert entry.data["what"] == "registered" and entry.data["start"] == PERIOD["start"]
    assert records_version() == before


def test_expire_exports_deletes_the_files_whose_time_is_up(client, users, world):
    client.force_login(users["manager"])
    kept, old = export_of(ask(client)), export_of(ask(client, key=None))
    ExportRequest.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("expire_exports", stdout=io.StringIO())
    kept.refresh_from_db()
    old.refresh_from_db()
    assert kept.status == ExportRequest.Status.READY and private_storage().exists(kept.file_name)
    assert old.status == ExportRequest.Status.EXPIRED and old.file_name == ""
    assert export_requests_expire(now=kept.expires_at) == 1
    assert client.get(reverse("export_download", args=[kept.pk])).status_code == 404


@override_settings(LMS_EXPORT_TTL_HOURS=2)
def test_a_file_is_kept_for_the_configured_hours(client, users, world):
    client.force_login(users["manager"])
    export = export_of(ask(client))
    assert export.expires_at - export.finished_at == datetime.timedelta(hours=2)
