"""The learner registry pages: list, register, edit, move, add members, end a membership; and who may open them."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from learners import services
from learners.models import Learner, Membership
from lms import roles
from tests.factories import UserFactory, centre_with_staff, consenting_learner, learner_without_consent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world(users):
    """Two centres: `facilitator` works at QTA, `facilitator2` at KCH; each centre has a group and a learner."""
    other = UserFactory(username="facilitator2", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[users["facilitator"]])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    me = users["facilitator"]
    group = services.group_create(centre=home, name="Stars", facilitator=me, acting_user=me)
    second = services.group_create(centre=home, name="Moons", facilitator=me, acting_user=me)
    asad = consenting_learner(centre=home, first_name="Asad", acting_user=me)
    far = consenting_learner(centre=away, first_name="Bilal", acting_user=other)
    return {"home": home, "away": away, "other": other, "group": group, "second": second, "asad": asad, "far": far}


def register_data(centre, **changes):
    data = {
        "centre": centre.pk,
        "first_name": "Karim",
        "sex": "m",
        "birth_year": TODAY.year - 11,
        "age_band": "",
        "joined_on": TODAY.isoformat(),
        "guardian_consent_on": TODAY.isoformat(),
        "child_assent_on": TODAY.isoformat(),
        "situation": "at_risk",
        "risk_kinds": ["street", "out_of_school"],
    }
    data.update(changes)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# Who may open the pages


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("learner_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["editor", "reviewer", "peer", "nobody"])
def test_content_roles_peer_educators_and_users_without_a_role_get_404_on_the_list(client, users, world, role):
    client.force_login(users[role])
    assert client.get(reverse("learner_list")).status_code == 404
    assert client.get(reverse("learner_register")).status_code == 404


def test_facilitator_sees_only_their_centres_learners(client, users, world):
    client.force_login(users["facilitator"])
    response = client.get(reverse("learner_list"))
    assert response.status_code == 200
    assert "QTA-0001" in response.text and "Asad" in response.text
    assert "KCH-0001" not in response.text and "Bilal" not in response.text
    assert reverse("learner_record", kwargs={"code": "QTA-0001"}) in response.text
    assert "Register a learner" in response.text


def test_facilitator_cannot_filter_by_another_centre(client, users, world):
    client.force_login(users["facilitator"])
    response = client.get(reverse("learner_list"), {"centre": world["away"].pk})
    assert "Kuchlak CFS" not in response.text
    assert "Bilal" not in response.text


def test_learner_list_searches_code_and_first_name_and_shows_missing_consent(client, users, world):
    me = users["facilitator"]
    learner_without_consent(centre=world["home"], first_name="Zahid", acting_user=me)
    client.force_login(me)
    found = client.get(reverse("learner_list"), {"q": "zah"}).text
    assert "Zahid" in found and "Asad" not in found
    assert "missing" in found
    assert "Asad" in client.get(reverse("learner_list"), {"q": "QTA-0001"}).text


def test_learner_list_shows_fifty_a_page(client, users, world):
    me = users["facilitator"]
    for number in range(55):
        consenting_learner(centre=world["home"], first_name=f"Boy{number}", acting_user=me)
    client.force_login(me)
    first = client.get(reverse("learner_list"))
    assert first.text.count("<tr><td>") == 50
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("learner_list"), {"page": 2})
    assert second.text.count("<tr><td>") == 6


def test_programme_manager_can_list_every_centre_but_gets_404_on_edit(client, users, world):
    client.force_login(users["manager"])
    response = client.get(reverse("learner_list"))
    assert response.status_code == 200
    assert "Asad" in response.text and "Bilal" in response.text
    assert "Register a learner" not in response.text
    assert client.get(reverse("learner_register")).status_code == 404
    assert client.get(reverse("learner_edit", kwargs={"code": "QTA-0001"})).status_code == 404
    assert client.get(reverse("learner_move", kwargs={"code": "QTA-0001"})).status_code == 404
    assert client.get(reverse("members_add", kwargs={"group_id": world["group"].pk})).status_code == 404


@pytest.mark.parametrize("page", ["learner_edit", "learner_move", "members_add"])
def test_facilitator_of_another_centre_gets_404(client, world, page):
    client.force_login(world["other"])
    kwargs = {"group_id": world["group"].pk} if page == "members_add" else {"code": world["asad"].code}
    assert client.get(reverse(page, kwargs=kwargs)).status_code == 404
    assert client.post(reverse(page, kwargs=kwargs), {}).status_code == 404


def test_facilitator_of_another_centre_cannot_end_a_membership(client, users, world):
    me = users["facilitator"]
    membership = services.membership_add(group=world["group"], learner=world["asad"], joined_on=TODAY, acting_user=me)
    client.force_login(world["other"])
    url = reverse("membership_end", kwargs={"group_id": world["group"].pk, "membership_id": membership.pk})
    assert client.post(url, {"left_on": TODAY.isoformat()}).status_code == 404
    membership.refresh_from_db()
    assert membership.left_on is None


def test_content_editor_cannot_open_the_centres_admin(client, users):
    client.force_login(users["editor"])
    assert client.get("/admin/snippets/learners/centre/").status_code != 200
    assert client.get("/admin/snippets/learners/staffassignment/").status_code != 200
    assert "Staff assignments" not in client.get("/admin/").text


def test_administrator_manages_centres_in_the_admin(client, users, world):
    client.force_login(users["admin"])
    response = client.get("/admin/snippets/learners/centre/")
    assert response.status_code == 200
    assert "Quetta drop-in" in response.text
    assert client.get("/admin/snippets/learners/staffassignment/").status_code == 200


# Registering


def test_register_form_preselects_the_only_centre_and_warns_against_identifying_details(client, users, world):
    client.force_login(users["facilitator"])
    html = client.get(reverse("learner_register")).text
    assert f'<option value="{world["home"].pk}" selected>' in html
    assert "Kuchlak CFS" not in html
    assert "Do not write a surname, address or phone number" in html
    assert "If the birth year is not known, choose an age band" in html
    assert "A learner can join a group only when both are recorded" in html
    assert 'name="surname"' not in html and 'name="phone"' not in html
    assert f'value="{TODAY.isoformat()}"' in html  # date joined defaults to today


def test_facilitator_registers_a_learner_with_consent_and_opens_their_record(client, users, world):
    me = users["facilitator"]
    client.force_login(me)
    response = client.post(reverse("learner_register"), register_data(world["home"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("learner_record", kwargs={"code": "QTA-0002"})
    learner = Learner.objects.get(code="QTA-0002")
    assert learner.first_name == "Karim"
    assert learner.guardian_consent_recorded_by == me
    assert learner.child_assent_recorded_by == me
    assert any("QTA-0002" in message for message in messages_of(response))
    entry = ModelLogEntry.objects.get(action="lms.learner.register", object_id=str(learner.pk))
    assert entry.user == me


def test_a_learner_with_an_age_band_and_no_birth_year_can_be_registered(client, users, world):
    client.force_login(users["facilitator"])
    data = register_data(world["home"], birth_year="", age_band="10-14")
    assert client.post(reverse("learner_register"), data).status_code == 302
    assert Learner.objects.get(code="QTA-0002").age_band == "10-14"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_year": TODAY.year + 1}, "The birth year cannot be in the future."),
        ({"birth_year": TODAY.year - 3}, "This gives an age of 3. Learners are between 5 and 25 years old."),
        ({"birth_year": TODAY.year - 30}, "This gives an age of 30. Learners are between 5 and 25 years old."),
        ({"birth_year": "", "age_band": ""}, "Give the birth year or, when it is not known, an age band."),
        ({"joined_on": (TODAY + datetime.timedelta(days=3)).isoformat()}, "This date is in the future."),
        ({"child_assent_on": (TODAY + datetime.timedelta(days=3)).isoformat()}, "This date is in the future."),
    ],
    ids=[
        "future birth year",
        "under 5",
        "over 25",
        "no birth year nor age band",
        "joined in future",
        "assent in future",
    ],
)
def test_bad_registration_shows_its_message_and_saves_nothing(client, users, world, changes, message):
    client.force_login(users["facilitator"])
    learners, entries = Learner.objects.count(), ModelLogEntry.objects.count()
    response = client.post(reverse("learner_register"), register_data(world["home"], **changes))
    assert response.status_code == 200
    assert message in response.text
    assert (Learner.objects.count(), ModelLogEntry.objects.count()) == (learners, entries)


def test_facilitator_cannot_register_a_learner_at_another_centre(client, users, world):
    client.force_login(users["facilitator"])
    response = client.post(reverse("learner_register"), register_data(world["away"]))
    assert response.status_code == 200
    assert not Learner.objects.filter(code="KCH-0002").exists()


# Editing and moving


def test_facilitator_edits_a_learner_and_records_consent(client, users, world):
    me = users["facilitator"]
    zahid = learner_without_consent(centre=world["home"], first_name="Zahid", acting_user=me)
    client.force_login(me)
    url = reverse("learner_edit", kwargs={"code": zahid.code})
    html = client.get(url).text
    assert 'value="Zahid"' in html and 'name="centre"' not in html
    data = register_data(world["home"], first_name="Zaid", status="completed", birth_year=zahid.birth_year)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("learner_record", kwargs={"code": zahid.code})
    zahid.refresh_from_db()
    assert (zahid.first_name, zahid.status, zahid.has_consent) == ("Zaid", "completed", True)
    assert zahid.guardian_consent_recorded_by == me
    assert ModelLogEntry.objects.filter(action="lms.learner.update", object_id=str(zahid.pk)).exists()


def test_bad_edit_shows_its_message_and_changes_nothing(client, users, world):
    client.force_login(users["facilitator"])
    asad = world["asad"]
    data = register_data(world["home"], first_name="Changed", status="active", birth_year=TODAY.year + 2)
    response = client.post(reverse("learner_edit", kwargs={"code": asad.code}), data)
    assert response.status_code == 200
    assert "The birth year cannot be in the future." in response.text
    asad.refresh_from_db()
    assert asad.first_name == "Asad"


def test_facilitator_moves_a_learner_to_another_group(client, users, world):
    me = users["facilitator"]
    asad = world["asad"]
    services.membership_add(group=world["group"], learner=asad, joined_on=asad.joined_on, acting_user=me)
    client.force_login(me)
    url = reverse("learner_move", kwargs={"code": asad.code})
    html = client.get(url).text
    assert f'<option value="{world["group"].pk}" selected>Stars</option>' in html
    response = client.post(
        url, {"from_group": world["group"].pk, "to_group": world["second"].pk, "on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    current = Membership.objects.get(learner=asad, left_on__isnull=True)
    assert current.group == world["second"]
    assert Membership.objects.get(learner=asad, group=world["group"]).left_on == TODAY


def test_move_before_joining_the_group_shows_a_message_and_changes_nothing(client, users, world):
    me = users["facilitator"]
    asad = world["asad"]
    services.membership_add(group=world["group"], learner=asad, joined_on=TODAY, acting_user=me)
    client.force_login(me)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("learner_move", kwargs={"code": asad.code}),
        {"from_group": world["group"].pk, "to_group": world["second"].pk, "on": yesterday},
    )
    assert response.status_code == 200
    assert "A learner cannot leave a group before joining it." in response.text
    assert Membership.objects.get(learner=asad).group == world["group"]
    assert Membership.objects.get(learner=asad).left_on is None


def test_move_offers_no_group_of_another_centre(client, users, world):
    me = users["facilitator"]
    asad = world["asad"]
    services.membership_add(group=world["group"], learner=asad, joined_on=asad.joined_on, acting_user=me)
    other = world["other"]
    elsewhere = services.group_create(centre=world["away"], name="Far", facilitator=other, acting_user=other)
    client.force_login(me)
    url = reverse("learner_move", kwargs={"code": asad.code})
    assert "Far" not in client.get(url).text
    response = client.post(url, {"from_group": world["group"].pk, "to_group": elsewhere.pk, "on": TODAY.isoformat()})
    assert response.status_code == 200
    assert not Membership.objects.filter(group=elsewhere).exists()


# Adding members and ending memberships


def test_members_page_lists_learners_and_disables_those_without_consent(client, users, world):
    me = users["facilitator"]
    zahid = learner_without_consent(centre=world["home"], first_name="Zahid", acting_user=me)
    client.force_login(me)
    html = client.get(reverse("members_add", kwargs={"group_id": world["group"].pk})).text
    assert f'<label for="learner-{world["asad"].pk}">QTA-0001 Asad</label>' in html
    assert f'id="learner-{zahid.pk}" disabled' in html
    assert "consent or assent missing" in html
    assert "Bilal" not in html


def test_facilitator_adds_members_and_returns_to_the_group(client, users, world):
    me = users["facilitator"]
    karim = consenting_learner(centre=world["home"], first_name="Karim", acting_user=me)
    client.force_login(me)
    url = reverse("members_add", kwargs={"group_id": world["group"].pk})
    data = {"learners": [world["asad"].pk, karim.pk], "joined_on": TODAY.isoformat()}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("group_detail", kwargs={"group_id": world["group"].pk})
    assert "Added 2 learners to Stars." in messages_of(response)
    assert set(Membership.objects.filter(group=world["group"]).values_list("learner__first_name", flat=True)) == {
        "Asad",
        "Karim",
    }
    assert "Karim" not in client.get(url).text  # members are no longer offered


def test_learner_without_consent_cannot_be_added_and_nobody_else_is_added_either(client, users, world):
    me = users["facilitator"]
    zahid = learner_without_consent(centre=world["home"], first_name="Zahid", acting_user=me)
    client.force_login(me)
    url = reverse("members_add", kwargs={"group_id": world["group"].pk})
    response = client.post(url, {"learners": [world["asad"].pk, zahid.pk], "joined_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert (
        f"No consent on file for {zahid.code}: record the guardian&#x27;s consent and the child&#x27;s assent"
        in response.text
    )
    assert not Membership.objects.filter(group=world["group"]).exists()


def test_adding_a_current_member_again_shows_the_duplicate_message(client, users, world):
    me = users["facilitator"]
    asad = world["asad"]
    services.membership_add(group=world["group"], learner=asad, joined_on=TODAY, acting_user=me)
    client.force_login(me)
    url = reverse("members_add", kwargs={"group_id": world["group"].pk})
    response = client.post(url, {"learners": [asad.pk], "joined_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "QTA-0001 is already in this group." in response.text
    assert Membership.objects.filter(group=world["group"], learner=asad).count() == 1


def test_submitting_the_members_form_twice_adds_each_learner_once(client, users, world):
    client.force_login(users["facilitator"])
    url = reverse("members_add", kwargs={"group_id": world["group"].pk})
    data = {"learners": [world["asad"].pk], "joined_on": TODAY.isoformat()}
    assert client.post(url, data).status_code == 302
    client.post(url, data)
    assert Membership.objects.filter(group=world["group"], learner=world["asad"]).count() == 1
    assert ModelLogEntry.objects.filter(action="lms.membership.add").count() == 1


def test_learner_of_another_centre_cannot_be_posted_into_a_group(client, users, world):
    client.force_login(users["facilitator"])
    url = reverse("members_add", kwargs={"group_id": world["group"].pk})
    response = client.post(url, {"learners": [world["far"].pk], "joined_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert not Membership.objects.filter(learner=world["far"]).exists()


def test_join_date_in_the_future_is_refused(client, users, world):
    client.force_login(users["facilitator"])
    url = reverse("members_add", kwargs={"group_id": world["group"].pk})
    later = (TODAY + datetime.timedelta(days=10)).isoformat()
    response = client.post(url, {"learners": [world["asad"].pk], "joined_on": later})
    assert response.status_code == 200
    assert "This date is in the future." in response.text
    assert not Membership.objects.exists()


def test_facilitator_confirms_that_a_learner_left_a_group(client, users, world):
    me = users["facilitator"]
    membership = services.membership_add(
        group=world["group"], learner=world["asad"], joined_on=world["asad"].joined_on, acting_user=me
    )
    client.force_login(me)
    url = reverse("membership_end", kwargs={"group_id": world["group"].pk, "membership_id": membership.pk})
    html = client.get(url).text
    assert f'value="{TODAY.isoformat()}"' in html
    response = client.post(url, {"left_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("group_detail", kwargs={"group_id": world["group"].pk})
    membership.refresh_from_db()
    assert membership.left_on == TODAY


def test_membership_of_another_group_answers_404(client, users, world):
    me = users["facilitator"]
    membership = services.membership_add(group=world["group"], learner=world["asad"], joined_on=TODAY, acting_user=me)
    client.force_login(me)
    url = reverse("membership_end", kwargs={"group_id": world["second"].pk, "membership_id": membership.pk})
    assert client.get(url).status_code == 404
