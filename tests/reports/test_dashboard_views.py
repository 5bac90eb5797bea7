"""The indicator pages: who may open them, whose figures they show, bad input, the records behind a
figure (with pages and links to learners), the donor summary, and the dashboard's size and queries.

Two centres: A (facilitator "facilitator") with three learners served in the period (two boys and a
girl, one of them twice), B (facilitator_b) with two girls served. Services are recorded through the
service a facilitator uses.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learners.models import Learner, ServiceRecord
from learners.services import learner_transfer, service_record
from lms import roles
from reports import indicators
from reports.exports import figure_numbers, format_value
from reports.forms import default_period
from tests import factories

pytestmark = pytest.mark.django_db

SERVICES = "protective-services"


class Numbers(HTMLParser):
    """Every number a page marks with data-n inside a data-figure element: {(figure, breakdown, category): text}."""

    def __init__(self):
        super().__init__()
        self.found, self.open, self.figure = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self.figure = attrs["data-figure"]
        if "data-n" in attrs:
            breakdown, _, category = attrs["data-n"].partition(":")
            self.open = (self.figure, breakdown, category)
            self.found[self.open] = ""

    def handle_data(self, data):
        if self.open:
            self.found[self.open] += data

    def handle_endtag(self, tag):
        self.open = None


def numbers(response) -> dict:
    """The marked numbers of a response."""
    parser = Numbers()
    parser.feed(response.content.decode())
    return parser.found


def learner(centre, user, name: str, sex: str, age: int = 12) -> Learner:
    """A consenting learner of a given sex, registered a year ago."""
    return factories.make_learner(centre, user, first_name=name, sex=sex, birth_year=timezone.localdate().year - age)


def serve(learner_, user, *, days_ago: int = 10, kind: str = "education") -> ServiceRecord:
    """Record a service for a learner (through the service)."""
    return service_record(learner=learner_, kind=kind, date=factories.days_ago(days_ago), acting_user=user)


@pytest.fixture
def world(users):
    """Centres A and B with their facilitators and served learners."""
    facilitator_b = factories.UserFactory(username="facilitator_b", role=roles.FACILITATORS)
    a = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[users["facilitator"]])
    b = factories.centre_with_staff(name="Pishin CFS", code="PSN", staff=[facilitator_b])
    fa = users["facilitator"]
    aimal, ayaz, amina = (learner(a, fa, "Aimal", "m"), learner(a, fa, "Ayaz", "m", 16), learner(a, fa, "Amina", "f"))
    serve(aimal, fa)
    serve(aimal, fa, days_ago=20, kind="recreation")  # served twice: counts once
    serve(ayaz, fa)
    serve(amina, fa)
    bibi, benazir = learner(b, facilitator_b, "Bibi", "f"), learner(b, facilitator_b, "Benazir", "f")
    serve(bibi, facilitator_b)
    serve(benazir, facilitator_b)
    return {
        "users": {**users, "facilitator_b": facilitator_b},
        "A": a,
        "B": b,
        "learners": {"A": [aimal, ayaz, amina], "B": [bibi, benazir]},
    }


def signed_in(client, user):
    client.force_login(user)
    return client


# Who may open the pages, and whose figures they see.


@pytest.mark.parametrize("role", ["editor", "reviewer", "peer", "nobody"])
@pytest.mark.parametrize("name", ["indicator_dashboard", "donor_summary"])
def test_people_without_records_get_not_found(client, world, role, name):
    response = signed_in(client, world["users"][role]).get(reverse(name))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["editor", "peer"])
def test_people_without_records_cannot_open_a_list_of_records(client, world, role):
    response = signed_in(client, world["users"][role]).get(reverse("indicator_records", args=[SERVICES]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("indicator_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_manager_sees_the_figures_of_every_centre(client, world):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"))
    assert response.status_code == 200
    found = numbers(response)
    assert found[(SERVICES, "total", "")] == "5"
    assert found[(SERVICES, "sex", "m")] == "2"
    assert found[(SERVICES, "sex", "f")] == "3"
    assert found[(SERVICES, "age", "15-19")] == "1"
    assert "Quetta drop-in" in response.content.decode() and "Pishin CFS" in response.content.decode()


def test_facilitator_sees_only_their_centres_figures(client, world):
    response = signed_in(client, world["users"]["facilitator"]).get(reverse("indicator_dashboard"))
    found = numbers(response)
    assert found[(SERVICES, "total", "")] == "3"
    assert found[(SERVICES, "sex", "m")] == "2"
    assert found[(SERVICES, "sex", "f")] == "1"
    body = response.content.decode()
    assert "Quetta drop-in" in body
    assert "Pishin CFS" not in body


def test_the_other_facilitator_sees_only_theirs(client, world):
    found = numbers(signed_in(client, world["users"]["facilitator_b"]).get(reverse("indicator_dashboard")))
    assert found[(SERVICES, "total", "")] == "2"
    assert found[(SERVICES, "sex", "m")] == "0"


def test_manager_can_choose_one_centre(client, world):
    response = signed_in(client, world["users"]["manager"]).get(
        reverse("indicator_dashboard"), {"centre": world["B"].pk}
    )
    assert numbers(response)[(SERVICES, "total", "")] == "2"


def test_a_period_that_leaves_out_a_service_counts_it_out(client, world):
    """Aimal's second service (20 days ago) is in, the others (10 days ago) are out of a period ending 15 days ago."""
    start, _end = default_period()
    period = {"start": start.isoformat(), "end": factories.days_ago(15).isoformat()}
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"), period)
    assert numbers(response)[(SERVICES, "total", "")] == "1"


