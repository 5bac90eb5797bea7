"""`manage.py bench` builds its data set and writes every page's timings as JSON (tiny here; `make bench` is real)."""

import io
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from courses.models import Attendance
from demo.bench import build
from demo.bench.build import GRID_GROUP_NAME, PEER_PREFIX, BenchRowError, RowCheck
from learners.models import Centre, CentreTransfer, Group, Learner, Membership, ServiceRecord
from learners.services import learner_register
from lms import access
from reports.models import AttendanceSummary, ExportRequest
from tests.factories import make_centre

pytestmark = pytest.mark.django_db

PAGES = [
    "facilitator_dashboard",
    "run_session",
    "group_progress",
    "learner_record",
    "learner_timeline",
    "peer_home",
    "project_list",
    "project_detail",
    "peer_eligibility",
    "lesson_page_urdu",
    "lesson_page_anonymous",
    "indicator_dashboard",
    "indicator_records",
    "indicator_dashboard_cold",
    "indicator_dashboard_after_write",
    "indicator_dashboard_after_service",
]


def test_bench_builds_a_small_data_set_and_writes_each_pages_timings_as_json(tmp_path, monkeypatch):
    out = tmp_path / "bench.json"
    monkeypatch.setenv("BENCH_OUT", str(out))
    console = io.StringIO()
    call_command("bench", scale=0.0005, requests=2, no_reset=True, offline_submissions=40, stdout=console)

    report = json.loads(out.read_text())
    assert set(report["scale"]) == {
        "learners",
        "centres",
        "groups",
        "sessions",
        "attendance",
        "progress",
        "quiz_results",
        "peer_groups",
        "peer_educators",
        "observations",
        "projects",
        "activity_logs",
        "services",
        "trainings",
        "certified",
        "job_placements",
        "school_enrolments",
        "referrals",
        "transfers",
        "community_groups",
        "community_meetings",
        "sensitisation_events",
        "coordination_meetings",
        "trainings_given",
        "follow_ups",
    }
    assert report["scale"]["coordination_meetings"] == 24 and report["scale"]["trainings_given"] == 12
    assert report["scale"]["groups"] == 2 and report["scale"]["attendance"] > 0 and report["scale"]["progress"] > 0
    assert report["scale"]["peer_educators"] == 2 and report["scale"]["peer_groups"] == 4
    assert report["scale"]["projects"] == 10 and report["scale"]["observations"] > 0
    assert report["scale"]["learners"] == 50 and report["scale"]["transfers"] == 0  # one centre: nowhere to move
    assert report["scale"]["referrals"] > 0
    assert report["scale"]["services"] > 0 and report["scale"]["community_groups"] == 2
    assert report["scale"]["community_meetings"] > 0 and report["scale"]["sensitisation_events"] > 0
    assert report["database"] in {"sqlite", "postgresql"}
    assert [page["name"] for page in report["pages"]] == PAGES
    for page in report["pages"]:
        assert page["status"] == 200, page
        assert page["queries"] > 0 and page["bytes"] > 0 and 0 < page["p50_ms"] <= page["p95_ms"]
    pages = {page["name"]: page for page in report["pages"]}
    assert pages["indicator_records"]["p95_target_ms"] == 500 and pages["indicator_records"]["bytes_target"] is None
    # Served from the cache, the dashboard only asks whether the records changed; cold, it computes every figure.
    assert pages["indicator_dashboard"]["queries"] < 15 < pages["indicator_dashboard_cold"]["queries"]
    # After a write the figures are computed again (from the summary tables the builder filled and the write kept).
    assert pages["indicator_dashboard"]["queries"] < 15 < pages["indicator_dashboard_after_write"]["queries"]
    # After a service only the figures that read services are computed again; the bench's own record is gone after.
    after_service = pages["indicator_dashboard_after_service"]["queries"]
    assert pages["indicator_dashboard"]["queries"] < after_service < pages["indicator_dashboard_cold"]["queries"]
    assert not ServiceRecord.objects.filter(provider="Bench counsellor").exists()
    assert report["rebuild_summaries"]["seconds"] >= 0 and AttendanceSummary.objects.exists()
    export = report["export"]
    assert export["learners_10k"] == export["learners_100k"] == 50  # too few learners to make a smaller download
    assert export["streaming"] and export["lines_100k"] > 50 and export["seconds_100k"] > 0
    assert export["peak_mb_10k"] > 0 and export["peak_mb_100k"] > 0
    excel = report["export_xlsx"]  # the background task's body, run synchronously
    assert excel["status_10k"] == excel["status_100k"] == "ready" and excel["rows_100k"] == 50
    assert excel["seconds_100k"] > 0 and excel["peak_mb_100k"] > 0 and excel["bytes_100k"] > 0
    assert not ExportRequest.objects.exists(), "the measured files and requests are deleted"
    grid = Group.objects.get(name=GRID_GROUP_NAME)
    assert Membership.objects.filter(group=grid, left_on__isnull=True).count() == 40
    peer = User.objects.get(username=f"{PEER_PREFIX}01-1")
    assert access.is_active_peer_educator(peer) and access.groups_led_by_peer(peer).count() == 2
    table = console.getvalue()
    assert "group_progress" in table and "indicator_dashboard" in table and ("PASS" in table or "FAIL" in table)
    assert "CSV of registered learners (streamed): 50 learners" in table
    assert "Excel of registered learners (background task" in table
    urdu = report["lesson_page_urdu"]
    assert urdu["lang"] and urdu["font_status"] == 200 and urdu["css_bytes"] > 0
    assert urdu["html_css_bytes"] == urdu["html_bytes"] + urdu["css_bytes"] <= 30 * 1024
    assert urdu["font_bytes_first_visit"] > 50_000 and urdu["font_bytes_second_visit"] == 0
    assert "immutable" in urdu["font_cache_control_production"]
    assert "Urdu lesson page: HTML" in table
    # A visitor's lesson page, timed once kept: one query (the version of the visitors' pages), gzipped, public.
    assert pages["lesson_page_anonymous"]["queries"] == 1 and pages["lesson_page_anonymous"]["p95_target_ms"] == 5
    visitor = report["lesson_page_anonymous"]
    assert visitor["gzip"] and visitor["bytes_sent"] == pages["lesson_page_anonymous"]["bytes"]
    assert visitor["bytes_sent"] < visitor["bytes_unzipped"] and visitor["cookies_set"] == 0
    assert visitor["cache_control"].startswith("public") and visitor["vary"] == "Accept-Encoding"
    assert visitor["status_if_none_match"] == 304 and "Visitor's lesson page:" in table
    offline = report["offline"]
    assert offline["submissions"] == 40 and offline["lost"] == offline["duplicated"] == offline["wrong_answers"] == 0
    assert offline["conflicts"] == offline["conflicts_stored"] and offline["seconds"] > 0
    assert 0 < offline["week_bytes"] < 1024 * 1024
    assert "Offline: 40 submissions" in table


