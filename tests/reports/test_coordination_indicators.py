"""Coordination meetings by level, people trained by sex, retained at 6 months: exact figures and lists."""

import datetime

import pytest

from learners.models import CoordinationMeeting, JobPlacement, PlacementFollowUp, SchoolEnrolment, Trade, TrainingEvent
from reports import indicators
from reports.indicators import Scope
from tests.factories import centre_with_staff, consenting_learner

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)


@pytest.fixture
def world(users):
    me, manager = users["facilitator"], users["manager"]
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[])
    for centre, level, day in [
        (home, "district", datetime.date(2025, 1, 10)),
        (home, "district", datetime.date(2025, 2, 10)),
        (away, "district", datetime.date(2025, 2, 11)),
        (None, "provincial", datetime.date(2025, 3, 1)),
        (home, "national", datetime.date(2024, 12, 31)),  # before the period
    ]:
        CoordinationMeeting.objects.create(
            centre=centre, level=level, date=day, title=f"M {day}", organisations="X", topics="Y", recorded_by=me
        )
    for centre, audience, male, female in [(home, "staff", 3, 2), (None, "caregivers", 1, 9), (away, "peers", 4, 0)]:
        TrainingEvent.objects.create(
            centre=centre,
            date=datetime.date(2025, 2, 1),
            audience=audience,
            topic="T",
            participants_male=male,
            participants_female=female,
            recorded_by=manager,
        )
    trade = Trade.objects.get_or_create(name="Tailoring")[0]
    a = consenting_learner(centre=home, first_name="Asad", acting_user=me, joined_days_ago=2000)
    b = consenting_learner(centre=home, first_name="Bilal", acting_user=me, joined_days_ago=2000)
    c = consenting_learner(centre=home, first_name="Zarak", acting_user=me, joined_days_ago=2000)

    def job(learner, day):
        return JobPlacement.objects.create(
            learner=learner, centre=home, placed_on=day, kind="employment", trade=trade, recorded_by=me
        )

    kept = job(a, datetime.date(2024, 7, 10))  # 6-month point 2025-01-06: retained
    left = SchoolEnrolment.objects.create(
        learner=b, centre=home, enrolled_on=datetime.date(2024, 8, 1), grade="3", recorded_by=me
    )  # point 2025-01-28: left
    job(c, datetime.date(2024, 9, 1))  # point 2025-02-28: not followed up
    late = job(b, datetime.date(2024, 11, 1))  # point 2025-04-30: outside the period
    for record, link, there, day in [
        (kept, "placement", True, datetime.date(2025, 1, 8)),
        (left, "enrolment", False, datetime.date(2025, 1, 30)),
        (late, "placement", True, datetime.date(2025, 5, 1)),
    ]:
        PlacementFollowUp.objects.create(
            **{link: record},
            point=6,
            date=day,
            still_there=there,
            earnings="10-20k" if there else "",
            recorded_by=me,
        )
    return {"home": home, "away": away, "manager": manager}


def figure(key, scope):
    return indicators.get(key).figure(scope)


def test_meetings_by_level_count_programme_rows_only_when_every_centre_is_chosen(world):
    every = Scope(START, END, (world["home"].pk, world["away"].pk))
    one = Scope(START, END, (world["home"].pk,))
    assert figure("coordination-district", every).value == 3
    assert figure("coordination-district", one).value == 2
    assert figure("coordination-provincial", every).value == 1
    assert figure("coordination-provincial", one).value == 0
    assert figure("coordination-national", every).value == 0
    assert [t.value for t in figure("coordination-district", every).trend] == [1, 2, 0]
    assert indicators.get("coordination-district").record_list(every).total == 3


def test_people_trained_are_added_up_by_sex(world):
    every = Scope(START, END, (world["home"].pk, world["away"].pk))
    result = figure("people-trained", every)
    assert result.value == 19
    assert [(t.key, t.value) for t in result.by_sex] == [("m", 8), ("f", 11)]
    assert figure("people-trained", Scope(START, END, (world["home"].pk,))).value == 5
    assert indicators.get("people-trained").by_audience(every)[0].value == 5


def test_people_trained_are_broken_down_by_every_audience_exactly(world):
    """Staff 3 + 2 at QTA, caregivers 1 + 9 for the whole programme, peers 4 at KCH; a parents' training outside
    the period and a teachers' one of KCH on the last day."""
    TrainingEvent.objects.create(
        centre=world["home"],
        date=datetime.date(2024, 12, 31),
        audience="parents",
        topic="Before",
        participants_male=7,
        recorded_by=world["manager"],
    )
    TrainingEvent.objects.create(
        centre=world["away"],
        date=END,
        audience="teachers",
        topic="Last day",
        participants_female=6,
        recorded_by=world["manager"],
    )
    every = figure("people-trained", Scope(START, END, (world["home"].pk, world["away"].pk)))
    assert [(t.key, t.value) for t in every.by_audience] == [
        ("staff", 5),
        ("peers", 4),
        ("parents", 0),
        ("caregivers", 10),
        ("teachers", 6),
        ("police", 0),
        ("government", 0),
        ("others", 0),
    ]
    assert sum(t.value for t in every.by_audience) == every.value == 25
    assert every.by_audience[3].label == "Primary caregivers"
    one = figure("people-trained", Scope(START, END, (world["home"].pk,)))
    assert [(t.key, t.value) for t in one.by_audience if t.value] == [("staff", 5)]
    meetings = figure("coordination-district", Scope(START, END, (world["home"].pk,)))
    assert meetings.by_audience == []


def test_retained_at_six_months_counts_only_follow_ups_finding_them_there(world):
    scope = Scope(START, END, (world["home"].pk, world["away"].pk))
    result = figure("retained-6-months", scope)
    assert result.value == 1
    assert [t.value for t in result.by_sex if t.key == "m"] == [1]
    assert [t.value for t in result.trend] == [1, 0, 0]
    rows = list(indicators.get("retained-6-months").record_list(scope).rows())
    assert [(row[1], row[-1]) for row in rows] == [
        ("Asad", "Retained"),
        ("Bilal", "Left"),
        ("Zarak", "Not followed up"),
    ]
