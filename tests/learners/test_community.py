"""Community structures: PCCs and child associations, their meetings and sensitisation events.

The services are called directly for the rules (counts, dates, centres, idempotency, audit); the HTTP
client checks the pages, what they show, and who may open them.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from wagtail.models import ModelLogEntry

from learners.models import CommunityGroup, CommunityMeeting, SensitisationEvent
from learners.services import (
    community_group_create,
    community_group_update,
    community_meeting_record,
    sensitisation_event_record,
)
from lms import roles
from tests.factories import UserFactory, centre_with_staff, consenting_learner, days_ago

pytestmark = pytest.mark.django_db

NEGATIVE = "A count cannot be negative."
FUTURE = "This date is in the future."


@pytest.fixture
def world(users):
    """Two centres: `facilitator` works at QTA, `facilitator2` at KCH. QTA has a PCC formed 200 days ago and a
    child association with one learner member; KCH has a PCC."""
    me = users["facilitator"]
    other = UserFactory(username="facilitator2", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    asad = consenting_learner(centre=home, first_name="Asad", acting_user=me)
    sara = consenting_learner(centre=home, first_name="Sara", acting_user=me)
    far = consenting_learner(centre=away, first_name="Bilal", acting_user=other)
    pcc = community_group_create(
        centre=home,
        kind=CommunityGroup.Kind.PCC,
        name="Quetta parents",
        formed_on=days_ago(200),
        members_male=7,
        members_female=9,
        acting_user=me,
    )
    association = community_group_create(
        centre=home,
        kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
        name="Young voices",
        members_male=3,
        members_female=4,
        learner_members=[asad],
        acting_user=me,
    )
    away_pcc = community_group_create(
        centre=away, kind=CommunityGroup.Kind.PCC, name="Kuchlak parents", members_male=2, acting_user=other
    )
    return {
        "me": me,
        "other": other,
        "home": home,
        "away": away,
        "asad": asad,
        "sara": sara,
        "far": far,
        "pcc": pcc,
        "association": association,
        "away_pcc": away_pcc,
    }


def log_entries(action: str, instance) -> list[ModelLogEntry]:
    """Audit entries of one action about one record, oldest first."""
    return list(ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk)).order_by("timestamp", "pk"))


def refusal(call, **kwargs) -> dict[str, list[str]]:
    """Call a service that must refuse; return its messages by field ("__all__" for the whole)."""
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    error = raised.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def row_cells(html: str, attribute: str, pk: int) -> list[str]:
    """The text of each cell of the table row marked data-<attribute>="<pk>"."""
    row = re.search(rf'<tr data-{attribute}="{pk}">(.*?)</tr>', html, re.S)
    assert row, f"no row data-{attribute}={pk}"
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def meeting(world, group="pcc", *, days: int = 10, attendance: int = 12, user=None):
    return community_meeting_record(
        group=world[group],
        date=days_ago(days),
        topics="Child rights",
        attendance=attendance,
        acting_user=user or world["me"],
    ).record


def event(world, *, days: int = 5, audience="elders", male=6, female=4, centre="home", user=None):
    return sensitisation_event_record(
        centre=world[centre],
        date=days_ago(days),
        audience=audience,
        participants_male=male,
        participants_female=female,
        topics="Child labour",
        acting_user=user or world["me"],
    ).record


# Groups: services


def test_creating_a_group_is_audited_with_its_values_and_the_acting_user(world):
    [entry] = log_entries("lms.community.create", world["association"])
    assert entry.user_id == world["me"].pk
    assert entry.data["centre"] == world["home"].pk
    assert entry.data["kind"] == "child_assoc"
    assert (entry.data["members_male"], entry.data["members_female"]) == (3, 4)
    assert entry.data["learner_members"] == ["QTA-0001"]
    assert list(world["association"].learner_members.all()) == [world["asad"]]


def test_the_same_group_recorded_twice_is_kept_once_and_audited_once(world):
    again = community_group_create(
        centre=world["home"], kind=CommunityGroup.Kind.PCC, name=" Quetta parents ", acting_user=world["me"]
    )
    assert again.pk == world["pcc"].pk
    assert CommunityGroup.objects.filter(centre=world["home"], name="Quetta parents").count() == 1
    assert len(log_entries("lms.community.create", world["pcc"])) == 1


def test_a_second_group_with_the_same_name_but_another_kind_is_refused(world):
    errors = refusal(
        community_group_create,
        centre=world["home"],
        kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
        name="Quetta parents",
        acting_user=world["me"],
    )
    assert errors == {"name": ["Quetta drop-in already has a group called Quetta parents."]}


@pytest.mark.parametrize("field", ["members_male", "members_female"])
def test_a_negative_member_count_is_refused_on_its_field_and_nothing_is_saved(world, field):
    before = (CommunityGroup.objects.count(), ModelLogEntry.objects.count())
    errors = refusal(
        community_group_create,
        centre=world["home"],
        kind=CommunityGroup.Kind.PCC,
        name="New parents",
        acting_user=world["me"],
        **{field: -1},
    )
    assert errors == {field: [NEGATIVE]}
    assert (CommunityGroup.objects.count(), ModelLogEntry.objects.count()) == before


def test_a_group_cannot_be_formed_in_the_future(world):
    errors = refusal(
        community_group_create,
        centre=world["home"],
        kind=CommunityGroup.Kind.PCC,
        name="New parents",
        formed_on=days_ago(-1),
        acting_user=world["me"],
    )
    assert errors == {"formed_on": [FUTURE]}


def test_a_child_association_lists_only_learners_of_its_own_centre(world):
    errors = refusal(
        community_group_create,
        centre=world["home"],
        kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
        name="Mixed",
        learner_members=[world["asad"], world["far"]],
        acting_user=world["me"],
    )
    assert errors == {"learner_members": ["KCH-0001 belongs to another centre."]}
    assert not CommunityGroup.objects.filter(name="Mixed").exists()


def test_a_parents_committee_has_no_learner_members(world):
    errors = refusal(
        community_group_create,
        centre=world["home"],
        kind=CommunityGroup.Kind.PCC,
        name="Parents with children",
        learner_members=[world["asad"]],
        acting_user=world["me"],
    )
    assert errors == {
        "learner_members": ["A Parents' Community Committee has no learner members: count its members instead."]
    }


@pytest.mark.parametrize("who", ["other", "manager", "editor"])
def test_only_someone_who_manages_the_centre_records_a_group_there(world, users, who):
    acting_user = world["other"] if who == "other" else users[who]
    errors = refusal(
        community_group_create,
        centre=world["home"],
        kind=CommunityGroup.Kind.PCC,
        name="Outsiders",
        acting_user=acting_user,
    )
    assert errors == {"centre": ["You cannot change the records of Quetta drop-in."]}


def test_an_administrator_records_a_group_at_any_centre(world, users):
    group = community_group_create(
        centre=world["away"], kind=CommunityGroup.Kind.PCC, name="Elders' PCC", acting_user=users["admin"]
    )
    assert group.centre == world["away"]


def test_changing_a_group_is_audited_with_before_and_after(world):
    community_group_update(
        group=world["association"],
        members_female=6,
        learner_members=[world["asad"], world["sara"]],
        acting_user=world["me"],
    )
    world["association"].refresh_from_db()
    assert world["association"].members_female == 6
    [entry] = log_entries("lms.community.update", world["association"])
    assert entry.data["changes"] == {
        "members_female": [4, 6],
        "learner_members": [["QTA-0001"], ["QTA-0001", "QTA-0002"]],
    }


def test_saving_a_group_unchanged_writes_no_audit_entry(world):
    community_group_update(group=world["pcc"], name="Quetta parents", members_male=7, acting_user=world["me"])
    assert log_entries("lms.community.update", world["pcc"]) == []


def test_a_change_with_a_negative_count_is_refused_and_nothing_changes(world):
    errors = refusal(community_group_update, group=world["pcc"], members_male=-3, acting_user=world["me"])
    assert errors == {"members_male": [NEGATIVE]}
    world["pcc"].refresh_from_db()
    assert world["pcc"].members_male == 7


def test_a_change_adding_a_learner_of_another_centre_is_refused(world):
    errors = refusal(
        community_group_update, group=world["association"], learner_members=[world["far"]], acting_user=world["me"]
    )
    assert errors == {"learner_members": ["KCH-0001 belongs to another centre."]}
    assert list(world["association"].learner_members.all()) == [world["asad"]]


def test_a_child_association_with_learner_members_cannot_become_a_parents_committee(world):
    errors = refusal(
        community_group_update, group=world["association"], kind=CommunityGroup.Kind.PCC, acting_user=world["me"]
    )
    assert list(errors) == ["learner_members"]


def test_a_group_cannot_be_formed_after_its_first_meeting(world):
    meeting(world, days=100)
    errors = refusal(community_group_update, group=world["pcc"], formed_on=days_ago(50), acting_user=world["me"])
    assert errors == {"formed_on": [f"The group met on {date_format(days_ago(100))}, so it was formed by then."]}


def test_a_facilitator_of_another_centre_cannot_change_a_group(world):
    errors = refusal(community_group_update, group=world["pcc"], name="Taken over", acting_user=world["other"])
    assert errors == {"centre": ["You cannot change the records of Quetta drop-in."]}


# Meetings: services


def test_a_meeting_is_recorded_and_audited(world):
    recorded = meeting(world, attendance=14)
    assert (recorded.group, recorded.attendance, recorded.recorded_by) == (world["pcc"], 14, world["me"])
    [entry] = log_entries("lms.community.meeting", recorded)
    assert entry.user_id == world["me"].pk
    assert entry.data == {"group": world["pcc"].pk, "date": days_ago(10).isoformat(), "attendance": 14}


def test_a_meeting_recorded_twice_on_a_day_returns_the_first_unchanged(world):
    first = meeting(world, attendance=14)
    again = meeting(world, attendance=20)
    assert again.pk == first.pk and again.attendance == 14
    assert CommunityMeeting.objects.filter(group=world["pcc"]).count() == 1
    assert ModelLogEntry.objects.filter(action="lms.community.meeting").count() == 1


def test_a_negative_attendance_is_refused(world):
    errors = refusal(meeting, world=world, attendance=-1)
    assert errors == {"attendance": [NEGATIVE]}
    assert not CommunityMeeting.objects.exists()


def test_a_meeting_cannot_be_in_the_future(world):
    assert refusal(meeting, world=world, days=-1) == {"date": [FUTURE]}


def test_a_meeting_cannot_be_before_the_group_was_formed(world):
    errors = refusal(meeting, world=world, days=201)
    assert errors == {
        "date": [f"The group was formed on {date_format(days_ago(200))}: a meeting cannot be before that."]
    }


def test_a_meeting_on_the_day_the_group_was_formed_is_accepted(world):
    assert meeting(world, days=200).date == days_ago(200)


def test_a_facilitator_of_another_centre_cannot_record_a_meeting(world):
    errors = refusal(meeting, world=world, user=world["other"])
    assert errors == {"centre": ["You cannot change the records of Quetta drop-in."]}


# Sensitisation events: services


def test_an_event_is_recorded_and_audited(world):
    recorded = event(world, male=6, female=4)
    assert (recorded.centre, recorded.participants_total, recorded.recorded_by) == (world["home"], 10, world["me"])
    [entry] = log_entries("lms.community.event", recorded)
    assert entry.user_id == world["me"].pk
    assert (entry.data["audience"], entry.data["participants_male"], entry.data["participants_female"]) == (
        "elders",
        6,
        4,
    )


def test_an_event_recorded_twice_for_a_centre_day_and_audience_returns_the_first(world):
    first = event(world, male=6)
    again = event(world, male=30)
    assert again.pk == first.pk and again.participants_male == 6
    assert ModelLogEntry.objects.filter(action="lms.community.event").count() == 1
    other_audience = event(world, audience="police")
    assert other_audience.pk != first.pk


@pytest.mark.parametrize("field", ["participants_male", "participants_female"])
def test_a_negative_participant_count_is_refused_on_its_field(world, field):
    errors = refusal(event, world=world, **{field.removeprefix("participants_"): -2})
    assert errors == {field: [NEGATIVE]}
    assert not SensitisationEvent.objects.exists()


def test_an_event_cannot_be_in_the_future(world):
    assert refusal(event, world=world, days=-1) == {"date": [FUTURE]}


def test_an_event_at_another_centre_is_refused(world):
    errors = refusal(event, world=world, centre="away")
    assert errors == {"centre": ["You cannot change the records of Kuchlak CFS."]}


# Who may open the pages


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("community_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def page_urls(group) -> dict[str, str]:
    return {
        "list": reverse("community_list"),
        "new": reverse("community_group_create"),
        "detail": reverse("community_group_detail", kwargs={"group_id": group.pk}),
        "edit": reverse("community_group_edit", kwargs={"group_id": group.pk}),
        "meeting": reverse("community_meeting_add", kwargs={"group_id": group.pk}),
        "event": reverse("sensitisation_event_add"),
    }


@pytest.mark.parametrize("role", ["editor", "reviewer", "peer", "nobody"])
def test_content_roles_peer_educators_and_users_without_a_role_get_404_on_every_page(client, users, world, role):
    client.force_login(users[role])
    for name, url in page_urls(world["pcc"]).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {}).status_code == 404, name
    assert CommunityGroup.objects.count() == 3


def test_a_facilitator_of_another_centre_gets_404_on_a_groups_pages(client, world):
    client.force_login(world["other"])
    urls = page_urls(world["pcc"])
    for name in ("detail", "edit", "meeting"):
        assert client.get(urls[name]).status_code == 404, name
    response = client.post(urls["meeting"], {"date": days_ago(1).isoformat(), "topics": "x", "attendance": 3})
    assert response.status_code == 404
    assert not CommunityMeeting.objects.exists()


def test_a_programme_manager_reads_the_list_and_a_group_but_records_nothing(client, users, world):
    client.force_login(users["manager"])
    urls = page_urls(world["pcc"])
    for name in ("list", "detail"):
        assert client.get(urls[name]).status_code == 200, name
    for name in ("new", "edit", "meeting", "event"):
        assert client.get(urls[name]).status_code == 404, name
    listing = client.get(urls["list"]).text
    assert "Quetta parents" in listing and "Kuchlak parents" in listing
    assert reverse("community_group_create") not in listing
    assert reverse("sensitisation_event_add") not in listing
    detail = client.get(urls["detail"]).text
    assert urls["meeting"] not in detail and urls["edit"] not in detail


def test_an_administrator_opens_every_page_of_any_centre(client, users, world):
    client.force_login(users["admin"])
    for name, url in page_urls(world["away_pcc"]).items():
        assert client.get(url).status_code == 200, name


# The list


def test_the_list_shows_a_facilitators_groups_with_their_figures_and_not_other_centres(client, world):
    meeting(world, "association", days=400, attendance=5)
    meeting(world, "association", days=30, attendance=11)
    meeting(world, "association", days=3, attendance=13)
    event(world, days=5, male=6, female=4)
    event(world, centre="away", user=world["other"], audience="teachers")
    client.force_login(world["me"])
    response = client.get(reverse("community_list"))
    assert response.status_code == 200
    html = response.text
    assert row_cells(html, "group", world["association"].pk) == [
        "Young voices",
        "Child association",
        "Quetta drop-in",
        "3",
        "4",
        date_format(days_ago(3)),
        "2",
    ]
    assert row_cells(html, "group", world["pcc"].pk)[1:] == [
        "Parents&#x27; Community Committee",
        "Quetta drop-in",
        "7",
        "9",
        "–",
        "0",
    ]
    [mine] = SensitisationEvent.objects.filter(centre=world["home"])
    assert row_cells(html, "event", mine.pk)[:5] == [
        date_format(days_ago(5)),
        "Quetta drop-in",
        "Community elders",
        "6",
        "4",
    ]
    assert "Kuchlak" not in html and "Teachers" not in html
    assert reverse("community_group_create") in html and reverse("sensitisation_event_add") in html


def test_the_lists_query_count_does_not_grow_with_the_number_of_groups(client, world):
    client.force_login(world["me"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("community_list")).status_code == 200
        return len(context)

    meeting(world)
    event(world)
    few = queries()
    for number in range(6):
        group = community_group_create(
            centre=world["home"], kind=CommunityGroup.Kind.PCC, name=f"Extra {number}", acting_user=world["me"]
        )
        community_meeting_record(group=group, date=days_ago(2), topics="x", attendance=3, acting_user=world["me"])
        event(world, days=number + 10)
    assert queries() == few


# The group page


def test_a_group_page_shows_its_details_learner_members_and_meetings(client, world):
    community_meeting_record(
        group=world["association"], date=days_ago(4), topics="Games\nRights", attendance=8, acting_user=world["me"]
    )
    client.force_login(world["me"])
    html = client.get(reverse("community_group_detail", kwargs={"group_id": world["association"].pk})).text
    assert "Young voices" in html and "Child association" in html
    assert f'<a href="{reverse("learner_record", kwargs={"code": "QTA-0001"})}">QTA-0001 Asad</a>' in html
    assert "Sara" not in html
    assert "1 meeting" in html and "Games<br>Rights" in html
    assert reverse("community_meeting_add", kwargs={"group_id": world["association"].pk}) in html
    assert reverse("community_group_edit", kwargs={"group_id": world["association"].pk}) in html


# Forms over HTTP


def group_data(centre, **changes) -> dict:
    data = {
        "centre": centre.pk,
        "kind": "child_assoc",
        "name": "Rights club",
        "formed_on": days_ago(30).isoformat(),
        "members_male": "5",
        "members_female": "6",
    }
    data.update(changes)
    return data


def test_the_new_group_form_offers_only_the_facilitators_centres_and_their_learners(client, world):
    client.force_login(world["me"])
    html = client.get(reverse("community_group_create")).text
    assert "Quetta drop-in" in html and "Kuchlak CFS" not in html
    assert "QTA-0001 Asad" in html and "QTA-0002 Sara" in html and "KCH-0001" not in html


def test_a_facilitator_records_a_child_association_with_learner_members(client, world):
    client.force_login(world["me"])
    response = client.post(
        reverse("community_group_create"), group_data(world["home"], learner_members=[world["sara"].pk])
    )
    group = CommunityGroup.objects.get(name="Rights club")
    assert response.status_code == 302
    assert response["Location"] == reverse("community_group_detail", kwargs={"group_id": group.pk})
    assert messages_of(response) == ["Saved Rights club."]
    assert (group.members_male, group.members_female) == (5, 6)
    assert list(group.learner_members.all()) == [world["sara"]]
    assert log_entries("lms.community.create", group)[0].user_id == world["me"].pk


def test_a_negative_member_count_over_the_form_is_shown_and_nothing_is_saved(client, world):
    client.force_login(world["me"])
    before = (CommunityGroup.objects.count(), ModelLogEntry.objects.count())
    response = client.post(reverse("community_group_create"), group_data(world["home"], members_female="-2"))
    assert response.status_code == 200
    assert NEGATIVE in response.text
    assert (CommunityGroup.objects.count(), ModelLogEntry.objects.count()) == before


def test_a_service_refusal_is_shown_on_the_form(client, world):
    client.force_login(world["me"])
    response = client.post(
        reverse("community_group_create"),
        group_data(world["home"], kind="pcc", learner_members=[world["asad"].pk]),
    )
    assert response.status_code == 200
    assert "A Parents&#x27; Community Committee has no learner members" in response.text
    assert not CommunityGroup.objects.filter(name="Rights club").exists()


def test_a_facilitator_edits_a_group(client, world):
    client.force_login(world["me"])
    url = reverse("community_group_edit", kwargs={"group_id": world["pcc"].pk})
    form = client.get(url).text
    assert 'value="Quetta parents"' in form and 'value="7"' in form
    data = {
        "kind": "pcc",
        "name": "Quetta parents",
        "formed_on": days_ago(200).isoformat(),
        "members_male": "8",
        "members_female": "9",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert messages_of(response) == ["Saved the changes to Quetta parents."]
    world["pcc"].refresh_from_db()
    assert world["pcc"].members_male == 8
    [entry] = log_entries("lms.community.update", world["pcc"])
    assert entry.data["changes"] == {"members_male": [7, 8]}


def test_a_facilitator_records_a_meeting_and_recording_it_again_changes_nothing(client, world):
    client.force_login(world["me"])
    url = reverse("community_meeting_add", kwargs={"group_id": world["pcc"].pk})
    data = {"date": days_ago(2).isoformat(), "topics": "Child rights", "attendance": "15"}
    first = client.post(url, data)
    assert first.status_code == 302
    assert messages_of(first) == [f"Recorded the meeting of Quetta parents on {date_format(days_ago(2))}."]
    again = client.post(url, {**data, "attendance": "40"})
    assert messages_of(again)[-1:] == [
        f"The meeting of Quetta parents on {date_format(days_ago(2))} was already recorded."
    ]
    [recorded] = CommunityMeeting.objects.filter(group=world["pcc"])
    assert recorded.attendance == 15


def test_a_negative_attendance_over_the_form_is_shown_and_nothing_is_saved(client, world):
    client.force_login(world["me"])
    url = reverse("community_meeting_add", kwargs={"group_id": world["pcc"].pk})
    response = client.post(url, {"date": days_ago(2).isoformat(), "topics": "Rights", "attendance": "-1"})
    assert response.status_code == 200
    assert NEGATIVE in response.text
    assert not CommunityMeeting.objects.exists()


def test_a_meeting_before_the_group_was_formed_is_refused_on_the_form(client, world):
    client.force_login(world["me"])
    url = reverse("community_meeting_add", kwargs={"group_id": world["pcc"].pk})
    response = client.post(url, {"date": days_ago(300).isoformat(), "topics": "Rights", "attendance": "4"})
    assert response.status_code == 200
    assert "a meeting cannot be before that." in response.text
    assert not CommunityMeeting.objects.exists()


def test_a_facilitator_records_a_sensitisation_event(client, world):
    client.force_login(world["me"])
    data = {
        "centre": world["home"].pk,
        "date": days_ago(1).isoformat(),
        "audience": "police",
        "participants_male": "12",
        "participants_female": "3",
        "topics": "Child protection law",
    }
    response = client.post(reverse("sensitisation_event_add"), data)
    assert response.status_code == 302 and response["Location"] == reverse("community_list")
    assert messages_of(response) == [f"Recorded the event for Law enforcement on {date_format(days_ago(1))}."]
    recorded = SensitisationEvent.objects.get()
    assert (recorded.participants_male, recorded.participants_female) == (12, 3)


def test_a_negative_participant_count_over_the_form_is_shown_and_nothing_is_saved(client, world):
    client.force_login(world["me"])
    data = {
        "centre": world["home"].pk,
        "date": days_ago(1).isoformat(),
        "audience": "parents",
        "participants_male": "-5",
        "participants_female": "3",
        "topics": "Rights",
    }
    response = client.post(reverse("sensitisation_event_add"), data)
    assert response.status_code == 200
    assert NEGATIVE in response.text
    assert not SensitisationEvent.objects.exists()


def test_an_event_cannot_be_recorded_for_another_centre_over_the_form(client, world):
    client.force_login(world["me"])
    data = {
        "centre": world["away"].pk,
        "date": days_ago(1).isoformat(),
        "audience": "parents",
        "participants_male": "1",
        "participants_female": "1",
        "topics": "Rights",
    }
    response = client.post(reverse("sensitisation_event_add"), data)
    assert response.status_code == 200
    assert not SensitisationEvent.objects.exists()


def test_an_administrator_choosing_a_learner_of_another_centre_is_told_so_on_the_form(client, users, world):
    client.force_login(users["admin"])
    response = client.post(
        reverse("community_group_create"), group_data(world["home"], learner_members=[world["far"].pk])
    )
    assert response.status_code == 200
    assert "KCH-0001 belongs to another centre." in response.text
    assert not CommunityGroup.objects.filter(name="Rights club").exists()
