"""Lesson blocks refuse what would mislead a facilitator or shut out a screen-reader user."""

import pytest
from django.core.exceptions import ValidationError

from courses.blocks import FigureBlock, QuestionBlock


def question(*flags):
    block = QuestionBlock()
    return block.to_python(
        {"prompt": "Which is safe?", "answers": [{"text": f"choice {i}", "correct": f} for i, f in enumerate(flags)]}
    )


def test_question_with_exactly_one_correct_answer_is_valid():
    QuestionBlock().clean(question(False, True, False))


@pytest.mark.parametrize("flags", [(False, False), (True, True, False)])
def test_question_without_exactly_one_correct_answer_is_rejected(flags):
    with pytest.raises(ValidationError) as error:
        QuestionBlock().clean(question(*flags))
    assert error.value.non_block_errors.as_data()[0].messages == ["Mark exactly one answer as correct."]


def test_a_question_needs_at_least_two_answers():
    with pytest.raises(ValidationError):
        QuestionBlock().clean(question(True))


def test_image_block_requires_alt_text():
    assert FigureBlock().child_blocks["alt_text"].required
