"""The demo curriculum files hold whole lessons: the checker passes every one and refuses a broken copy."""

import json

import pytest

from demo.data.check_curriculum import CurriculumError, check_module, check_translation
from demo.data.curriculum import demo_module_files, demo_translation_files


@pytest.mark.parametrize("path", demo_module_files(), ids=lambda path: path.name)
def test_every_demo_module_file_has_the_shape_the_loader_expects(path):
    assert check_module(path) >= 4


def test_every_demo_module_has_its_urdu_translation():
    assert [path.name for path, _source in demo_translation_files()] == [path.name for path in demo_module_files()]
    assert {path.parent.name for path, _source in demo_translation_files()} == {"ur"}


@pytest.mark.parametrize("path,source", demo_translation_files(), ids=lambda value: str(value)[-40:])
def test_every_translation_has_its_sources_structure(path, source):
    assert check_translation(path, source) == check_module(source)


def test_a_translation_whose_quiz_answer_moved_is_refused(tmp_path):
    path, source = demo_translation_files()[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    [quiz] = [block for block in data["lessons"][0]["body"] if block["type"] == "quiz"]
    answers = quiz["value"]["questions"][0]["answers"]
    answers.append(answers.pop(0))  # the same answers, the correct one now elsewhere
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CurriculumError, match="source's order"):
        check_translation(moved, source)


def test_a_translation_with_another_slug_is_refused(tmp_path):
    path, source = demo_translation_files()[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lessons"][1]["slug"] = "something-else"
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CurriculumError, match="source's slugs"):
        check_translation(renamed, source)


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
