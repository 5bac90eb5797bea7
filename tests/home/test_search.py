"""The site search finds a lesson by its public words, never by a facilitator's note or a quiz's answers."""

import pytest
from django.core.management import call_command

from courses.blocks import LessonStreamBlock
from courses.models import LessonPage
from tests import factories

PUBLIC_WORD = "zanzibarcircle"
NOTE_WORD = "quillnotewhisper"
CORRECT_WORD = "marigoldcorrect"
WRONG_WORD = "turnipwrong"
PROMPT_WORD = "lanternprompt"


def body():
    """A lesson body with a public activity, a facilitator note and a quiz, each holding its own word."""
    return LessonStreamBlock().to_python(
        [
            {"type": "activity", "value": {"title": f"The {PUBLIC_WORD} game", "minutes": 10, "steps": ["Stand"]}},
            {"type": "facilitator_note", "value": {"text": f"<p>Watch for the {NOTE_WORD} signs.</p>"}},
            {
                "type": "quiz",
                "value": {
                    "title": "Check",
                    "questions": [
                        {
                            "prompt": f"What does the {PROMPT_WORD} tell us?",
                            "answers": [
                                {"text": f"The {WRONG_WORD} answer", "correct": False},
                                {"text": f"The {CORRECT_WORD} answer", "correct": True},
                            ],
                        }
                    ],
                },
            },
        ]
    )


@pytest.fixture
def lesson(curriculum, users):
    """A published lesson of the curriculum's module, indexed as the site indexes it."""
    page = LessonPage(title="Hidden words", slug="hidden-words", objectives="Learners will play", body=body())
    curriculum["module"].add_child(instance=page)
    factories.publish(page, editor=users["editor"], reviewer=users["reviewer"])
    call_command("update_index", verbosity=0)
    return page


def found(client, word: str) -> bool:
    """Whether an anonymous visitor searching for the word is shown the lesson."""
    response = client.get("/search/", {"q": word})
    assert response.status_code == 200
    return "Hidden words" in response.text


def test_a_visitor_finds_the_lesson_by_its_public_words(client, lesson):
    assert found(client, PUBLIC_WORD)
    assert found(client, PROMPT_WORD)


def test_a_visitor_does_not_find_the_lesson_by_its_facilitator_note(client, lesson):
    assert not found(client, NOTE_WORD)


def test_a_visitor_does_not_find_the_lesson_by_a_quiz_answer(client, lesson):
    assert not found(client, CORRECT_WORD)
    assert not found(client, WRONG_WORD)


def test_lesson_blocks_give_search_neither_notes_nor_answers():
    content = " ".join(LessonStreamBlock().get_searchable_content(body()))
    assert PUBLIC_WORD in content and PROMPT_WORD in content
    assert NOTE_WORD not in content
    assert CORRECT_WORD not in content and WRONG_WORD not in content
