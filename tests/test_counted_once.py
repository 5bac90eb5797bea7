"""A lesson counts once, whichever language it was taught in (issue 10).

"Leading a group" and "Keeping everyone safe" (module "Peer educator training", one-question quizzes)
have live Urdu translations. The Falcons are taught in Urdu, the Eagles in English:

- Falcons (Urdu): Amir and Bilal; lesson 1 held 40 days ago (Amir pre 0 post 1, Bilal pre 0 post 0),
  lesson 2 held 39 days ago (everyone present, no scores).
- Amir moves to the Eagles 30 days ago, where Chand already is.
- Eagles (English): lesson 1 held again 20 days ago (Amir and Chand; Chand pre 0 post 1), lesson 2 held
  19 days ago with Chand absent.

So Amir took lesson 1 twice (in Urdu, then in English): every figure counts it once.
"""

import pytest
from django.test import TestCase
from django.urls import reverse

from courses import selectors
from courses.models import Session
from courses.services import group_modules_set, quiz_results_record, session_plan
from learners.services import learner_move
from peer_educators.selectors import eligibility_of, eligibility_rule, required_modules
from reports.indicators import Scope, get, indicators
from tests import factories
from tests.factories import add_members, assign, consenting_learner, days_ago, held_session, make_centre, make_group

URDU_TITLE = "گروپ کی رہنمائی"


