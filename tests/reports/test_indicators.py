"""Every indicator on a hand-built data set with exact expected numbers, including the edges: a
learner served twice counts once, the first and last day of the period count and the days around
them do not, and a learner who moved centre counts where each thing happened.

The period is S..E (S = 120 days ago, E = 30 days ago). Two centres: A (a drop-in centre) and B (a
Child Friendly Space). One facilitator works at both. Learners, all registered 400 days ago:
L1 (A, boy, 12), L2 (A, girl, 17), L4 (A then B from S+20, boy, 12), L5 (B, girl, 17).
"""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from courses.services import quiz_results_record
from learners import services
from learners.models import Centre, CommunityGroup, ServiceRecord, Trade
from lms import roles
from reports import summaries
from reports.indicators import Scope, dashboard, get
from tests.factories import (
    UserFactory,
    add_members,
    assign,
    days_ago,
    held_session,
    make_centre,
    make_group,
    make_learner,
    role_users,
    topic_module,
)

S = days_ago(120)
E = days_ago(30)


def day(offset: int) -> datetime.date:
    """A day counted from the start of the period (S+offset)."""
    return S + datetime.timedelta(days=offset)


def end(offset: int) -> datetime.date:
    """A day counted from the end of the period (E+offset)."""
    return E + datetime.timedelta(days=offset)