def test_every_number_of_every_figure_is_on_the_page_as_the_export_formats_it(client, world, curriculum):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"))
    start, end = default_period()
    scope = indicators.Scope(start, end, tuple(sorted([world["A"].pk, world["B"].pk])))
    expected = {
        (figure.key, breakdown, key): format_value(value, figure.unit)
        for figure in indicators.dashboard(scope, with_situation=True)
        for breakdown, key, _label, value in figure_numbers(figure)
    }
    assert numbers(response) == expected


def test_the_dashboard_shows_its_scope_definitions_and_links(client, world):
    manager = world["users"]["manager"]
    response = signed_in(client, manager).get(reverse("indicator_dashboard"), {"centre": world["A"].pk})
    body = response.content.decode()
    start, end = default_period()
    query = f"start={start.isoformat()}&amp;end={end.isoformat()}&amp;centre={world['A'].pk}"
    assert "Figures as of" in body
    assert "Children who received at least one service" in body
    assert f'href="{reverse("indicator_records", args=[SERVICES])}?{query}"' in body
    assert f'href="{reverse("dashboard_export", args=["csv"])}?{query}"' in body
    assert f'method="post" action="{reverse("dashboard_export", args=["xlsx"])}?{query}"' in body
    assert f'href="{reverse("donor_summary")}?{query}"' in body
    assert "This quarter" in body


def test_a_figure_without_a_breakdown_says_so(client, world):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"))
    body = response.content.decode()
    card = re.search(r'<article class="figure-card" id="sessions-held"[^>]*>.*?</article>', body, re.S).group(0)
    assert "No breakdown" in card
    assert 'data-n="sex:' not in card


def test_each_figure_has_its_trend_as_a_chart_and_a_table(client, world):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"))
    body = response.content.decode()
    card = re.search(rf'<article class="figure-card" id="{SERVICES}"[^>]*>.*?</article>', body, re.S).group(0)
    assert card.count("<rect ") == 12
    assert len(re.findall(r'data-n="month:', card)) == 12
    assert 'role="img"' in card


# Bad input: a message, no figures, and never another centre's data.


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The end of the period must be on or after its start."),
        ({"start": "2026-13-45"}, "Enter a valid date."),
        ({"start": "1999-12-31", "end": "2000-01-31"}, "Choose a date from 2000 onwards."),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "Choose a period of at most five years."),
    ],
)
def test_bad_periods_show_a_message_and_no_figures(client, world, query, message):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "data-figure" not in body


