"""The busiest records pages run the same number of queries whatever the size of the group or its history.

Two facilitators at two centres: a small group (5 learners, 2 held sessions) and a larger one
(20 learners, 6 held sessions), built through the services. Each page's query count is pinned by
comparing the two sizes, not by a magic number.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from lms import roles
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = ["Ali", "Bilal", "Daud", "Faraz", "Hamid", "Imran", "Jawad", "Kamran", "Latif", "Murad"]


def build(*, facilitator, centre_name: str, code: str, size: int, held: int, curriculum) -> dict:
    """A centre with one group of `size` learners, `held` held sessions (with absences and scores) and one planned."""
    centre = factories.centre_with_staff(name=centre_name, code=code, staff=[facilitator])
    built = factories.group_with_members(
        centre=centre,
        name=f"Group {code}",
        facilitator=facilitator,
        modules=[curriculum["module"]],
        first_names=[NAMES[i % len(NAMES)] for i in range(size)],
        acting_user=facilitator,
    )
    group, learners = built["group"], built["learners"]
    lessons = curriculum["lessons"]
    sessions = []
    for i in range(held):
        session = factories.held_session(
            group=group,
            lesson=lessons[i % 2],
            day=factories.days_ago(28 - 3 * i),
            acting_user=facilitator,
            absent=learners[i % size :: 4],
        )
        if session.lesson_id == lessons[0].pk:
            services.quiz_results_record(
                session=session,
                scores={learner.pk: {"pre": 0, "post": 1} for learner in learners[::2]},
                acting_user=facilitator,
            )
        sessions.append(session)
    services.session_plan(group=group, lesson=lessons[1], date=factories.days_ago(-2), acting_user=facilitator)
    return {"group": group, "learner": learners[1], "session": sessions[-1], "client": signed_in(facilitator)}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sizes(users, curriculum):
    """The small and the large world, each with its own facilitator."""
    other = factories.UserFactory(username="facilitator-large", role=roles.FACILITATORS)
    return {
        "small": build(
            facilitator=users["facilitator"], centre_name="Small", code="SML", size=5, held=2, curriculum=curriculum
        ),
        "large": build(facilitator=other, centre_name="Large", code="LRG", size=20, held=6, curriculum=curriculum),
    }


def count_queries(client: Client, url: str) -> int:
    """Queries for a GET of the page, after one warm-up request (per-process caches filled)."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def urls(world: dict) -> dict[str, str]:
    return {
        "session_run": reverse("session_run", args=[world["session"].pk]),
        "group_progress": reverse("group_progress", args=[world["group"].pk]),
        "dashboard": reverse("dashboard"),
        "learner_record": reverse("learner_record", args=[world["learner"].code]),
        "session_scores": reverse("session_scores", args=[world["session"].pk]),
    }


@pytest.mark.parametrize("page", ["session_run", "group_progress", "dashboard", "learner_record", "session_scores"])
def test_a_page_runs_the_same_number_of_queries_for_a_small_and_a_large_group(sizes, page):
    small, large = sizes["small"], sizes["large"]

    counts = {name: count_queries(world["client"], urls(world)[page]) for name, world in sizes.items()}

    assert counts["small"] == counts["large"], f"{page}: {counts}"
    assert small["group"].memberships.count() == 5 and large["group"].memberships.count() == 20