class IndicatorsOnAHandBuiltSet(TestCase):
    """One world, built once; each test reads figures for a scope."""

    @classmethod
    def setUpTestData(cls):
        users = role_users()
        fac = cls.fac = users["facilitator"]
        cls.a = make_centre("AAA", name="Centre A")
        cls.b = make_centre("BBB", name="Centre B", kind=Centre.Kind.CFS)
        assign(fac, cls.a)
        assign(fac, cls.b)
        year = timezone.localdate().year
        joined = days_ago(400)

        def learner(centre, name, sex, age):
            return make_learner(centre, fac, first_name=name, sex=sex, birth_year=year - age, joined_on=joined)

        l1, l2, l4 = learner(cls.a, "One", "m", 12), learner(cls.a, "Two", "f", 17), learner(cls.a, "Four", "m", 12)
        l5 = learner(cls.b, "Five", "f", 17)
        cls.l1, cls.l2, cls.l4, cls.l5 = l1, l2, l4, l5

        rights, (lesson1, lesson2) = topic_module(
            "Rights",
            ["Rights one", "Rights two"],
            topic="child-rights",
            editor=users["editor"],
            reviewer=users["reviewer"],
        )
        safety, (safe,) = topic_module(
            "Safety", ["Safe one"], topic="self-protection", editor=users["editor"], reviewer=users["reviewer"]
        )
        cls.rights, cls.safety = rights, safety

        # Centre A's group: L1, L2, L4.
        ga = make_group(cls.a, fac, [rights, safety], name="GA")
        add_members(ga, [l1, l2, l4], joined_on=days_ago(300), acting_user=fac)
        held_session(group=ga, lesson=lesson1, day=day(-10), acting_user=fac, absent=[l4])
        held_session(group=ga, lesson=lesson2, day=day(-5), acting_user=fac, absent=[l1, l4])  # L2 done before S
        s_a1 = held_session(group=ga, lesson=lesson2, day=day(2), acting_user=fac, absent=[l2, l4])  # L1 done
        s_a2 = held_session(group=ga, lesson=lesson1, day=day(3), acting_user=fac, absent=[l1, l2])
        held_session(group=ga, lesson=safe, day=day(4), acting_user=fac, absent=[l4])
        scores = {"pre": 0, "post": 1}
        quiz_results_record(session=s_a1, scores={l1.pk: scores}, acting_user=fac)  # +100
        quiz_results_record(session=s_a2, scores={l4.pk: {"pre": 1, "post": 1}}, acting_user=fac)  # 0

        # Services at A, then L4 moves to B.
        for learner_, kind, when, provider in [
            (l1, "counselling", day(0), ""),  # first day of the period
            (l1, "medical", day(10), ""),  # served twice: counts once
            (l1, "education", day(-1), ""),  # the day before: not counted
            (l2, "recreation", E, ""),  # last day of the period
            (l4, "health_hygiene", day(5), ""),  # at A, before moving
        ]:
            services.service_record(learner=learner_, kind=kind, date=when, provider=provider, acting_user=fac)
        services.placement_record(learner=l2, placed_on=day(0), kind="employment", sector="Bakery", acting_user=fac)
        services.placement_record(learner=l2, placed_on=day(10), kind="apprentice", sector="Bakery", acting_user=fac)
        services.placement_record(learner=l1, placed_on=end(1), kind="self", sector="Tea stall", acting_user=fac)
        services.school_enrolment_record(learner=l2, enrolled_on=day(40), grade="5", acting_user=fac)
        services.school_enrolment_record(learner=l2, enrolled_on=E, grade="6", acting_user=fac)
        tailoring = Trade.objects.get(name="Tailoring")
        for learner_, certified_on in [(l1, day(0)), (l2, day(-1))]:
            training = services.training_enrol(learner=learner_, trade=tailoring, enrolled_on=day(-60), acting_user=fac)
            services.training_update(
                training=training,
                completed_on=day(-5),
                certified_on=certified_on,
                certifying_board="TEVTA",
                acting_user=fac,
            )
        services.learner_transfer(learner=l4, to_centre=cls.b, moved_on=day(20), acting_user=fac)
        l4.refresh_from_db()

        # Centre B's group: L4 (from S+20) and L5.
        gb = make_group(cls.b, fac, [rights, safety], name="GB")
        add_members(gb, [l5], joined_on=days_ago(300), acting_user=fac)
        add_members(gb, [l4], joined_on=day(20), acting_user=fac)
        s_b1 = held_session(group=gb, lesson=lesson2, day=day(25), acting_user=fac)  # L4 completes Rights at B
        held_session(group=gb, lesson=safe, day=day(30), acting_user=fac, absent=[l5])
        held_session(group=gb, lesson=lesson1, day=end(1), acting_user=fac)  # L5 completes the day after E
        held_session(group=gb, lesson=safe, day=day(-3), acting_user=fac)  # before the period
        quiz_results_record(
            session=s_b1, scores={l4.pk: {"pre": 0, "post": 1}, l5.pk: {"pre": 1, "post": 0}}, acting_user=fac
        )
        services.service_record(learner=l4, kind="medical", date=day(30), acting_user=fac)  # at B
        services.service_record(
            learner=l5, kind="referral", date=day(15), provider="Legal aid society", acting_user=fac
        )
        services.placement_record(learner=l4, placed_on=day(25), kind="employment", sector="Garage", acting_user=fac)
        training = services.training_enrol(learner=l5, trade=tailoring, enrolled_on=day(-60), acting_user=fac)
        services.training_update(
            training=training, completed_on=day(-1), certified_on=E, certifying_board="TEVTA", acting_user=fac
        )

        # Registration: L6 joins A on S; L7 joins B the day after E; L8 joins A at S+1 and moves to B.
        make_learner(cls.a, fac, first_name="Six", joined_on=S)
        make_learner(cls.b, fac, first_name="Seven", joined_on=end(1))
        l8 = make_learner(cls.a, fac, first_name="Eight", sex="f", joined_on=day(1))
        services.learner_transfer(learner=l8, to_centre=cls.b, moved_on=day(40), acting_user=fac)

        # Community: A's PCC met on S; A's other PCC met only the day before; B's child association met on E.
        pcc = services.community_group_create(
            centre=cls.a, kind="pcc", name="PCC one", members_male=6, members_female=4, acting_user=fac
        )
        services.community_meeting_record(group=pcc, date=S, topics="Child rights", attendance=9, acting_user=fac)
        services.community_meeting_record(group=pcc, date=day(31), topics="Safety", attendance=8, acting_user=fac)
        quiet = services.community_group_create(
            centre=cls.a, kind="pcc", name="PCC two", members_male=3, members_female=3, acting_user=fac
        )
        services.community_meeting_record(group=quiet, date=day(-1), topics="Rights", attendance=5, acting_user=fac)
        association = services.community_group_create(
            centre=cls.b,
            kind="child_assoc",
            name="Young voices",
            members_male=5,
            members_female=2,
            learner_members=[l5],
            acting_user=fac,
        )
        services.community_meeting_record(group=association, date=E, topics="Play", attendance=7, acting_user=fac)
        services.community_group_create(centre=cls.b, kind="pcc", name="PCC three", acting_user=fac)  # never met

        for centre, when, audience, male, female in [
            (cls.a, S, "parents", 10, 5),
            (cls.a, end(1), "police", 20, 0),
            (cls.b, day(1), "elders", 3, 4),
        ]:
            services.sensitisation_event_record(
                centre=centre,
                date=when,
                audience=audience,
                participants_male=male,
                participants_female=female,
                topics="Child protection",
                acting_user=fac,
            )

    def figures(self, *centres) -> dict:
        scope = Scope(S, E, tuple(sorted(c.pk for c in centres)))
        return {figure.key: figure for figure in dashboard(scope)}

    def test_a_child_served_twice_counts_once_and_the_period_edges_hold(self):
        both = self.figures(self.a, self.b)["protective-services"]
        # L1 (twice, plus once the day before S), L2 (on E), L4 (at A and at B), L5.
        assert both.value == 4
        assert {t.key: t.value for t in both.by_sex} == {"m": 2, "f": 2, "x": 0}
        assert {t.key: t.value for t in both.by_age_band}["10-14"] == 2

    def test_a_moved_learner_counts_at_each_centre_where_they_were_served(self):
        assert self.figures(self.a)["protective-services"].value == 3  # L1, L2, L4 (before moving)
        assert self.figures(self.b)["protective-services"].value == 2  # L4 (after moving), L5

    def test_the_monthly_trend_counts_each_child_in_each_month_they_were_served(self):
        figure = self.figures(self.a, self.b)["protective-services"]
        months = {t.key: t.value for t in figure.trend}
        assert len(months) == len(Scope(S, E, ()).months())
        expected: dict[str, set] = {}
        for record in ServiceRecord.objects.filter(date__gte=S, date__lte=E):
            expected.setdefault(record.date.strftime("%Y-%m"), set()).add(record.learner_id)
        assert months == {key: len(expected.get(key, ())) for key in months}

    def test_certified_counts_the_date_on_the_certificate(self):
        assert self.figures(self.a, self.b)["certified"].value == 2  # L1 on S, L5 on E; L2 the day before S
        assert self.figures(self.a)["certified"].value == 1
        assert self.figures(self.b)["certified"].value == 1

    def test_placed_in_jobs_counts_a_child_placed_twice_once(self):
        figures = self.figures(self.a, self.b)
        assert figures["placed-in-jobs"].value == 2  # L2 (twice), L4 at B; L1 the day after E
        assert self.figures(self.a)["placed-in-jobs"].value == 1
        assert self.figures(self.b)["placed-in-jobs"].value == 1

    def test_mainstreamed_counts_each_child_once(self):
        assert self.figures(self.a, self.b)["mainstreamed"].value == 1

    def test_registered_counts_the_centre_where_the_child_joined(self):
        assert self.figures(self.a, self.b)["registered"].value == 2  # L6 on S, L8; L7 the day after E
        assert self.figures(self.a)["registered"].value == 2
        assert self.figures(self.b)["registered"].value == 0

    def test_module_completion_counts_the_last_lesson_in_the_period_where_it_happened(self):
        key = f"module-{self.rights.pk}"
        # L1 finished at A on S+2; L4 started at A and finished at B; L2 finished before S; L5 after E.
        assert self.figures(self.a, self.b)[key].value == 2
        assert self.figures(self.a)[key].value == 1
        assert self.figures(self.b)[key].value == 1

    def test_sessions_held_and_attendance_rate(self):
        both, a, b = self.figures(self.a, self.b), self.figures(self.a), self.figures(self.b)
        assert (both["sessions-held"].value, a["sessions-held"].value, b["sessions-held"].value) == (5, 3, 2)
        assert sum(t.value for t in both["sessions-held"].trend) == 5
        # A: 4 present of 9 places; B: 3 of 4; boys 5 of 8, girls 2 of 5.
        assert (a["attendance-rate"].value, b["attendance-rate"].value) == (44.4, 75.0)
        assert both["attendance-rate"].value == 53.8
        assert {t.key: t.value for t in both["attendance-rate"].by_sex} == {"m": 62.5, "f": 40.0, "x": None}

    def test_quiz_gain_averages_pairs_with_both_tests(self):
        key = f"quiz-gain-{self.rights.pk}"
        assert self.figures(self.a)[key].value == 50.0  # +100 and 0
        assert self.figures(self.b)[key].value == 0.0  # +100 and -100
        assert self.figures(self.a, self.b)[key].value == 25.0
        assert self.figures(self.a, self.b)[f"quiz-gain-{self.safety.pk}"].value is None

    def test_community_groups_are_active_when_they_met_in_the_period(self):
        figures = self.figures(self.a, self.b)
        assert figures["pccs-active"].value == 1
        assert {t.key: t.value for t in figures["pccs-active"].by_sex} == {"m": 6, "f": 4}
        assert figures["child-associations-active"].value == 1
        assert self.figures(self.a)["child-associations-active"].value == 0

    def test_only_child_friendly_spaces_count_for_self_protection_education(self):
        figure = self.figures(self.a, self.b)["cfs-self-protection"]
        assert figure.value == 1  # B; A also held a self-protection session but is a drop-in centre
        assert {t.key: t.value for t in figure.by_sex}["m"] == 1  # L4 was present, L5 absent
        assert self.figures(self.a)["cfs-self-protection"].value == 0

    def test_people_sensitised_add_up_participants_by_sex(self):
        figure = self.figures(self.a, self.b)["people-sensitised"]
        assert figure.value == 22
        assert {t.key: t.value for t in figure.by_sex} == {"m": 13, "f": 9}

    def test_each_record_list_holds_the_records_behind_its_figure(self):
        scope = Scope(S, E, (self.a.pk, self.b.pk))
        services_list = get("protective-services").record_list(scope)
        rows = list(services_list.rows())
        assert services_list.total == len(rows) == 6
        assert [row[0] for row in rows].count(self.l1.code) == 2
        completions = list(get(f"module-{self.rights.pk}").record_list(scope).rows())
        assert sorted(row[0] for row in completions) == sorted([self.l1.code, self.l4.code])
        assert [row[1] for row in get("pccs-active").record_list(scope).rows()] == ["Centre A"]

    def test_an_unknown_key_finds_no_indicator(self):
        assert get("no-such-indicator") is None