def test_facilitator_asking_for_another_centre_gets_an_error_not_its_data(client, world):
    response = signed_in(client, world["users"]["facilitator"]).get(
        reverse("indicator_dashboard"), {"centre": world["B"].pk}
    )
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "data-figure" not in body
    assert "Pishin CFS" not in body


def test_facilitator_asking_for_another_centres_records_gets_an_error_not_its_rows(client, world):
    response = signed_in(client, world["users"]["facilitator"]).get(
        reverse("indicator_records", args=[SERVICES]), {"centre": world["B"].pk}
    )
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert world["learners"]["B"][0].code not in body


# The records behind a figure.


def record_rows(response) -> list[str]:
    """The rows of the records table, as HTML."""
    body = response.content.decode()
    table = re.search(r'<table class="records">.*?</table>', body, re.S)
    return re.findall(r"<tr><td>.*?</tr>", table.group(0), re.S) if table else []


def test_the_records_behind_a_figure_are_listed_with_their_definition(client, world):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_records", args=[SERVICES]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Children provided protective services" in body
    assert "Children who received at least one service" in body
    assert len(record_rows(response)) == 6  # Aimal's two services, one for each of the others
    assert "6 records" in body


def test_facilitator_lists_only_their_centres_records_with_links_to_learners(client, world):
    response = signed_in(client, world["users"]["facilitator"]).get(reverse("indicator_records", args=[SERVICES]))
    rows = record_rows(response)
    assert len(rows) == 4
    aimal = world["learners"]["A"][0]
    assert f'href="{reverse("learner_record", kwargs={"code": aimal.code})}"' in response.content.decode()
    assert world["learners"]["B"][0].code not in response.content.decode()


def test_a_learner_who_moved_away_is_listed_but_not_linked(client, world):
    """Ayaz moved to B: his service still counts at A, where it happened, but A may no longer open his record."""
    ayaz = world["learners"]["A"][1]
    learner_transfer(
        learner=ayaz, to_centre=world["B"], moved_on=factories.days_ago(1), acting_user=world["users"]["admin"]
    )
    response = signed_in(client, world["users"]["facilitator"]).get(reverse("indicator_records", args=[SERVICES]))
    body = response.content.decode()
    assert ayaz.code in body
    assert reverse("learner_record", kwargs={"code": ayaz.code}) not in body
    aimal = world["learners"]["A"][0]
    assert reverse("learner_record", kwargs={"code": aimal.code}) in body


def test_an_unknown_indicator_is_not_found(client, world):
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_records", args=["no-such-thing"]))
    assert response.status_code == 404


def many_services(centre, user, count: int) -> None:
    """`count` learners of a centre, each served once (in bulk: only the numbers matter here)."""
    first = learner(centre, user, "Many", "m")
    learners = Learner.objects.bulk_create(
        Learner(
            centre=centre,
            number=9000 + i,
            code=f"{centre.code}-{9000 + i}",
            first_name=f"Many{i}",
            sex="f" if i % 2 else "m",
            birth_year=first.birth_year,
            joined_on=first.joined_on,
        )
        for i in range(count)
    )
    ServiceRecord.objects.bulk_create(
        ServiceRecord(learner=x, centre=centre, kind="education", date=factories.days_ago(5), recorded_by=user)
        for x in learners
    )


def test_records_come_a_hundred_to_a_page_and_the_pages_keep_the_scope(client, world):
    many_services(world["A"], world["users"]["facilitator"], 150)  # 156 rows in all at the two centres
    manager = signed_in(client, world["users"]["manager"])
    url = reverse("indicator_records", args=[SERVICES])
    start, end = default_period()
    first = manager.get(url, {"start": start.isoformat(), "end": end.isoformat()})
    assert len(record_rows(first)) == 100
    body = first.content.decode()
    assert "Page 1 of 2" in body
    assert f"?start={start.isoformat()}&amp;end={end.isoformat()}&amp;page=2" in body
    second = manager.get(url, {"start": start.isoformat(), "end": end.isoformat(), "page": 2})
    assert len(record_rows(second)) == 56
    assert "Page 2 of 2" in second.content.decode()


