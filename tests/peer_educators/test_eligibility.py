"""The peer-educator eligibility rule, called directly: each missing condition is reported on its own, in plain
words; the rule is read from the site setting; many learners are answered in a fixed number of queries."""

import itertools

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from courses.services import quiz_results_record
from peer_educators.selectors import eligibility_of, eligibility_of_learners, eligibility_rule, required_modules
from tests import factories
from tests.factories import add_members, assign, consenting_learner, days_ago, held_session, make_centre, make_group

PEER_TRAINING = "Peer educator training"


class EligibilityWorld(TestCase):
    """A centre, its facilitator, the "Peer educator training" module (peer-education topic, two lessons with a
    one-question quiz) and "Staying safe" (another topic)."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        cls.facilitator = users["facilitator"]
        cls.editor, cls.reviewer = users["editor"], users["reviewer"]
        cls.curriculum = factories.published_curriculum(editor=cls.editor, reviewer=cls.reviewer)
        cls.peer_module, cls.peer_lessons = factories.topic_module(
            PEER_TRAINING, ["Leading a group", "Keeping everyone safe"], topic="peer-education", **cls.staff()
        )
        cls.centre = make_centre("QTA")
        assign(cls.facilitator, cls.centre)
        cls.days = itertools.count(50)

    @classmethod
    def staff(cls) -> dict:
        return {"editor": cls.editor, "reviewer": cls.reviewer}

    def learner(self, name="Zarak", *, age=17, **fields):
        """A consenting learner of the centre who joined 60 days ago."""
        if fields:
            return factories.make_learner(
                self.centre, self.facilitator, first_name=name, joined_on=days_ago(60), **fields
            )
        return consenting_learner(centre=self.centre, first_name=name, acting_user=self.facilitator, age=age)

    def group(self, *learners, modules=None):
        """A group following the modules (the peer training by default), with the learners as members."""
        group = make_group(self.centre, self.facilitator, modules or [self.peer_module])
        add_members(group, learners, acting_user=self.facilitator)
        return group

    def hold(self, group, lesson, *, absent=(), post=None):
        """A held session (every member present but the absent), with post-test scores {learner: score out of 1}."""
        session = held_session(
            group=group, lesson=lesson, day=days_ago(next(self.days) % 59), acting_user=self.facilitator, absent=absent
        )
        if post:
            quiz_results_record(
                session=session,
                scores={learner.pk: {"pre": None, "post": score} for learner, score in post.items()},
                acting_user=self.facilitator,
            )
        return session

    def trained(self, name="Zarak", *, age=17, scores=(1, 1)):
        """A learner who attended both training lessons, with the given post-test scores."""
        learner = self.learner(name, age=age)
        group = self.group(learner)
        for lesson, score in zip(self.peer_lessons, scores, strict=True):
            self.hold(group, lesson, post={learner: score})
        return learner

    def set_rule(self, **fields):
        rule = eligibility_rule()
        for name, value in fields.items():
            setattr(rule, name, value)
        rule.save()
        return rule


class MissingConditionTests(EligibilityWorld):
    """Each condition, when it is the only one missing, is reported alone and says exactly what is missing."""

    def test_a_learner_who_meets_every_condition_is_eligible(self):
        result = eligibility_of(self.trained())
        assert result.eligible
        assert result.missing == []
        assert (result.age, result.attendance_rate, result.post_test) == (17, 100, 100)

    def test_a_learner_under_the_minimum_age_is_told_their_age_and_the_minimum(self):
        result = eligibility_of(self.trained(age=12))
        assert not result.eligible
        assert result.missing == ["age 12, needs 14"]

    def test_the_age_of_a_learner_known_only_by_age_band_is_the_bands_lowest_age(self):
        learner = self.learner("Bashir", age_band="10-14")
        group = self.group(learner)
        for lesson in self.peer_lessons:
            self.hold(group, lesson, post={learner: 1})
        assert eligibility_of(learner).missing == ["age 10, needs 14"]

    def test_lessons_still_to_complete_are_counted_per_module(self):
        learner = self.learner()
        group = self.group(learner)
        self.hold(group, self.peer_lessons[0], post={learner: 1})
        result = eligibility_of(learner)
        assert result.missing == [f"1 of 2 lessons of {PEER_TRAINING} still to complete"]

    def test_attendance_below_the_minimum_is_reported_with_the_rate(self):
        learner = self.learner()
        group = self.group(learner, modules=[self.peer_module, self.curriculum["module"]])
        for lesson in self.peer_lessons:
            self.hold(group, lesson, post={learner: 1})
        for lesson in self.curriculum["lessons"]:
            self.hold(group, lesson, absent=[learner])
        result = eligibility_of(learner)
        assert result.attendance_rate == 50
        assert result.missing == ["attendance 50%, needs 75%"]

    def test_a_post_test_average_below_the_minimum_is_reported_with_the_score(self):
        result = eligibility_of(self.trained(scores=(1, 0)))
        assert result.post_test == 50
        assert result.missing == ["post-test 50%, needs 70%"]

    def test_the_best_post_test_of_a_lesson_counts(self):
        learner = self.trained(scores=(0, 1))
        retake = self.group(learner)
        self.hold(retake, self.peer_lessons[0], post={learner: 1})
        assert eligibility_of(learner).eligible

    def test_a_learner_with_no_records_is_told_everything_is_missing(self):
        result = eligibility_of(self.learner())
        assert result.missing == [
            f"2 of 2 lessons of {PEER_TRAINING} still to complete",
            "attendance not recorded, needs 75%",
            "post-test not taken, needs 70%",
        ]

    def test_lessons_attended_without_a_post_test_say_not_taken(self):
        learner = self.learner()
        group = self.group(learner)
        for lesson in self.peer_lessons:
            self.hold(group, lesson)
        assert eligibility_of(learner).missing == ["post-test not taken, needs 70%"]


class RuleFromTheSiteSettingTests(EligibilityWorld):
    """The rule is the site setting a programme manager edits: change it and the answer changes."""

    def test_raising_the_minimum_age_makes_a_17_year_old_ineligible(self):
        learner = self.trained()
        self.set_rule(min_age=18)
        assert eligibility_of(learner).missing == ["age 17, needs 18"]

    def test_lowering_the_attendance_minimum_makes_a_50_percent_attender_eligible(self):
        learner = self.learner()
        group = self.group(learner, modules=[self.peer_module, self.curriculum["module"]])
        for lesson in self.peer_lessons:
            self.hold(group, lesson, post={learner: 1})
        for lesson in self.curriculum["lessons"]:
            self.hold(group, lesson, absent=[learner])
        assert not eligibility_of(learner).eligible
        self.set_rule(min_attendance_rate=50)
        assert eligibility_of(learner).eligible

    def test_changing_the_post_test_minimum_changes_the_answer(self):
        learner = self.trained(scores=(1, 0))
        self.set_rule(min_post_test=50)
        assert eligibility_of(learner).eligible
        self.set_rule(min_post_test=51)
        assert eligibility_of(learner).missing == ["post-test 50%, needs 51%"]

    def test_naming_required_modules_replaces_the_peer_education_topic(self):
        learner = self.trained()
        rule = eligibility_rule()
        rule.required_modules.set([self.curriculum["module"]])
        assert required_modules(eligibility_rule()) == [self.curriculum["module"]]
        result = eligibility_of(learner)
        assert result.missing == [
            "2 of 2 lessons of Staying safe still to complete",
            "post-test not taken, needs 70%",  # post-tests count over the modules to complete
        ]

    def test_without_named_modules_every_live_module_of_the_peer_education_topic_is_required(self):
        second, _lessons = factories.topic_module(
            "Peer educator practice", ["Running a session"], topic="peer-education", **self.staff()
        )
        assert eligibility_rule().required_modules.count() == 0
        assert required_modules(eligibility_rule()) == [self.peer_module, second]
        result = eligibility_of(self.trained())
        assert result.missing == ["1 of 1 lessons of Peer educator practice still to complete"]

    def test_a_module_of_another_topic_is_not_required_by_default(self):
        assert self.curriculum["module"] not in required_modules(eligibility_rule())


class QueryCountTests(EligibilityWorld):
    """Eligibility of many learners costs the same number of queries as for one."""

    def queries(self, learners) -> int:
        with CaptureQueriesContext(connection) as captured:
            results = eligibility_of_learners(learners)
        assert len(results) == len(learners)
        return len(captured)

    def test_ten_learners_cost_the_same_queries_as_one(self):
        learners = [self.trained(f"Learner {n}", scores=(1, n % 2)) for n in range(10)]
        eligibility_of_learners(learners[:1])  # the site setting row exists from now on
        one, ten = self.queries(learners[:1]), self.queries(learners)
        assert one == ten
        assert ten <= 8
        results = eligibility_of_learners(learners)
        assert [r.eligible for r in results] == [n % 2 == 1 for n in range(10)]
