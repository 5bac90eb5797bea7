"""The facilitators' pathway and supervision pages: who is eligible, promotion, status, observations,
a group's peer leader; and who may open them."""

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import ModulePage, Topic
from courses.services import quiz_results_record
from learners.models import Group
from lms import roles
from peer_educators import services
from peer_educators.models import Observation, PeerEducator
from tests import factories
from tests.factories import UserFactory, days_ago

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PASSWORD_SHOWN = re.compile(r'class="one-time"><b>([^<]+)</b>')


@pytest.fixture
def world(users):
    """Centre QTA (facilitator) with a group following the peer-education module: Sher (16) completed it
    with full attendance and a full post-test; Kamran (12) missed the second lesson and scored 0.
    Centre HZR has its own facilitator and learner."""
    me, editor, reviewer = users["facilitator"], users["editor"], users["reviewer"]
    other = UserFactory(username="other-facilitator", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = factories.centre_with_staff(name="Hazara CFS", code="HZR", staff=[other])
    module, lessons = factories.published_module(
        "Peer educator training", ["Leading a group", "Listening well"], editor=editor, reviewer=reviewer, quiz=True
    )
    ModulePage.objects.filter(pk=module.pk).update(topic=Topic.objects.get(slug="peer-education"))
    group = factories.make_group(centre, me, [module], name="Trainees")
    sher = factories.consenting_learner(centre=centre, first_name="Sher", acting_user=me, age=16)
    kamran = factories.consenting_learner(centre=centre, first_name="Kamran", acting_user=me, age=12)
    factories.add_members(group, [sher, kamran], acting_user=me)
    first = factories.held_session(group=group, lesson=lessons[0], day=days_ago(14), acting_user=me)
    second = factories.held_session(group=group, lesson=lessons[1], day=days_ago(7), acting_user=me, absent=[kamran])
    quiz_results_record(
        session=first, scores={sher.pk: {"pre": 0, "post": 1}, kamran.pk: {"pre": 0, "post": 0}}, acting_user=me
    )
    quiz_results_record(session=second, scores={sher.pk: {"pre": 0, "post": 1}}, acting_user=me)
    far = factories.consenting_learner(centre=away, first_name="Bilal", acting_user=other, age=16)
    return {
        "me": me,
        "other": other,
        "manager": users["manager"],
        "centre": centre,
        "away": away,
        "module": module,
        "lessons": lessons,
        "group": group,
        "sher": sher,
        "kamran": kamran,
        "far": far,
    }


def promoted(world) -> PeerEducator:
    """Sher promoted through the service, mentored by the facilitator."""
    peer, _password = services.peer_educator_promote(
        learner=world["sher"], statement="Patient and trusted.", mentor=world["me"], acting_user=world["me"]
    )
    return peer


def promote_url(learner) -> str:
    return reverse("peer_promote", args=[learner.code])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def observation_data(**changes) -> dict:
    data = {
        "observed_on": TODAY.isoformat(),
        "session": "",
        "preparation": "3",
        "participation": "4",
        "child_safe": "4",
        "key_messages": "2",
        "feedback": "Good energy; end with the key messages.",
    }
    data.update(changes)
    return data


def log_count(action: str) -> int:
    return ModelLogEntry.objects.filter(action=action).count()


# Eligibility


def test_the_eligibility_page_lists_the_eligible_learner_first_with_a_promote_link(client, world):
    client.force_login(world["me"])
    html = client.get(reverse("peer_eligibility")).text

    assert html.index(world["sher"].code) < html.index(world["kamran"].code)
    assert promote_url(world["sher"]) in html
    assert promote_url(world["kamran"]) not in html
    assert "Settings" in html and "Programme managers change this rule" in html
    assert world["far"].code not in html


def test_a_nearly_eligible_learner_is_shown_with_each_condition_they_miss(client, world):
    client.force_login(world["me"])
    html = client.get(reverse("peer_eligibility")).text

    assert "1 of 2 lessons of Peer educator training still to complete" in html
    assert "post-test 0%, needs 70%" in html
    assert "attendance 50%, needs 75%" in html
    assert "age 12, needs 14" in html


# Promotion


def test_promoting_an_eligible_learner_creates_the_account_and_shows_the_password_once(client, world):
    client.force_login(world["me"])
    page = client.get(promote_url(world["sher"]))
    assert page.status_code == 200 and "Eligible" in page.text

    response = client.post(promote_url(world["sher"]), {"statement": "Leads by example.", "mentor": world["me"].pk})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    peer = PeerEducator.objects.select_related("user").get(learner=world["sher"])
    assert peer.status == PeerEducator.Status.ACTIVE
    assert peer.must_change_password
    assert peer.endorsement == "Leads by example." and peer.mentor == world["me"]
    assert peer.user.groups.filter(name=roles.PEER_EDUCATORS).exists()
    password = PASSWORD_SHOWN.search(response.text).group(1)
    assert peer.user.check_password(password)
    assert peer.user.get_username() in response.text
    assert "It is not shown again." in response.text
    assert log_count("lms.peer.promote") == 1
    assert password not in client.get(reverse("peer_detail", args=[peer.pk])).text
    assert password not in client.get(promote_url(world["sher"])).text


def test_promoting_a_learner_who_is_not_eligible_shows_why_and_creates_nothing(client, world):
    client.force_login(world["me"])
    users_before = User.objects.count()

    response = client.post(promote_url(world["kamran"]), {"statement": "Keen.", "mentor": world["me"].pk})

    assert response.status_code == 200
    assert "is not eligible yet" in response.text and "age 12, needs 14" in response.text
    assert User.objects.count() == users_before
    assert not PeerEducator.objects.exists()
    assert log_count("lms.peer.promote") == 0


def test_promoting_without_an_endorsement_is_refused(client, world):
    client.force_login(world["me"])

    response = client.post(promote_url(world["sher"]), {"statement": "  ", "mentor": world["me"].pk})

    assert response.status_code == 200
    assert 'class="errors"' in response.text
    assert not PeerEducator.objects.exists()


def test_posting_the_promotion_twice_creates_no_second_account(client, world):
    client.force_login(world["me"])
    data = {"statement": "Leads by example.", "mentor": world["me"].pk}
    client.post(promote_url(world["sher"]), data)
    users_before = User.objects.count()

    response = client.post(promote_url(world["sher"]), data)

    assert response.status_code == 200
    assert "already an active peer educator" in response.text
    assert not PASSWORD_SHOWN.search(response.text)
    assert User.objects.count() == users_before
    assert PeerEducator.objects.count() == 1
    assert log_count("lms.peer.promote") == 1


# Status


def test_stepping_down_removes_the_role_and_closes_the_account_at_once(client, world):
    peer = promoted(world)
    peer_client = client.__class__()
    peer_client.force_login(peer.user)
    client.force_login(world["me"])
    page = client.get(reverse("peer_status", args=[peer.pk]))
    assert "access at once" in page.text and "is kept" in page.text

    response = client.post(
        reverse("peer_status", args=[peer.pk]), {"status": "stepped_down", "note": "Started a full-time job."}
    )

    assert response.status_code == 302 and response.url == reverse("peer_detail", args=[peer.pk])
    peer.refresh_from_db()
    peer.user.refresh_from_db()
    assert peer.status == PeerEducator.Status.STEPPED_DOWN
    assert not peer.user.is_active
    assert not peer.user.groups.filter(name=roles.PEER_EDUCATORS).exists()
    home = peer_client.get(reverse("peer_home"))
    assert home.status_code == 404 or (home.status_code == 302 and reverse("login") in home.url)
    detail = client.get(response.url).text
    assert "Stepped down" in detail and "Started a full-time job." in detail and "Promoted" in detail


def test_stepping_down_without_a_note_is_refused(client, world):
    peer = promoted(world)
    client.force_login(world["me"])

    response = client.post(reverse("peer_status", args=[peer.pk]), {"status": "stepped_down", "note": ""})

    assert response.status_code == 200
    assert "Say why" in response.text
    peer.refresh_from_db()
    assert peer.status == PeerEducator.Status.ACTIVE


# Observations


def test_recording_an_observation_shows_it_on_the_peer_educators_record(client, world):
    peer = promoted(world)
    client.force_login(world["me"])

    response = client.post(reverse("peer_observe", args=[peer.pk]), observation_data())

    assert response.status_code == 302
    observation = Observation.objects.get()
    assert (observation.preparation, observation.key_messages, observation.observer) == (3, 2, world["me"])
    assert log_count("lms.peer.observe") == 1
    detail = client.get(response.url).text
    assert "Good energy; end with the key messages." in detail and "2/4" in detail


def test_submitting_the_same_observation_twice_saves_it_once(client, world):
    peer = promoted(world)
    client.force_login(world["me"])
    client.post(reverse("peer_observe", args=[peer.pk]), observation_data())

    response = client.post(reverse("peer_observe", args=[peer.pk]), observation_data())

    assert response.status_code == 302
    assert Observation.objects.count() == 1


@pytest.mark.parametrize("changes", [{"preparation": "5"}, {"child_safe": "0"}, {"feedback": ""}, {"feedback": "  "}])
def test_an_observation_with_a_rating_outside_1_to_4_or_no_feedback_is_refused(client, world, changes):
    peer = promoted(world)
    client.force_login(world["me"])

    response = client.post(reverse("peer_observe", args=[peer.pk]), observation_data(**changes))

    assert response.status_code == 200
    assert 'class="errors"' in response.text
    assert not Observation.objects.exists()


def test_the_observation_form_offers_the_sessions_of_the_peers_groups_only(client, world):
    peer = promoted(world)
    services.peer_group_assign(group=world["group"], peer=peer, acting_user=world["me"])
    own = factories.held_session(
        group=world["group"], lesson=world["lessons"][0], day=days_ago(1), acting_user=peer.user
    )
    elsewhere = factories.make_group(world["centre"], world["me"], [world["module"]], name="Others")
    not_led = factories.held_session(
        group=elsewhere, lesson=world["lessons"][0], day=days_ago(1), acting_user=world["me"]
    )
    client.force_login(world["me"])

    html = client.get(reverse("peer_observe", args=[peer.pk])).text
    refused = client.post(reverse("peer_observe", args=[peer.pk]), observation_data(session=not_led.pk))
    saved = client.post(reverse("peer_observe", args=[peer.pk]), observation_data(session=own.pk))

    assert f'<option value="{own.pk}"' in html and f'<option value="{not_led.pk}"' not in html
    assert refused.status_code == 200
    assert saved.status_code == 302 and Observation.objects.get().session == own


# The list, the record and a group's peer leader


def test_the_list_and_record_show_groups_led_sessions_run_and_observations(client, world):
    peer = promoted(world)
    services.peer_group_assign(group=world["group"], peer=peer, acting_user=world["me"])
    factories.held_session(group=world["group"], lesson=world["lessons"][0], day=days_ago(1), acting_user=peer.user)
    services.observation_record(
        peer=peer,
        observed_on=TODAY,
        ratings={"preparation": 4, "participation": 4, "child_safe": 4, "key_messages": 3},
        feedback="Well done.",
        acting_user=world["me"],
    )
    client.force_login(world["me"])

    listing = client.get(reverse("peer_list")).text
    detail = client.get(reverse("peer_detail", args=[peer.pk])).text

    assert reverse("peer_detail", args=[peer.pk]) in listing and "Trainees" in listing
    assert re.search(r"<td>Trainees</td><td>1</td><td>1</td>", listing)
    assert "1 session run" in detail and "Leading a group" in detail and "Well done." in detail
    assert reverse("learner_record", args=[world["sher"].code]) in detail
    assert reverse("peer_observe", args=[peer.pk]) in detail


def test_choosing_a_groups_peer_leader_shows_them_on_the_group_page(client, world):
    peer = promoted(world)
    client.force_login(world["me"])
    url = reverse("group_peer_leader", args=[world["group"].pk])
    assert f"{world['sher'].code} Sher" in client.get(url).text

    response = client.post(url, {"peer": peer.pk})

    assert response.status_code == 302 and response.url == reverse("group_detail", args=[world["group"].pk])
    assert Group.objects.get(pk=world["group"].pk).peer_leader == peer.user
    assert "Peer leader: Sher" in client.get(response.url).text
    assert client.post(url, {"peer": ""}).status_code == 302
    assert Group.objects.get(pk=world["group"].pk).peer_leader is None


def test_a_peer_educator_of_another_centre_cannot_lead_the_group(client, world):
    far_peer = services.peer_educator_nominate(learner=world["far"], mentor=world["other"], acting_user=world["other"])
    client.force_login(world["me"])

    response = client.post(reverse("group_peer_leader", args=[world["group"].pk]), {"peer": far_peer.pk})

    assert response.status_code == 200
    assert Group.objects.get(pk=world["group"].pk).peer_leader is None


# Who may open the pages


def pathway_urls(world, peer) -> list[str]:
    return [
        reverse("peer_eligibility"),
        promote_url(world["sher"]),
        reverse("peer_detail", args=[peer.pk]),
        reverse("peer_status", args=[peer.pk]),
        reverse("peer_observe", args=[peer.pk]),
        reverse("group_peer_leader", args=[world["group"].pk]),
    ]


def test_a_facilitator_of_another_centre_gets_404_on_every_page_about_this_centre(client, world):
    peer = promoted(world)
    client.force_login(world["other"])

    for url in pathway_urls(world, peer)[1:]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"status": "paused", "note": "x", "statement": "x"}).status_code == 404, url
    html = client.get(reverse("peer_eligibility")).text
    assert world["sher"].code not in html and world["far"].code in html
    assert reverse("peer_detail", args=[peer.pk]) not in client.get(reverse("peer_list")).text


