"""Reading is audited too: opening a learner's record, the records behind a figure, a printable sheet of a
group's names, the donor summary and every download write who read what, and when; a read changes nothing,
so the dashboard keeps its figures."""

from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses import services
from learners.models import Learner
from learners.services import service_record
from lms import audit
from reports.indicators import records_version
from tests import factories
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

PERIOD = {"start": days_ago(30).isoformat(), "end": days_ago(0).isoformat()}


@pytest.fixture
def world(users, curriculum):
    """A centre where the facilitator works: a group of two with a session today, and a service last week."""
    me = users["facilitator"]
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    built = factories.group_with_members(
        centre=centre,
        name="Boys A",
        facilitator=me,
        modules=[curriculum["module"]],
        first_names=["Ali", "Bilal"],
        acting_user=me,
    )
    service_record(learner=built["learners"][0], kind="medical", date=days_ago(7), acting_user=me)
    session = services.session_plan(
        group=built["group"], lesson=curriculum["lessons"][0], date=timezone.localdate(), acting_user=me
    )
    return {**built, "me": me, "centre": centre, "session": session, "users": users}


def entries(action: str) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action=action).order_by("pk"))


def test_opening_a_learner_record_writes_who_opened_which_learner(client, world):
    ali = world["learners"][0]
    client.force_login(world["users"]["manager"])
    assert client.get(reverse("learner_record", args=[ali.code])).status_code == 200
    [entry] = entries(audit.VIEW_LEARNER)
    assert entry.user == world["users"]["manager"]
    assert entry.content_type == ContentType.objects.get_for_model(Learner)
    assert entry.object_id == str(ali.pk)
    assert entry.data == {"code": ali.code}
    assert entry.timestamp is not None


def test_a_learner_record_out_of_scope_is_not_opened_and_not_logged(client, world):
    other = factories.UserFactory(username="elsewhere", role="Facilitators")
    factories.centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    client.force_login(other)
    assert client.get(reverse("learner_record", args=[world["learners"][0].code])).status_code == 404
    assert entries(audit.VIEW_LEARNER) == []


def test_opening_the_records_behind_a_figure_writes_one_entry(client, world):
    client.force_login(world["users"]["manager"])
    url = reverse("indicator_records", kwargs={"key": "protective-services"})
    assert client.get(url, PERIOD).status_code == 200
    [entry] = entries(audit.VIEW_RECORDS)
    assert entry.user == world["users"]["manager"]
    assert entry.data["what"] == "protective-services"
    assert entry.data["start"] == PERIOD["start"] and entry.data["end"] == PERIOD["end"]
    assert entry.data["centres"] == [world["centre"].pk]


@pytest.mark.parametrize(
    ("name", "kwargs", "what"),
    [
        ("dashboard_export", {"fmt": "csv"}, "dashboard"),
        ("dashboard_export", {"fmt": "xlsx"}, "dashboard"),
        ("indicator_records_export", {"key": "protective-services", "fmt": "csv"}, "protective-services"),
        ("donor_summary", {}, "donor summary"),
    ],
)
def test_every_download_and_the_donor_summary_write_one_export_entry(client, world, name, kwargs, what):
    client.force_login(world["users"]["manager"])
    if kwargs.get("fmt") == "xlsx":  # asked for, prepared (at once in the tests), then downloaded
        asked = client.post(f"{reverse(name, kwargs=kwargs)}?{urlencode(PERIOD)}")
        response = client.get(reverse("export_download", args=[resolve(asked["Location"]).kwargs["pk"]]))
    else:
        response = client.get(reverse(name, kwargs=kwargs), PERIOD)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    [entry] = entries(audit.EXPORT)
    assert entry.user == world["users"]["manager"]
    assert entry.data["what"] == what


@pytest.mark.parametrize(("name", "sheet"), [("attendance_sheet", "attendance"), ("score_sheet", "scores")])
def test_a_printable_sheet_of_names_writes_one_entry(client, world, name, sheet):
    client.force_login(world["me"])
    assert client.get(reverse(name, args=[world["session"].pk])).status_code == 200
    [entry] = entries(audit.VIEW_SHEET)
    assert entry.user == world["me"]
    assert entry.object_id == str(world["session"].pk)
    assert entry.data == {"sheet": sheet, "learners": 2}


def test_reading_records_does_not_change_the_records_version(client, world):
    before = records_version()
    client.force_login(world["users"]["manager"])
    client.get(reverse("learner_record", args=[world["learners"][0].code]))
    client.get(reverse("indicator_records", kwargs={"key": "protective-services"}), PERIOD)
    client.get(reverse("donor_summary"), PERIOD)
    client.get(reverse("attendance_sheet", args=[world["session"].pk]))
    reads = {audit.VIEW_LEARNER, audit.VIEW_RECORDS, audit.VIEW_SHEET, audit.EXPORT}
    assert ModelLogEntry.objects.filter(action__in=reads).count() == 4
    assert records_version() == before
