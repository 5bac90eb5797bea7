"""The facilitator's dashboard, groups, session planning and the learner record, as users see them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.models import Session
from learners import services as learner_services
from learners.models import Centre, Group, StaffAssignment
from lms import roles
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    """A day relative to today."""
    return TODAY + datetime.timedelta(days=n)


def second_module(*, editor, reviewer) -> dict:
    """Another published module ("Clean hands") with two lessons, which the main group does not follow."""
    module, lessons = factories.published_module(
        "Clean hands", ["Soap and water", "When to wash"], editor=editor, reviewer=reviewer
    )
    return {"module": module, "lessons": lessons}


def register(centre, name, user):
    """A learner with consent and assent, joined two months ago."""
    return factories.consenting_learner(centre=centre, first_name=name, acting_user=user)


def hold(group, lesson, day, attendance, user):
    """Plan and record a held session."""
    session = course_services.session_plan(group=group, lesson=lesson, date=day, acting_user=user)
    return course_services.session_record(
        session=session,
        attendance={learner.pk: status for learner, status in attendance.items()},
        delivered_by=user,
        acting_user=user,
    ).record


@pytest.fixture
def world(users, curriculum):
    """Two centres; the facilitator's group of three has held three sessions and meets again today."""
    facilitator = users["facilitator"]
    other = factories.UserFactory(username="other-facilitator", role=roles.FACILITATORS)
    quetta = Centre.objects.create(name="Quetta drop-in", code="QTA")
    hanna = Centre.objects.create(name="Hanna CFS", code="HNA", kind=Centre.Kind.CFS)
    StaffAssignment.objects.create(user=facilitator, centre=quetta)
    StaffAssignment.objects.create(user=other, centre=hanna)
    first, second = curriculum["lessons"]
    extra = second_module(editor=users["editor"], reviewer=users["reviewer"])

    group = learner_services.group_create(
        centre=quetta, name="Morning group", facilitator=facilitator, acting_user=facilitator
    )
    course_services.group_modules_set(group=group, modules=[curriculum["module"]], acting_user=facilitator)
    amir, bilal, chaman = (register(quetta, name, facilitator) for name in ("Amir", "Bilal", "Chaman"))
    for learner in (amir, bilal, chaman):
        learner_services.membership_add(group=group, learner=learner, joined_on=days(-50), acting_user=facilitator)
    quiz_session = hold(group, first, days(-21), {amir: "present", bilal: "absent", chaman: "absent"}, facilitator)
    hold(group, second, days(-14), {amir: "present", bilal: "absent", chaman: "excused"}, facilitator)
    hold(group, first, days(-7), {amir: "present", bilal: "present", chaman: "absent"}, facilitator)
    course_services.quiz_results_record(
        session=quiz_session, scores={amir.pk: {"pre": 0, "post": 1}}, acting_user=facilitator
    )
    today_session = course_services.session_plan(group=group, lesson=second, date=TODAY, acting_user=facilitator)

    evening = learner_services.group_create(
        centre=quetta, name="Evening group", facilitator=facilitator, acting_user=facilitator
    )
    course_services.group_modules_set(group=evening, modules=[extra["module"]], acting_user=facilitator)

    far_group = learner_services.group_create(centre=hanna, name="Hanna girls", facilitator=other, acting_user=other)
    far_learner = register(hanna, "Dina", other)
    return {
        "facilitator": facilitator,
        "other": other,
        "quetta": quetta,
        "group": group,
        "evening": evening,
        "far_group": far_group,
        "far_learner": far_learner,
        "learners": (amir, bilal, chaman),
        "lessons": (first, second),
        "module": curriculum["module"],
        "extra": extra,
        "today_session": today_session,
    }


def test_facilitator_dashboard_shows_todays_session_and_the_groups_figures(client, world):
    client.force_login(world["facilitator"])
    response = client.get(reverse("dashboard"))
    html = response.text
    assert response.status_code == 200
    assert "My safety hand" in html
    assert reverse("session_run", args=[world["today_session"].pk]) in html
    assert "Morning group" in html
    assert "44%" in html  # 4 present out of 9 marks
    assert "Hanna girls" not in html


