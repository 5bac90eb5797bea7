"""The demo curriculum files hold whole lessons: the checker passes every one and refuses a broken copy."""

import json

import pytest

from demo.data.check_curriculum import CurriculumError, check_module
from demo.data.curriculum import demo_module_files


@pytest.mark.parametrize("path", demo_module_files(), ids=lambda path: path.name)
def test_every_demo_module_file_has_the_shape_the_loader_expects(path):
    assert check_module(path) >= 4


def broken_copy(tmp_path, change):
    """The first demo module with one change made to its first lesson's quiz, written to a temporary file."""
    data = json.loads(demo_module_files()[0].read_text(encoding="utf-8"))
    [quiz] = [block for block in data["lessons"][0]["body"] if block["type"] == "quiz"]
    change(quiz["value"]["questions"][0])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_quiz_question_with_two_correct_answers_is_refused(tmp_path):
    def mark_every_answer_correct(question):
        for answer in question["answers"]:
            answer["correct"] = True

    with pytest.raises(CurriculumError, match="exactly one correct answer"):
        check_module(broken_copy(tmp_path, mark_every_answer_correct))


def test_a_quiz_question_without_answers_is_refused(tmp_path):
    with pytest.raises(CurriculumError, match="prompt and 2..4 answers"):
        check_module(broken_copy(tmp_path, lambda question: question.update(answers=[])))
