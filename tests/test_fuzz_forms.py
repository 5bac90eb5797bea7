"""Fuzz tests (Hypothesis): random numbers (huge, negative), dates (year 1 to 9999), ids and text (control
characters included) posted to the staff forms and report filters staff use every day, signed in as a
facilitator or a programme manager. No page fails, and a refused form changes nothing.

Each example runs in its own transaction, rolled back after it (hypothesis.extra.django.TestCase). The
number of examples comes from the profile in tests/conftest.py: a few in CI, many under `make bench`.
"""

import datetime

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from courses.models import QuizResult, Session
from learners.models import CommunityGroup, Learner, Membership, SensitisationEvent
from lms.validators import invisible_characters
from peer_educators.models import Project
from tests import bad_input, factories

# Whole numbers as a form posts them: often at the edges of 32 and 64 bits, sometimes anything.
EDGES = [0, -1, 1, 100_000, 100_001, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30, -(2**63) - 1]
NUMBERS = st.one_of(st.sampled_from(EDGES), st.integers(min_value=-(2**70), max_value=2**70)).map(str)
# Text with anything in it but lone surrogates (a browser cannot send those): control characters included.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
NAMES = st.one_of(TEXT, st.sampled_from(["\u202eevil", "Ali\u200f", "علی", "نو\u200cروز", "Aimal", " aimal "]))
DATES = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "1989-12-31", "2000-02-30", ""]),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
    TEXT,
)
IDS = st.one_of(NUMBERS, TEXT)


def snapshot() -> dict:
    """What a refused form must leave as it was: the counts of the records these forms write, and every score."""
    return {
        "learners": Learner.objects.count(),
        "memberships": Membership.objects.count(),
        "events": SensitisationEvent.objects.count(),
        "committees": CommunityGroup.objects.count(),
        "projects": Project.objects.count(),
        "sessions": Session.objects.count(),
        "scores": set(QuizResult.objects.values_list("learner_id", "kind", "score")),
    }


class FuzzStaffForms(TestCase):
    """Random input into the forms and filters of tests.bad_input's world."""

    @classmethod
    def setUpTestData(cls):
        users = factories.role_users()
        curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
        cls.world = bad_input.build(users, curriculum)

    def as_user(self, role: str):
        """The test client signed in as the world's user of that role; a server error comes back as a 500."""
        self.client.force_login(self.world["users"][role])
        self.client.raise_request_exception = False
        return self.client

    def assert_no_failure(self, response):
        """Not a server error, whatever was posted."""
        self.assertLess(response.status_code, 500, response.content[:2000])

    def assert_refused_changes_nothing(self, response, before: dict):
        """A form shown again (refused) leaves every record as it was."""
        self.assert_no_failure(response)
        if response.status_code == 200:
            self.assertEqual(snapshot(), before)

    def assert_reports_open(self):
        """The indicator pages still open for the programme manager."""
        client = self.as_user("manager")
        for url in (
            reverse("indicator_dashboard"),
            reverse("donor_summary"),
            reverse("dashboard_export", args=["csv"]),
        ):
            self.assertEqual(client.get(url).status_code, 200, url)

    @given(male=NUMBERS, female=NUMBERS, day=DATES, topics=TEXT)
    def test_sensitisation_events_with_any_counts_and_dates(self, male, female, day, topics):
        before = snapshot()
        data = {
            "centre": self.world["centre"].pk,
            "date": day,
            "audience": "teachers",
            "participants_male": male,
            "participants_female": female,
            "topics": topics,
        }
        response = self.as_user("facilitator").post(reverse("sensitisation_event_add"), data)
        self.assert_refused_changes_nothing(response, before)
        if response.status_code == 302:
            self.assert_reports_open()

    @given(centres=st.lists(IDS, max_size=3), start=DATES, end=DATES)
    def test_report_filters_with_any_centres_and_period(self, centres, start, end):
        client = self.as_user("manager")
        query = {"centre": centres, "start": start, "end": end}
        for url in (
            reverse("indicator_dashboard"),
            reverse("donor_summary"),
            reverse("dashboard_export", args=["csv"]),
        ):
            self.assert_no_failure(client.get(url, query))

    @given(learners=st.lists(IDS, min_size=1, max_size=3), day=DATES)
    def test_adding_members_with_any_ids(self, learners, day):
        before = snapshot()
        response = self.as_user("facilitator").post(
            reverse("members_add", args=[self.world["group"].pk]), {"learners": learners, "joined_on": day}
        )
        self.assert_refused_changes_nothing(response, before)

    @given(lesson=IDS, module=IDS, day=DATES, every=NUMBERS, which=st.sampled_from(["lesson", "module"]))
    def test_planning_with_any_lesson_module_date_and_interval(self, lesson, module, day, every, which):
        before = snapshot()
        data = {
            "plan": which,
            "one-lesson": lesson,
            "one-date": day,
            "module-module": module,
            "module-first_date": day,
            "module-every_days": every,
        }
        response = self.as_user("facilitator").post(reverse("sessions_plan", args=[self.world["group"].pk]), data)
        self.assert_refused_changes_nothing(response, before)

    @given(name=NAMES, kind=st.sampled_from(["pcc", "child_assoc", "x"]), members=NUMBERS, learners=st.lists(IDS))
    def test_community_groups_with_any_names_counts_and_members(self, name, kind, members, learners):
        before = snapshot()
        data = {
            "centre": self.world["centre"].pk,
            "kind": kind,
            "name": name,
            "members_male": members,
            "learner_members": learners,
        }
        response = self.as_user("facilitator").post(reverse("community_group_create"), data)
        self.assert_refused_changes_nothing(response, before)
        for group in CommunityGroup.objects.all():
            self.assertEqual(invisible_characters(group.name), [])

    @given(title=NAMES, team=st.lists(IDS, max_size=3))
    def test_projects_with_any_titles_and_teams(self, title, team):
        before = snapshot()
        data = {"title": title, "problem": "p", "goal": "g", "place": "Market", "team": team}
        response = self.as_user("facilitator").post(reverse("project_propose"), data)
        self.assert_refused_changes_nothing(response, before)

    @given(name=NAMES, birth_year=NUMBERS, joined=DATES, consent=DATES, confirm=st.booleans())
    def test_registering_learners_with_any_names_years_and_dates(self, name, birth_year, joined, consent, confirm):
        before = snapshot()
        data = {
            "centre": self.world["centre"].pk,
            "first_name": name,
            "sex": "m",
            "birth_year": birth_year,
            "joined_on": joined,
            "guardian_consent_on": consent,
            "child_assent_on": consent,
            **({"different_child": "on"} if confirm else {}),
        }
        response = self.as_user("facilitator").post(reverse("learner_register"), data)
        self.assert_refused_changes_nothing(response, before)
        for learner in Learner.objects.all():
            self.assertEqual(invisible_characters(learner.first_name), [])

    @given(boxes=st.dictionaries(st.sampled_from(["pre", "post"]), st.one_of(NUMBERS, st.just("")), max_size=2))
    def test_scores_posted_for_the_first_member_only_leave_the_second_as_they_were(self, boxes):
        first, second = self.world["learners"]
        kept = set(QuizResult.objects.filter(learner=second).values_list("kind", "score"))
        data = {"csrfmiddlewaretoken": "x", **{f"{kind}_{first.pk}": value for kind, value in boxes.items()}}
        response = self.as_user("facilitator").post(reverse("session_scores", args=[self.world["session"].pk]), data)
        self.assert_no_failure(response)
        self.assertEqual(set(QuizResult.objects.filter(learner=second).values_list("kind", "score")), kept)
