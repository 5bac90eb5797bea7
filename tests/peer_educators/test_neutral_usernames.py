"""Peer educators' user names say nothing about the child: accounts named the old way ("zarak-qta0001") are
renamed by a data migration, and the facilitator finds the new name on the peer educator's record."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.urls import reverse

from peer_educators.models import PeerEducator
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("peer_educators.migrations.0007_neutral_peer_usernames")


@pytest.fixture
def promoted(users):
    """A facilitator's centre with one promoted peer educator, Zarak."""
    centre = factories.make_centre("QTA")
    factories.assign(users["facilitator"], centre)
    module, lessons = factories.topic_module(
        "Peer educator training",
        ["Leading a group"],
        topic="peer-education",
        editor=users["editor"],
        reviewer=users["reviewer"],
    )
    peer, _password = factories.promoted_peer(
        centre=centre, facilitator=users["facilitator"], module=module, lessons=lessons
    )
    return peer


def named_the_old_way(peer: PeerEducator) -> User:
    """Give the peer educator's account the name the old rule gave it (first name and learner code)."""
    learner = peer.learner
    peer.user.username = f"{learner.first_name.lower()}-{learner.code.lower().replace('-', '')}"
    peer.user.save(update_fields=["username"])
    return peer.user


def test_the_migration_renames_an_account_named_after_the_child(promoted):
    user = named_the_old_way(promoted)
    old = user.username
    assert "zarak" in old

    migration.rename(apps, None)

    user.refresh_from_db()
    assert user.username != old
    assert user.username.startswith("peer-") and "zarak" not in user.username
    assert promoted.learner.code.lower().replace("-", "") not in user.username


def test_the_migration_leaves_a_neutral_name_alone(promoted):
    neutral = promoted.user.username

    migration.rename(apps, None)

    promoted.user.refresh_from_db()
    assert promoted.user.username == neutral


def test_the_migration_leaves_a_chosen_name_that_says_nothing_about_the_child_alone(promoted):
    promoted.user.username = "peer1"  # as the demo's account
    promoted.user.save(update_fields=["username"])

    migration.rename(apps, None)

    promoted.user.refresh_from_db()
    assert promoted.user.username == "peer1"


@pytest.mark.parametrize(
    "username, renamed",
    [
        ("zarak-qta0001", True),
        ("qta-0001", True),
        ("zarak", True),
        ("peer1", False),
        ("peer-abc234", False),
    ],
)
def test_what_counts_as_naming_the_child(username, renamed):
    assert migration.names_the_child(username, "Zarak", "QTA-0001") is renamed


def test_a_facilitator_finds_the_user_name_on_the_peer_educators_record(client, users, promoted):
    client.force_login(users["facilitator"])

    response = client.get(reverse("peer_detail", args=[promoted.pk]))

    assert response.status_code == 200
    assert promoted.user.username in response.text