def test_the_bench_data_moves_a_learner_to_the_next_centre_and_keeps_their_history_where_it_happened():
    """Two centres: one learner of each moves to the other in the last week, after their group's last session."""
    build.build(build.Scale(centres=2, groups=3, learners=60))
    moves = list(CentreTransfer.objects.select_related("learner"))
    assert len(moves) == 2
    for move in moves:
        learner = move.learner
        assert learner.centre_id == move.to_centre_id and learner.code.startswith(move.from_centre.code)
        assert not Membership.objects.filter(learner=learner, left_on__isnull=True).exists()
        assert not Attendance.objects.filter(learner=learner, session__date__gte=move.moved_on).exists()
        before = ServiceRecord.objects.filter(learner=learner, date__lt=move.moved_on)
        assert before.exists() and before.exclude(centre_id=move.from_centre_id).count() == 0
        assert (
            ServiceRecord.objects.filter(learner=learner, date__gte=move.moved_on)
            .exclude(centre_id=move.to_centre_id)
            .count()
            == 0
        )
    # numbers stay unique per centre: the mover took the next number of the centre they moved to
    assert Learner.objects.values("centre", "number").distinct().count() == Learner.objects.count()


def test_bench_learners_have_the_codes_and_numbers_registration_would_have_given_them():
    build.build(build.Scale(centres=2, groups=3, learners=60))
    stayed = Learner.objects.filter(transfers__isnull=True).select_related("centre")
    assert stayed.count() == 58
    assert all(learner.code == Learner.format_code(learner.centre.code, learner.number) for learner in stayed)
    centre = Centre.objects.order_by("pk").first()
    facilitator = centre.staff_assignments.get().user
    newcomer = learner_register(
        centre=centre,
        first_name="Newcomer",
        sex="m",
        joined_on=timezone.localdate(),
        birth_year=timezone.localdate().year - 12,
        acting_user=facilitator,
    )
    highest = max(Learner.objects.filter(centre=centre).exclude(pk=newcomer.pk).values_list("number", flat=True))
    assert newcomer.number == highest + 1 and newcomer.code == Learner.format_code(centre.code, highest + 1)


def learner(centre, **fields) -> Learner:
    """An unsaved learner as the builder makes one, with some fields changed."""
    values = {
        "centre": centre,
        "number": 1,
        "code": Learner.format_code(centre.code, 1),
        "first_name": "Aisha",
        "sex": Learner.Sex.FEMALE,
        "birth_year": timezone.localdate().year - 12,
        "joined_on": timezone.localdate(),
    }
    return Learner(**{**values, **fields})


def test_the_builders_check_refuses_a_row_that_breaks_a_model_constraint():
    centre = make_centre()
    RowCheck().rows([learner(centre)])  # a row the registration service could write passes
    with pytest.raises(BenchRowError, match="learners.Learner.*learner_has_birth_year_or_age_band"):
        RowCheck().rows([learner(centre), learner(centre, number=2, code="QTA-0002", birth_year=None, age_band="")])


def test_the_builders_check_refuses_a_value_the_model_does_not_allow():
    with pytest.raises(BenchRowError, match="sex: Value 'z' is not a valid choice"):
        RowCheck().rows([learner(make_centre(), sex="z")])  # the database would take it; the model refuses it


def test_bench_stops_before_writing_a_row_its_model_would_refuse(tmp_path, monkeypatch):
    """A builder bug (here: a service kind the model does not know) fails the bench instead of writing the rows."""
    monkeypatch.setenv("BENCH_OUT", str(tmp_path / "bench.json"))
    haircut = SimpleNamespace(value="haircut")
    monkeypatch.setattr(build, "SERVICE_KINDS", ((ServiceRecord.Kind.EDUCATION, 1, ""), (haircut, 1, "")))
    with pytest.raises(CommandError, match="learners.ServiceRecord row that its model refuses.*haircut"):
        call_command("bench", scale=0.0005, requests=1, no_reset=True, offline_submissions=0, stdout=io.StringIO())
    assert not ServiceRecord.objects.exists()
    assert not (tmp_path / "bench.json").exists()


def test_bench_refuses_to_wipe_a_database_not_named_for_it(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_OUT", str(tmp_path / "bench.json"))
    with pytest.raises(CommandError, match="does not contain 'bench'"):
        call_command("bench", scale=0.002, requests=1, stdout=io.StringIO())
