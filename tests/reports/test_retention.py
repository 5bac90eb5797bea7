"""Retention: learners who left more than the retention period ago lose their first name and the free text
about them, keep their code and records, and every indicator of a past period is the same afterwards."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Attendance
from learners.models import Learner, Trade, TrainingEnrolment
from learners.services import (
    learner_situation_record,
    learner_update,
    membership_end,
    service_record,
    training_enrol,
    training_update,
)
from lms.access import OutOfScope
from peer_educators.services import peer_educator_set_status
from reports import indicators
from reports.indicators import Scope
from reports.retention import ANONYMOUS, learner_anonymise, leavers, years_before
from tests import factories
from tests.factories import days_ago

YEAR = 365


def years_ago(years: float) -> datetime.date:
    """A day about that many years ago."""
    return days_ago(int(years * YEAR))


@pytest.fixture
def world(db):
    """One centre: Old Ali left six years ago (attended, got a service, was certified with a number, was at risk
    and then recorded as a survivor), Recent
    Bilal left a year ago, Current Karim is still in the group."""
    users = factories.role_users()
    facilitator, admin = users["facilitator"], users["admin"]
    curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    this_year = timezone.localdate().year
    old = factories.make_learner(
        centre, facilitator, first_name="Ali", joined_on=years_ago(7), birth_year=this_year - 19
    )
    learner_update(learner=old, acting_user=facilitator, first_name="Ali Jan")
    learner_situation_record(
        learner=old, situation="at_risk", risk_kinds=["street"], recorded_on=years_ago(7), acting_user=facilitator
    )
    learner_situation_record(learner=old, situation="survivor", recorded_on=years_ago(6.6), acting_user=facilitator)
    recent = factories.make_learner(centre, facilitator, first_name="Bilal", joined_on=years_ago(3))
    current = factories.make_learner(centre, facilitator, first_name="Karim", joined_on=years_ago(3))
    group = factories.make_group(centre, facilitator, [curriculum["module"]], name="Morning")
    [old_m] = factories.add_members(group, [old], joined_on=years_ago(7), acting_user=facilitator)
    recent_m, _ = factories.add_members(group, [recent, current], joined_on=years_ago(3), acting_user=facilitator)
    session = factories.held_session(
        group=group, lesson=curriculum["lessons"][0], day=years_ago(6.5), acting_user=facilitator
    )
    service_record(learner=old, kind="counselling", date=years_ago(6.5), acting_user=facilitator)
    training = training_enrol(
        learner=old, trade=Trade.objects.first(), enrolled_on=years_ago(6.8), acting_user=facilitator
    )
    training_update(
        training=training,
        completed_on=years_ago(6.3),
        certified_on=years_ago(6.2),
        certifying_board="TEVTA",
        certificate_number="TTB-12345",
        acting_user=facilitator,
    )
    membership_end(membership=old_m, left_on=years_ago(6), acting_user=facilitator)
    membership_end(membership=recent_m, left_on=years_ago(1), acting_user=facilitator)
    return {"users": users, "admin": admin, "centre": centre, "old": old, "recent": recent, "current": current,
            "session": session}  # fmt: skip


def past_figures(centre) -> list:
    """Every indicator for the two years around Old Ali's time, as the dashboard computes them for a manager
    (with the breakdown by situation)."""
    return indicators.dashboard(
        Scope(start=years_ago(7.5), end=years_ago(5.5), centre_ids=(centre.pk,)), with_situation=True
    )


def anonymise(admin, **options) -> str:
    out = io.StringIO()
    call_command("anonymise_leavers", "--as", admin.username, stdout=out, **options)
    return out.getvalue()


def test_only_learners_who_left_before_the_period_are_due(world):
    assert list(leavers(left_before=years_before(timezone.localdate(), 5))) == [world["old"]]
    assert set(leavers(left_before=timezone.localdate())) == {world["old"], world["recent"]}


def test_anonymising_leavers_keeps_every_past_indicator_identical(world):
    before = past_figures(world["centre"])
    registered = next(f for f in before if f.key == "registered")
    assert registered.value == 1 and any(f.value for f in before if f.key != "registered")
    assert {t.key: t.value for t in registered.by_situation}["survivor"] == 1

    assert "Anonymised 1 learner(s)" in anonymise(world["admin"], years=5)

    assert past_figures(world["centre"]) == before


def test_an_anonymised_learner_keeps_code_and_records_but_not_name_or_certificate_number(world):
    old = world["old"]
    anonymise(world["admin"])  # LMS_RETENTION_YEARS: 5 by default
    old.refresh_from_db()
    assert old.first_name == ANONYMOUS and old.code == "QTA-0001" and old.anonymised_on == timezone.localdate()
    assert Attendance.objects.filter(learner=old).count() == 1 and old.services.count() == 1
    training = TrainingEnrolment.objects.get(learner=old)
    assert training.certificate_number == "" and training.certified_on == years_ago(6.2)
    # His situation history stays as it was (the past breakdowns by situation must not change).
    assert list(old.situations.order_by("recorded_on").values_list("situation", "risk_street")) == [
        ("at_risk", True),
        ("survivor", False),
    ]
    # The audit log no longer names him either: labels and the recorded change of first name.
    assert not ModelLogEntry.objects.filter(label__contains="Ali").exists()
    assert not any("Ali" in str(entry.data) for entry in ModelLogEntry.objects.all())
    assert ModelLogEntry.objects.filter(action="lms.learner.anonymise", object_id=str(old.pk)).count() == 1


def test_learners_within_the_period_are_untouched_and_a_second_run_changes_nothing(world):
    anonymise(world["admin"], years=5)
    assert "Anonymised 0 learner(s)" in anonymise(world["admin"], years=5)
    names = dict(Learner.objects.values_list("code", "first_name"))
    assert names == {"QTA-0001": ANONYMOUS, "QTA-0002": "Bilal", "QTA-0003": "Karim"}
    assert ModelLogEntry.objects.filter(action="lms.learner.anonymise").count() == 1


def test_a_dry_run_lists_the_codes_and_changes_nothing(world):
    out = io.StringIO()
    call_command("anonymise_leavers", "--dry-run", "--years", "5", stdout=out)
    assert "QTA-0001" in out.getvalue() and "dry run" in out.getvalue()
    assert Learner.objects.filter(first_name="Ali Jan").exists()


def test_only_an_administrator_may_anonymise(world):
    with pytest.raises(CommandError, match="administrator"):
        anonymise(world["users"]["facilitator"])
    with pytest.raises(OutOfScope):
        learner_anonymise(acting_user=world["users"]["manager"], learner=world["old"], today=timezone.localdate())
    assert Learner.objects.filter(first_name="Ali Jan").exists()


def test_a_former_peer_educators_account_is_closed_and_unnamed(world):
    users = world["users"]
    module, lessons = factories.topic_module(
        "Peer educator training", ["Leading"], topic="peer-education", editor=users["editor"],
        reviewer=users["reviewer"],
    )  # fmt: skip
    peer, _ = factories.promoted_peer(
        centre=world["centre"], facilitator=users["facilitator"], module=module, lessons=lessons, first_name="Zarak"
    )
    peer_educator_set_status(
        peer=peer, status="stepped_down", note="Zarak moved away", acting_user=users["facilitator"]
    )
    learner_anonymise(acting_user=world["admin"], learner=peer.learner, today=timezone.localdate())
    peer.refresh_from_db()
    account = User.objects.get(pk=peer.user_id)
    assert account.username == f"anonymised-{peer.learner.code.lower()}" and not account.is_active
    assert not account.has_usable_password() and account.first_name == ""
    assert peer.endorsement == "" and not peer.status_changes.exclude(note="").exists()
    # (The factory named his training group after him: group names are the facilitators' choice, not his record.)
    about_him = ModelLogEntry.objects.exclude(content_type__model__in=["group", "session"])
    assert not about_him.filter(label__icontains="zarak").exists()