@pytest.mark.django_db
def test_the_database_refuses_a_negative_count():
    """Behind the forms' messages, a negative count cannot be stored even by code that skips them."""
    centre = make_centre("NEG")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunityGroup.objects.create(centre=centre, kind="pcc", name="PCC", members_male=-1)
    assert not CommunityGroup.objects.exists()


@pytest.mark.django_db
def test_active_citizens_are_trained_youth_on_a_project_completed_in_the_period():
    """Counted: trained and on a project completed in the period. Not counted: untrained team members,
    or a trained youth whose project was completed after the period."""
    from peer_educators.models import Project
    from peer_educators.services import activity_log_add, project_approve, project_complete, project_propose

    users = role_users()
    fac = users["facilitator"]
    second = UserFactory(username="second", role=roles.FACILITATORS)
    centre = make_centre("CIT")
    assign(fac, centre)
    assign(second, centre)
    module, (lesson,) = topic_module(
        "Citizens", ["Our community"], topic="active-citizenship", editor=users["editor"], reviewer=users["reviewer"]
    )
    trained = [make_learner(centre, fac, first_name=name) for name in ("Amin", "Bilal")]
    untrained = make_learner(centre, fac, first_name="Daud", sex="f")
    group = make_group(centre, fac, [module])
    add_members(group, trained, joined_on=days_ago(300), acting_user=fac)
    held_session(group=group, lesson=lesson, day=days_ago(200), acting_user=fac)

    def completed_project(title, team, completed_on):
        project = project_propose(
            centre=centre, title=title, problem="Litter", goal="Clean", place="Park", team=team, acting_user=fac
        )
        project_approve(project=project, comment="Go ahead", acting_user=second)
        activity_log_add(project=project, date=days_ago(0), description="Cleaned", reach={}, acting_user=fac)
        project_complete(project=project, changed="Cleaner", learned="Teamwork", acting_user=fac)
        Project.objects.filter(pk=project.pk).update(completed_on=completed_on)

    completed_project("Clean park", [trained[0], untrained], S)
    completed_project("Clean street", [trained[1]], end(1))
    completed_project("Clean market", [trained[0]], E)  # a second project: counted once, in both months

    indicator = get("active-citizens")
    from_records = indicator.figure(Scope(S, E, (centre.pk,)))  # no summary yet: the lessons completed
    summaries.rebuild()  # from now on, who completed the module comes from the module completion summary
    figure = indicator.figure(Scope(S, E, (centre.pk,)))
    assert figure == from_records == indicator.figure_from_records(Scope(S, E, (centre.pk,)))
    assert figure.value == 1
    assert {t.key: t.value for t in figure.by_sex} == {"m": 1, "f": 0, "x": 0}
    trend = {t.key: t.value for t in figure.trend}
    assert trend[S.strftime("%Y-%m")] == trend[E.strftime("%Y-%m")] == 1 and sum(trend.values()) == 2
    rows = get("active-citizens").record_list(Scope(S, E, (centre.pk,))).rows()
    assert [row[0] for row in rows] == [trained[0].code] * 2  # a row per project
