"""Offline sessions, server side: the batch endpoint applies each submission once through the online services,
keeps a submission that met someone else's change as a conflict, refuses bad input item by item, and a
person resolves conflicts line by line (audited). Also what a phone keeps, and the small fault run."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses import services
from courses.models import Attendance, OfflineSubmission, QuizResult
from demo.bench.offline import fault_run
from lms import roles
from tests import factories

pytestmark = pytest.mark.django_db

SUBMIT = "/offline/submit/"


@pytest.fixture
def world(users, curriculum):
    """QTA: two facilitators, a group of three (Asad, Bilal, Danish) with a session of the quiz lesson today,
    and Ejaz, a learner of the centre outside the group. KHI: another centre, its facilitator and session."""
    nadia = factories.UserFactory(username="nadia", role=roles.FACILITATORS)
    omar = factories.UserFactory(username="omar", role=roles.FACILITATORS)
    other = factories.UserFactory(username="other", role=roles.FACILITATORS)
    centre = factories.centre_with_staff(name="Quetta", code="QTA", staff=[nadia, omar])
    built = factories.group_with_members(
        centre=centre,
        name="Sparrows",
        facilitator=nadia,
        modules=[curriculum["module"]],
        first_names=["Asad", "Bilal", "Danish"],
        acting_user=users["admin"],
    )
    lesson = curriculum["lessons"][0]
    session = services.session_plan(group=built["group"], lesson=lesson, date=factories.days_ago(0), acting_user=nadia)
    outsider = factories.consenting_learner(centre=centre, first_name="Ejaz", acting_user=nadia)
    far = factories.centre_with_staff(name="Karachi", code="KHI", staff=[other])
    far_group = factories.group_with_members(
        centre=far,
        name="Kites",
        facilitator=other,
        modules=[curriculum["module"]],
        first_names=["Gul"],
        acting_user=users["admin"],
    )
    far_session = services.session_plan(
        group=far_group["group"], lesson=lesson, date=factories.days_ago(0), acting_user=other
    )
    learners = {learner.first_name: learner for learner in built["learners"]}
    return {
        "nadia": nadia,
        "omar": omar,
        "other": other,
        "session": session,
        "learners": learners,
        "outsider": outsider,
        "far_session": far_session,
        "lesson": lesson,
    }


def attendance_item(world, user, marks: dict[str, str], *, seen=None, session=None, **extra) -> dict:
    """A submission of attendance as the phone sends it (everyone present unless marked)."""
    data = {str(learner.pk): marks.get(name, "present") for name, learner in world["learners"].items()}
    item = {
        "id": str(uuid.uuid4()),
        "user": user.pk,
        "session": (session or world["session"]).pk,
        "kind": "attendance",
        "seen": seen or {},
        "data": data,
        "made_at": "2026-01-05T10:00:00+05:00",
    }
    return {**item, **extra}


def send(user, items, client=None):
    """POST a batch as the user; returns the HTTP response."""
    client = client or Client()
    client.force_login(user)
    return client.post(SUBMIT, {"items": items}, content_type="application/json")


def outcomes(response) -> list[tuple[str, str]]:
    return [(result["outcome"], result["reason"]) for result in response.json()["results"]]


def statuses(session) -> dict[str, str]:
    return dict(session.attendance.values_list("learner__first_name", "status"))


def log(action, obj) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action=action, object_id=str(obj.pk)))


# ---- applied once ----


def test_a_submission_is_applied_once_and_its_replay_answers_already_applied(world):
    item = attendance_item(world, world["nadia"], {"Bilal": "absent"})

    first = send(world["nadia"], [item])
    again = send(world["nadia"], [item, item])

    assert outcomes(first) == [("applied", "")]
    assert outcomes(again) == [("already_applied", ""), ("already_applied", "")]
    assert statuses(world["session"]) == {"Asad": "present", "Bilal": "absent", "Danish": "present"}
    assert Attendance.objects.count() == 3
    [entry] = log("lms.session.record", world["session"])
    assert entry.user == world["nadia"]
    assert OfflineSubmission.objects.get().status == "applied"


def test_scores_recorded_offline_are_applied_through_the_score_service(world):
    asad = world["learners"]["Asad"].pk
    item = {
        **attendance_item(world, world["nadia"], {}),
        "kind": "scores",
        "data": {f"{asad}:pre": 0, f"{asad}:post": 1},
    }

    assert outcomes(send(world["nadia"], [item])) == [("applied", "")]

    assert list(QuizResult.objects.values_list("learner__first_name", "kind", "score").order_by("kind")) == [
        ("Asad", "post", 1),
        ("Asad", "pre", 0),
    ]
    assert [e.user for e in log("lms.quiz.record", world["session"])] == [world["nadia"]]


def test_a_later_change_of_ones_own_is_applied_not_a_conflict(world):
    send(world["nadia"], [attendance_item(world, world["nadia"], {"Bilal": "absent"})])
    # The same phone, still showing the page it kept before the first was sent: not a conflict with oneself.
    later = attendance_item(world, world["nadia"], {"Bilal": "excused", "Danish": "absent"})

    assert outcomes(send(world["nadia"], [later])) == [("applied", "")]
    assert statuses(world["session"]) == {"Asad": "present", "Bilal": "excused", "Danish": "absent"}
    assert len(log("lms.session.correct", world["session"])) == 1


# ---- conflicts ----


def record_online(world, user, marks):
    """Someone records the session on the online form."""
    services.session_record(
        session=world["session"],
        attendance={learner.pk: marks.get(name, "present") for name, learner in world["learners"].items()},
        delivered_by=user,
        acting_user=user,
    )


def test_a_session_recorded_by_someone_else_meanwhile_becomes_a_conflict_and_nothing_is_overwritten(world):
    record_online(world, world["nadia"], {"Asad": "absent"})
    # Omar's phone kept the session before Nadia recorded it: Asad present (differs), Bilal absent (differs).
    item = attendance_item(world, world["omar"], {"Bilal": "absent"})

    assert outcomes(send(world["omar"], [item])) == [("conflict", "")]
    assert send(world["omar"], [item]).json()["results"][0] == {
        "id": item["id"],
        "outcome": "conflict",
        "reason": "",
        "conflicts": 2,
    }
    assert statuses(world["session"]) == {"Asad": "absent", "Bilal": "present", "Danish": "present"}
    submission = OfflineSubmission.objects.get()
    assert submission.status == "conflict" and len(submission.conflicts) == 2
    assert len(log("lms.offline.conflict", submission)) == 1


def test_only_the_lines_changed_on_both_sides_conflict_the_others_are_applied(world):
    record_online(world, world["nadia"], {})
    seen = {str(learner.pk): "present" for learner in world["learners"].values()}
    record_online(world, world["nadia"], {"Asad": "absent"})  # Nadia corrects Asad after Omar's phone kept it
    item = attendance_item(world, world["omar"], {"Asad": "excused", "Danish": "absent"}, seen=seen)

    result = send(world["omar"], [item]).json()["results"][0]

    assert (result["outcome"], result["conflicts"]) == ("conflict", 1)  # Asad only
    assert statuses(world["session"]) == {"Asad": "absent", "Bilal": "present", "Danish": "absent"}


def test_a_line_the_phone_did_not_change_keeps_the_value_recorded_since(world):
    record_online(world, world["nadia"], {})
    seen = {str(learner.pk): "present" for learner in world["learners"].values()}
    record_online(world, world["nadia"], {"Asad": "absent"})
    item = attendance_item(world, world["omar"], {"Danish": "excused"}, seen=seen)  # Asad still "present": unchanged

    assert outcomes(send(world["omar"], [item])) == [("applied", "")]
    assert statuses(world["session"]) == {"Asad": "absent", "Bilal": "present", "Danish": "excused"}


def test_a_conflict_is_resolved_line_by_line_through_the_online_service_and_audited(client, world):
    record_online(world, world["nadia"], {"Asad": "absent"})
    send(world["omar"], [attendance_item(world, world["omar"], {"Bilal": "absent"})])
    submission = OfflineSubmission.objects.get()
    asad, bilal = (str(world["learners"][name].pk) for name in ("Asad", "Bilal"))
    client.force_login(world["nadia"])

    page = client.get(reverse("offline_resolve", args=[submission.pk])).text
    assert f"{world['learners']['Asad'].code} Asad" in page and "Keep mine: Present" in page
    assert "Keep theirs: Absent" in page
    response = client.post(
        reverse("offline_resolve", args=[submission.pk]), {f"choice_{asad}": "mine", f"choice_{bilal}": "theirs"}
    )

    assert response.status_code == 302
    assert statuses(world["session"]) == {"Asad": "present", "Bilal": "present", "Danish": "present"}
    submission.refresh_from_db()
    assert submission.status == "resolved" and submission.resolved_by == world["nadia"]
    [entry] = log("lms.offline.resolve", submission)
    assert entry.user == world["nadia"] and entry.data["choices"] == {asad: "mine", bilal: "theirs"}
    [correction] = log("lms.session.correct", world["session"])
    assert correction.user == world["nadia"] and correction.data["attendance"] == {asad: ["absent", "present"]}
    assert "No conflicts" in client.get(reverse("offline_conflicts")).text


def test_a_conflict_must_be_decided_on_every_line(client, world):
    record_online(world, world["nadia"], {"Asad": "absent"})
    send(world["omar"], [attendance_item(world, world["omar"], {"Bilal": "absent"})])
    submission = OfflineSubmission.objects.get()
    client.force_login(world["omar"])

    asad = world["learners"]["Asad"].pk
    response = client.post(reverse("offline_resolve", args=[submission.pk]), {f"choice_{asad}": "mine"})

    assert response.status_code == 200 and "Choose which value to keep." in response.text
    assert OfflineSubmission.objects.get().status == "conflict"
    assert statuses(world["session"])["Asad"] == "absent"


def test_conflicts_of_another_centre_answer_404(client, world):
    record_online(world, world["nadia"], {"Asad": "absent"})
    send(world["omar"], [attendance_item(world, world["omar"], {})])
    client.force_login(world["other"])

    assert client.get(reverse("offline_resolve", args=[OfflineSubmission.objects.get().pk])).status_code == 404
    assert "Sparrows" not in client.get(reverse("offline_conflicts")).text


# ---- refused, item by item ----


def test_bad_items_are_refused_one_by_one_with_a_reason_and_the_good_one_is_applied(world):
    ejaz = str(world["outsider"].pk)
    foreign = attendance_item(world, world["nadia"], {}, session=world["far_session"])
    stranger = attendance_item(world, world["nadia"], {})
    stranger["data"][ejaz] = "present"
    broken = attendance_item(world, world["nadia"], {"Asad": "asleep"})
    no_id = attendance_item(world, world["nadia"], {}, id="not-a-uuid")
    good = attendance_item(world, world["nadia"], {"Danish": "excused"})

    answers = outcomes(send(world["nadia"], [foreign, stranger, broken, no_id, "nonsense", good]))

    assert answers == [
        ("refused", "There is no session with this number that you can record."),
        ("refused", "Attendance was given for someone who is not in this group on the session date."),
        ("refused", "Attendance must be present, absent or excused."),
        ("refused", "This submission has no valid identifier."),
        ("refused", "This submission is not in the expected form."),
        ("applied", ""),
    ]
    assert statuses(world["session"]) == {"Asad": "present", "Bilal": "present", "Danish": "excused"}
    assert not world["far_session"].attendance.exists()
    assert OfflineSubmission.objects.count() == 1


def test_a_score_above_the_quiz_maximum_is_refused_and_nothing_is_written(world):
    asad = world["learners"]["Asad"].pk
    item = {**attendance_item(world, world["nadia"], {}), "kind": "scores", "data": {f"{asad}:pre": 7}}

    [(outcome, reason)] = outcomes(send(world["nadia"], [item]))

    assert outcome == "refused" and "between 0 and 1" in reason
    assert not QuizResult.objects.exists() and not OfflineSubmission.objects.exists()


def test_a_replay_from_another_account_is_refused_and_changes_nothing(world):
    item = attendance_item(world, world["nadia"], {"Bilal": "absent"})
    send(world["nadia"], [item])

    as_is = outcomes(send(world["omar"], [item]))  # Nadia's submission, sent by Omar's sign-in
    as_his = outcomes(send(world["omar"], [{**item, "user": world["omar"].pk, "data": {}}]))
    new_for_nadia = outcomes(send(world["omar"], [attendance_item(world, world["nadia"], {"Asad": "absent"})]))

    assert as_is == as_his == [("refused", "This submission was sent by another account.")]
    assert new_for_nadia == [("refused", "This was recorded by another account: sign in as that person to send it.")]
    assert statuses(world["session"]) == {"Asad": "present", "Bilal": "absent", "Danish": "present"}
    assert OfflineSubmission.objects.get().user == world["nadia"]


def test_a_malformed_or_oversized_batch_is_refused_with_a_reason(client, world):
    client.force_login(world["nadia"])

    not_json = client.post(SUBMIT, "{items:", content_type="application/json")
    no_list = client.post(SUBMIT, {"items": {"a": 1}}, content_type="application/json")
    too_big = client.post(SUBMIT, {"items": [], "pad": "x" * 300_000}, content_type="application/json")
    many = [attendance_item(world, world["nadia"], {}) for _ in range(51)]
    too_many = client.post(SUBMIT, {"items": many}, content_type="application/json")

    assert (not_json.status_code, not_json.json()["error"]) == (400, "malformed")
    assert (no_list.status_code, no_list.json()["message"]) == (400, "The batch must be a list of submissions.")
    assert too_big.status_code == 413 and "256 KB" in too_big.json()["message"]
    assert too_many.status_code == 200
    assert set(outcomes(too_many)) == {("refused", "Too many submissions at once: send at most 50.")}
    assert not Attendance.objects.exists() and not OfflineSubmission.objects.exists()


def test_an_expired_sign_in_answers_401_json_and_the_csrf_token_is_required(world):
    item = attendance_item(world, world["nadia"], {})
    anonymous = Client().post(SUBMIT, {"items": [item]}, content_type="application/json")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["nadia"])
    without_token = strict.post(SUBMIT, {"items": [item]}, content_type="application/json")
    token = strict.get(reverse("offline_token")).json()
    with_token = strict.post(
        SUBMIT, {"items": [item]}, content_type="application/json", headers={"X-CSRFToken": token["csrf"]}
    )

    assert anonymous.status_code == 401 and anonymous.json()["error"] == "signin"
    assert Client().get(reverse("offline_token")).status_code == 401
    assert without_token.status_code == 403
    assert token["user"] == world["nadia"].pk and outcomes(with_token) == [("applied", "")]


# ---- what the phone keeps ----


def test_the_phone_keeps_the_pages_of_the_next_seven_days_sessions_in_the_users_scope(client, world):
    nadia = world["nadia"]
    group, lesson = world["session"].group, world["lesson"]
    week = services.session_plan(group=group, lesson=lesson, date=factories.days_ago(-7), acting_user=nadia)
    services.session_plan(group=group, lesson=lesson, date=factories.days_ago(-8), acting_user=nadia)
    services.session_plan(group=group, lesson=lesson, date=factories.days_ago(-1), acting_user=nadia)
    cancelled = services.session_plan(group=group, lesson=lesson, date=factories.days_ago(-2), acting_user=nadia)
    services.session_cancel(session=cancelled, reason="Eid", acting_user=nadia)
    client.force_login(nadia)

    manifest = client.get(reverse("offline_manifest")).json()

    urls = [page["url"] for page in manifest["pages"]]
    today = world["session"].pk
    assert urls[:2] == [f"/sessions/{today}/", f"/sessions/{today}/scores/"]
    assert len(urls) == 6 and f"/sessions/{week.pk}/" in urls
    assert f"/sessions/{world['far_session'].pk}/" not in urls and f"/sessions/{cancelled.pk}/" not in urls
    assert manifest["fallback"] == "/offline/" and "/static/js/offline.js" in manifest["assets"]
    assert Client().get(reverse("offline_manifest")).status_code == 401


def test_a_kept_page_changes_version_when_the_session_is_recorded(client, world):
    client.force_login(world["nadia"])
    before = client.get(reverse("offline_manifest")).json()["pages"][0]["v"]
    record_online(world, world["omar"], {"Asad": "absent"})

    assert client.get(reverse("offline_manifest")).json()["pages"][0]["v"] != before


def test_the_session_form_carries_what_it_showed_for_the_phone_to_send_back(client, world):
    record_online(world, world["nadia"], {"Asad": "absent"})
    client.force_login(world["omar"])

    html = client.get(reverse("session_run", args=[world["session"].pk])).text

    value = html.split('<input type="hidden" name="offline" value="')[1].split('"')[0]
    state = json.loads(value.replace("&quot;", '"'))
    asad = str(world["learners"]["Asad"].pk)
    assert state["session"] == world["session"].pk and state["user"] == world["omar"].pk
    assert state["kind"] == "attendance" and state["seen"][asad] == "absent" and state["seen"]["notes"] == ""
    assert 'data-offline="attendance"' in html


def test_a_later_sessions_form_is_on_the_page_but_hidden_until_its_day(client, world):
    later = services.session_plan(
        group=world["session"].group, lesson=world["lesson"], date=factories.days_ago(-3), acting_user=world["nadia"]
    )
    client.force_login(world["nadia"])

    html = client.get(reverse("session_run", args=[later.pk])).text

    assert f'hidden data-offline-from="{later.date.isoformat()}"' in html
    assert "Record attendance on or after that day" in html


def test_people_who_run_sessions_get_the_script_and_its_sentences_as_json_others_no_script(client, world, users):
    client.force_login(world["nadia"])
    html = client.get(reverse("dashboard")).text
    strings = json.loads(html.split('<script id="offline-strings" type="application/json">')[1].split("</script>")[0])

    assert '<script src="/static/js/offline.js" defer></script>' in html
    assert strings["user"] == world["nadia"].pk and strings["urls"]["submit"] == SUBMIT
    assert strings["waiting_other"] == "%(count)s submissions wait to be sent."
    assert "data-offline-signout" in html
    client.force_login(users["manager"])
    assert "offline.js" not in client.get(reverse("dashboard")).text


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")

    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache" and response["Content-Type"].startswith("text/javascript")
    assert b"importScripts" in response.content


def test_the_offline_page_lists_the_kept_sessions_and_conflicts(client, world):
    record_online(world, world["nadia"], {"Asad": "absent"})
    send(world["omar"], [attendance_item(world, world["omar"], {})])
    client.force_login(world["nadia"])

    html = client.get(reverse("offline_sessions")).text

    assert "Sparrows" in html and "1 submission from a phone conflicts" in html
    client.force_login(factories.UserFactory(username="no-role"))
    assert client.get(reverse("offline_sessions")).status_code == 404


# ---- the fault run ----


def test_a_hundred_submissions_over_a_faulty_link_lose_nothing_and_count_nothing_twice(world, users):
    nadia, omar = world["nadia"], world["omar"]
    third = factories.UserFactory(username="zara", role=roles.FACILITATORS)
    corrector = factories.UserFactory(username="corrector", role=roles.FACILITATORS)
    for user in (third, corrector):
        factories.assign(user, world["session"].group.centre)
    sessions = [world["session"]] + [
        services.session_plan(
            group=world["session"].group, lesson=world["lesson"], date=factories.days_ago(days), acting_user=nadia
        )
        for days in range(1, 4)
    ]

    figures = fault_run(phones=[nadia, omar, third], corrector=corrector, sessions=sessions, submissions=100, seed=3)

    assert figures["submissions"] == 100
    assert (figures["lost"], figures["duplicated"], figures["wrong_answers"]) == (0, 0, 0)
    assert figures["conflicts"] > 0 and figures["conflicts"] == figures["conflicts_stored"]
    assert OfflineSubmission.objects.count() == 100
    faults = ("dropped_requests", "dropped_answers", "replays", "expired_sign_ins", "rotated_tokens")
    faults += ("online_corrections", "out_of_order_batches")
    for fault in faults:
        assert figures[fault] > 0, fault
    assert figures["other_account_refused"] == figures["other_account_replays"] > 0
