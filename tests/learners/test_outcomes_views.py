"""Pages for services, training, outcomes and moves between centres: who may open them, what they save,
the messages they show, and what the learner record shows to everyone who may read the learner."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners import services
from learners.models import (
    CentreTransfer,
    JobPlacement,
    Learner,
    Membership,
    SchoolEnrolment,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from lms import roles
from tests.factories import UserFactory, add_members, centre_with_staff, days_ago, make_centre, make_group, make_learner

pytestmark = pytest.mark.django_db

ADD_PAGES = ["service_add", "training_add", "placement_add", "school_enrolment_add", "learner_transfer"]


@pytest.fixture
def world(users):
    """QTA (`facilitator`) with Asad, who joined 100 days ago and has one record of each kind; KCH
    (`facilitator2`) with Bilal."""
    me = users["facilitator"]
    other = UserFactory(username="facilitator2", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    asad = make_learner(home, me, first_name="Asad", joined_on=days_ago(100))
    bilal = make_learner(away, other, first_name="Bilal", joined_on=days_ago(100))
    tailoring = Trade.objects.get(name="Tailoring")
    records = {
        "service": services.service_record(
            learner=asad, kind="counselling", date=days_ago(30), provider="Legal Aid Society", acting_user=me
        ),
        "training": services.training_enrol(learner=asad, trade=tailoring, enrolled_on=days_ago(50), acting_user=me),
        "placement": services.placement_record(
            learner=asad, placed_on=days_ago(10), kind="apprentice", sector="Bakery", acting_user=me
        ),
        "school": services.school_enrolment_record(learner=asad, enrolled_on=days_ago(20), grade="4", acting_user=me),
    }
    return {"me": me, "other": other, "home": home, "away": away, "asad": asad, "bilal": bilal, **records}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def add_urls(code: str) -> list[str]:
    return [reverse(name, kwargs={"code": code}) for name in ADD_PAGES]


def record_urls(world) -> list[str]:
    return [
        reverse("training_update", kwargs={"training_id": world["training"].pk}),
        *(
            reverse("outcome_remove", kwargs={"kind": kind, "record_id": world[kind].pk})
            for kind in ("service", "training", "placement", "school")
        ),
    ]


# Who may open the pages


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in add_urls("QTA-0001") + record_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"]


def test_the_facilitator_of_the_centre_opens_every_page(client, world):
    client.force_login(world["me"])
    for url in add_urls("QTA-0001") + record_urls(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["facilitator2", "manager", "editor", "reviewer", "peer", "nobody"])
def test_everyone_else_gets_404_on_the_add_and_change_pages(client, users, world, who):
    client.force_login(world["other"] if who == "facilitator2" else users[who])
    for url in add_urls("QTA-0001") + record_urls(world):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_an_unknown_kind_of_record_is_404(client, world):
    client.force_login(world["me"])
    url = reverse("outcome_remove", kwargs={"kind": "transfer", "record_id": world["service"].pk})
    assert client.get(url).status_code == 404


# The learner record


def test_the_learner_record_shows_every_record_with_add_and_remove_links_for_the_facilitator(client, world):
    client.force_login(world["me"])
    html = client.get(reverse("learner_record", args=["QTA-0001"])).text
    for heading in ("Services received", "Vocational training", "Outcomes", "Moves between centres"):
        assert heading in html
    for shown in ("Psychosocial counselling", "Legal Aid Society", "Tailoring", "Apprenticeship", "Bakery"):
        assert shown in html
    for url in add_urls("QTA-0001") + record_urls(world):
        assert url in html


def test_a_manager_reads_the_records_without_add_or_remove_links(client, users, world):
    client.force_login(users["manager"])
    response = client.get(reverse("learner_record", args=["QTA-0001"]))
    assert response.status_code == 200
    html = response.text
    assert "Psychosocial counselling" in html and "Tailoring" in html and "Bakery" in html
    for url in add_urls("QTA-0001") + record_urls(world):
        assert url not in html


# Recording


def test_a_service_is_recorded_over_http_once_even_when_the_form_is_sent_twice(client, world):
    client.force_login(world["me"])
    url = reverse("service_add", kwargs={"code": "QTA-0001"})
    page = client.get(url).text
    assert "Counselling notes and case details do not belong" in page
    data = {"kind": "medical", "date": days_ago(2).isoformat(), "provider": ""}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("learner_record", kwargs={"code": "QTA-0001"})
    assert messages_of(first) == ["Service recorded for QTA-0001."]
    assert ServiceRecord.objects.filter(kind="medical").count() == 1
    assert ModelLogEntry.objects.filter(action="lms.service.record").count() == 2  # the fixture's and this one
    assert "Medical support" in client.get(first["Location"]).text


def test_training_placement_and_school_are_recorded_over_http(client, world):
    client.force_login(world["me"])
    electronics = Trade.objects.get(name="Electronics repair")
    posts = {
        "training_add": {"trade": electronics.pk, "enrolled_on": days_ago(5).isoformat()},
        "placement_add": {"placed_on": days_ago(4).isoformat(), "kind": "employment", "trade": electronics.pk},
        "school_enrolment_add": {"enrolled_on": days_ago(3).isoformat(), "grade": "6"},
    }
    for name, data in posts.items():
        response = client.post(reverse(name, kwargs={"code": "QTA-0001"}), data)
        assert response.status_code == 302, (name, response.context and response.context["form"].errors)
    assert TrainingEnrolment.objects.filter(trade=electronics, centre=world["home"]).exists()
    assert JobPlacement.objects.filter(trade=electronics, kind="employment").exists()
    assert SchoolEnrolment.objects.filter(grade="6").exists()


def test_a_certificate_dated_before_the_enrolment_is_rejected_with_the_message_and_nothing_is_saved(client, world):
    client.force_login(world["me"])
    training = world["training"]
    url = reverse("training_update", kwargs={"training_id": training.pk})
    data = {"certified_on": days_ago(51).isoformat(), "certifying_board": "Balochistan TEVTA"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The certificate cannot be dated before the enrolment." in response.text
    training.refresh_from_db()
    assert training.certified_on is None and training.certifying_board == ""
    assert not ModelLogEntry.objects.filter(action="lms.training.update").exists()


def test_a_certification_is_recorded_and_shown_on_the_learner_record(client, world):
    client.force_login(world["me"])
    url = reverse("training_update", kwargs={"training_id": world["training"].pk})
    data = {"completed_on": days_ago(8).isoformat(), "certified_on": days_ago(6).isoformat()}
    data.update(certifying_board="Balochistan TEVTA", certificate_number="TV-77")
    response = client.post(url, data)
    assert response.status_code == 302
    assert messages_of(response) == ["Saved the Tailoring training of QTA-0001."]
    html = client.get(response["Location"]).text
    assert "Balochistan TEVTA" in html and "TV-77" in html


def test_a_placement_without_trade_or_sector_shows_the_message(client, world):
    client.force_login(world["me"])
    url = reverse("placement_add", kwargs={"code": "QTA-0001"})
    response = client.post(url, {"placed_on": days_ago(1).isoformat(), "kind": "self", "trade": "", "sector": ""})
    assert response.status_code == 200
    assert "Choose a trade or write the sector of the work." in response.text
    assert JobPlacement.objects.count() == 1


def test_a_placement_for_a_learner_of_another_centre_is_404(client, world):
    client.force_login(world["me"])
    url = reverse("placement_add", kwargs={"code": "KCH-0001"})
    response = client.post(url, {"placed_on": days_ago(1).isoformat(), "kind": "self", "sector": "Bakery"})
    assert response.status_code == 404
    assert not JobPlacement.objects.filter(learner=world["bilal"]).exists()


def test_trade_choices_show_only_trades_still_offered(client, world):
    Trade.objects.filter(name="Mobile phone repair").update(is_active=False)
    client.force_login(world["me"])
    for name in ("training_add", "placement_add"):
        html = client.get(reverse(name, kwargs={"code": "QTA-0001"})).text
        assert "Electronics repair" in html and "Tailoring" in html
        assert "Mobile phone repair" not in html


# Removing a mistake


def test_a_mistaken_record_is_removed_after_confirmation(client, world):
    client.force_login(world["me"])
    url = reverse("outcome_remove", kwargs={"kind": "placement", "record_id": world["placement"].pk})
    confirm = client.get(url)
    assert "Bakery" in confirm.text and "Apprenticeship" in confirm.text
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("learner_record", kwargs={"code": "QTA-0001"})
    assert messages_of(response) == ["Removed the job placement of QTA-0001."]
    assert not JobPlacement.objects.exists()
    assert ModelLogEntry.objects.filter(action="lms.outcome.remove").count() == 1


# Moving to another centre


def test_the_destination_is_any_other_active_centre(client, world):
    make_centre("OLD", name="Closed centre", is_active=False)
    make_centre("PSH", name="Pishin drop-in")
    client.force_login(world["me"])
    form = client.get(reverse("learner_transfer", kwargs={"code": "QTA-0001"})).context["form"]
    assert [centre.name for centre in form.fields["to_centre"].queryset] == ["Kuchlak CFS", "Pishin drop-in"]


def test_a_move_ends_groups_and_hands_the_record_to_the_new_centre(client, world):
    me, asad = world["me"], world["asad"]
    group = make_group(world["home"], me, name="Stars")
    add_members(group, [asad], joined_on=days_ago(40), acting_user=me)
    client.force_login(me)
    data = {"to_centre": world["away"].pk, "moved_on": days_ago(2).isoformat()}
    response = client.post(reverse("learner_transfer", kwargs={"code": "QTA-0001"}), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("learner_list")  # this facilitator no longer sees the learner
    assert len(messages_of(response)) == 1 and "QTA-0001 moved to Kuchlak CFS" in messages_of(response)[0]
    assert Learner.objects.get(pk=asad.pk).centre == world["away"]
    assert Membership.objects.get(group=group, learner=asad).left_on == days_ago(2)
    assert CentreTransfer.objects.count() == 1
    assert client.get(reverse("learner_record", args=["QTA-0001"])).status_code == 404

    client.force_login(world["other"])
    html = client.get(reverse("learner_record", args=["QTA-0001"])).text
    assert "Quetta drop-in" in html and "Kuchlak CFS" in html  # the move, and the records made before it
    assert "Psychosocial counselling" in html
    assert reverse("service_add", kwargs={"code": "QTA-0001"}) in html


def test_an_admin_who_moves_a_learner_returns_to_the_record(client, users, world):
    client.force_login(users["admin"])
    data = {"to_centre": world["away"].pk, "moved_on": days_ago(1).isoformat()}
    response = client.post(reverse("learner_transfer", kwargs={"code": "QTA-0001"}), data)
    assert response["Location"] == reverse("learner_record", kwargs={"code": "QTA-0001"})


def test_a_move_to_the_learners_own_centre_cannot_be_posted(client, world):
    client.force_login(world["me"])
    data = {"to_centre": world["home"].pk, "moved_on": days_ago(1).isoformat()}
    response = client.post(reverse("learner_transfer", kwargs={"code": "QTA-0001"}), data)
    assert response.status_code == 200
    assert response.context["form"].errors["to_centre"]
    assert not CentreTransfer.objects.exists()


def test_administrators_edit_the_trades_in_the_admin_and_facilitators_cannot(client, users, world):
    url = reverse("wagtailsnippets_learners_trade:list")
    client.force_login(users["admin"])
    html = client.get(url).text
    assert "Tailoring" in html and "Mobile phone repair" in html
    client.force_login(world["me"])
    assert client.get(url).status_code in (302, 403)
