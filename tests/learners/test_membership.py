"""Who is a member of a group: `Membership.objects.current()` and `.on(day)` are the one definition, and the
loaded row answers the same (`is_current`, `covers`)."""

from django.test import TestCase

from learners.models import Membership
from learners.services import membership_end
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner


class MembershipRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        fac = factories.role_users()["facilitator"]
        centre = make_centre("QTA")
        assign(fac, centre)
        cls.group = make_group(centre, fac, name="Falcons")
        cls.staying, cls.leaving = (make_learner(centre, fac, first_name=n, joined_on=days_ago(90)) for n in "AB")
        add_members(cls.group, [cls.staying, cls.leaving], joined_on=days_ago(60), acting_user=fac)
        [left] = Membership.objects.filter(learner=cls.leaving)
        membership_end(membership=left, left_on=days_ago(10), acting_user=fac)

    def members(self, queryset):
        return {m.learner.first_name for m in queryset.filter(group=self.group).select_related("learner")}

    def test_current_members_are_those_who_have_not_left(self):
        assert self.members(Membership.objects.current()) == {"A"}

    def test_members_on_a_day_include_the_first_and_last_day_and_nobody_before_joining(self):
        assert self.members(Membership.objects.on(days_ago(60))) == {"A", "B"}
        assert self.members(Membership.objects.on(days_ago(10))) == {"A", "B"}
        assert self.members(Membership.objects.on(days_ago(9))) == {"A"}
        assert self.members(Membership.objects.on(days_ago(61))) == set()

    def test_a_loaded_membership_answers_like_the_queryset(self):
        for day in (days_ago(61), days_ago(60), days_ago(10), days_ago(9), days_ago(0)):
            on_day = set(Membership.objects.on(day).values_list("pk", flat=True))
            assert {m.pk for m in Membership.objects.all() if m.covers(day)} == on_day
        current = set(Membership.objects.current().values_list("pk", flat=True))
        assert {m.pk for m in Membership.objects.all() if m.is_current} == current
