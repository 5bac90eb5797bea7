"""Group services, called directly: the rules that used to live only in the group form (the facilitator works
at the group's centre, names are unique within a centre whatever the case) and a group made with its members
in one transaction."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from wagtail.models import ModelLogEntry

from learners.models import Group, Membership
from learners.services import group_create, group_update
from lms import roles
from tests import factories
from tests.factories import UserFactory, assign, days_ago, make_centre, make_learner


class GroupRuleTests(TestCase):
    """group_create and group_update refuse what the group form refused, naming the field."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator, cls.admin = users["facilitator"], users["admin"]
        cls.centre = make_centre("QTA", name="Quetta drop-in")
        cls.other_centre = make_centre("KCH", name="Kuchlak CFS")
        assign(cls.facilitator, cls.centre)
        cls.elsewhere = UserFactory(username="far-facilitator", first_name="Farah", role=roles.FACILITATORS)
        cls.elsewhere.last_name = ""
        cls.elsewhere.save()
        assign(cls.elsewhere, cls.other_centre)
        cls.tigers = group_create(centre=cls.centre, name="Tigers", facilitator=cls.facilitator, acting_user=cls.admin)

    def test_a_facilitator_of_another_centre_cannot_lead_a_group_here(self):
        with pytest.raises(ValidationError) as refused:
            group_create(centre=self.centre, name="Lions", facilitator=self.elsewhere, acting_user=self.admin)
        assert refused.value.message_dict == {"facilitator": ["Farah is not assigned to Quetta drop-in."]}
        with pytest.raises(ValidationError) as refused:
            group_update(group=self.tigers, facilitator=self.elsewhere, acting_user=self.admin)
        assert "facilitator" in refused.value.message_dict
        assert not Group.objects.filter(name="Lions").exists()
        self.tigers.refresh_from_db()
        assert self.tigers.facilitator == self.facilitator

    def test_a_group_name_the_centre_already_has_is_refused_whatever_the_case(self):
        with pytest.raises(ValidationError) as refused:
            group_create(centre=self.centre, name=" tIGERS ", facilitator=self.facilitator, acting_user=self.admin)
        assert refused.value.message_dict == {"name": ["Quetta drop-in already has a group with this name."]}
        lions = group_create(centre=self.centre, name="Lions", facilitator=self.facilitator, acting_user=self.admin)
        with pytest.raises(ValidationError) as refused:
            group_update(group=lions, name="TIGERS", acting_user=self.admin)
        assert "name" in refused.value.message_dict
        assert Group.objects.filter(centre=self.centre).count() == 2

    def test_the_same_name_at_another_centre_and_a_change_of_case_of_its_own_name_are_fine(self):
        away = group_create(
            centre=self.other_centre, name="Tigers", facilitator=self.elsewhere, acting_user=self.elsewhere
        )
        assert away.name == "Tigers"
        assert group_update(group=self.tigers, name="TIGERS", acting_user=self.facilitator).name == "TIGERS"


class GroupWithMembersTests(TestCase):
    """group_create(members=..., joined_on=...) makes the group and its memberships together, or nothing."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        cls.asad = make_learner(cls.centre, cls.facilitator, first_name="Asad")
        cls.bilal = make_learner(cls.centre, cls.facilitator, first_name="Bilal")
        cls.no_consent = make_learner(cls.centre, cls.facilitator, first_name="Daud", consent=False)

    def create(self, members, joined_on=None):
        return group_create(
            centre=self.centre,
            name="Stars",
            facilitator=self.facilitator,
            members=members,
            joined_on=joined_on if joined_on is not None else days_ago(1),
            acting_user=self.facilitator,
        )

    def test_a_group_is_created_with_its_members_from_the_day_given(self):
        group = self.create([self.asad, self.bilal], joined_on=days_ago(2))
        memberships = Membership.objects.current().filter(group=group)
        assert sorted((m.learner.first_name, m.joined_on) for m in memberships) == [
            ("Asad", days_ago(2)),
            ("Bilal", days_ago(2)),
        ]

    def test_a_refused_member_leaves_no_group_no_membership_and_no_audit_entry(self):
        with pytest.raises(ValidationError, match="No consent on file for QTA-0003"):
            self.create([self.asad, self.no_consent])
        assert not Group.objects.exists()
        assert not Membership.objects.exists()
        assert not ModelLogEntry.objects.filter(action__in=["lms.group.create", "lms.membership.add"]).exists()
