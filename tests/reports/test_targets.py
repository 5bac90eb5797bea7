"""Targets: which ones the dashboard shows for a period and centres, percent achieved, the export, and who edits."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners import services
from reports.forms import default_period
from reports.indicators import indicators
from reports.models import ProjectPeriod, Target
from reports.services import targets_set
from tests.factories import assign, days_ago, make_centre, make_learner, role_users

pytestmark = pytest.mark.django_db
START, END = days_ago(60), days_ago(-300)


@pytest.fixture
def world():
    """Two centres; three children served at the first one last week; a programme period with a target of 4."""
    users = role_users()
    home, away = make_centre("QTA"), make_centre("KCH")
    assign(users["facilitator"], home)
    for name in ("Amin", "Bilal", "Chanda"):
        learner = make_learner(home, users["facilitator"], first_name=name)
        services.service_record(learner=learner, kind="medical", date=days_ago(7), acting_user=users["facilitator"])
    period = ProjectPeriod.objects.create(
        name="Boys 2026", donor="Children's Futures Fund", starts_on=START, ends_on=END
    )
    targets_set(acting_user=users["manager"], period=period, values={"protective-services": 4, "attendance-rate": 80})
    return {"users": users, "home": home, "away": away, "period": period}


def card_targets(client, query) -> dict[str, str]:
    """The target lines on the dashboard, by figure key: their text with spaces squeezed."""
    page = client.get(reverse("indicator_dashboard"), query)
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    return {
        element.find_parent(attrs={"data-figure": True})["data-figure"]: " ".join(element.get_text(" ").split())
        for element in soup.select("article [data-target]")
    }


def test_the_whole_period_or_the_period_so_far_compares_target_and_achieved(client, world):
    client.force_login(world["users"]["manager"])
    lines = card_targets(client, {"start": START.isoformat(), "end": days_ago(0).isoformat()})
    assert lines["protective-services"].startswith("Target 4 · Achieved 3 · 75% Boys 2026")


def test_a_filter_straddling_the_project_period_shows_the_target_with_its_period_and_no_percent(client, world):
    client.force_login(world["users"]["manager"])
    lines = card_targets(client, {"start": days_ago(90).isoformat(), "end": days_ago(0).isoformat()})
    text = lines["protective-services"]
    assert text.startswith(f"Target 4 Boys 2026, {START.isoformat()} – {END.isoformat()}")
    assert "Achieved" not in text and "%" not in text
    assert "Compare over this project period" in text


def test_a_filter_outside_the_period_shows_no_target(client, world):
    client.force_login(world["users"]["manager"])
    the_day_before = world["period"].starts_on - datetime.timedelta(days=1)
    assert card_targets(client, {"start": days_ago(200).isoformat(), "end": the_day_before.isoformat()}) == {}


def test_programme_targets_show_for_the_whole_programme_only_and_a_centres_for_that_centre(client, world):
    client.force_login(world["users"]["manager"])
    query = {"start": START.isoformat(), "end": days_ago(0).isoformat()}
    assert card_targets(client, {**query, "centre": [world["home"].pk]}) == {}
    local = ProjectPeriod.objects.create(
        name="QTA 2026", donor="Fund", starts_on=START, ends_on=END, centre=world["home"]
    )
    targets_set(acting_user=world["users"]["manager"], period=local, values={"protective-services": 6})
    lines = card_targets(client, {**query, "centre": [world["home"].pk]})
    assert lines["protective-services"].startswith("Target 6 · Achieved 3 · 50% QTA 2026")
    assert card_targets(client, {**query, "centre": [world["away"].pk]}) == {}


def test_a_rate_is_compared_with_its_target_rate():
    from reports.targets import percent_achieved

    assert percent_achieved(72.0, 80.0) == 90
    assert percent_achieved(1, 8) == 13  # 12.5 rounds half up
    assert percent_achieved(None, 8) is None


def test_export_equals_screen_for_targets(client, world):
    client.force_login(world["users"]["manager"])
    query = {"start": START.isoformat(), "end": days_ago(0).isoformat()}
    soup = BeautifulSoup(client.get(reverse("indicator_dashboard"), query).text, "html.parser")
    on_screen = {
        (el.find_parent(attrs={"data-figure": True}).h3.get_text(strip=True), t["data-t"]): t.get_text(strip=True)
        for el in soup.select("article [data-target]")
        for t in el.select("[data-t]")
    }
    response = client.get(reverse("dashboard_export", kwargs={"fmt": "csv"}), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    index = rows.index(["Targets"])
    assert rows[index + 1] == [
        "Indicator", "Project period", "Donor", "From", "To", "Target", "Achieved", "Percent achieved", "Unit"
    ]  # fmt: skip
    in_file = {}
    for label, name, donor, first, last, target, achieved, percent, _unit in rows[index + 2 :]:
        assert (name, donor, first, last) == (
            "Boys 2026",
            "Children's Futures Fund",
            START.isoformat(),
            END.isoformat(),
        )
        in_file[(label, "target")] = target
        in_file[(label, "achieved")] = achieved or "—"
        in_file[(label, "percent")] = f"{percent}%" if percent else "—"
    assert sorted(in_file.values()) == sorted(["4", "3", "75%", "80.0", "—", "—"])  # no session held: no rate
    assert in_file == on_screen
    summary = BeautifulSoup(client.get(reverse("donor_summary"), query).text, "html.parser")
    row = summary.select_one('[data-figure="protective-services"] [data-target]')
    assert " ".join(row.get_text(" ").split()).startswith("Target 4 · Achieved 3 · 75%")


def test_managers_set_targets_on_one_form_atomic_audited_and_idempotent(client, world):
    client.force_login(world["users"]["manager"])
    url = reverse("target_period", kwargs={"pk": world["period"].pk})
    assert client.post(url, {"protective-services": "5", "attendance-rate": "80"}).status_code == 302
    assert Target.objects.get(indicator_key="protective-services").value == 5
    entries = ModelLogEntry.objects.filter(action="lms.targets.set").count()
    client.post(url, {"protective-services": "5", "attendance-rate": "80"})
    assert ModelLogEntry.objects.filter(action="lms.targets.set").count() == entries
    page = client.post(url, {"protective-services": "7", "attendance-rate": "180"})
    assert page.status_code == 200 and Target.objects.get(indicator_key="protective-services").value == 5
    client.post(url, {"protective-services": "5"})  # attendance rate left empty: no target
    assert list(Target.objects.values_list("indicator_key", flat=True)) == ["protective-services"]


def test_facilitators_read_targets_but_cannot_edit_them(client, world):
    client.force_login(world["users"]["facilitator"])
    url = reverse("target_period", kwargs={"pk": world["period"].pk})
    page = client.get(url)
    assert page.status_code == 200 and "Save the targets" not in page.text and "data-target-key" in page.text
    assert client.post(url, {"protective-services": "9"}).status_code == 404
    assert client.post(reverse("target_periods"), {"name": "X"}).status_code == 404
    assert Target.objects.get(indicator_key="protective-services").value == 4
    other = ProjectPeriod.objects.create(name="KCH", donor="Fund", starts_on=START, ends_on=END, centre=world["away"])
    assert client.get(reverse("target_period", kwargs={"pk": other.pk})).status_code == 404
    client.force_login(world["users"]["editor"])
    assert client.get(url).status_code == 404


def test_the_dashboards_queries_do_not_grow_with_the_number_of_targets(client, world):
    """No target, then 30 targets over three project periods (both comparable and not): the same queries."""
    client.force_login(world["users"]["manager"])
    url = reverse("indicator_dashboard")
    Target.objects.all().delete()
    none = dashboard_queries(client, url)
    keys = [indicator.key for indicator in indicators()][:10]
    assert len(keys) == 10
    for n, starts_on in enumerate([days_ago(400), default_period()[0], days_ago(30)]):
        period = ProjectPeriod.objects.create(
            name=f"Period {n}", donor="Children's Futures Fund", starts_on=starts_on, ends_on=days_ago(-30)
        )
        Target.objects.bulk_create(Target(period=period, indicator_key=key, value=50) for key in keys)
    assert Target.objects.count() == 30
    many = dashboard_queries(client, url)
    assert 'data-t="percent"' in client.get(url).content.decode()  # the period from the default start compares
    assert many == none


def dashboard_queries(client, url) -> int:
    """How many queries the dashboard runs once its figures are cached (a first GET fills the cache)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)
