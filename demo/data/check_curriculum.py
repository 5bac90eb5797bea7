"""Check a demo curriculum JSON file against the shape `load_demo_data` expects.

The loader turns the JSON into pages without the checks an editor's form makes (StreamField content is not
validated on save), so this is what keeps the demo lessons whole: one quiz with exactly one correct answer per
question, a facilitator note, an activity, discussion and key messages in every lesson. tests/demo runs it.

A translation (demo/data/curriculum/<language>/<same name>.json) must also have the structure of its
source: the same slugs, topic, ages, lessons, durations and blocks in the same order, and each quiz's
correct answer in the same place, so the translated lesson is the same session in another language.

Usage: python3 demo/data/check_curriculum.py demo/data/curriculum/*.json demo/data/curriculum/*/*.json
Pure Python, so it runs before the project is installed.
"""

import json
import os
import sys

TOPICS = {
    "child-rights",
    "health-hygiene",
    "self-protection",
    "active-citizenship",
    "life-skills",
    "peer-education",
}
BLOCK_KEYS = {
    "text": None,
    "activity": {"title", "minutes", "steps", "materials"},
    "story": {"title", "text", "questions"},
    "discussion": {"intro", "questions"},
    "key_messages": {"messages"},
    "facilitator_note": {"text"},
    "help": {"heading", "text", "contacts"},
    "quiz": {"title", "questions"},
}


class CurriculumError(ValueError):
    """A demo curriculum file that does not have the shape the loader expects."""


def fail(where, message):
    """Refuse the file, saying where and why."""
    raise CurriculumError(f"{where}: {message}")


def check_strings(where, value, minimum=1):
    """A list of at least `minimum` non-empty strings."""
    if not isinstance(value, list) or len(value) < minimum:
        fail(where, f"needs a list of at least {minimum} strings")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            fail(where, "every item must be a non-empty string")


def check_block(where, block):
    """One lesson body block: a known type with exactly its keys and sensible values; returns its type."""
    kind = block.get("type")
    if kind not in BLOCK_KEYS:
        fail(where, f"unknown block type {kind!r}")
    value = block.get("value")
    if kind == "text":
        if not isinstance(value, str) or not value.startswith("<"):
            fail(where, "text value must be an HTML string such as '<p>...</p>'")
        return kind
    if not isinstance(value, dict) or set(value) != BLOCK_KEYS[kind]:
        fail(where, f"{kind} value must have exactly the keys {sorted(BLOCK_KEYS[kind])}")
    if kind == "activity":
        if not isinstance(value["minutes"], int) or not 1 <= value["minutes"] <= 120:
            fail(where, "activity minutes must be an int 1..120")
        check_strings(where + ".steps", value["steps"], 2)
        check_strings(where + ".materials", value["materials"], 0)
    elif kind == "story":
        check_strings(where + ".questions", value["questions"], 0)
    elif kind == "discussion":
        check_strings(where + ".questions", value["questions"], 2)
    elif kind == "key_messages":
        check_strings(where + ".messages", value["messages"], 2)
    elif kind == "help":
        for contact in value["contacts"]:
            if set(contact) != {"name", "how_to_reach"}:
                fail(where, "each contact needs exactly name and how_to_reach")
    elif kind == "quiz":
        questions = value["questions"]
        if not 3 <= len(questions) <= 5:
            fail(where, "a quiz has 3 to 5 questions")
        for q in questions:
            if set(q) != {"prompt", "answers"} or not 2 <= len(q["answers"]) <= 4:
                fail(where, "each question: prompt and 2..4 answers")
            if sum(1 for a in q["answers"] if a.get("correct")) != 1:
                fail(where, f"exactly one correct answer: {q['prompt']}")
            for a in q["answers"]:
                if set(a) != {"text", "correct"} or not isinstance(a["correct"], bool):
                    fail(where, "each answer: text and correct (true/false)")
    return kind


def check_module(path):
    """A whole module file (module keys, ages, lessons and their blocks); returns its number of lessons."""
    path = str(path)
    with open(path, encoding="utf-8") as handle:
        module = json.load(handle)
    keys = {"title", "slug", "topic", "summary", "age_min", "age_max", "learning_outcomes", "sensitive", "lessons"}
    if set(module) != keys:
        fail(path, f"module keys must be exactly {sorted(keys)}")
    if module["topic"] not in TOPICS:
        fail(path, f"topic must be one of {sorted(TOPICS)}")
    if not 5 <= module["age_min"] <= module["age_max"] <= 25:
        fail(path, "ages must satisfy 5 <= age_min <= age_max <= 25")
    check_strings(path + " learning_outcomes", module["learning_outcomes"], 3)
    if len(module["lessons"]) < 4:
        fail(path, "at least four lessons")
    for number, lesson in enumerate(module["lessons"], 1):
        where = f"{path} lesson {number}"
        lkeys = {"title", "slug", "duration_minutes", "objectives", "materials", "body"}
        if set(lesson) != lkeys:
            fail(where, f"lesson keys must be exactly {sorted(lkeys)}")
        if not 20 <= lesson["duration_minutes"] <= 180:
            fail(where, "duration_minutes 20..180")
        check_strings(where + " objectives", lesson["objectives"], 2)
        check_strings(where + " materials", lesson["materials"], 1)
        kinds = [check_block(f"{where} block {i}", b) for i, b in enumerate(lesson["body"], 1)]
        for needed in ("activity", "discussion", "key_messages", "facilitator_note", "quiz"):
            if needed not in kinds:
                fail(where, f"needs a {needed} block")
        if kinds.count("quiz") != 1:
            fail(where, "exactly one quiz block")
    return len(module["lessons"])


def _shape(module):
    """What a translation must keep from its source: everything but the words."""
    lessons = []
    for lesson in module["lessons"]:
        blocks = []
        for block in lesson["body"]:
            value = block["value"]
            if block["type"] == "quiz":
                value = [[answer["correct"] for answer in q["answers"]] for q in value["questions"]]
            elif block["type"] == "activity":
                value = value["minutes"]
            else:
                value = None
            blocks.append((block["type"], value))
        lessons.append((lesson["slug"], lesson["duration_minutes"], blocks))
    fixed = ("slug", "topic", "age_min", "age_max", "sensitive")
    return {**{key: module[key] for key in fixed}, "lessons": lessons}


def check_translation(path, source_path):
    """A translated module file: whole by itself, and with its source's structure; returns its lessons."""
    lessons = check_module(path)
    with open(source_path, encoding="utf-8") as handle:
        source = _shape(json.load(handle))
    with open(path, encoding="utf-8") as handle:
        translation = _shape(json.load(handle))
    for key, value in source.items():
        if key != "lessons" and translation[key] != value:
            fail(str(path), f"{key} must be the source's ({value!r})")
    if [lesson[0] for lesson in translation["lessons"]] != [lesson[0] for lesson in source["lessons"]]:
        fail(str(path), "the lessons must have the source's slugs, in the source's order")
    for number, (mine, theirs) in enumerate(zip(translation["lessons"], source["lessons"], strict=True), 1):
        if mine != theirs:
            fail(f"{path} lesson {number}", "duration, blocks and quiz answers must be in the source's order")
    return lessons


if __name__ == "__main__":
    for name in sys.argv[1:]:
        folder, file_name = os.path.split(name)
        source = os.path.join(os.path.dirname(folder), file_name)
        is_translation = os.path.basename(folder) != "curriculum" and os.path.exists(source)
        try:
            lessons = check_translation(name, source) if is_translation else check_module(name)
            print(f"{name}: OK, {lessons} lessons")
        except CurriculumError as error:
            raise SystemExit(str(error)) from error