def test_a_programme_manager_reads_the_pathway_but_changes_nothing(client, world):
    client.force_login(world["manager"])
    eligibility = client.get(reverse("peer_eligibility"))
    assert eligibility.status_code == 200
    assert world["sher"].code in eligibility.text and world["far"].code in eligibility.text
    assert promote_url(world["sher"]) not in eligibility.text
    peer = promoted(world)

    assert client.get(reverse("peer_list")).status_code == 200
    detail = client.get(reverse("peer_detail", args=[peer.pk]))
    assert detail.status_code == 200 and reverse("peer_status", args=[peer.pk]) not in detail.text
    for url in pathway_urls(world, peer)[1:] + [promote_url(world["kamran"])]:
        if url != reverse("peer_detail", args=[peer.pk]):
            data = observation_data(status="paused", note="x", peer="", statement="x")
            assert client.post(url, data).status_code == 404, url
    assert PeerEducator.objects.get().status == PeerEducator.Status.ACTIVE
    assert not Observation.objects.exists()


@pytest.mark.parametrize("role", ["peer", "editor", "nobody"])
def test_people_without_records_get_404_on_the_pathway_pages(client, world, users, role):
    peer = promoted(world)
    client.force_login(users[role])

    for url in [reverse("peer_list"), *pathway_urls(world, peer)]:
        assert client.get(url).status_code == 404, url


