"""The role groups exist from the migrations, with only the admin access their work needs."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission

from lms import access, roles

pytestmark = pytest.mark.django_db


def test_every_role_group_is_created_by_the_migrations():
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ALL_ROLES)


def test_only_content_roles_and_programme_managers_can_enter_the_wagtail_admin():
    with_admin = set(Group.objects.filter(permissions__codename="access_admin").values_list("name", flat=True))
    assert with_admin == {roles.CONTENT_EDITORS, roles.CONTENT_REVIEWERS, roles.PROGRAMME_MANAGERS}


def test_programme_managers_may_change_only_the_eligibility_rule_help_contacts_and_providers_in_the_admin():
    codenames = set(Group.objects.get(name=roles.PROGRAMME_MANAGERS).permissions.values_list("codename", flat=True))
    actions = ("add", "change", "delete", "view")
    help_contacts = {f"{action}_{model}" for action in actions for model in ("helpcontact", "serviceprovider")}
    assert codenames == {"access_admin", "change_eligibilitysettings", *help_contacts}


def test_facilitators_have_no_permission_on_help_contacts():
    codenames = set(Group.objects.get(name=roles.FACILITATORS).permissions.values_list("codename", flat=True))
    assert not {codename for codename in codenames if codename.endswith("helpcontact")}


def test_editors_cannot_publish_but_reviewers_can():
    def codenames(role):
        return set(GroupPagePermission.objects.filter(group__name=role).values_list("permission__codename", flat=True))

    assert "publish_page" not in codenames(roles.CONTENT_EDITORS)
    assert {"add_page", "change_page"} <= codenames(roles.CONTENT_EDITORS)
    assert "publish_page" in codenames(roles.CONTENT_REVIEWERS)


def test_facilitator_content_is_for_delivery_roles_only(users):
    visible = {name for name, user in users.items() if access.can_see_facilitator_content(user)}
    assert visible == {"facilitator", "peer", "admin"}