class CountedOnceWhateverTheLanguage(TestCase):
    """Every reader of learning records counts a lesson taught in Urdu and in English once per learner."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        editor, reviewer = users["editor"], users["reviewer"]
        fac = cls.fac = users["facilitator"]
        cls.module, (cls.lesson1, cls.lesson2) = factories.topic_module(
            "Peer educator training",
            ["Leading a group", "Keeping everyone safe"],
            topic="peer-education",
            editor=editor,
            reviewer=reviewer,
        )
        cls.urdu_module = factories.translate(cls.module, editor=editor, reviewer=reviewer, title="ہم عمر تربیت")
        cls.urdu_lesson1 = factories.translate(cls.lesson1, editor=editor, reviewer=reviewer, title=URDU_TITLE)
        cls.urdu_lesson2 = factories.translate(cls.lesson2, editor=editor, reviewer=reviewer, title="سب کی حفاظت")
        cls.qta = make_centre("QTA")
        assign(fac, cls.qta)
        cls.falcons = make_group(cls.qta, fac, [cls.module], name="Falcons", language="ur")
        cls.eagles = make_group(cls.qta, fac, [cls.module], name="Eagles", language="en")
        cls.amir, cls.bilal, cls.chand = (
            consenting_learner(centre=cls.qta, first_name=name, acting_user=fac, age=16)
            for name in ("Amir", "Bilal", "Chand")
        )
        add_members(cls.falcons, [cls.amir, cls.bilal], joined_on=days_ago(50), acting_user=fac)
        add_members(cls.eagles, [cls.chand], joined_on=days_ago(50), acting_user=fac)
        cls.urdu_session = held_session(group=cls.falcons, lesson=cls.lesson1, day=days_ago(40), acting_user=fac)
        cls.scores(cls.urdu_session, {cls.amir: (0, 1), cls.bilal: (0, 0)})
        held_session(group=cls.falcons, lesson=cls.lesson2, day=days_ago(39), acting_user=fac)
        learner_move(learner=cls.amir, from_group=cls.falcons, to_group=cls.eagles, on=days_ago(30), acting_user=fac)
        cls.english_session = held_session(group=cls.eagles, lesson=cls.lesson1, day=days_ago(20), acting_user=fac)
        cls.scores(cls.english_session, {cls.chand: (0, 1)})
        held_session(group=cls.eagles, lesson=cls.lesson2, day=days_ago(19), acting_user=fac, absent=[cls.chand])
        cls.scope = Scope(days_ago(60), days_ago(0), (cls.qta.pk,))

    @classmethod
    def scores(cls, session, by_learner):
        quiz_results_record(
            session=session,
            scores={learner.pk: {"pre": pre, "post": post} for learner, (pre, post) in by_learner.items()},
            acting_user=cls.fac,
        )

    def test_sessions_of_both_languages_refer_to_the_source_lesson(self):
        assert set(Session.objects.values_list("lesson_id", flat=True)) == {self.lesson1.pk, self.lesson2.pk}
        assert selectors.group_modules(self.falcons) == [self.module]

    def test_the_progress_grid_shows_each_lesson_once(self):
        grid = selectors.group_progress_grid(self.eagles)
        assert [module for module, _lessons in grid.modules] == [self.module]
        assert [len(lessons) for _module, lessons in grid.modules] == [2]
        cells = {row.learner: row.cells for row in grid.rows}
        assert cells[self.amir] == ["completed", "completed"]
        assert cells[self.chand] == ["completed", "missed"]

    def test_group_summaries_count_two_lessons_and_full_progress(self):
        groups = type(self.falcons).objects.filter(pk__in=[self.falcons.pk, self.eagles.pk])
        summaries = {summary.group: summary for summary in selectors.group_summaries(groups)}
        assert summaries[self.falcons].lessons == summaries[self.eagles].lessons == 2
        # Falcons: Bilal completed both lessons (Amir left); Eagles: Amir 2 of 2, Chand 1 of 2.
        assert summaries[self.falcons].progress == 100
        assert summaries[self.eagles].progress == 75

    def test_the_learner_record_lists_the_module_once_with_two_lessons(self):
        record = selectors.learner_record(self.amir)
        assert [item.module for item in record.modules] == [self.module]
        [item] = record.modules
        assert len(item.completed) == 2
        assert item.lessons == 2

    def test_eligibility_requires_the_source_module_only(self):
        assert required_modules(eligibility_rule()) == [self.module]
        assert not [line for line in eligibility_of(self.amir).missing if "still to complete" in line]
        assert [line for line in eligibility_of(self.chand).missing if "still to complete" in line]

    def test_module_indicators_exist_once_and_count_each_learner_once(self):
        keys = [indicator.key for indicator in indicators()]
        assert f"module-{self.module.pk}" in keys
        assert f"module-{self.urdu_module.pk}" not in keys
        assert f"quiz-gain-{self.urdu_module.pk}" not in keys
        # Amir (lesson 1 in Urdu and English, lesson 2 in Urdu) and Bilal completed the module; Chand missed lesson 2.
        assert get(f"module-{self.module.pk}").figure(self.scope).value == 2
        # Pairs: Amir +100 (Urdu), Bilal 0 (Urdu), Chand +100 (English).
        assert get(f"quiz-gain-{self.module.pk}").figure(self.scope).value == pytest.approx(200 / 3, abs=0.1)

    def test_sessions_held_and_attendance_rate(self):
        assert get("sessions-held").figure(self.scope).value == 4
        # Places: Falcons 2 + 2, Eagles 2 + 2; present: all but Chand at the last session.
        assert get("attendance-rate").figure(self.scope).value == pytest.approx(87.5, abs=0.1)

    def test_a_translated_page_cannot_be_planned_or_followed(self):
        with pytest.raises(Exception, match="does not follow"):
            session_plan(group=self.eagles, lesson=self.urdu_lesson1, date=days_ago(1), acting_user=self.fac)
        with pytest.raises(Exception, match="original modules"):
            group_modules_set(group=self.eagles, modules=[self.urdu_module], acting_user=self.fac)
        assert selectors.group_modules(self.eagles) == [self.module]

    def test_the_urdu_group_reads_the_urdu_lesson_and_the_english_group_the_english(self):
        self.client.force_login(self.fac)
        urdu = self.client.get(reverse("session_run", args=[self.urdu_session.pk])).text
        english = self.client.get(reverse("session_run", args=[self.english_session.pk])).text
        assert f'<h1 lang="ur" dir="rtl">{URDU_TITLE}</h1>' in urdu
        assert '<h1 lang="en" dir="ltr">Leading a group</h1>' in english
        assert URDU_TITLE not in english
        sheet = self.client.get(reverse("attendance_sheet", args=[self.urdu_session.pk])).text
        assert URDU_TITLE in sheet
