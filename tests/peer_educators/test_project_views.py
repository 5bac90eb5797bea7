"""Social action project pages: the status rules, bad input on the activity log (nothing saved), photos,
the active-citizen indicator on a hand-built data set, who may see and change which project, and flat
query counts."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from courses.models import Topic
from lms import roles
from peer_educators import selectors, services
from peer_educators.models import ActivityLog, ActivityPhoto, PeerEducator, PlannedActivity, Project
from reports import summaries
from reports.indicators import Scope, dashboard
from tests import factories
from tests.factories import UserFactory, days_ago
from tests.reports.test_dashboard_cache import LOCAL_CACHE

pytestmark = pytest.mark.django_db

ACTION_URLS = ["project_approve", "project_log", "project_plan", "project_complete", "project_abandon"]
INDICATOR = re.compile(
    r"Youth trained as active citizens who implemented their social action project: <span[^>]*>(\d+)</span>"
)


@pytest.fixture
def world(users):
    """Two centres. At QTA: the facilitator, a second facilitator (the approver), an active peer educator
    (Zarak) who leads a group with Ali in it, and Bilal (in no group); the peer's project (Zarak and Ali) and
    the facilitator's project (Bilal).
    At HZR: another facilitator and their project."""
    facilitator = users["facilitator"]
    approver = UserFactory(username="approver", role=roles.FACILITATORS)
    other = UserFactory(username="other-facilitator", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator, approver])
    other_centre = factories.centre_with_staff(name="Hazara CFS", code="HZR", staff=[other])
    zarak = factories.consenting_learner(centre=centre, first_name="Zarak", acting_user=facilitator, age=17)
    ali = factories.consenting_learner(centre=centre, first_name="Ali", acting_user=facilitator)
    bilal = factories.consenting_learner(centre=centre, first_name="Bilal", acting_user=facilitator)
    daud = factories.consenting_learner(centre=other_centre, first_name="Daud", acting_user=other)
    peer_user = UserFactory(username="zarak-peer", first_name="Zarak", role=roles.PEER_EDUCATORS)
    peer = PeerEducator.objects.create(
        learner=zarak, user=peer_user, mentor=facilitator, status=PeerEducator.Status.ACTIVE
    )
    peer_group = factories.make_group(centre, facilitator, name="Boys A")
    factories.add_members(peer_group, [ali], acting_user=facilitator)
    services.peer_group_assign(group=peer_group, peer=peer, acting_user=facilitator)
    peer_project = services.project_propose(
        centre=centre,
        title="Clean water point",
        problem="The tap by the bus stop leaks.",
        goal="A working tap.",
        place="Bus stop, Satellite Town",
        team=[zarak, ali],
        acting_user=peer_user,
    )
    staff_project = services.project_propose(
        centre=centre,
        title="Safe play corner",
        problem="No safe place to play.",
        goal="A supervised play corner.",
        place="Near the mosque",
        team=[bilal],
        acting_user=facilitator,
    )
    other_project = services.project_propose(
        centre=other_centre,
        title="Street lights",
        problem="The lane is dark.",
        goal="Lights on the lane.",
        place="Hazara lane",
        team=[daud],
        acting_user=other,
    )
    return {
        **users,
        "approver": approver,
        "other": other,
        "centre": centre,
        "other_centre": other_centre,
        "zarak": zarak,
        "ali": ali,
        "bilal": bilal,
        "peer_educator": peer,
        "peer_user": peer_user,
        "peer_project": peer_project,
        "staff_project": staff_project,
        "other_project": other_project,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, project=None) -> str:
    return reverse(name, args=[project.pk]) if project is not None else reverse(name)


def approve(project, by):
    return services.project_approve(project=project, comment="Go ahead.", acting_user=by).record


def png_bytes(size=(48, 32)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (20, 120, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "activity.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def log_post(**overrides) -> dict:
    """The form data of the log page: today, a description, nobody reached unless given."""
    data = {"date": timezone.localdate().isoformat(), "description": "Talked with the shopkeepers"}
    data.update(dict.fromkeys(ActivityLog.REACH_FIELDS, "0"))
    data.update(overrides)
    return data


def saved_counts() -> tuple[int, int, int]:
    return ActivityLog.objects.count(), ActivityPhoto.objects.count(), get_image_model().objects.count()


# --- The status rules ---


def test_a_project_goes_from_proposed_to_approved_to_in_progress_to_completed(world):
    peer, facilitator = signed_in(world["peer_user"]), signed_in(world["facilitator"])
    target = days_ago(-14).isoformat()
    response = peer.post(
        url("project_propose"),
        {
            "title": "Litter-free lane",
            "problem": "Rubbish piles up by the school gate.",
            "goal": "A clean lane and two bins.",
            "place": "School lane, Jinnah Road",
            "team": [world["zarak"].pk, world["ali"].pk],
            "activity_1": "Meet the shopkeepers",
            "activity_1_date": target,
        },
    )
    project = Project.objects.get(title="Litter-free lane")
    assert response.status_code == 302 and response.url == url("project_detail", project)
    assert project.status == Project.Status.PROPOSED and project.centre == world["centre"]
    assert set(project.team.values_list("learner__first_name", flat=True)) == {"Zarak", "Ali"}
    assert list(project.planned_activities.values_list("title", flat=True)) == ["Meet the shopkeepers"]

    response = facilitator.post(url("project_approve", project), {"comment": "Good plan: ask the council too."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED
    assert project.approved_by == world["facilitator"] and project.approval_comment == "Good plan: ask the council too."

    response = peer.post(url("project_log", project), log_post(children_male="12", parents_female="3"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS and project.started_on == timezone.localdate()

    response = peer.post(
        url("project_complete", project), {"changed": "Two bins were put up.", "learned": "Ask early."}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED and project.completed_on == timezone.localdate()

    html = peer.get(url("project_detail", project)).text
    assert "Two bins were put up." in html and "Ask early." in html
    assert "Good plan: ask the council too." in html
    assert "15 people reached in all." in html
    assert "Project “Litter-free lane” completed." in html


def test_completing_without_a_reflection_is_refused_and_nothing_changes(world):
    project = approve(world["peer_project"], world["facilitator"])
    client = signed_in(world["peer_user"])

    response = client.post(url("project_complete", project), {"changed": "Something changed.", "learned": "  "})

    assert response.status_code == 200
    assert "Write what the team learned." in response.text
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED and project.completed_on is None
    with pytest.raises(ValidationError, match="what the team learned"):
        services.project_complete(project=project, changed="", learned="", acting_user=world["facilitator"])


def test_approving_ones_own_project_is_refused_with_the_services_message(world):
    project = world["staff_project"]
    client = signed_in(world["facilitator"])

    assert "another facilitator must approve it" in client.get(url("project_approve", project)).text
    response = client.post(url("project_approve", project), {"comment": "Approving my own."})

    assert response.status_code == 200
    assert "You proposed this project, so another facilitator must approve it." in response.text
    project.refresh_from_db()
    assert project.status == Project.Status.PROPOSED and project.approved_by is None

    response = signed_in(world["approver"]).post(url("project_approve", project), {"comment": "Fine by me."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED and project.approved_by == world["approver"]


def test_approving_needs_a_comment(world):
    response = signed_in(world["facilitator"]).post(url("project_approve", world["peer_project"]), {"comment": ""})

    assert "Write a comment for the team." in response.text
    assert Project.objects.get(pk=world["peer_project"].pk).status == Project.Status.PROPOSED


def test_abandoning_needs_a_reason_and_the_reason_is_shown(world):
    project = world["peer_project"]
    client = signed_in(world["facilitator"])

    response = client.post(url("project_abandon", project), {"reason": ""})
    assert "Say why the project was abandoned." in response.text
    assert Project.objects.get(pk=project.pk).status == Project.Status.PROPOSED

    response = client.post(url("project_abandon", project), {"reason": "The team moved to another area."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.ABANDONED
    html = client.get(url("project_detail", project)).text
    assert "The team moved to another area." in html
    assert url("project_log", project) not in html and url("project_abandon", project) not in html


def test_posting_the_same_activity_twice_saves_it_once(world):
    project = approve(world["peer_project"], world["facilitator"])
    client = signed_in(world["peer_user"])
    data = log_post(community_female="4")

    client.post(url("project_log", project), data)
    response = client.post(url("project_log", project), data, follow=True)

    assert ActivityLog.objects.filter(project=project).count() == 1
    assert "This activity was already logged." in response.text


def test_planning_a_step_adds_it_to_the_plan_once(world):
    project = approve(world["peer_project"], world["facilitator"])
    client = signed_in(world["peer_user"])
    data = {"title": "Visit the council office", "target_date": days_ago(-7).isoformat()}

    assert client.post(url("project_plan", project), data).status_code == 302
    client.post(url("project_plan", project), data)

    assert PlannedActivity.objects.filter(project=project, title="Visit the council office").count() == 1
    response = client.post(url("project_plan", project), {**data, "target_date": days_ago(3).isoformat()})
    assert "cannot be before the project was proposed" in response.text


# --- The activity log: bad input shows a message and saves nothing ---


@pytest.fixture
def approved(world):
    """The peer's project, approved; the peer educator signed in."""
    return approve(world["peer_project"], world["facilitator"]), signed_in(world["peer_user"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"children_female": "-3"}, "The number of people reached cannot be negative."),
        ({"date": days_ago(1).isoformat()}, "The activity cannot be dated before the project was proposed."),
        ({"date": days_ago(-1).isoformat()}, "This date is in the future."),
        ({"description": ""}, "This field is required."),
    ],
    ids=["negative reach", "before the project", "in the future", "no description"],
)
def test_bad_activity_input_shows_a_message_and_saves_nothing(approved, overrides, message):
    project, client = approved

    response = client.post(url("project_log", project), log_post(**overrides))

    assert response.status_code == 200
    assert message in response.text
    assert saved_counts() == (0, 0, 0)
    assert Project.objects.get(pk=project.pk).status == Project.Status.APPROVED


