"""Background tasks of the reports app, run by the worker of the "exports" task backend (lms.settings: TASKS)."""

from django_tasks import task

from reports import export_requests


@task(backend="exports")
def prepare_export(export_id: int) -> str:
    """Prepare the file of an export request (reports.export_requests.export_request_run); returns its status."""
    return export_requests.export_request_run(export_id=export_id)
