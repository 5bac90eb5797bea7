"""A service given to many children at once (a medical camp, a hygiene kit distribution): one row per child in
one submit, the same consent rule as one by one, idempotent resubmission, a bounded number of children, and the
page that chooses children from the centre's groups."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners.models import Learner, ServiceRecord
from learners.services import services_record_for_group
from lms import roles
from lms.access import OutOfScope
from lms.results import Done
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner

URL = reverse("services_for_group")


class GroupRecordWorld(TestCase):
    """QTA (facilitator) with 30 consenting children in two groups; KCH (facilitator2) with one child."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.other = factories.UserFactory(username="facilitator2", role=roles.FACILITATORS)
        cls.home = make_centre("QTA", name="Quetta drop-in")
        cls.away = make_centre("KCH", name="Kuchlak CFS")
        assign(cls.facilitator, cls.home)
        assign(cls.other, cls.away)
        cls.children = [
            make_learner(cls.home, cls.facilitator, first_name=f"Child{n}", joined_on=days_ago(100)) for n in range(30)
        ]
        cls.morning = make_group(cls.home, cls.facilitator, name="Morning")
        cls.evening = make_group(cls.home, cls.facilitator, name="Evening")
        add_members(cls.morning, cls.children[:20], acting_user=cls.facilitator)
        add_members(cls.evening, cls.children[20:25], acting_user=cls.facilitator)
        cls.stranger = make_learner(cls.away, cls.other, first_name="Bilal", joined_on=days_ago(100))

    def record(self, learners, **changes):
        kwargs = {
            "centre": self.home,
            "learners": learners,
            "kind": ServiceRecord.Kind.MEDICAL,
            "date": days_ago(2),
            "provider": "Camp doctors",
            "acting_user": self.facilitator,
        }
        return services_record_for_group(**{**kwargs, **changes})

    def withdraw_consent(self, learner):
        Learner.objects.filter(pk=learner.pk).update(child_assent_on=None)
        learner.refresh_from_db()


class GroupRecordServiceTests(GroupRecordWorld):
    def test_thirty_children_in_one_submit_get_one_row_each_and_one_audit_entry_each(self):
        result = self.record(self.children)
        assert result.done is Done.CREATED
        assert len(result.record.created) == 30 and result.record.already == []
        rows = ServiceRecord.objects.filter(kind="medical", date=days_ago(2), provider="Camp doctors")
        assert sorted(rows.values_list("learner_id", flat=True)) == sorted(c.pk for c in self.children)
        assert set(rows.values_list("centre_id", "recorded_by_id")) == {(self.home.pk, self.facilitator.pk)}
        entries = ModelLogEntry.objects.filter(action="lms.service.record")
        assert entries.count() == 30
        assert {entry.data["learner"] for entry in entries} == {c.code for c in self.children}

    def test_one_child_of_thirty_without_consent_is_named_and_nothing_is_written(self):
        self.withdraw_consent(self.children[7])
        with pytest.raises(ValidationError) as refused:
            self.record(self.children)
        assert self.children[7].code in " ".join(refused.value.messages)
        assert self.children[6].code not in " ".join(refused.value.messages)
        assert not ServiceRecord.objects.exists()
        assert not ModelLogEntry.objects.filter(action="lms.service.record").exists()

    def test_every_child_without_consent_is_named(self):
        self.withdraw_consent(self.children[3])
        self.withdraw_consent(self.children[12])
        with pytest.raises(ValidationError) as refused:
            self.record(self.children)
        message = " ".join(refused.value.messages)
        assert self.children[3].code in message and self.children[12].code in message

    def test_resubmitting_skips_the_children_who_already_have_it(self):
        self.record(self.children[:1])
        result = self.record(self.children)
        assert (len(result.record.created), [c.code for c in result.record.already]) == (29, [self.children[0].code])
        assert ServiceRecord.objects.count() == 30
        again = self.record(self.children)
        assert again.done is Done.UNCHANGED and len(again.record.already) == 30
        assert ServiceRecord.objects.count() == 30

    def test_a_child_of_another_centre_is_refused_by_code(self):
        with pytest.raises(ValidationError) as refused:
            self.record([*self.children[:3], self.stranger])
        assert self.stranger.code in str(refused.value)
        assert not ServiceRecord.objects.exists()

    def test_a_day_before_a_child_joined_or_in_the_future_is_refused(self):
        late = make_learner(self.home, self.facilitator, first_name="Late", joined_on=days_ago(1))
        with pytest.raises(ValidationError) as refused:
            self.record([self.children[0], late])
        assert late.code in str(refused.value)
        with pytest.raises(ValidationError):
            self.record(self.children[:2], date=days_ago(-1))
        assert not ServiceRecord.objects.exists()

    def test_no_child_or_too_many_is_refused(self):
        with pytest.raises(ValidationError):
            self.record([])
        too_many = [Learner(pk=n) for n in range(1, 502)]
        with pytest.raises(ValidationError) as refused:
            self.record(too_many)
        assert "500" in str(refused.value)

    def test_a_facilitator_of_another_centre_is_refused(self):
        with pytest.raises(OutOfScope):
            self.record(self.children[:2], acting_user=self.other)
        assert not ServiceRecord.objects.exists()