def queries(client, url, data=None) -> int:
    """How many queries a GET runs (after a first GET, which may create the user's Wagtail profile)."""
    client.get(url, data or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


def test_a_page_of_records_runs_the_same_queries_for_few_and_many_rows(client, world):
    manager = signed_in(client, world["users"]["manager"])
    url = reverse("indicator_records", args=[SERVICES])
    few = queries(manager, url)
    many_services(world["A"], world["users"]["facilitator"], 120)
    assert queries(manager, url) == few


# The donor summary.


def test_the_donor_summary_shows_each_figure_with_boys_and_girls(client, world):
    response = signed_in(client, world["users"]["manager"]).get(reverse("donor_summary"))
    assert response.status_code == 200
    found = numbers(response)
    assert found[(SERVICES, "total", "")] == "5"
    assert found[(SERVICES, "sex", "m")] == "2"
    assert found[(SERVICES, "sex", "f")] == "3"
    body = response.content.decode()
    assert "Children provided protective services" in body
    assert "Protection and outcomes" in body and "Learning" in body and "Community" in body
    assert "<svg" not in body


def test_the_donor_summary_of_a_facilitator_has_their_centre_only(client, world):
    response = signed_in(client, world["users"]["facilitator"]).get(reverse("donor_summary"))
    assert numbers(response)[(SERVICES, "total", "")] == "3"
    assert "Pishin CFS" not in response.content.decode()


# Size and queries of the dashboard with demo-like data.


def demo_like(world, curriculum, *, per_month: int) -> None:
    """Twelve months of services at both centres, and a held session of the first lesson each month at A."""
    fa = world["users"]["facilitator"]
    group = factories.make_group(world["A"], fa, [curriculum["module"]], name="Demo group")
    factories.add_members(group, world["learners"]["A"], joined_on=factories.days_ago(340), acting_user=fa)
    for month in range(12):
        factories.held_session(
            group=group, lesson=curriculum["lessons"][month % 2], day=factories.days_ago(30 * month + 3), acting_user=fa
        )
    for key, user in (("A", fa), ("B", world["users"]["facilitator_b"])):
        for month in range(12):
            for x in world["learners"][key][:per_month]:
                serve(x, user, days_ago=30 * month + 2, kind="counselling")


def test_the_dashboard_stays_small_with_a_years_data(client, world, curriculum, users):
    demo_like(world, curriculum, per_month=3)
    factories.published_module("Feelings", ["Naming feelings"], editor=users["editor"], reviewer=users["reviewer"])
    factories.published_module("Saying no", ["Saying no"], editor=users["editor"], reviewer=users["reviewer"])
    response = signed_in(client, world["users"]["manager"]).get(reverse("indicator_dashboard"))
    assert numbers(response)[(SERVICES, "total", "")] == "5"
    # 26 figures (three modules) of about 3 KB each, half of it the 20 marked numbers every figure shows: the
    # budget is per figure, so a new indicator may add its card but no card may grow.
    figures = response.content.count(b'class="figure-card"')
    assert figures == 26
    assert len(response.content) < 3_200 * figures, len(response.content)


def test_the_dashboard_runs_the_same_queries_for_little_and_much_data(client, world, curriculum):
    manager = signed_in(client, world["users"]["manager"])
    url = reverse("indicator_dashboard")
    demo_like(world, curriculum, per_month=1)
    little = queries(manager, url)
    many_services(world["A"], world["users"]["facilitator"], 60)
    for key, user in (("A", world["users"]["facilitator"]), ("B", world["users"]["facilitator_b"])):
        for x in world["learners"][key]:
            serve(x, user, days_ago=100, kind="medical")
    assert queries(manager, url) == little
    assert queries(manager, reverse("donor_summary")) <= little + 1  # its audit entry: a printable export
