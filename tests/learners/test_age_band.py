"""A learner's age band has one rule: `Learner.AgeBand.for_age` in Python and its SQL twin, used by the
indicators, agree at every age the programme registers, including the edges of each band."""

import pytest
from django.utils import timezone

from learners.models import Learner
from reports.indicators.base import age_band_at, band_of
from tests.factories import assign, make_centre, make_learner, role_users

DAY = timezone.localdate()


@pytest.mark.parametrize(
    ("age", "band"), [(5, "5-9"), (9, "5-9"), (10, "10-14"), (14, "10-14"), (15, "15-19"), (19, "15-19"), (20, "20-25")]
)
def test_an_age_falls_in_one_band(age, band):
    assert Learner.AgeBand.for_age(age) == band
    assert band_of(DAY.year - age, "", DAY) == band


@pytest.mark.django_db
def test_the_sql_rule_gives_the_same_band_as_the_python_one():
    facilitator = role_users()["facilitator"]
    centre = make_centre("QTA")
    assign(facilitator, centre)
    for age in range(5, 26):
        make_learner(centre, facilitator, first_name=f"A{age}", birth_year=DAY.year - age, joined_on=DAY)
    rows = Learner.objects.annotate(band=age_band_at(DAY)).values_list("birth_year", "band")
    assert dict(rows) == {DAY.year - a: Learner.AgeBand.for_age(a) for a in range(5, 26)}
