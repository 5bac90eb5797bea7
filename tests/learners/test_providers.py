"""The directory of service providers on the site: who keeps which directory (a centre's facilitators, programme
managers every centre's and the programme's own), the services' rules and audit, the pages (404 outside the
user's directories, bad input changes nothing and says why), and the links from where referrals are made."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners.models import ServiceProvider
from learners.selectors import help_contacts_for
from learners.services import service_provider_create, service_provider_update
from lms import access, roles
from lms.results import Done
from tests.factories import UserFactory, centre_with_staff, consenting_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    """QTA with `facilitator` and a clinic in its directory, KCH with `facilitator2` and a legal aid desk, and a
    programme-wide shelter."""
    me = users["facilitator"]
    other = UserFactory(username="facilitator2", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    clinic = ServiceProvider.objects.create(centre=home, kind="health", name="Street clinic", phone="081-2000100")
    desk = ServiceProvider.objects.create(centre=away, kind="legal", name="Legal aid desk", phone="081-2000200")
    shelter = ServiceProvider.objects.create(centre=None, kind="shelter", name="Night shelter", phone="081-2000300")
    return {"me": me, "other": other, "home": home, "away": away, "clinic": clinic, "desk": desk, "shelter": shelter}


def add(world, user, **fields):
    values = {"centre": world["home"], "kind": "health", "name": "Civil hospital", "phone": "081-9201111"}
    return service_provider_create(**(values | fields), acting_user=user)


# ---- services ---------------------------------------------------------------------------------------------


def test_a_facilitator_adds_a_provider_to_their_centre_once_and_it_is_audited(world):
    first = add(world, world["me"], area=" Satellite Town ")
    again = add(world, world["me"], area="Satellite Town")
    assert first.done is Done.CREATED and again.done is Done.UNCHANGED and again.record == first.record
    assert first.record.area == "Satellite Town" and first.record.is_active
    entry = ModelLogEntry.objects.get(action="lms.provider.create")
    assert entry.data["name"] == "Civil hospital" and entry.data["centre"] == world["home"].pk


def test_the_same_name_with_other_details_is_refused_with_a_message(world):
    with pytest.raises(ValidationError) as refused:
        add(world, world["me"], name="Street clinic", phone="081-1111111")
    assert "already in this directory" in str(refused.value)


def test_who_keeps_which_directory(world, users):
    with pytest.raises(access.OutOfScope):
        add(world, world["other"])
    with pytest.raises(access.OutOfScope):
        add(world, world["me"], centre=None)
    for user in (users["peer"], users["editor"], users["nobody"]):
        with pytest.raises(access.OutOfScope):
            add(world, user)
    assert add(world, users["manager"], centre=None).done is Done.CREATED
    assert add(world, users["manager"], centre=world["away"]).done is Done.CREATED
    with pytest.raises(access.OutOfScope):
        service_provider_update(provider=world["shelter"], phone="081-1", acting_user=world["me"])
    with pytest.raises(access.OutOfScope):
        service_provider_update(provider=world["desk"], phone="081-1", acting_user=world["me"])


def test_a_change_is_audited_with_before_and_after_and_reaches_where_to_get_help(world, users):
    learner = consenting_learner(centre=world["home"], first_name="Asad", acting_user=world["me"])
    assert world["clinic"] not in help_contacts_for(world["me"])
    result = service_provider_update(
        provider=world["clinic"], phone="081-2000199", show_in_help=True, acting_user=world["me"]
    )
    assert result.done is Done.CHANGED
    entry = ModelLogEntry.objects.get(action="lms.provider.update")
    assert entry.data["changes"] == {"phone": ["081-2000100", "081-2000199"], "show_in_help": [False, True]}
    assert [p.phone for p in help_contacts_for(world["me"]) if p.name == "Street clinic"] == ["081-2000199"]
    assert service_provider_update(provider=world["clinic"], phone="081-2000199", acting_user=world["me"]).done is (
        Done.UNCHANGED
    )
    assert learner.pk  # the learner's referrals would still name the provider: it is never deleted


def test_a_bad_phone_number_is_refused_and_nothing_changes(world):
    with pytest.raises(ValidationError):
        service_provider_update(provider=world["clinic"], phone="call me", acting_user=world["me"])
    assert ServiceProvider.objects.get(pk=world["clinic"].pk).phone == "081-2000100"


# ---- pages --------------------------------------------------------------------------------------------------


def test_a_facilitator_with_one_centre_sees_its_directory_and_the_programmes(client, world):
    client.force_login(world["me"])
    page = client.get(reverse("provider_list")).text
    assert "Street clinic" in page and "Night shelter" in page and "Legal aid desk" not in page
    assert reverse("provider_edit", args=[world["clinic"].pk]) in page
    assert reverse("provider_edit", args=[world["shelter"].pk]) not in page  # the programme's: managers keep it


def test_a_manager_chooses_a_directory_and_may_change_every_one(client, world, users):
    client.force_login(users["manager"])
    page = client.get(reverse("provider_list")).text
    assert "Quetta drop-in" in page and "Kuchlak CFS" in page and "Whole programme" in page
    page = client.get(reverse("provider_list"), {"centre": world["away"].pk}).text
    assert "Legal aid desk" in page and reverse("provider_edit", args=[world["shelter"].pk]) in page
    assert client.get(reverse("provider_list"), {"centre": "programme"}).status_code == 200
    assert client.get(reverse("provider_edit", args=[world["desk"].pk])).status_code == 200


def test_outside_the_users_directories_everything_answers_404(client, world, users):
    client.force_login(world["me"])
    assert client.get(reverse("provider_list"), {"centre": world["away"].pk}).status_code == 404
    assert client.get(reverse("provider_list"), {"centre": "programme"}).status_code == 404
    assert client.get(reverse("provider_list"), {"centre": "99999999999999999999"}).status_code == 404
    assert client.get(reverse("provider_add"), {"centre": world["away"].pk}).status_code == 404
    for provider in ("desk", "shelter"):
        url = reverse("provider_edit", args=[world[provider].pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"kind": "health", "name": "Hijacked", "phone": "081-1"}).status_code == 404
    for user in (users["peer"], users["editor"], users["reviewer"], users["nobody"]):
        client.force_login(user)
        assert client.get(reverse("provider_list")).status_code == 404
        assert client.get(reverse("provider_add")).status_code == 404
        assert client.get(reverse("provider_edit", args=[world["clinic"].pk])).status_code == 404
    assert not ServiceProvider.objects.filter(name="Hijacked").exists()


def test_adding_and_changing_a_provider_on_the_site(client, world):
    client.force_login(world["me"])
    url = reverse("provider_add") + f"?centre={world['home'].pk}"
    response = client.post(url, {"kind": "education", "name": "Evening school", "area": "", "phone": "081-3000000"})
    assert response.status_code == 302 and response.url.endswith(f"?centre={world['home'].pk}")
    school = ServiceProvider.objects.get(name="Evening school")
    assert school.centre == world["home"] and school.is_active
    edit = reverse("provider_edit", args=[school.pk])
    page = client.get(edit).text
    assert 'value="Evening school"' in page and "Still referring to it" in page
    response = client.post(edit, {"kind": "education", "name": "Evening school", "phone": "081-3000000"})
    assert response.status_code == 302
    assert not ServiceProvider.objects.get(pk=school.pk).is_active  # unticked: no longer referred to


def test_bad_input_changes_nothing_and_says_why(client, world):
    client.force_login(world["me"])
    edit = reverse("provider_edit", args=[world["clinic"].pk])
    response = client.post(edit, {"kind": "spaceship", "name": "", "phone": "not a number", "is_active": "on"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text and "This field is required" in response.text
    response = client.post(edit, {"kind": "health", "name": "Street clinic", "phone": "ring ring", "is_active": "on"})
    assert response.status_code == 200 and "Write the number with digits, spaces and dashes only." in response.text
    assert ServiceProvider.objects.get(pk=world["clinic"].pk).phone == "081-2000100"
    assert not ModelLogEntry.objects.filter(action__startswith="lms.provider").exists()


def test_the_directory_is_linked_from_where_referrals_are_made(client, world):
    learner = consenting_learner(centre=world["home"], first_name="Asad", acting_user=world["me"])
    directory = reverse("provider_list") + f"?centre={world['home'].pk}"
    client.force_login(world["me"])
    assert directory in client.get(reverse("referral_add", args=[learner.code])).text
    assert directory in client.get(reverse("learner_record", args=[learner.code])).text
    assert reverse("provider_list") in client.get(reverse("referrals_due")).text


def test_a_name_with_an_invisible_right_to_left_override_is_refused(client, world):
    client.force_login(world["me"])
    url = reverse("provider_add") + f"?centre={world['home'].pk}"
    response = client.post(url, {"kind": "health", "name": "\u202eevil clinic", "phone": "081-3000000"})
    assert response.status_code == 200 and "Remove the invisible characters" in response.text
    assert not ServiceProvider.objects.filter(phone="081-3000000").exists()
