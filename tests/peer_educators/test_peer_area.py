"""The peer educator's own area (my groups, feedback, first password) and their use of the session pages.

One centre with a facilitator; Zarak, an active peer educator, leads the group "Peer group" (three
members, a session planned for today). The facilitator's own group "Boys B" is outside Zarak's scope.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services as delivery
from courses.models import Attendance, QuizResult, Session
from lms import access, roles
from peer_educators import services
from peer_educators.middleware import FirstPasswordMiddleware
from peer_educators.models import PeerEducator
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kite-river-4417-lamp"


def make_peer(*, centre, facilitator, first_name: str, username: str) -> PeerEducator:
    """An active peer educator of the centre, built directly (promotion itself is tested elsewhere)."""
    learner = factories.consenting_learner(centre=centre, first_name=first_name, acting_user=facilitator, age=17)
    user = UserFactory(username=username, first_name=first_name, role=roles.PEER_EDUCATORS)
    return PeerEducator.objects.create(
        learner=learner, user=user, mentor=facilitator, status=PeerEducator.Status.ACTIVE, endorsed_by=facilitator
    )


def peer_group(*, centre, facilitator, peer, module, name: str, first_names, acting_user) -> dict:
    """A group of the centre following the module, with members, led by the peer educator."""
    built = factories.group_with_members(
        centre=centre,
        name=name,
        facilitator=facilitator,
        modules=[module],
        first_names=first_names,
        acting_user=acting_user,
    )
    services.peer_group_assign(group=built["group"], peer=peer, acting_user=acting_user)
    return built


@pytest.fixture
def world(users, curriculum):
    """Zarak leads "Peer group" (Ali, Bilal, Daud; a session today); "Boys B" is the facilitator's own group."""
    facilitator = users["facilitator"]
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    module, (lesson, second) = factories.not_sensitive(curriculum["module"]), curriculum["lessons"]
    peer = make_peer(centre=centre, facilitator=facilitator, first_name="Zarak", username="zarak")
    built = peer_group(
        centre=centre,
        facilitator=facilitator,
        peer=peer,
        module=module,
        name="Peer group",
        first_names=["Ali", "Bilal", "Daud"],
        acting_user=facilitator,
    )
    other = factories.group_with_members(
        centre=centre,
        name="Boys B",
        facilitator=facilitator,
        modules=[module],
        first_names=["Omar", "Qasim"],
        acting_user=facilitator,
    )
    today = factories.days_ago(0)
    session = delivery.session_plan(group=built["group"], lesson=lesson, date=today, acting_user=facilitator)
    later = delivery.session_plan(
        group=built["group"], lesson=second, date=factories.days_ago(-7), acting_user=facilitator
    )
    other_session = delivery.session_plan(group=other["group"], lesson=lesson, date=today, acting_user=facilitator)
    return {
        **built,
        "facilitator": facilitator,
        "centre": centre,
        "module": module,
        "lesson": lesson,
        "second": second,
        "peer": peer,
        "session": session,
        "later": later,
        "other": other,
        "other_session": other_session,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attendance_post(learners, absent=()) -> dict:
    data = {f"status_{learner.pk}": "absent" if learner in absent else "present" for learner in learners}
    data["notes"] = ""
    return data


def scope_urls(world) -> dict[str, str]:
    """The pages a peer educator uses for their own group."""
    return {
        "peer_home": reverse("peer_home"),
        "peer_feedback": reverse("peer_feedback"),
        "session_run": reverse("session_run", args=[world["session"].pk]),
        "session_scores": reverse("session_scores", args=[world["session"].pk]),
        "group_progress": reverse("group_progress", args=[world["group"].pk]),
    }


# --- My groups ---


def test_the_peer_home_shows_each_group_with_members_by_code_and_first_name_and_the_next_session(world):
    html = signed_in(world["peer"].user).get(reverse("peer_home")).text

    assert "Peer group" in html and "Boys B" not in html
    for learner in world["learners"]:
        assert f"{learner.code} <b>{learner.first_name}</b>" in html
    for learner in world["other"]["learners"]:
        assert learner.code not in html
    assert reverse("session_run", args=[world["session"].pk]) in html and "Run session" in html
    assert world["lesson"].title in html
    assert reverse("group_progress", args=[world["group"].pk]) in html
    assert reverse("peer_feedback") in html


def test_the_peer_home_never_shows_birth_years_or_consent(world):
    html = signed_in(world["peer"].user).get(reverse("peer_home")).text

    assert "consent" not in html.lower() and "assent" not in html.lower()
    for learner in world["learners"]:
        assert str(learner.birth_year) not in html


def test_the_peer_home_links_recent_held_sessions_to_their_quiz_scores(world):
    held = factories.held_session(
        group=world["group"], lesson=world["second"], day=factories.days_ago(3), acting_user=world["facilitator"]
    )
    html = signed_in(world["peer"].user).get(reverse("peer_home")).text

    assert reverse("session_scores", args=[held.pk]) in html
    assert "Quiz scores" in html


def test_a_planned_session_left_unrecorded_is_offered_to_run(world):
    overdue = delivery.session_plan(
        group=world["group"], lesson=world["second"], date=factories.days_ago(2), acting_user=world["facilitator"]
    )
    html = signed_in(world["peer"].user).get(reverse("peer_home")).text

    assert "To record" in html
    assert reverse("session_run", args=[overdue.pk]) in html


def test_the_peer_home_lists_the_peer_educators_projects(world):
    project = services.project_propose(
        centre=world["centre"],
        title="Safe streets walk",
        problem="Children walk past unsafe places.",
        goal="Map safe routes.",
        place="Near the main bazaar",
        team=[world["peer"].learner, world["learners"][0]],
        acting_user=world["facilitator"],
    )
    services.project_propose(
        centre=world["centre"],
        title="Somebody else's project",
        problem="Litter.",
        goal="Clean up.",
        place="The park",
        team=[world["learners"][1]],
        acting_user=world["facilitator"],
    )
    html = signed_in(world["peer"].user).get(reverse("peer_home")).text

    assert reverse("project_detail", args=[project.pk]) in html and "Safe streets walk" in html
    assert "Somebody else" not in html


def test_the_header_shows_my_groups_to_a_peer_educator_and_no_records_links(world):
    html = signed_in(world["peer"].user).get(reverse("peer_home")).text

    assert "My groups" in html
    for name in ("dashboard", "group_list", "learner_list"):
        assert f'href="{reverse(name)}"' not in html


@pytest.mark.parametrize("who", ["facilitator", "manager", "admin", "peer", "nobody", "editor"])
def test_only_an_active_peer_educator_has_a_peer_area(world, users, who):
    client = signed_in(users[who])  # users["peer"] has the role but no peer-educator record

    assert client.get(reverse("peer_home")).status_code == 404
    assert client.get(reverse("peer_feedback")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("peer_home"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def build_peer_world(*, users, curriculum, code: str, groups: int, members: int, held: int) -> Client:
    """A centre whose peer educator leads `groups` groups of `members`, each with `held` held sessions, one
    planned today and one next week, on two projects, with two observations."""
    facilitator = UserFactory(username=f"facilitator-{code}", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name=f"Centre {code}", code=code, staff=[facilitator])
    module, lessons = curriculum["module"], curriculum["lessons"]
    peer = make_peer(centre=centre, facilitator=facilitator, first_name="Zarak", username=f"peer-{code}")
    for g in range(groups):
        built = peer_group(
            centre=centre,
            facilitator=facilitator,
            peer=peer,
            module=module,
            name=f"Group {g}",
            first_names=[f"Kid{i}" for i in range(members)],
            acting_user=facilitator,
        )
        for i in range(held):
            factories.held_session(
                group=built["group"],
                lesson=lessons[i % 2],
                day=factories.days_ago(10 - i),
                acting_user=facilitator,
                absent=built["learners"][:1],
            )
        for day in (0, -7):
            delivery.session_plan(
                group=built["group"], lesson=lessons[0], date=factories.days_ago(day), acting_user=facilitator
            )
    for n in range(2):
        services.project_propose(
            centre=centre,
            title=f"Project {n}",
            problem="A problem",
            goal="A goal",
            place="The bazaar",
            team=[peer.learner],
            acting_user=facilitator,
        )
        services.observation_record(
            peer=peer,
            observed_on=factories.days_ago(n),
            ratings={"preparation": 3, "participation": 2, "child_safe": 4, "key_messages": 1},
            feedback="Good energy.",
            acting_user=facilitator,
        )
    return signed_in(peer.user)


def count_queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200, url
    return len(context)


def test_the_peer_pages_run_the_same_number_of_queries_whatever_the_number_of_groups_and_members(users, curriculum):
    small = build_peer_world(users=users, curriculum=curriculum, code="SML", groups=1, members=2, held=1)
    large = build_peer_world(users=users, curriculum=curriculum, code="LRG", groups=3, members=8, held=3)

    for url in (reverse("peer_home"), reverse("peer_feedback")):
        assert count_queries(small, url) == count_queries(large, url), url


# --- Feedback ---


def test_the_feedback_page_shows_the_mentors_observations_newest_first_with_ratings_in_words(world):
    facilitator = world["facilitator"]
    held = factories.held_session(
        group=world["group"], lesson=world["second"], day=factories.days_ago(5), acting_user=facilitator
    )
    services.observation_record(
        peer=world["peer"],
        observed_on=factories.days_ago(5),
        session=held,
        ratings={"preparation": 1, "participation": 2, "child_safe": 3, "key_messages": 4},
        feedback="Prepare the ball game beforehand.",
        acting_user=facilitator,
    )
    services.observation_record(
        peer=world["peer"],
        observed_on=factories.days_ago(1),
        ratings={"preparation": 4, "participation": 4, "child_safe": 4, "key_messages": 4},
        feedback="Much calmer today.",
        acting_user=facilitator,
    )
    html = signed_in(world["peer"].user).get(reverse("peer_feedback")).text

    assert html.index("Much calmer today.") < html.index("Prepare the ball game beforehand.")
    for words in ("needs help", "getting there", "good", "very good"):
        assert words in html
    assert world["second"].title in html
    assert f"Observed by {facilitator.first_name}" in html


def test_a_peer_educator_sees_only_their_own_feedback(world):
    other = make_peer(centre=world["centre"], facilitator=world["facilitator"], first_name="Yasir", username="yasir")
    services.observation_record(
        peer=other,
        observed_on=factories.days_ago(1),
        ratings={"preparation": 2, "participation": 2, "child_safe": 2, "key_messages": 2},
        feedback="Only for Yasir.",
        acting_user=world["facilitator"],
    )
    html = signed_in(world["peer"].user).get(reverse("peer_feedback")).text

    assert "Only for Yasir." not in html
    assert "has not written any feedback yet" in html


def test_many_observations_are_shown_ten_a_page(world):
    for n in range(12):
        services.observation_record(
            peer=world["peer"],
            observed_on=factories.days_ago(n),
            ratings={"preparation": 3, "participation": 3, "child_safe": 3, "key_messages": 3},
            feedback=f"Note number {n}.",
            acting_user=world["facilitator"],
        )
    client = signed_in(world["peer"].user)

    first = client.get(reverse("peer_feedback")).text
    second = client.get(reverse("peer_feedback"), {"page": 2}).text

    assert "Page 1 of 2" in first and "Note number 0." in first and "Note number 11." not in first
    assert "Note number 11." in second and "Note number 0." not in second


# --- Running their group's sessions ---


def test_a_peer_educator_opens_the_run_page_of_their_groups_session_with_members_by_code_and_first_name(world):
    html = signed_in(world["peer"].user).get(reverse("session_run", args=[world["session"].pk])).text

    assert "Save attendance" in html
    for learner in world["learners"]:
        assert f"{learner.code} <b>{learner.first_name}</b>" in html
        assert str(learner.birth_year) not in html


def test_a_peer_educator_records_attendance_for_their_group(world):
    client = signed_in(world["peer"].user)
    learners = world["learners"]

    response = client.post(
        reverse("session_run", args=[world["session"].pk]), attendance_post(learners, absent=learners[:1])
    )

    assert response.status_code == 302
    session = Session.objects.get(pk=world["session"].pk)
    assert session.status == Session.Status.HELD and session.delivered_by == world["peer"].user
    absent = set(Attendance.objects.filter(session=session, status="absent").values_list("learner_id", flat=True))
    assert absent == {learners[0].pk}
    assert client.get(response.url).status_code == 200  # the group's progress grid


def test_a_peer_educator_enters_quiz_scores_for_their_groups_session(world):
    client = signed_in(world["peer"].user)
    first, second = world["learners"][:2]

    response = client.post(
        reverse("session_scores", args=[world["session"].pk]), {f"pre_{first.pk}": "0", f"post_{second.pk}": "1"}
    )

    assert response.status_code == 302
    assert QuizResult.objects.filter(session=world["session"]).count() == 2


@pytest.mark.parametrize("url_name", ["session_run", "session_scores"])
def test_a_peer_educator_cannot_open_another_groups_session(world, url_name):
    client = signed_in(world["peer"].user)
    url = reverse(url_name, args=[world["other_session"].pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_a_peer_educator_cannot_open_another_groups_progress_grid(world):
    client = signed_in(world["peer"].user)

    assert client.get(reverse("group_progress", args=[world["other"]["group"].pk])).status_code == 404


def test_a_peer_educator_cannot_open_the_learner_list_or_a_learner_record_even_of_their_own_member(world):
    client = signed_in(world["peer"].user)

    assert client.get(reverse("learner_list")).status_code == 404
    assert client.get(reverse("learner_record", args=[world["learners"][0].code])).status_code == 404
    assert client.get(reverse("learner_record", args=[world["other"]["learners"][0].code])).status_code == 404


def test_the_dashboard_sends_an_active_peer_educator_to_their_area(world):
    response = signed_in(world["peer"].user).get(reverse("dashboard"))

    assert response.status_code == 302 and response.url == reverse("peer_home")


def test_after_pausing_every_peer_page_answers_404(world):
    client = signed_in(world["peer"].user)
    services.peer_educator_set_status(
        peer=world["peer"], status="paused", note="Exams at school", acting_user=world["facilitator"]
    )

    for name, url in scope_urls(world).items():
        assert client.get(url).status_code == 404, name
    run = reverse("session_run", args=[world["session"].pk])
    assert client.post(run, attendance_post(world["learners"])).status_code == 404
    assert not Attendance.objects.exists()
    assert client.get(reverse("dashboard")).url == "/"


def test_after_stepping_down_the_account_is_closed_and_every_page_asks_to_sign_in(world):
    client = signed_in(world["peer"].user)
    services.peer_educator_set_status(
        peer=world["peer"], status="stepped_down", note="Moved away", acting_user=world["facilitator"]
    )

    for name, url in scope_urls(world).items():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    run = reverse("session_run", args=[world["session"].pk])
    assert client.post(run, attendance_post(world["learners"])).status_code == 302
    assert not Attendance.objects.exists()
    assert not access.is_active_peer_educator(world["peer"].user)


def test_a_stepped_down_peer_educator_whose_account_stays_open_gets_404(world):
    """Should an account be reopened without the pathway status, the role check still shuts the area."""
    services.peer_educator_set_status(
        peer=world["peer"], status="stepped_down", note="Moved away", acting_user=world["facilitator"]
    )
    user = world["peer"].user
    user.is_active = True
    user.save(update_fields=["is_active"])
    client = signed_in(user)

    for name, url in scope_urls(world).items():
        assert client.get(url).status_code == 404, name


# --- First sign-in ---


@pytest.fixture
def promoted(users, world):
    """A learner trained in the peer-education module and promoted: their account and one-time password."""
    module, lessons = factories.topic_module(
        "Peer educator training",
        ["Leading a group", "Keeping children safe"],
        topic="peer-education",
        editor=users["editor"],
        reviewer=users["reviewer"],
    )
    peer, password = factories.promoted_peer(
        centre=world["centre"], facilitator=world["facilitator"], module=module, lessons=lessons
    )
    return {"peer": peer, "user": peer.user, "password": password}


def signed_in_with_password(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def test_a_promoted_peer_educator_signing_in_is_sent_to_choose_a_password(promoted):
    client = signed_in_with_password(promoted["user"].username, promoted["password"])

    for url in (reverse("dashboard"), reverse("peer_home"), reverse("session_run", args=[1]), "/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("first_password"), url
    page = client.get(reverse("first_password"))
    assert page.status_code == 200
    assert '<label for="id_new_password1">' in page.text and '<label for="id_new_password2">' in page.text


def test_signing_out_and_changing_language_are_allowed_before_choosing_a_password(promoted):
    client = signed_in_with_password(promoted["user"].username, promoted["password"])

    response = client.post(reverse("set_language"), {"language": "ur", "next": "/"})
    assert response.url != reverse("first_password")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == "/"
    assert SESSION_KEY not in client.session


def test_choosing_a_password_keeps_the_peer_educator_signed_in_and_opens_their_area(promoted):
    client = signed_in_with_password(promoted["user"].username, promoted["password"])

    response = client.post(
        reverse("first_password"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("peer_home")
    assert "Your new password is saved" in response.text
    user = promoted["user"]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not PeerEducator.objects.get(pk=promoted["peer"].pk).must_change_password
    assert client.get(reverse("peer_home")).status_code == 200
    assert signed_in_with_password(user.username, NEW_PASSWORD).get(reverse("peer_home")).status_code == 200


def test_posting_the_new_password_twice_changes_nothing_the_second_time(promoted):
    client = signed_in_with_password(promoted["user"].username, promoted["password"])
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(reverse("first_password"), data)
    user = promoted["user"]
    user.refresh_from_db()
    saved_hash = user.password

    response = client.post(reverse("first_password"), data)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password == saved_hash


@pytest.mark.parametrize(
    "data, message",
    [
        ({"new_password1": NEW_PASSWORD, "new_password2": "something-else-88"}, "didn’t match"),
        ({"new_password1": "12345678", "new_password2": "12345678"}, "too common"),
        ({"new_password1": "short", "new_password2": "short"}, "too short"),
    ],
)
def test_a_bad_new_password_is_refused_on_the_form_and_nothing_is_saved(promoted, data, message):
    client = signed_in_with_password(promoted["user"].username, promoted["password"])

    response = client.post(reverse("first_password"), data)

    assert response.status_code == 200 and message in response.text
    user = promoted["user"]
    user.refresh_from_db()
    assert user.check_password(promoted["password"])
    assert PeerEducator.objects.get(pk=promoted["peer"].pk).must_change_password


def test_the_one_time_password_is_refused_as_the_new_password(promoted):
    client = signed_in_with_password(promoted["user"].username, promoted["password"])
    same = {"new_password1": promoted["password"], "new_password2": promoted["password"]}

    response = client.post(reverse("first_password"), same)

    assert response.status_code == 200
    assert "Choose a new password, not the one you signed in with." in response.text
    assert PeerEducator.objects.get(pk=promoted["peer"].pk).must_change_password
    assert client.get(reverse("peer_home")).url == reverse("first_password")


def test_the_first_password_page_sends_everyone_else_on(world, users):
    response = signed_in(users["facilitator"]).get(reverse("first_password"))

    assert response.status_code == 302 and response.url == reverse("dashboard")


def middleware_queries(user) -> int:
    request = RequestFactory().get(reverse("dashboard"))
    request.user = user
    middleware = FirstPasswordMiddleware(lambda request: None)
    with CaptureQueriesContext(connection) as context:
        middleware(request)
    return len(context)


def test_the_first_password_check_costs_no_query_outside_the_peer_educators_role(world, users):
    from django.contrib.auth.models import AnonymousUser

    facilitator = type(users["facilitator"]).objects.get(pk=users["facilitator"].pk)
    access.role_names(facilitator)  # every page reads the roles once; the check reuses them

    assert middleware_queries(facilitator) == 0
    assert middleware_queries(users["admin"]) == 0
    assert middleware_queries(AnonymousUser()) == 0
