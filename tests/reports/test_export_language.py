"""Exports speak the user's language in their headers, keep the same numbers and dates, and an Urdu sheet opens
right to left."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from home.models import UserLanguage
from tests.factories import PASSWORD
from tests.i18n import urdu_words
from tests.reports.test_exports import get_export, read_csv, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def export_as(username: str, fmt: str):
    """The dashboard export downloaded by a user who signed in through the form."""
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return get_export(client, fmt)


def workbook_of(response):
    """The downloaded workbook's sheet."""
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_an_urdu_users_csv_has_urdu_headings_and_the_same_numbers(users, world):  # noqa: F811
    manager = users["manager"]
    english = read_csv(export_as(manager.username, "csv"))
    UserLanguage.objects.create(user=manager, language="ur")

    with urdu_words() as words:
        urdu = read_csv(export_as(manager.username, "csv"))

    assert urdu[0] == [words["Programme indicators"]] and english[0] == ["Programme indicators"]
    assert [row[0] for row in urdu[1:4]] == [words["Period"], words["Centres"], words["Made at"]]
    headings = ["Section", "Indicator", "Breakdown", "Category", "Value", "Unit"]
    assert [words[h] for h in headings] in urdu and headings in english
    assert urdu[1][1:] == english[1][1:], "the period's dates are the same"
    value_column = [row[4] for row in english[english.index(headings) + 1 :]]
    urdu_values = [row[4] for row in urdu[urdu.index([words[h] for h in headings]) + 1 :]]
    assert urdu_values == value_column and any(v not in ("", "—") for v in value_column)


def test_an_urdu_excel_sheet_opens_right_to_left_and_an_english_one_left_to_right(users, world):  # noqa: F811
    manager = users["manager"]
    english = workbook_of(export_as(manager.username, "xlsx"))
    UserLanguage.objects.create(user=manager, language="ur")
    with urdu_words() as words:
        urdu = workbook_of(export_as(manager.username, "xlsx"))

    assert urdu.sheet_view.rightToLeft is True
    assert not english.sheet_view.rightToLeft
    assert urdu["A2"].value == words["Period"] and english["A2"].value == "Period"
    assert urdu["B2"].value == english["B2"].value and urdu["C2"].value == english["C2"].value, "same dates"
    assert urdu["E6"].value == words["Value"] and english["E6"].value == "Value"
    english_rows = list(english.iter_rows(min_row=7, values_only=True))
    urdu_rows = list(urdu.iter_rows(min_row=7, values_only=True))
    assert [row[4] for row in urdu_rows] == [row[4] for row in english_rows], "the same numbers"
