"""A learner's code is written by one rule, `Learner.format_code`: the centre's code and a four-digit number."""

from learners.models import Learner


def test_a_learner_code_is_the_centre_code_and_the_number_in_four_digits():
    assert Learner.format_code("QTA", 7) == "QTA-0007"
    assert Learner.format_code("KCH", 1234) == "KCH-1234"


def test_numbers_past_9999_keep_every_digit():
    assert Learner.format_code("BAA", 12345) == "BAA-12345"