def test_an_active_peer_educator_cannot_open_the_pathway_pages(client, world):
    peer = promoted(world)
    PeerEducator.objects.filter(pk=peer.pk).update(must_change_password=False)  # as after the first sign-in
    client.force_login(peer.user)

    for url in [reverse("peer_list"), *pathway_urls(world, peer)]:
        assert client.get(url).status_code == 404, url


# Queries


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_pathway_pages_use_a_fixed_number_of_queries(client, world):
    peer = promoted(world)
    services.peer_group_assign(group=world["group"], peer=peer, acting_user=world["me"])
    client.force_login(world["me"])
    urls = [reverse("peer_list"), reverse("peer_eligibility"), reverse("peer_detail", args=[peer.pk])]

    def grow(n):
        factories.held_session(group=world["group"], lesson=world["lessons"][0], day=days_ago(n), acting_user=peer.user)
        services.observation_record(
            peer=peer,
            observed_on=days_ago(n),
            ratings={"preparation": 4, "participation": 4, "child_safe": 4, "key_messages": 3},
            feedback="Fine.",
            acting_user=world["me"],
        )
        factories.consenting_learner(centre=world["centre"], first_name="Nadir", acting_user=world["me"], age=15)

    before = [queries(client, url) for url in urls]
    for n in (1, 2, 3):
        grow(n)
    after = [queries(client, url) for url in urls]

    assert after == before