def test_an_upload_that_is_not_an_image_is_refused(approved):
    project, client = approved
    fake = SimpleUploadedFile("notes.png", b"these are notes, not a picture", content_type="image/png")

    response = client.post(url("project_log", project), log_post(photo=fake, no_child_identifiable="on"))

    assert "This file is not an image." in response.text
    assert saved_counts() == (0, 0, 0)


def test_an_upload_over_the_size_limit_is_refused(approved, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 50
    project, client = approved

    response = client.post(url("project_log", project), log_post(photo=png_upload(), no_child_identifiable="on"))

    assert "The photo is too large" in response.text
    assert saved_counts() == (0, 0, 0)


def test_a_photo_without_the_confirmation_is_refused(approved):
    project, client = approved

    response = client.post(url("project_log", project), log_post(photo=png_upload()))

    assert "Confirm that no child can be identified in the photo." in response.text
    assert saved_counts() == (0, 0, 0)


def test_a_real_photo_with_the_confirmation_is_saved_and_shown_as_a_small_thumbnail(approved):
    project, client = approved
    form_html = client.get(url("project_log", project)).text
    assert 'enctype="multipart/form-data"' in form_html and 'accept="image/*"' in form_html
    assert "No child can be identified in this photo" in form_html

    response = client.post(
        url("project_log", project),
        log_post(description="Painted the bins", photo=png_upload(), no_child_identifiable="on"),
    )

    assert response.status_code == 302
    photo = ActivityPhoto.objects.select_related("log").get()
    assert photo.no_child_identifiable and photo.log.project_id == project.pk
    html = client.get(url("project_detail", project)).text
    assert re.search(r'<img[^>]+alt="Painted the bins"', html)
    assert 'width="48"' in html  # small images are not enlarged past max-320x320


# --- The indicator: youth who completed the active-citizenship module and were on a completed project ---


@pytest.fixture
def indicator_world(world):
    """At QTA, an active-citizenship module of two lessons; A1 and A2 complete it, A3 misses the second
    lesson; all three are on a completed project (A1 on a second one too). A4 completed the module but is
    on a project in progress; A5 completed it but is on an abandoned project."""
    facilitator, approver, centre = world["facilitator"], world["approver"], world["centre"]
    module, lessons = factories.published_module(
        "Active citizens",
        ["Rights and duties", "Planning a project"],
        editor=world["editor"],
        reviewer=world["reviewer"],
    )
    module.topic = Topic.objects.get(slug="active-citizenship")
    module.save()
    names = ["Aamir", "Basit", "Chand", "Dilawar", "Ehsan"]
    a1, a2, a3, a4, a5 = (
        factories.consenting_learner(centre=centre, first_name=name, acting_user=facilitator) for name in names
    )
    group = factories.make_group(centre, facilitator, [module], name="Citizens")
    factories.add_members(group, [a1, a2, a3, a4, a5], acting_user=facilitator)
    factories.held_session(group=group, lesson=lessons[0], day=days_ago(20), acting_user=facilitator)
    factories.held_session(group=group, lesson=lessons[1], day=days_ago(10), acting_user=facilitator, absent=[a3])

    def project(title, team):
        return services.project_propose(
            centre=centre,
            title=title,
            problem="A problem.",
            goal="A goal.",
            place="Market",
            team=team,
            acting_user=facilitator,
        )

    def complete(title, team):
        done = approve(project(title, team), approver)
        services.activity_log_add(
            project=done,
            date=timezone.localdate(),
            description="Did it",
            reach={"children_male": 5},
            acting_user=facilitator,
        )
        return services.project_complete(
            project=done, changed="Changed", learned="Learned", acting_user=facilitator
        ).record

    complete("Completed project", [a1, a2, a3])
    complete("Another completed project", [a1])
    in_progress = approve(project("Project in progress", [a4]), approver)
    services.activity_log_add(
        project=in_progress, date=timezone.localdate(), description="Started", reach={}, acting_user=facilitator
    )
    services.project_abandon(project=project("Abandoned project", [a5]), reason="Rain", acting_user=facilitator)
    return {**world, "counted": [a1, a2], "group": group, "lessons": lessons}


def test_the_indicator_counts_exactly_the_youth_who_completed_the_module_and_a_project(indicator_world):
    counted = selectors.active_citizens([indicator_world["centre"]])

    assert list(counted) == indicator_world["counted"]
    assert selectors.active_citizens([indicator_world["other_centre"]]).count() == 0


def test_the_project_list_shows_the_indicator_for_the_users_scope(indicator_world):
    def figure(user) -> str | None:
        match = INDICATOR.search(signed_in(indicator_world[user]).get(url("project_list")).text)
        return match[1] if match else None

    assert figure("facilitator") == "2"
    assert figure("manager") == "2"
    assert figure("other") == "0"
    assert figure("peer_user") is None


# --- Access ---


def test_a_peer_educator_sees_only_the_projects_they_are_on(world):
    client = signed_in(world["peer_user"])

    html = client.get(url("project_list")).text
    assert "Clean water point" in html
    assert "Safe play corner" not in html and "Street lights" not in html
    assert client.get(url("project_detail", world["peer_project"])).status_code == 200
    for project in (world["staff_project"], world["other_project"]):
        assert client.get(url("project_detail", project)).status_code == 404
        assert client.post(url("project_log", project), log_post()).status_code == 404


def test_a_peer_educator_can_neither_approve_nor_abandon(world):
    client = signed_in(world["peer_user"])
    project = world["peer_project"]

    assert client.post(url("project_approve", project), {"comment": "Yes"}).status_code == 404
    assert client.post(url("project_abandon", project), {"reason": "Bored"}).status_code == 404
    assert Project.objects.get(pk=project.pk).status == Project.Status.PROPOSED


def test_a_peer_educator_proposes_for_their_own_centre_choosing_from_themselves_and_their_groups_members(world):
    html = signed_in(world["peer_user"]).get(url("project_propose")).text

    assert "Quetta drop-in" in html
    assert f'value="{world["zarak"].pk}" id="team-{world["zarak"].pk}" checked' in html
    assert f"{world['ali'].code} Ali" in html
    assert "Bilal" not in html and "Daud" not in html  # only themselves and their group's members
    assert "Never a child&#x27;s address." in html


def test_a_facilitator_of_another_centre_gets_404_on_every_project_url(world):
    client = signed_in(world["other"])
    project = world["peer_project"]

    assert client.get(url("project_detail", project)).status_code == 404
    for name in ACTION_URLS:
        assert client.get(url(name, project)).status_code == 404, name
        assert client.post(url(name, project), {}).status_code == 404, name
    assert "Clean water point" not in client.get(url("project_list")).text


def test_a_programme_manager_reads_every_project_but_changes_none(world):
    client = signed_in(world["manager"])

    html = client.get(url("project_list")).text
    assert all(title in html for title in ("Clean water point", "Safe play corner", "Street lights"))
    assert "Propose a project" not in html
    detail = client.get(url("project_detail", world["peer_project"]))
    assert detail.status_code == 200
    assert url("project_approve", world["peer_project"]) not in detail.text
    for name in ACTION_URLS:
        assert client.post(url(name, world["peer_project"]), {"comment": "x", "reason": "x"}).status_code == 404
    assert client.get(url("project_propose")).status_code == 404


def test_users_without_records_or_an_active_peer_role_get_404(world):
    world["peer_educator"].status = PeerEducator.Status.PAUSED
    world["peer_educator"].save()
    for user in (world["nobody"], world["editor"], world["peer"], world["peer_user"]):
        client = signed_in(user)
        assert client.get(url("project_list")).status_code == 404
        assert client.get(url("project_detail", world["peer_project"])).status_code == 404


def test_the_project_page_shows_actions_according_to_scope(world):
    project = world["peer_project"]
    facilitator_html = signed_in(world["facilitator"]).get(url("project_detail", project)).text
    assert url("project_approve", project) in facilitator_html
    assert url("project_abandon", project) in facilitator_html
    assert url("project_log", project) not in facilitator_html  # not approved yet

    approve(project, world["facilitator"])
    peer_html = signed_in(world["peer_user"]).get(url("project_detail", project)).text
    assert url("project_log", project) in peer_html and url("project_complete", project) in peer_html
    assert url("project_approve", project) not in peer_html and url("project_abandon", project) not in peer_html
    assert f"{world['zarak'].code} Zarak" in peer_html and f"{world['ali'].code} Ali" in peer_html


def test_a_facilitator_with_several_centres_chooses_the_centre_first(world):
    client = signed_in(world["admin"])

    html = client.get(url("project_propose")).text
    assert "Which centre is the project for?" in html and "Hazara CFS" in html
    html = client.get(url("project_propose") + f"?centre={world['other_centre'].pk}").text
    assert "Daud" in html and "Zarak" not in html


# --- Query counts stay flat ---


def count_queries(client: Client, address: str) -> int:
    assert client.get(address).status_code == 200, address  # warm-up: renditions made, caches filled
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    return len(context)


def test_the_project_pages_run_the_same_number_of_queries_whatever_their_size(world):
    facilitator, approver = world["facilitator"], world["approver"]
    small, large = world["peer_project"], world["staff_project"]
    for project, logs in ((small, 1), (large, 4)):
        approve(project, approver if project.proposed_by_id == facilitator.pk else facilitator)
        for i in range(logs):
            services.activity_log_add(
                project=project,
                date=timezone.localdate(),
                description=f"Activity {i}",
                reach={"children_male": i},
                photo=png_upload(),
                no_child_identifiable=True,
                acting_user=facilitator,
            )
            services.planned_activity_add(
                project=project, title=f"Step {i}", target_date=days_ago(-i), acting_user=facilitator
            )
    client = signed_in(facilitator)

    assert count_queries(client, url("project_detail", small)) == count_queries(client, url("project_detail", large))
    few = count_queries(client, url("project_list"))
    for i in range(3):
        services.project_propose(
            centre=world["centre"],
            title=f"Extra {i}",
            problem="p",
            goal="g",
            place="x",
            team=[world["ali"]],
            acting_user=facilitator,
        )
    assert count_queries(client, url("project_list")) == few


@override_settings(CACHES=LOCAL_CACHE)
def test_a_session_that_completes_a_team_members_training_counts_on_the_dashboard_at_once(indicator_world):
    scope = Scope(days_ago(30), timezone.localdate(), (indicator_world["centre"].pk,))

    def active_citizens() -> int:
        return next(figure.value for figure in dashboard(scope) if figure.key == "active-citizens")

    summaries.rebuild()  # who completed the training: from the module completion summary, kept by the session
    assert active_citizens() == 2
    group, lessons = indicator_world["group"], indicator_world["lessons"]
    # Chand, on the completed project, makes up the lesson he missed: a session, and nothing else.
    factories.held_session(group=group, lesson=lessons[1], day=days_ago(3), acting_user=indicator_world["facilitator"])
    assert active_citizens() == 3
