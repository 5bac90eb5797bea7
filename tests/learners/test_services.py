"""The learner registry's services, called directly: codes, bad input, consent, audit and membership."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from wagtail.models import ModelLogEntry

from learners.models import Learner, Membership
from learners.services import learner_move, learner_update, membership_add, membership_end
from tests import factories
from tests.factories import assign, days_ago, make_centre, make_group, make_learner

THIS_YEAR = timezone.localdate().year


def log_entries(action: str, instance) -> list[ModelLogEntry]:
    """Audit entries of one action about one record, oldest first."""
    return list(ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk)).order_by("timestamp", "pk"))


class LearnerRegisterTests(TestCase):
    """learner_register: codes, validation, consent and audit."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.centre = make_centre("QTA")
        cls.other_centre = make_centre("KCH")
        assign(cls.facilitator, cls.centre)

    def register(self, centre=None, **fields):
        acting_user = self.facilitator if centre in (None, self.centre) else self.users["admin"]
        return make_learner(centre or self.centre, acting_user, **fields)

    def test_codes_are_sequential_per_centre(self):
        first, second = self.register(), self.register()
        elsewhere = self.register(self.other_centre)
        assert [first.code, second.code, elsewhere.code] == ["QTA-0001", "QTA-0002", "KCH-0001"]

    def test_a_code_is_never_reused_after_a_learner_drops_out_or_is_deleted(self):
        self.register()
        dropped = self.register()
        learner_update(learner=dropped, status=Learner.Status.DROPPED_OUT, acting_user=self.facilitator)
        assert self.register().code == "QTA-0003"
        Learner.objects.filter(code="QTA-0003").delete()
        assert self.register().code == "QTA-0004"

    def test_bad_input_is_refused_with_a_message_on_the_field_and_nothing_is_saved(self):
        cases = {
            "future birth year": ({"birth_year": THIS_YEAR + 1}, "birth_year"),
            "under 5": ({"birth_year": THIS_YEAR - 4}, "birth_year"),
            "over 25": ({"birth_year": THIS_YEAR - 26}, "birth_year"),
            "neither birth year nor age band": ({"birth_year": None}, "age_band"),
            "joined in the future": ({"joined_on": days_ago(-1)}, "joined_on"),
            "consent in the future": ({"guardian_consent_on": days_ago(-1)}, "guardian_consent_on"),
        }
        for case, (fields, field) in cases.items():
            with self.subTest(case), pytest.raises(ValidationError) as raised:
                self.register(**fields)
            assert field in raised.value.message_dict, case
        assert not Learner.objects.exists()
        assert not ModelLogEntry.objects.filter(action="lms.learner.register").exists()
        self.centre.refresh_from_db()
        assert self.centre.last_learner_number == 0
        assert self.register().code == "QTA-0001"  # refused attempts used up no number

    def test_ages_5_and_25_are_accepted(self):
        assert self.register(birth_year=THIS_YEAR - 5).age_on(timezone.localdate()) == 5
        assert self.register(birth_year=THIS_YEAR - 25).age_on(timezone.localdate()) == 25

    def test_an_age_band_is_enough_when_the_birth_year_is_unknown(self):
        learner = self.register(age_band=Learner.AgeBand.TEN_TO_14)
        assert learner.birth_year is None
        assert learner.age_band == "10-14"

    def test_the_acting_user_is_recorded_as_having_recorded_consent_and_assent(self):
        learner = self.register()
        assert learner.guardian_consent_recorded_by == self.facilitator
        assert learner.child_assent_recorded_by == self.facilitator
        without = self.register(consent=False)
        assert without.guardian_consent_recorded_by is None
        assert without.child_assent_recorded_by is None
        assert not without.has_consent

    def test_registration_is_audited_with_the_acting_user(self):
        learner = self.register()
        [entry] = log_entries("lms.learner.register", learner)
        assert entry.user_id == self.facilitator.pk
        assert entry.data["code"] == "QTA-0001"