def test_dashboard_lists_learners_who_missed_the_last_three_sessions(client, world):
    client.force_login(world["facilitator"])
    html = client.get(reverse("dashboard")).text
    chaman = world["learners"][2]
    assert reverse("learner_record", args=[chaman.code]) in html
    assert reverse("learner_record", args=[world["learners"][0].code]) not in html


def test_dashboard_lists_past_planned_sessions_to_record(client, world):
    late = course_services.session_plan(
        group=world["group"], lesson=world["lessons"][1], date=days(-3), acting_user=world["facilitator"]
    )
    client.force_login(world["facilitator"])
    html = client.get(reverse("dashboard")).text
    assert "To record" in html
    assert reverse("session_run", args=[late.pk]) in html


def test_manager_dashboard_can_be_narrowed_to_one_centre(client, users, world):
    client.force_login(users["manager"])
    assert "Morning group" in client.get(reverse("dashboard")).text
    narrowed = client.get(reverse("dashboard"), {"centre": world["far_group"].centre_id}).text
    assert "Hanna girls" in narrowed
    assert "Morning group" not in narrowed


@pytest.mark.parametrize(
    ("role", "target"), [("editor", "/admin/"), ("reviewer", "/admin/"), ("peer", "/"), ("nobody", "/")]
)
def test_people_without_records_are_sent_elsewhere_from_the_dashboard(client, users, role, target):
    client.force_login(users[role])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == target


def test_anonymous_visitor_is_asked_to_sign_in(client, world):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["group_detail", "group_edit", "sessions_plan"])
def test_facilitator_of_another_centre_cannot_open_the_group(client, world, url_name):
    client.force_login(world["other"])
    assert client.get(reverse(url_name, args=[world["group"].pk])).status_code == 404
    assert client.post(reverse(url_name, args=[world["group"].pk]), {"plan": "lesson"}).status_code == 404


def test_facilitator_of_another_centre_cannot_open_the_learner_record(client, world):
    client.force_login(world["facilitator"])
    assert client.get(reverse("learner_record", args=[world["far_learner"].code])).status_code == 404
    assert client.get(reverse("learner_record", args=["NOPE-0001"])).status_code == 404


def test_facilitator_sees_only_their_centres_groups(client, world):
    client.force_login(world["facilitator"])
    html = client.get(reverse("group_list")).text
    assert "Morning group" in html
    assert "Evening group" in html
    assert "Hanna girls" not in html
    assert reverse("group_create") in html


def test_manager_reads_a_group_but_cannot_change_or_plan_it(client, users, world):
    client.force_login(users["manager"])
    group_id = world["group"].pk
    response = client.get(reverse("group_detail", args=[group_id]))
    assert response.status_code == 200
    assert "Amir" in response.text
    assert reverse("members_add", args=[group_id]) not in response.text
    assert reverse("sessions_plan", args=[group_id]) not in response.text
    assert client.get(reverse("group_edit", args=[group_id])).status_code == 404
    assert client.get(reverse("sessions_plan", args=[group_id])).status_code == 404
    assert client.get(reverse("group_create")).status_code == 404
    assert reverse("group_create") not in client.get(reverse("group_list")).text


def test_group_page_shows_members_modules_and_sessions_with_their_links(client, world):
    client.force_login(world["facilitator"])
    group_id = world["group"].pk
    html = client.get(reverse("group_detail", args=[group_id])).text
    assert "Staying safe" in html
    assert reverse("learner_record", args=[world["learners"][0].code]) in html
    assert reverse("members_add", args=[group_id]) in html
    assert reverse("attendance_sheet", args=[world["today_session"].pk]) in html
    assert reverse("score_sheet", args=[world["today_session"].pk]) in html
    assert reverse("group_progress", args=[group_id]) in html
    assert "2 present" in html  # the last held session


