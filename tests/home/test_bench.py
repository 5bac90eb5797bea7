"""`manage.py bench` builds its data set and writes every page's timings as JSON (tiny here; `make bench` is real)."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from home.bench.build import GRID_GROUP_NAME, PEER_PREFIX
from learners.models import Group, Membership
from lms import access

pytestmark = pytest.mark.django_db

PAGES = [
    "facilitator_dashboard",
    "run_session",
    "group_progress",
    "learner_record",
    "peer_home",
    "project_list",
    "project_detail",
    "peer_eligibility",
]


def test_bench_builds_a_small_data_set_and_writes_each_pages_timings_as_json(tmp_path, monkeypatch):
    out = tmp_path / "bench.json"
    monkeypatch.setenv("BENCH_OUT", str(out))
    console = io.StringIO()
    call_command("bench", scale=0.002, requests=2, no_reset=True, stdout=console)

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
    }
    assert report["scale"]["groups"] == 2 and report["scale"]["attendance"] > 0 and report["scale"]["progress"] > 0
    assert report["scale"]["peer_educators"] == 2 and report["scale"]["peer_groups"] == 4
    assert report["scale"]["projects"] == 10 and report["scale"]["observations"] > 0
    assert report["database"] in {"sqlite", "postgresql"}
    assert [page["name"] for page in report["pages"]] == PAGES
    for page in report["pages"]:
        assert page["status"] == 200, page
        assert page["queries"] > 0 and page["bytes"] > 0 and 0 < page["p50_ms"] <= page["p95_ms"]
    grid = Group.objects.get(name=GRID_GROUP_NAME)
    assert Membership.objects.filter(group=grid, left_on__isnull=True).count() == 40
    peer = User.objects.get(username=f"{PEER_PREFIX}01-1")
    assert access.is_active_peer_educator(peer) and access.groups_led_by_peer(peer).count() == 2
    table = console.getvalue()
    assert "group_progress" in table and ("PASS" in table or "FAIL" in table)


def test_bench_refuses_to_wipe_a_database_not_named_for_it(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_OUT", str(tmp_path / "bench.json"))
    with pytest.raises(CommandError, match="does not contain 'bench'"):
        call_command("bench", scale=0.002, requests=1, stdout=io.StringIO())
