"""The demo curriculum: modules and lessons read from JSON files, published through review.

Each module is written by the demo editor and approved by the demo reviewer, so the pages carry
the same revisions and audit entries a real module would.
"""

import json
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from wagtail.models import Locale

from courses.blocks import LessonStreamBlock
from courses.models import CurriculumIndexPage, LessonPage, ModulePage, Topic, in_source_locale

CURRICULUM_DIR = Path(__file__).resolve().parent / "curriculum"


def demo_module_files() -> list[Path]:
    """The demo module files, in curriculum order."""
    return sorted(CURRICULUM_DIR.glob("*.json"))


def demo_translation_files() -> list[tuple[Path, Path]]:
    """Each translated demo module file (curriculum/<language>/<name>.json) with its source file."""
    return [(path, CURRICULUM_DIR / path.name) for path in sorted(CURRICULUM_DIR.glob("*/*.json"))]


def _publish(page, *, editor: User, reviewer: User) -> None:
    """Save a revision as the editor and publish it as the reviewer."""
    revision = page.save_revision(user=editor, log_action=True)
    revision.publish(user=reviewer)


def _module_fields(data: dict) -> dict:
    """A module's fields from its JSON (the topic is looked up by slug)."""
    return {
        "title": data["title"],
        "slug": data["slug"],
        "topic": Topic.objects.get(slug=data["topic"]),
        "summary": data["summary"],
        "age_min": data["age_min"],
        "age_max": data["age_max"],
        "learning_outcomes": "\n".join(data["learning_outcomes"]),
        "sensitive": data["sensitive"],
    }


def _lesson_fields(data: dict, stream_block: LessonStreamBlock) -> dict:
    """A lesson's fields from its JSON."""
    return {
        "title": data["title"],
        "slug": data["slug"],
        "duration_minutes": data["duration_minutes"],
        "objectives": "\n".join(data["objectives"]),
        "materials": "\n".join(data["materials"]),
        "body": stream_block.to_python(data["body"]),
    }


@transaction.atomic
def ensure_demo_curriculum(*, editor: User, reviewer: User) -> int:
    """Create each demo module and lesson that is not there yet, then their Urdu translations;
    returns how many pages were added."""
    index = in_source_locale(CurriculumIndexPage.objects).get()
    stream_block = LessonStreamBlock()
    added = 0
    for path in demo_module_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        module = ModulePage.objects.child_of(index).filter(slug=data["slug"]).first()
        if module is None:
            module = ModulePage(**_module_fields(data), owner=editor)
            index.add_child(instance=module)
            _publish(module, editor=editor, reviewer=reviewer)
            added += 1
        existing = set(LessonPage.objects.child_of(module).values_list("slug", flat=True))
        for lesson_data in data["lessons"]:
            if lesson_data["slug"] in existing:
                continue
            lesson = LessonPage(**_lesson_fields(lesson_data, stream_block), owner=editor)
            module.add_child(instance=lesson)
            _publish(lesson, editor=editor, reviewer=reviewer)
            added += 1
    return added + ensure_demo_translations(index=index, editor=editor, reviewer=reviewer)


def _translate(page, locale: Locale, fields: dict, *, editor: User, reviewer: User) -> bool:
    """Make the page's translation into `locale` with these fields, written by the editor and approved by
    the reviewer; False (nothing done) when the translation already exists."""
    if page.get_translation_or_none(locale) is not None:
        return False
    translation = page.copy_for_translation(locale)  # a draft in the translated parent, same translation_key
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.owner = editor
    translation.save()
    _publish(translation, editor=editor, reviewer=reviewer)
    return True


def ensure_demo_translations(*, index: CurriculumIndexPage, editor: User, reviewer: User) -> int:
    """Create the translation of each demo module and lesson from data/curriculum/<language>/ (Urdu), as
    Wagtail translations of the English pages (same slugs); returns how many pages were added."""
    stream_block = LessonStreamBlock()
    added = 0
    for language_dir in sorted(p for p in CURRICULUM_DIR.iterdir() if p.is_dir()):
        locale, _ = Locale.objects.get_or_create(language_code=language_dir.name)
        if index.get_translation_or_none(locale) is None:
            continue  # the language's tree is made by the migrations; without it there is nowhere to translate to
        for path in sorted(language_dir.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            module = ModulePage.objects.child_of(index).get(slug=data["slug"])
            added += _translate(module, locale, _module_fields(data), editor=editor, reviewer=reviewer)
            lessons = {lesson.slug: lesson for lesson in LessonPage.objects.child_of(module).order_by("path")}
            for lesson_data in data["lessons"]:
                fields = _lesson_fields(lesson_data, stream_block)
                added += _translate(lessons[lesson_data["slug"]], locale, fields, editor=editor, reviewer=reviewer)
    return added
