"""One question, one answer on every page: "has this learner completed this lesson?" and "what was their
pre- to post-test gain?" are answered alike by the progress grid, the group summary on the dashboard, the
learner record, peer-educator eligibility and the indicators, in the cases where earlier code disagreed:

- Amir completed lesson 1 in Falcons, then moved to Eagles, where he completed lesson 2;
- Eagles also has a planned (never held) session of lesson 1 with quiz scores for Amir, which must not count;
- Bilal completed lesson 1 at centre QTA, then moved to centre KSI, where he completed lesson 2 in Hawks.

Quizzes have one question, so a score is 0 % or 100 %.
- Amir: lesson 1 pre 1, post 0 (gain -100); lesson 2 pre 0, post 1 (gain 100); planned lesson 1: pre 0, post 1.
- Bilal: lesson 1 pre 0, post 1 (gain 100); lesson 2 pre 0, post 0 (gain 0).
"""

from django.test import TestCase

from courses import selectors
from courses.services import quiz_results_record, session_plan
from learners.services import learner_move, learner_transfer
from peer_educators.selectors import eligibility_of
from reports.indicators import Scope, get
from tests import factories
from tests.factories import add_members, assign, consenting_learner, days_ago, held_session, make_centre, make_group


class OneAnswerEverywhere(TestCase):
    """The five readers of learning records agree for learners who moved between groups and centres."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        fac = cls.fac = users["facilitator"]
        cls.module, (cls.lesson1, cls.lesson2) = factories.topic_module(
            "Peer educator training",
            ["Leading a group", "Keeping everyone safe"],
            topic="peer-education",
            editor=users["editor"],
            reviewer=users["reviewer"],
        )
        cls.qta, cls.ksi = make_centre("QTA"), make_centre("KSI", name="Khuzdar")
        assign(fac, cls.qta)
        assign(fac, cls.ksi)
        cls.falcons = make_group(cls.qta, fac, [cls.module], name="Falcons")
        cls.eagles = make_group(cls.qta, fac, [cls.module], name="Eagles")
        cls.hawks = make_group(cls.ksi, fac, [cls.module], name="Hawks")
        cls.amir = consenting_learner(centre=cls.qta, first_name="Amir", acting_user=fac, age=16)
        cls.bilal = consenting_learner(centre=cls.qta, first_name="Bilal", acting_user=fac, age=16)
        add_members(cls.falcons, [cls.amir, cls.bilal], joined_on=days_ago(50), acting_user=fac)

        cls.scores(
            held_session(group=cls.falcons, lesson=cls.lesson1, day=days_ago(40), acting_user=fac),
            {
                cls.amir: (1, 0),
                cls.bilal: (0, 1),
            },
        )
        learner_move(learner=cls.amir, from_group=cls.falcons, to_group=cls.eagles, on=days_ago(30), acting_user=fac)
        learner_transfer(learner=cls.bilal, to_centre=cls.ksi, moved_on=days_ago(30), acting_user=fac)
        cls.bilal.refresh_from_db()
        add_members(cls.hawks, [cls.bilal], joined_on=days_ago(29), acting_user=fac)

        cls.scores(
            held_session(group=cls.eagles, lesson=cls.lesson2, day=days_ago(20), acting_user=fac), {cls.amir: (0, 1)}
        )
        planned = session_plan(group=cls.eagles, lesson=cls.lesson1, date=days_ago(10), acting_user=fac)
        cls.scores(planned, {cls.amir: (0, 1)})
        cls.scores(
            held_session(group=cls.hawks, lesson=cls.lesson2, day=days_ago(20), acting_user=fac), {cls.bilal: (0, 0)}
        )

    @classmethod
    def scores(cls, session, by_learner):
        quiz_results_record(
            session=session,
            scores={learner.pk: {"pre": pre, "post": post} for learner, (pre, post) in by_learner.items()},
            acting_user=cls.fac,
        )

    def grid_row(self, group, learner):
        grid = selectors.group_progress_grid(group)
        [row] = [row for row in grid.rows if row.learner == learner]
        return grid, row

    def summary(self, group):
        [summary] = selectors.group_summaries(type(group).objects.filter(pk=group.pk))
        return summary

    def module_learning(self, learner):
        record = selectors.learner_record(learner)
        [item] = [item for item in record.modules if item.module == self.module]
        return item

    def test_a_lesson_completed_in_an_earlier_group_counts_on_every_page(self):
        for group, learner in [(self.eagles, self.amir), (self.hawks, self.bilal)]:
            grid, row = self.grid_row(group, learner)
            assert row.cells == ["completed", "completed"]
            assert self.summary(group).progress == 100
            assert len(self.module_learning(learner).completed) == 2
            assert not [line for line in eligibility_of(learner).missing if "still to complete" in line]

    def test_the_module_completion_indicator_counts_both_learners_where_they_finished(self):
        completion = get(f"module-{self.module.pk}")
        everywhere = Scope(days_ago(60), days_ago(0), (self.qta.pk, self.ksi.pk))
        assert completion.figure(everywhere).value == 2
        assert completion.figure(Scope(days_ago(60), days_ago(0), (self.ksi.pk,))).value == 1
        assert [row[0] for row in completion.record_list(Scope(days_ago(60), days_ago(0), (self.qta.pk,))).rows()] == [
            self.amir.code
        ]

    def test_quiz_gain_agrees_and_ignores_the_planned_session(self):
        amir_grid, _row = self.grid_row(self.eagles, self.amir)
        bilal_grid, _row = self.grid_row(self.hawks, self.bilal)
        # Amir: (-100 + 100) / 2, his planned-session scores left out; Bilal: (100 + 0) / 2.
        assert amir_grid.gain_by_module[self.module.pk] == 0.0
        assert bilal_grid.gain_by_module[self.module.pk] == 50.0
        assert self.module_learning(self.amir).gain == 0.0
        assert self.module_learning(self.bilal).gain == 50.0
        gain = get(f"quiz-gain-{self.module.pk}").figure(Scope(days_ago(60), days_ago(0), (self.qta.pk, self.ksi.pk)))
        assert gain.value == 25.0  # the four pairs: -100, 100, 100 and 0

    def test_eligibility_reads_the_best_post_test_of_held_sessions_only(self):
        # Amir's post-tests that count: 0 (lesson 1, held in Falcons; the planned 1 is ignored) and 1 (lesson 2).
        assert eligibility_of(self.amir).post_test == 50
        assert eligibility_of(self.bilal).post_test == 50

    def test_the_dashboard_summary_equals_the_share_of_completed_cells_in_the_grid(self):
        for group in (self.falcons, self.eagles, self.hawks):
            grid = selectors.group_progress_grid(group)
            cells = [cell for row in grid.rows for cell in row.cells]
            expected = round(100 * cells.count("completed") / len(cells)) if cells else None
            assert self.summary(group).progress == expected
            assert self.summary(group).members == len(grid.rows)