def test_facilitator_creates_a_group_with_its_modules(client, world, curriculum):
    client.force_login(world["facilitator"])
    response = client.post(
        reverse("group_create"),
        {
            "centre": world["quetta"].pk,
            "name": "Afternoon group",
            "facilitator": world["facilitator"].pk,
            "modules": [curriculum["module"].pk, world["extra"]["module"].pk],
        },
        follow=True,
    )
    group = Group.objects.get(name="Afternoon group")
    assert response.redirect_chain[-1][0] == reverse("group_detail", args=[group.pk])
    assert "Group Afternoon group created." in response.text
    assert list(group.group_modules.values_list("module_id", flat=True)) == [
        curriculum["module"].pk,
        world["extra"]["module"].pk,
    ]


def test_a_group_cannot_be_led_by_a_facilitator_of_another_centre(client, users, world):
    client.force_login(users["admin"])
    response = client.post(
        reverse("group_create"),
        {"centre": world["quetta"].pk, "name": "Afternoon group", "facilitator": world["other"].pk},
    )
    assert response.status_code == 200
    assert "is not assigned to Quetta drop-in" in response.text
    assert not Group.objects.filter(name="Afternoon group").exists()


def test_a_facilitator_is_offered_only_colleagues_of_their_centres(client, world):
    client.force_login(world["facilitator"])
    response = client.post(
        reverse("group_create"),
        {"centre": world["quetta"].pk, "name": "Afternoon group", "facilitator": world["other"].pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Group.objects.filter(name="Afternoon group").exists()


def test_a_group_name_is_used_once_per_centre(client, world):
    client.force_login(world["facilitator"])
    response = client.post(
        reverse("group_create"),
        {"centre": world["quetta"].pk, "name": "Morning group", "facilitator": world["facilitator"].pk},
    )
    assert response.status_code == 200
    assert "already has a group with this name" in response.text
    assert Group.objects.filter(name="Morning group").count() == 1


def test_dropping_a_module_that_has_sessions_is_refused_and_nothing_changes(client, world):
    client.force_login(world["facilitator"])
    group = world["group"]
    response = client.post(
        reverse("group_edit", args=[group.pk]),
        {"name": "Renamed group", "facilitator": world["facilitator"].pk, "is_active": "on", "modules": []},
    )
    assert response.status_code == 200
    assert "already has sessions in this group" in response.text
    group.refresh_from_db()
    assert group.name == "Morning group"  # the rename was rolled back with the modules
    assert group.group_modules.count() == 1


def test_planning_a_whole_module_creates_one_session_per_lesson_each_week(client, world):
    client.force_login(world["facilitator"])
    evening = world["evening"]
    data = {
        "plan": "module",
        "module-module": world["extra"]["module"].pk,
        "module-first_date": days(3).isoformat(),
        "module-every_days": 7,
    }
    response = client.post(reverse("sessions_plan", args=[evening.pk]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("group_detail", args=[evening.pk])
    assert "2 sessions planned." in response.text
    sessions = list(Session.objects.filter(group=evening).order_by("date"))
    assert [(s.lesson.title, s.date) for s in sessions] == [("Soap and water", days(3)), ("When to wash", days(10))]

    again = client.post(reverse("sessions_plan", args=[evening.pk]), data)
    assert again.status_code == 200
    assert "already has a session" in again.text
    assert Session.objects.filter(group=evening).count() == 2


def test_planning_one_lesson_twice_creates_one_session(client, world):
    client.force_login(world["facilitator"])
    group = world["group"]
    data = {"plan": "lesson", "one-lesson": world["lessons"][0].pk, "one-date": days(5).isoformat()}
    before = Session.objects.filter(group=group).count()
    first = client.post(reverse("sessions_plan", args=[group.pk]), data, follow=True)
    assert "1 session planned." in first.text
    second = client.post(reverse("sessions_plan", args=[group.pk]), data, follow=True)
    assert "already planned" in second.text
    assert Session.objects.filter(group=group).count() == before + 1


def test_the_lesson_list_offers_the_groups_lessons_by_module(client, world):
    client.force_login(world["facilitator"])
    html = client.get(reverse("sessions_plan", args=[world["group"].pk])).text
    assert '<optgroup label="Staying safe">' in html
    assert "No, go, tell" in html
    assert "Soap and water" not in html


def test_planning_a_lesson_the_group_does_not_follow_shows_why_and_saves_nothing(client, world):
    client.force_login(world["facilitator"])
    group = world["group"]
    before = Session.objects.count()
    response = client.post(
        reverse("sessions_plan", args=[group.pk]),
        {"plan": "lesson", "one-lesson": world["extra"]["lessons"][0].pk, "one-date": days(5).isoformat()},
    )
    assert response.status_code == 200
    assert "This group does not follow the module of that lesson." in response.text
    assert Session.objects.count() == before


@pytest.mark.parametrize("which", ["lesson", "module"])
def test_a_date_two_years_ahead_is_refused(client, world, which):
    client.force_login(world["facilitator"])
    far = days(730).isoformat()
    if which == "lesson":
        group = world["group"]
        data = {"plan": "lesson", "one-lesson": world["lessons"][0].pk, "one-date": far}
    else:
        group = world["evening"]
        data = {"plan": "module", "module-module": world["extra"]["module"].pk, "module-first_date": far}
        data["module-every_days"] = 7
    before = Session.objects.count()
    response = client.post(reverse("sessions_plan", args=[group.pk]), data)
    assert response.status_code == 200
    assert "Sessions can be planned at most one year ahead." in response.text
    assert Session.objects.count() == before


def test_learner_record_shows_lessons_completed_and_quiz_results(client, world):
    client.force_login(world["facilitator"])
    amir = world["learners"][0]
    response = client.get(reverse("learner_record", args=[amir.code]))
    html = response.text
    assert response.status_code == 200
    assert "Staying safe" in html
    assert "2 of 2" in html
    assert "No, go, tell" in html
    assert "My safety hand" in html
    assert "Pre-test" in html and "Post-test" in html
    assert "0 / 1" in html and "1 / 1" in html
    assert "100%" in html  # present at all three sessions
    assert reverse("learner_edit", args=[amir.code]) in html


def test_manager_reads_a_learner_record_without_edit_links(client, users, world):
    client.force_login(users["manager"])
    amir = world["learners"][0]
    html = client.get(reverse("learner_record", args=[amir.code])).text
    assert amir.code in html
    assert reverse("learner_edit", args=[amir.code]) not in html
    assert reverse("learner_move", args=[amir.code]) not in html


@pytest.mark.parametrize("role", ["editor", "reviewer", "peer", "nobody"])
def test_roles_without_records_cannot_open_groups_or_learners(client, users, world, role):
    client.force_login(users[role])
    assert client.get(reverse("group_detail", args=[world["group"].pk])).status_code == 404
    assert client.get(reverse("learner_record", args=[world["learners"][0].code])).status_code == 404
    assert client.get(reverse("group_create")).status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_page_queries_do_not_grow_with_the_data(client, world):
    client.force_login(world["facilitator"])
    amir = world["learners"][0]
    urls = [
        reverse("dashboard"),
        reverse("group_list"),
        reverse("group_detail", args=[world["group"].pk]),
        reverse("sessions_plan", args=[world["group"].pk]),
        reverse("learner_record", args=[amir.code]),
    ]
    for url in urls:  # warm the caches (site root paths) so that only the data differs
        client.get(url)
    small = [count_queries(client, url) for url in urls]

    facilitator, group = world["facilitator"], world["group"]
    newcomers = [register(world["quetta"], f"New {n}", facilitator) for n in range(4)]
    for learner in newcomers:
        learner_services.membership_add(group=group, learner=learner, joined_on=days(-50), acting_user=facilitator)
    marks = dict.fromkeys((*world["learners"], *newcomers), "present")
    marks[world["learners"][2]] = "absent"  # still missing: the list of who stopped coming is not empty
    for offset in (-35, -28, -2, -1):
        hold(group, world["lessons"][offset % 2], days(offset), marks, facilitator)
    other = learner_services.group_create(
        centre=world["quetta"], name="Third group", facilitator=facilitator, acting_user=facilitator
    )
    course_services.group_modules_set(group=other, modules=[world["module"]], acting_user=facilitator)
    course_services.session_plan(group=other, lesson=world["lessons"][0], date=days(2), acting_user=facilitator)

    assert [count_queries(client, url) for url in urls] == small