class GroupRecordPageTests(GroupRecordWorld):
    def post(self, data, user=None):
        self.client.force_login(user or self.facilitator)
        base = {"kind": "recreation", "date": days_ago(1).isoformat(), "provider": ""}
        return self.client.post(URL, {**base, **data}, follow=True)

    def test_the_page_lists_the_centres_groups_and_children(self):
        self.client.force_login(self.facilitator)
        page = self.client.get(URL).content.decode()
        assert "Morning" in page and "Evening" in page and self.children[29].code in page
        assert self.stranger.code not in page

    def test_a_whole_group_and_children_ticked_one_by_one_are_recorded_once_each(self):
        response = self.post({"groups": [self.morning.pk], "learners": [self.children[0].pk, self.children[29].pk]})
        assert ServiceRecord.objects.count() == 21
        assert "Recorded for 21 children." in response.content.decode()
        response = self.post({"groups": [self.morning.pk, self.evening.pk]})
        assert ServiceRecord.objects.count() == 26
        assert "Recorded for 5 children. 20 already had it." in response.content.decode()

    def test_a_child_without_consent_refuses_the_whole_submit_with_the_child_named(self):
        self.withdraw_consent(self.children[4])
        response = self.post({"learners": [c.pk for c in self.children]})
        assert response.status_code == 200
        assert self.children[4].code in response.content.decode()
        assert not ServiceRecord.objects.exists()

    def test_a_child_of_another_centre_is_not_a_valid_choice(self):
        self.post({"learners": [self.stranger.pk]})
        assert not ServiceRecord.objects.exists()

    def test_outsiders_get_404(self):
        for user in (self.users["manager"], self.users["editor"]):
            self.client.force_login(user)
            assert self.client.get(URL).status_code == 404
        self.client.force_login(self.other)
        assert self.client.get(URL, {"centre": self.home.pk}).status_code == 404

    def test_ids_no_record_can_have_are_refused_without_failing_the_page(self):
        self.client.force_login(self.facilitator)
        for value in ("abc", "0", "-1", str(2**63)):
            assert self.client.get(URL, {"centre": value}).status_code == 404
        response = self.post({"learners": [str(2**63), "x"], "groups": ["-3"]})
        assert response.status_code == 200
        assert not ServiceRecord.objects.exists()

    def test_an_administrator_of_several_centres_chooses_one_first(self):
        self.client.force_login(self.users["admin"])
        page = self.client.get(URL).content.decode()
        assert f"?centre={self.home.pk}" in page and f"?centre={self.away.pk}" in page
        assert self.client.get(URL, {"centre": self.away.pk}).status_code == 200
