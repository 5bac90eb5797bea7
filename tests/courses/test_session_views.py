"""Running a session from the site: attendance, corrections, quiz scores, cancelling, sheets and the grid."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses import services
from courses.models import Attendance, LessonProgress, QuizResult, Session
from lms import roles
from tests import factories
from tests.factories import NOTE_TEXT, UserFactory

pytestmark = pytest.mark.django_db

SESSION_URLS = ["session_run", "session_scores", "session_cancel", "attendance_sheet", "score_sheet"]


@pytest.fixture
def world(users, curriculum):
    """A centre with a group of five learners and a session planned for today; another centre with its own."""
    facilitator = users["facilitator"]
    other = UserFactory(username="other-facilitator", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    other_centre = factories.centre_with_staff(name="Hazara CFS", code="HZR", staff=[other])
    built = factories.group_with_members(
        centre=centre,
        name="Boys A",
        facilitator=facilitator,
        modules=[curriculum["module"]],
        first_names=["Ali", "Bilal", "Daud", "Faraz", "Hamid"],
        acting_user=facilitator,
    )
    stranger = factories.consenting_learner(centre=centre, first_name="Zaman", acting_user=facilitator)
    lesson, second = curriculum["lessons"]
    session = services.session_plan(
        group=built["group"], lesson=lesson, date=timezone.localdate(), acting_user=facilitator
    )
    return {
        **built,
        "facilitator": facilitator,
        "other": other,
        "centre": centre,
        "other_centre": other_centre,
        "stranger": stranger,
        "session": session,
        "lesson": lesson,
        "second_lesson": second,
    }


def attendance_post(learners, absent=(), notes="", extra=None) -> dict:
    """The form data of the run-session page: everyone present except `absent`."""
    data = {f"status_{learner.pk}": "absent" if learner in absent else "present" for learner in learners}
    data["notes"] = notes
    data.update(extra or {})
    return data


def run_url(session) -> str:
    return reverse("session_run", args=[session.pk])


def log_count(action: str) -> int:
    return ModelLogEntry.objects.filter(action=action).count()


def test_running_a_planned_session_records_attendance_and_progress_for_those_present(client, world):
    client.force_login(world["facilitator"])
    learners = world["learners"]
    response = client.post(run_url(world["session"]), attendance_post(learners, absent=learners[:2]))

    assert response.status_code == 302
    assert response.url == reverse("group_progress", args=[world["group"].pk])
    world["session"].refresh_from_db()
    assert world["session"].status == Session.Status.HELD
    assert world["session"].delivered_by == world["facilitator"]
    statuses = dict(Attendance.objects.filter(session=world["session"]).values_list("learner_id", "status"))
    assert statuses == {learner.pk: "absent" if learner in learners[:2] else "present" for learner in learners}
    completed = set(LessonProgress.objects.filter(lesson=world["lesson"]).values_list("learner_id", flat=True))
    assert completed == {learner.pk for learner in learners[2:]}
    assert "Attendance saved" in client.get(response.url).text


def test_the_run_page_shows_everyone_present_by_default_with_the_lesson_in_facilitator_view(client, world):
    client.force_login(world["facilitator"])
    html = client.get(run_url(world["session"])).text

    assert "<details" in html and NOTE_TEXT in html
    assert "Learners will practise saying no" in html and "Chart paper" in html
    assert "only trained facilitators should deliver it" in html  # the module is flagged sensitive
    assert html.count('value="present" checked') == 5
    assert "Save attendance" in html
    for learner in world["learners"]:
        assert f"{learner.code} <b>{learner.first_name}</b>" in html
    assert world["stranger"].code not in html


def test_posting_the_same_attendance_twice_changes_nothing_the_second_time(client, world):
    client.force_login(world["facilitator"])
    data = attendance_post(world["learners"], absent=world["learners"][:2], notes="Rainy day")
    client.post(run_url(world["session"]), data)
    counts = (Attendance.objects.count(), LessonProgress.objects.count(), log_count("lms.session.record"))

    response = client.post(run_url(world["session"]), data, follow=True)

    assert response.status_code == 200
    assert (Attendance.objects.count(), LessonProgress.objects.count(), log_count("lms.session.record")) == counts
    assert log_count("lms.session.record") == 1
    assert log_count("lms.session.correct") == 0
    assert "nothing had changed" in response.text


def test_correcting_a_held_session_gives_progress_and_logs_the_correction(client, world):
    client.force_login(world["facilitator"])
    learners = world["learners"]
    client.post(run_url(world["session"]), attendance_post(learners, absent=learners[:2]))

    html = client.get(run_url(world["session"])).text
    assert "Held on" in html and "recorded by" in html
    assert html.count('value="absent" checked') == 2

    response = client.post(run_url(world["session"]), attendance_post(learners, absent=learners[:1]), follow=True)

    assert "Attendance corrected" in response.text
    assert Attendance.objects.get(session=world["session"], learner=learners[1]).status == "present"
    assert LessonProgress.objects.filter(learner=learners[1], lesson=world["lesson"]).exists()
    assert not LessonProgress.objects.filter(learner=learners[0], lesson=world["lesson"]).exists()
    assert log_count("lms.session.correct") == 1


def test_attendance_for_someone_not_in_the_group_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world["facilitator"])
    data = attendance_post(world["learners"], extra={f"status_{world['stranger'].pk}": "present"})

    response = client.post(run_url(world["session"]), data)

    assert response.status_code == 200
    assert "not in this group on the session date" in response.text
    assert not Attendance.objects.exists()
    assert not LessonProgress.objects.exists()
    world["session"].refresh_from_db()
    assert world["session"].status == Session.Status.PLANNED


def test_a_cancelled_session_refuses_attendance(client, world):
    services.session_cancel(session=world["session"], reason="Flooding", acting_user=world["facilitator"])
    client.force_login(world["facilitator"])

    assert "Save attendance" not in client.get(run_url(world["session"])).text
    response = client.post(run_url(world["session"]), attendance_post(world["learners"]))

    assert response.status_code == 200
    assert "This session was cancelled" in response.text
    assert not Attendance.objects.exists()


def test_a_session_planned_for_a_later_day_cannot_be_recorded_yet(client, world):
    later = services.session_plan(
        group=world["group"],
        lesson=world["second_lesson"],
        date=factories.days_ago(-7),
        acting_user=world["facilitator"],
    )
    client.force_login(world["facilitator"])

    assert "Record attendance on or after that day" in client.get(run_url(later)).text
    response = client.post(run_url(later), attendance_post(world["learners"]))
    assert response.status_code == 200
    assert "record it on or after that day" in response.text
    assert not Attendance.objects.exists()


def scores_url(session) -> str:
    return reverse("session_scores", args=[session.pk])


def test_scores_are_saved_and_shown_again(client, world):
    client.force_login(world["facilitator"])
    first, second = world["learners"][:2]
    data = {f"pre_{first.pk}": "0", f"post_{first.pk}": "1", f"pre_{second.pk}": "", f"post_{second.pk}": "1"}

    response = client.post(scores_url(world["session"]), data, follow=True)

    assert "Scores saved" in response.text
    saved = set(QuizResult.objects.values_list("learner_id", "kind", "score", "max_score"))
    assert saved == {(first.pk, "pre", 0, 1), (first.pk, "post", 1, 1), (second.pk, "post", 1, 1)}
    html = client.get(scores_url(world["session"])).text
    assert f'name="post_{first.pk}" id="id_post_{first.pk}" min="0" max="1" value="1"' in html


def test_a_score_above_the_maximum_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world["facilitator"])
    first, second = world["learners"][:2]

    response = client.post(scores_url(world["session"]), {f"pre_{first.pk}": "1", f"post_{second.pk}": "2"})

    assert response.status_code == 200
    assert "Scores must be between 0 and 1" in response.text
    assert not QuizResult.objects.exists()


def test_a_lesson_without_a_quiz_has_no_score_form(client, world):
    session = services.session_plan(
        group=world["group"],
        lesson=world["second_lesson"],
        date=factories.days_ago(1),
        acting_user=world["facilitator"],
    )
    client.force_login(world["facilitator"])

    html = client.get(scores_url(session)).text

    assert "This lesson has no quiz" in html
    assert "Save scores" not in html


def test_cancelling_a_planned_session_needs_a_reason(client, world):
    client.force_login(world["facilitator"])
    url = reverse("session_cancel", args=[world["session"].pk])

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "Say why the session is cancelled" in response.text

    response = client.post(url, {"reason": "Eid holiday"}, follow=True)
    assert "Session cancelled" in response.text
    world["session"].refresh_from_db()
    assert (world["session"].status, world["session"].cancel_reason) == ("cancelled", "Eid holiday")
    assert log_count("lms.session.cancel") == 1


def test_the_printable_sheets_list_the_members_with_empty_boxes(client, world):
    client.force_login(world["facilitator"])

    attendance = client.get(reverse("attendance_sheet", args=[world["session"].pk])).text
    scores = client.get(reverse("score_sheet", args=[world["session"].pk])).text

    for html in (attendance, scores):
        assert "Quetta drop-in" in html and "Boys A" in html and "No, go, tell" in html
        assert "signature" in html and "Print" in html
        assert all(learner.code in html for learner in world["learners"])
    assert attendance.count('<td class="box"></td>') == 5 * 3
    assert "out of 1" in scores


def test_the_grid_shows_completed_missed_and_not_yet_cells(client, world):
    learners = world["learners"]
    client.force_login(world["facilitator"])
    client.post(run_url(world["session"]), attendance_post(learners, absent=learners[:1]))

    html = client.get(reverse("group_progress", args=[world["group"].pk])).text

    rows = dict(re.findall(r'<tr><th scope="row">(\S+) [^<]+</th>(.*?)</tr>', html))
    cells = {code: re.findall(r"<td(?: class=x)?>(.?)</td>", row) for code, row in rows.items()}
    assert cells[learners[0].code] == ["✗", ""]
    assert all(cells[learner.code] == ["✓", ""] for learner in learners[1:])
    assert "1/1 (100%)" in html and "0/1 (0%)" in html
    assert '<abbr title="No, go, tell">M1 L1</abbr>' in html
    assert "position: sticky" not in html  # the sticky column comes from site.css, not inline styles


def test_a_facilitator_of_another_centre_gets_404_on_every_session_page(client, world):
    client.force_login(world["other"])
    session = world["session"]
    for name in SESSION_URLS:
        url = reverse(name, args=[session.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, attendance_post(world["learners"])).status_code == 404, name
    assert client.get(reverse("group_progress", args=[world["group"].pk])).status_code == 404
    assert not Attendance.objects.exists()


def test_a_programme_manager_reads_a_session_but_cannot_change_it(client, world, users):
    client.force_login(users["manager"])
    url = run_url(world["session"])

    response = client.get(url)
    assert response.status_code == 200
    assert "Save attendance" not in response.text and "Not recorded" in response.text
    assert client.post(url, attendance_post(world["learners"])).status_code == 404
    assert client.post(scores_url(world["session"]), {}).status_code == 404
    assert client.get(reverse("session_cancel", args=[world["session"].pk])).status_code == 404
    for name in ["session_scores", "attendance_sheet", "score_sheet"]:
        assert client.get(reverse(name, args=[world["session"].pk])).status_code == 200, name
    assert client.get(reverse("group_progress", args=[world["group"].pk])).status_code == 200
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("role", ["editor", "reviewer", "peer", "nobody"])
def test_people_without_records_access_get_404(client, world, users, role):
    client.force_login(users[role])
    for name in SESSION_URLS:
        assert client.get(reverse(name, args=[world["session"].pk])).status_code == 404, name
    assert client.get(reverse("group_progress", args=[world["group"].pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(run_url(world["session"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
