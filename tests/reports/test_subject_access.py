"""A guardian's request: an administrator downloads everything held about one child, and the download is
audited; no one else can reach it."""

import json

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners.services import learner_situation_record, service_record
from lms import audit
from tests import factories
from tests.factories import days_ago


@pytest.fixture
def world(db):
    """A learner with a membership, an attended session, a service and a situation history (at risk, then a
    survivor); another learner beside him."""
    users = factories.role_users()
    facilitator = users["facilitator"]
    curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    members = factories.group_with_members(
        centre=centre, name="Morning", facilitator=facilitator, modules=[curriculum["module"]],
        first_names=["Ali", "Bilal"], acting_user=facilitator,
    )  # fmt: skip
    factories.held_session(
        group=members["group"], lesson=curriculum["lessons"][0], day=days_ago(3), acting_user=facilitator
    )
    ali = members["learners"][0]
    service_record(learner=ali, kind="medical", date=days_ago(2), acting_user=facilitator)
    learner_situation_record(
        learner=ali, situation="at_risk", risk_kinds=["street"], recorded_on=ali.joined_on, acting_user=facilitator
    )
    learner_situation_record(learner=ali, situation="survivor", recorded_on=days_ago(0), acting_user=facilitator)
    return {"users": users, "ali": ali}


def download(client, user, code):
    client.force_login(user)
    return client.get(reverse("learner_data_export", kwargs={"code": code}))


def test_an_administrator_downloads_everything_held_about_the_child(client, world):
    ali = world["ali"]
    response = download(client, world["users"]["admin"], ali.code)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{ali.code}-file.json"'
    held = json.loads(response.content)
    assert held["learner"]["code"] == ali.code and held["learner"]["first_name"] == "Ali"
    assert held["learner"]["guardian_consent_on"] == ali.guardian_consent_on.isoformat()
    assert [m["group__name"] for m in held["memberships"]] == ["Morning"]
    assert [a["status"] for a in held["attendance"]] == ["present"]
    assert [c["lesson__title"] for c in held["lessons_completed"]] == ["No, go, tell"]
    assert [s["kind"] for s in held["services"]] == ["medical"]
    assert [(s["situation"], s["risk_street"], s["risk_hotels"]) for s in held["situations"]] == [
        ("at_risk", True, False),
        ("survivor", False, False),
    ]
    assert held["situations"][0]["recorded_on"] == ali.joined_on.isoformat()
    assert held["situations"][0]["recorded_by__username"] == world["users"]["facilitator"].username
    actions = {e["action"] for e in held["audit_entries"]}
    assert {"lms.learner.register", "lms.service.record", "lms.learner.situation"} <= actions
    assert "Bilal" not in response.content.decode()


def test_the_download_is_audited(client, world):
    admin, ali = world["users"]["admin"], world["ali"]
    download(client, admin, ali.code)
    entry = ModelLogEntry.objects.get(action=audit.EXPORT, object_id=str(ali.pk))
    assert entry.user_id == admin.pk and entry.data == {"what": "learner file", "format": "json"}


@pytest.mark.parametrize("role", ["facilitator", "manager", "peer", "editor", "nobody"])
def test_no_one_else_can_reach_it_and_nothing_is_logged(client, world, role):
    response = download(client, world["users"][role], world["ali"].code)
    assert response.status_code == 404
    assert not ModelLogEntry.objects.filter(action=audit.EXPORT).exists()