class LearnerUpdateTests(TestCase):
    """learner_update: changes are logged field by field; resubmitting logs nothing."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        cls.learner = make_learner(cls.centre, cls.facilitator, first_name="Ali", birth_year=THIS_YEAR - 12)

    def test_changed_fields_are_logged_with_before_and_after(self):
        learner_update(learner=self.learner, first_name="Sami", birth_year=THIS_YEAR - 13, acting_user=self.facilitator)
        [entry] = log_entries("lms.learner.update", self.learner)
        assert entry.user_id == self.facilitator.pk
        assert entry.data["changes"] == {
            "first_name": ["Ali", "Sami"],
            "birth_year": [THIS_YEAR - 12, THIS_YEAR - 13],
        }
        self.learner.refresh_from_db()
        assert self.learner.first_name == "Sami"

    def test_submitting_the_same_details_again_logs_nothing(self):
        learner_update(learner=self.learner, first_name="Ali", sex="m", acting_user=self.facilitator)
        assert log_entries("lms.learner.update", self.learner) == []

    def test_consent_recorded_later_names_who_recorded_it(self):
        learner = make_learner(self.centre, self.facilitator, consent=False)
        admin = self.users["admin"]
        learner_update(learner=learner, guardian_consent_on=days_ago(1), acting_user=admin)
        learner.refresh_from_db()
        assert learner.guardian_consent_recorded_by == admin
        assert learner.child_assent_recorded_by is None

    def test_a_bad_change_is_refused_and_nothing_is_saved(self):
        with pytest.raises(ValidationError) as raised:
            learner_update(
                learner=self.learner, first_name="Sami", birth_year=THIS_YEAR + 1, acting_user=self.facilitator
            )
        assert "birth_year" in raised.value.message_dict
        self.learner.refresh_from_db()
        assert self.learner.first_name == "Ali"
        assert log_entries("lms.learner.update", self.learner) == []

    def test_the_code_and_centre_cannot_be_changed(self):
        with pytest.raises(TypeError):
            learner_update(learner=self.learner, code="QTA-9999", acting_user=self.facilitator)


class MembershipTests(TestCase):
    """membership_add, membership_end and learner_move."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.centre = make_centre("QTA")
        cls.other_centre = make_centre("KCH")
        assign(cls.facilitator, cls.centre)
        cls.group = make_group(cls.centre, cls.facilitator, name="Tigers")
        cls.second_group = make_group(cls.centre, cls.facilitator, name="Lions")
        cls.far_facilitator = factories.UserFactory(username="far", role=factories.roles.FACILITATORS)
        assign(cls.far_facilitator, cls.other_centre)
        cls.far_group = make_group(cls.other_centre, cls.far_facilitator, name="Far away")
        cls.learner = make_learner(cls.centre, cls.facilitator)

    def add(self, learner=None, group=None, joined_on=None):
        return membership_add(
            group=group or self.group,
            learner=learner or self.learner,
            joined_on=joined_on or days_ago(30),
            acting_user=self.facilitator,
        )

    def test_a_learner_with_consent_and_assent_joins_and_it_is_audited(self):
        membership = self.add()
        assert membership.left_on is None
        [entry] = log_entries("lms.membership.add", self.learner)
        assert entry.user_id == self.facilitator.pk
        assert entry.data["group"] == self.group.pk

    def test_a_learner_without_consent_and_assent_is_refused_with_the_reason(self):
        no_consent = make_learner(self.centre, self.facilitator, consent=False)
        consent_only = make_learner(self.centre, self.facilitator, consent=False, guardian_consent_on=days_ago(60))
        for learner in (no_consent, consent_only):
            with self.subTest(learner.code), pytest.raises(ValidationError) as raised:
                self.add(learner)
            message = " ".join(raised.value.messages)
            assert learner.code in message
            assert "consent" in message and "assent" in message
        assert not Membership.objects.exists()

    def test_a_learner_of_another_centre_is_refused(self):
        stranger = make_learner(self.other_centre, self.far_facilitator)
        with pytest.raises(ValidationError, match="another centre"):
            self.add(stranger)
        assert not Membership.objects.exists()

    def test_a_learner_already_in_the_group_is_refused_as_a_duplicate(self):
        self.add()
        with pytest.raises(ValidationError, match="already in this group"):
            self.add(joined_on=days_ago(10))
        assert Membership.objects.filter(group=self.group, learner=self.learner).count() == 1
        assert len(log_entries("lms.membership.add", self.learner)) == 1

    def test_a_learner_who_left_may_join_again(self):
        first = self.add(joined_on=days_ago(30))
        membership_end(membership=first, left_on=days_ago(20), acting_user=self.facilitator)
        again = self.add(joined_on=days_ago(10))
        memberships = list(Membership.objects.filter(group=self.group, learner=self.learner).order_by("joined_on"))
        assert memberships == [first, again]
        assert [m.left_on for m in memberships] == [days_ago(20), None]

    def test_joining_before_the_centre_or_in_the_future_is_refused(self):
        late = make_learner(self.centre, self.facilitator, joined_on=days_ago(5))
        with pytest.raises(ValidationError, match="before joining the centre"):
            self.add(late, joined_on=days_ago(6))
        with pytest.raises(ValidationError):
            self.add(joined_on=days_ago(-1))
        assert not Membership.objects.exists()

    def test_a_learner_who_dropped_out_cannot_join(self):
        learner_update(learner=self.learner, status=Learner.Status.DROPPED_OUT, acting_user=self.facilitator)
        self.learner.refresh_from_db()
        with pytest.raises(ValidationError, match="not active"):
            self.add()

    def test_ending_a_membership_twice_changes_nothing_the_second_time(self):
        membership = self.add()
        membership_end(membership=membership, left_on=days_ago(5), acting_user=self.facilitator)
        membership_end(membership=membership, left_on=days_ago(1), acting_user=self.facilitator)
        membership.refresh_from_db()
        assert membership.left_on == days_ago(5)
        assert len(log_entries("lms.membership.end", self.learner)) == 1

    def test_leaving_before_joining_is_refused(self):
        membership = self.add(joined_on=days_ago(10))
        with pytest.raises(ValidationError):
            membership_end(membership=membership, left_on=days_ago(11), acting_user=self.facilitator)
        membership.refresh_from_db()
        assert membership.left_on is None

    def test_moving_a_learner_closes_one_membership_and_opens_the_other(self):
        old = self.add(joined_on=days_ago(30))
        new = learner_move(
            learner=self.learner,
            from_group=self.group,
            to_group=self.second_group,
            on=days_ago(3),
            acting_user=self.facilitator,
        )
        old.refresh_from_db()
        assert old.left_on == days_ago(3)
        assert (new.group, new.joined_on, new.left_on) == (self.second_group, days_ago(3), None)
        open_groups = set(
            Membership.objects.filter(learner=self.learner, left_on__isnull=True).values_list("group", flat=True)
        )
        assert open_groups == {self.second_group.pk}

    def test_a_refused_move_leaves_the_learner_where_they_were(self):
        old = self.add(joined_on=days_ago(30))
        with pytest.raises(ValidationError, match="another centre"):
            learner_move(
                learner=self.learner,
                from_group=self.group,
                to_group=self.far_group,
                on=days_ago(3),
                acting_user=self.facilitator,
            )
        old.refresh_from_db()
        assert old.left_on is None
        assert Membership.objects.filter(learner=self.learner).count() == 1

    def test_moving_a_learner_who_is_not_in_the_group_is_refused(self):
        with pytest.raises(ValidationError, match="not in that group"):
            learner_move(
                learner=self.learner,
                from_group=self.group,
                to_group=self.second_group,
                on=days_ago(3),
                acting_user=self.facilitator,
            )
