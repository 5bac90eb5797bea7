"""Services for what learners received and achieved, called directly: the rules and their messages,
resubmission, audit entries, who may record, moves between centres, and removing a mistake."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils.formats import date_format
from wagtail.models import ModelLogEntry

from learners.models import (
    CentreTransfer,
    JobPlacement,
    Learner,
    Membership,
    SchoolEnrolment,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from learners.services import (
    learner_transfer,
    outcome_remove,
    placement_record,
    school_enrolment_record,
    service_record,
    training_enrol,
    training_update,
)
from lms import roles
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner

BOARD = "Balochistan TEVTA"


def log_entries(action: str, instance=None) -> list[ModelLogEntry]:
    """Audit entries of one action (about one record when given), oldest first."""
    entries = ModelLogEntry.objects.filter(action=action)
    if instance is not None:
        entries = entries.filter(object_id=str(instance.pk))
    return list(entries.order_by("timestamp", "pk"))


def refused(call, **kwargs) -> ValidationError:
    """The ValidationError a service call raises (the test fails when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    return raised.value


class OutcomeWorld(TestCase):
    """QTA (where `facilitator` works) with Asad, who joined 100 days ago; KCH (facilitator2) with Bilal."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator = cls.users["facilitator"]
        cls.other = factories.UserFactory(username="facilitator2", role=roles.FACILITATORS)
        cls.home = make_centre("QTA", name="Quetta drop-in")
        cls.away = make_centre("KCH", name="Kuchlak CFS")
        assign(cls.facilitator, cls.home)
        assign(cls.other, cls.away)
        cls.asad = make_learner(cls.home, cls.facilitator, first_name="Asad", joined_on=days_ago(100))
        cls.bilal = make_learner(cls.away, cls.other, first_name="Bilal", joined_on=days_ago(100))
        cls.tailoring = Trade.objects.get(name="Tailoring")

    def joined_message(self, learner) -> str:
        return f"{learner.code} joined on {date_format(learner.joined_on)}: this date is before that."


class ServiceRecordTests(OutcomeWorld):
    """service_record: type, date and provider, at the learner's centre, once."""

    def record(self, **changes):
        kwargs = {"learner": self.asad, "kind": "counselling", "date": days_ago(3), "acting_user": self.facilitator}
        return service_record(**{**kwargs, **changes})

    def test_a_service_is_recorded_at_the_learners_centre_by_the_acting_user_and_audited(self):
        record = self.record(provider="  Legal Aid Society ")
        assert (record.centre, record.recorded_by, record.provider) == (
            self.home,
            self.facilitator,
            "Legal Aid Society",
        )
        [entry] = log_entries("lms.service.record", record)
        assert entry.user_id == self.facilitator.pk
        assert entry.data == {
            "learner": "QTA-0001",
            "centre": self.home.pk,
            "kind": "counselling",
            "date": days_ago(3).isoformat(),
            "provider": "Legal Aid Society",
        }

    def test_resubmitting_the_same_service_returns_the_existing_record_and_audits_once(self):
        first = self.record()
        again = self.record()
        assert again.pk == first.pk
        assert ServiceRecord.objects.count() == 1
        assert len(log_entries("lms.service.record")) == 1
        assert self.record(provider="Red Crescent").pk != first.pk  # another provider is another service

    def test_a_date_in_the_future_or_before_the_learner_joined_is_refused(self):
        assert refused(self.record, date=days_ago(-1)).message_dict == {"date": ["This date is in the future."]}
        assert refused(self.record, date=days_ago(101)).message_dict == {"date": [self.joined_message(self.asad)]}
        assert not ServiceRecord.objects.exists()

    def test_a_learner_of_another_centre_is_refused_and_nothing_is_saved(self):
        error = refused(self.record, learner=self.bilal)
        assert error.messages == ["KCH-0001 belongs to another centre."]
        manager_error = refused(self.record, acting_user=self.users["manager"])
        assert manager_error.messages == ["QTA-0001 belongs to another centre."]
        assert not ServiceRecord.objects.exists()
        assert not log_entries("lms.service.record")

    def test_an_unknown_kind_of_service_is_refused(self):
        assert "kind" in refused(self.record, kind="case-notes").message_dict


class TrainingTests(OutcomeWorld):
    """training_enrol and training_update: enrolment, completion, certification."""

    def enrol(self, **changes):
        kwargs = {"learner": self.asad, "trade": self.tailoring, "enrolled_on": days_ago(50)}
        return training_enrol(**{**kwargs, **changes}, acting_user=self.facilitator)

    def update(self, training, **changes):
        return training_update(training=training, acting_user=self.facilitator, **changes)

    def test_enrolment_is_recorded_once_and_audited(self):
        training = self.enrol()
        assert (training.centre, training.trade, training.recorded_by) == (self.home, self.tailoring, self.facilitator)
        assert self.enrol().pk == training.pk
        assert TrainingEnrolment.objects.count() == 1
        [entry] = log_entries("lms.training.enrol", training)
        assert entry.data["trade"] == self.tailoring.pk and entry.data["enrolled_on"] == days_ago(50).isoformat()

    def test_enrolment_before_joining_or_in_the_future_is_refused(self):
        assert refused(self.enrol, enrolled_on=days_ago(101)).message_dict == {
            "enrolled_on": [self.joined_message(self.asad)]
        }
        assert refused(self.enrol, enrolled_on=days_ago(-2)).message_dict == {
            "enrolled_on": ["This date is in the future."]
        }

    def test_completion_then_certification_are_recorded_and_audited_with_their_changes(self):
        training = self.enrol()
        self.update(training, completed_on=days_ago(10))
        self.update(training, certified_on=days_ago(5), certifying_board=BOARD, certificate_number=" TV-77 ")
        training.refresh_from_db()
        assert training.completed_on == days_ago(10)  # not given the second time: kept
        assert (training.certified_on, training.certifying_board, training.certificate_number) == (
            days_ago(5),
            BOARD,
            "TV-77",
        )
        first, second = log_entries("lms.training.update", training)
        assert first.data["changes"] == {"completed_on": [None, days_ago(10).isoformat()]}
        assert second.data["changes"]["certified_on"] == [None, days_ago(5).isoformat()]
        assert second.data["changes"]["certifying_board"] == ["", BOARD]

    def test_resubmitting_the_same_certification_changes_nothing(self):
        training = self.enrol()
        certificate = {"completed_on": days_ago(10), "certified_on": days_ago(5), "certifying_board": BOARD}
        self.update(training, **certificate)
        self.update(training, **certificate)
        assert len(log_entries("lms.training.update", training)) == 1

    def test_a_certificate_dated_before_the_enrolment_is_refused_with_a_message(self):
        training = self.enrol()
        error = refused(self.update, training=training, certified_on=days_ago(51), certifying_board=BOARD)
        assert error.message_dict == {"certified_on": ["The certificate cannot be dated before the enrolment."]}
        training.refresh_from_db()
        assert training.certified_on is None and training.certifying_board == ""
        assert not log_entries("lms.training.update")

    def test_a_completion_dated_before_the_enrolment_is_refused_with_a_message(self):
        error = refused(self.update, training=self.enrol(), completed_on=days_ago(60))
        assert error.message_dict == {"completed_on": ["The completion cannot be dated before the enrolment."]}

    def test_a_certificate_needs_a_board_and_a_board_needs_a_date(self):
        training = self.enrol()
        no_board = refused(self.update, training=training, certified_on=days_ago(5))
        assert no_board.message_dict == {"certifying_board": ["Name the board that certified the training."]}
        no_date = refused(self.update, training=training, certifying_board=BOARD)
        assert no_date.message_dict == {"certified_on": ["Give the date of the certificate."]}

    def test_a_certificate_in_the_future_is_refused(self):
        error = refused(self.update, training=self.enrol(), certified_on=days_ago(-1), certifying_board=BOARD)
        assert error.message_dict == {"certified_on": ["This date is in the future."]}

    def test_only_staff_of_the_learners_centre_update_a_training(self):
        training = self.enrol()
        for user in (self.other, self.users["manager"]):
            error = refused(training_update, training=training, completed_on=days_ago(1), acting_user=user)
            assert error.messages == ["QTA-0001 belongs to another centre."]
        training.refresh_from_db()
        assert training.completed_on is None


class PlacementTests(OutcomeWorld):
    """placement_record: a trade or a sector, the learner's centre, once."""

    def place(self, **changes):
        kwargs = {"learner": self.asad, "placed_on": days_ago(7), "kind": "employment", "acting_user": self.facilitator}
        return placement_record(**{**kwargs, **changes})

    def test_a_placement_in_a_trade_or_a_sector_is_recorded_and_audited(self):
        in_trade = self.place(trade=self.tailoring)
        in_sector = self.place(kind="self", sector=" Bakery ")
        assert (in_trade.trade, in_trade.centre, in_trade.recorded_by) == (self.tailoring, self.home, self.facilitator)
        assert (in_sector.trade, in_sector.sector) == (None, "Bakery")
        [entry] = log_entries("lms.placement.record", in_sector)
        assert entry.data == {
            "learner": "QTA-0001",
            "centre": self.home.pk,
            "placed_on": days_ago(7).isoformat(),
            "kind": "self",
            "trade": None,
            "sector": "Bakery",
        }

    def test_a_placement_needs_a_trade_or_a_sector(self):
        error = refused(self.place, sector="   ")
        assert error.message_dict == {"sector": ["Choose a trade or write the sector of the work."]}
        assert not JobPlacement.objects.exists()

    def test_resubmitting_returns_the_existing_placement_and_a_different_one_the_same_day_is_refused(self):
        first = self.place(sector="Bakery")
        assert self.place(sector="Bakery").pk == first.pk
        assert refused(self.place, sector="Carpentry").messages == [
            "This placement of QTA-0001 on that day is already recorded."
        ]
        assert JobPlacement.objects.count() == 1
        assert len(log_entries("lms.placement.record")) == 1

    def test_a_placement_for_a_learner_of_another_centre_is_refused_with_a_message(self):
        error = refused(self.place, learner=self.bilal, sector="Bakery")
        assert error.messages == ["KCH-0001 belongs to another centre."]
        assert not JobPlacement.objects.exists()

    def test_a_placement_before_joining_or_in_the_future_is_refused(self):
        assert refused(self.place, placed_on=days_ago(200), sector="Bakery").message_dict == {
            "placed_on": [self.joined_message(self.asad)]
        }
        assert refused(self.place, placed_on=days_ago(-1), sector="Bakery").message_dict == {
            "placed_on": ["This date is in the future."]
        }


class SchoolEnrolmentTests(OutcomeWorld):
    """school_enrolment_record: day and class, once."""

    def enrol(self, **changes):
        kwargs = {"learner": self.asad, "enrolled_on": days_ago(20), "grade": "3", "acting_user": self.facilitator}
        return school_enrolment_record(**{**kwargs, **changes})

    def test_a_school_enrolment_is_recorded_once_and_audited(self):
        enrolment = self.enrol(grade=" 3 ")
        assert (enrolment.grade, enrolment.centre, enrolment.recorded_by) == ("3", self.home, self.facilitator)
        assert self.enrol().pk == enrolment.pk
        assert SchoolEnrolment.objects.count() == 1
        [entry] = log_entries("lms.school.record", enrolment)
        assert entry.data["grade"] == "3" and entry.data["enrolled_on"] == days_ago(20).isoformat()

    def test_another_class_on_the_same_day_is_refused(self):
        self.enrol()
        assert refused(self.enrol, grade="4").message_dict == {
            "enrolled_on": ["A school enrolment of QTA-0001 on that day is already recorded."]
        }

    def test_a_missing_class_or_a_date_before_joining_is_refused(self):
        assert "grade" in refused(self.enrol, grade=" ").message_dict
        assert refused(self.enrol, enrolled_on=days_ago(101)).message_dict == {
            "enrolled_on": [self.joined_message(self.asad)]
        }
        assert refused(self.enrol, acting_user=self.other).messages == ["QTA-0001 belongs to another centre."]
        assert not SchoolEnrolment.objects.exists()


class TransferTests(OutcomeWorld):
    """learner_transfer: the centre changes, the code stays, groups here end on the move day."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stars = make_group(cls.home, cls.facilitator, name="Stars")
        cls.moons = make_group(cls.home, cls.facilitator, name="Moons")
        add_members(cls.stars, [cls.asad], joined_on=days_ago(60), acting_user=cls.facilitator)
        [cls.old] = add_members(cls.moons, [cls.asad], joined_on=days_ago(90), acting_user=cls.facilitator)
        cls.old.left_on = days_ago(70)
        cls.old.save()

    def transfer(self, **changes):
        kwargs = {
            "learner": self.asad,
            "to_centre": self.away,
            "moved_on": days_ago(5),
            "acting_user": self.facilitator,
        }
        return learner_transfer(**{**kwargs, **changes})

    def test_a_move_changes_the_centre_keeps_the_code_ends_open_groups_and_is_audited(self):
        transfer = self.transfer()
        asad = Learner.objects.get(pk=self.asad.pk)
        assert (asad.centre, asad.code) == (self.away, "QTA-0001")
        assert (transfer.from_centre, transfer.to_centre, transfer.moved_on) == (self.home, self.away, days_ago(5))
        assert transfer.recorded_by == self.facilitator
        stars = Membership.objects.get(group=self.stars, learner=asad)
        assert stars.left_on == days_ago(5)
        assert Membership.objects.get(pk=self.old.pk).left_on == days_ago(70)  # an ended membership is untouched
        [entry] = log_entries("lms.learner.transfer", asad)
        assert entry.data == {
            "from": self.home.pk,
            "to": self.away.pk,
            "moved_on": days_ago(5).isoformat(),
            "groups_left": [self.stars.pk],
        }
        assert len(log_entries("lms.membership.end", asad)) == 1

    def test_the_moved_learner_keeps_their_code_beside_the_new_centres_own_learners(self):
        self.transfer()
        newcomer = make_learner(self.away, self.other, first_name="Daud")
        codes = set(Learner.objects.filter(centre=self.away).values_list("code", flat=True))
        assert codes == {"KCH-0001", "QTA-0001", "KCH-0003"}  # the number the move took is skipped
        assert newcomer.code == "KCH-0003"

    def test_resubmitting_the_move_returns_the_existing_one(self):
        first = self.transfer()
        again = self.transfer()
        assert again.pk == first.pk
        assert CentreTransfer.objects.count() == 1
        assert len(log_entries("lms.learner.transfer")) == 1

    def test_a_move_to_the_same_or_an_inactive_centre_is_refused(self):
        assert refused(self.transfer, to_centre=self.home).message_dict == {
            "to_centre": ["QTA-0001 is already at this centre."]
        }
        closed = make_centre("OLD", name="Old centre", is_active=False)
        assert refused(self.transfer, to_centre=closed).message_dict == {"to_centre": ["Old centre is not active."]}
        assert not CentreTransfer.objects.exists()

    def test_a_move_before_joining_a_current_group_or_in_the_future_is_refused(self):
        error = refused(self.transfer, moved_on=days_ago(61))
        assert error.message_dict == {
            "moved_on": [f"QTA-0001 joined Stars on {date_format(days_ago(60))}: the move cannot be dated before that."]
        }
        assert refused(self.transfer, moved_on=days_ago(-1)).message_dict == {
            "moved_on": ["This date is in the future."]
        }
        assert Learner.objects.get(pk=self.asad.pk).centre == self.home
        assert Membership.objects.get(group=self.stars, learner=self.asad).left_on is None

    def test_only_staff_of_the_learners_centre_move_them(self):
        for user in (self.other, self.users["manager"]):
            assert refused(self.transfer, acting_user=user).messages == ["QTA-0001 belongs to another centre."]
        assert Learner.objects.get(pk=self.asad.pk).centre == self.home

    def test_records_keep_the_centre_they_were_made_at_and_the_new_centre_records_from_then_on(self):
        before = service_record(learner=self.asad, kind="recreation", date=days_ago(30), acting_user=self.facilitator)
        self.transfer()
        after = service_record(learner=self.asad, kind="recreation", date=days_ago(2), acting_user=self.other)
        assert (before.centre, after.centre) == (self.home, self.away)
        assert refused(
            service_record, learner=self.asad, kind="medical", date=days_ago(1), acting_user=self.facilitator
        ).messages == ["QTA-0001 belongs to another centre."]


class OutcomeRemoveTests(OutcomeWorld):
    """outcome_remove: a mistaken record goes; the audit keeps its values."""

    def test_each_kind_of_record_is_removed_and_the_audit_keeps_its_values(self):
        made = [
            service_record(learner=self.asad, kind="medical", date=days_ago(4), acting_user=self.facilitator),
            training_enrol(
                learner=self.asad, trade=self.tailoring, enrolled_on=days_ago(9), acting_user=self.facilitator
            ),
            placement_record(
                learner=self.asad,
                placed_on=days_ago(3),
                kind="apprentice",
                sector="Bakery",
                acting_user=self.facilitator,
            ),
            school_enrolment_record(
                learner=self.asad, enrolled_on=days_ago(2), grade="5", acting_user=self.facilitator
            ),
        ]
        for record in made:
            outcome_remove(record=record, acting_user=self.facilitator)
            assert not type(record).objects.filter(pk=record.pk).exists()
        entries = log_entries("lms.outcome.remove")
        assert [entry.data["kind"] for entry in entries] == ["service", "training", "placement", "school"]
        assert entries[0].data["learner"] == "QTA-0001"
        assert entries[0].data["values"]["kind"] == "medical"
        assert entries[2].data["values"]["sector"] == "Bakery"
        assert entries[3].data["values"]["grade"] == "5"
        assert all(entry.user_id == self.facilitator.pk for entry in entries)

    def test_removing_twice_changes_nothing_the_second_time(self):
        record = service_record(learner=self.asad, kind="medical", date=days_ago(4), acting_user=self.facilitator)
        outcome_remove(record=record, acting_user=self.facilitator)
        outcome_remove(record=record, acting_user=self.facilitator)
        assert len(log_entries("lms.outcome.remove")) == 1

    def test_staff_of_another_centre_cannot_remove_a_record(self):
        record = service_record(learner=self.asad, kind="medical", date=days_ago(4), acting_user=self.facilitator)
        assert refused(outcome_remove, record=record, acting_user=self.other).messages == [
            "QTA-0001 belongs to another centre."
        ]
        assert ServiceRecord.objects.filter(pk=record.pk).exists()

    def test_other_records_cannot_be_removed_this_way(self):
        with pytest.raises(TypeError):
            outcome_remove(record=self.asad, acting_user=self.facilitator)
