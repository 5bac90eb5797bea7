"""Report selectors, called directly: the names of a scope's centres as the dashboard and downloads list them."""

import datetime

import pytest

from learners.models import Centre
from reports import selectors
from reports.indicators import Scope
from tests.factories import make_centre

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def test_centre_names_are_the_scopes_centres_by_name():
    quetta, kuchlak, _pishin = (
        make_centre("QTA", name="Quetta"),
        make_centre("KCH", name="Kuchlak"),
        make_centre("PSN", name="Pishin"),
    )
    scope = Scope(START, END, (quetta.pk, kuchlak.pk))
    assert selectors.centre_names(Centre.objects.all(), scope) == ["Kuchlak", "Quetta"]
    assert "Pishin" not in selectors.centre_names(Centre.objects.all(), Scope(START, END, (quetta.pk,)))


def test_centre_names_leave_out_centres_the_user_may_not_see():
    quetta, kuchlak = make_centre("QTA", name="Quetta"), make_centre("KCH", name="Kuchlak")
    visible = Centre.objects.filter(pk=quetta.pk)
    assert selectors.centre_names(visible, Scope(START, END, (quetta.pk, kuchlak.pk))) == ["Quetta"]
