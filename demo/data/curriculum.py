"""The demo curriculum: modules and lessons read from JSON files, published through review.

Each module is written by the demo editor and approved by the demo reviewer, so the pages carry
the same revisions and audit entries a real module would.
"""

import json
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from courses.blocks import LessonStreamBlock
from courses.models import CurriculumIndexPage, LessonPage, ModulePage, Topic

CURRICULUM_DIR = Path(__file__).resolve().parent / "curriculum"


def demo_module_files() -> list[Path]:
    """The demo module files, in curriculum order."""
    return sorted(CURRICULUM_DIR.glob("*.json"))


def _publish(page, *, editor: User, reviewer: User) -> None:
    """Save a revision as the editor and publish it as the reviewer."""
    revision = page.save_revision(user=editor, log_action=True)
    revision.publish(user=reviewer)


@transaction.atomic
def ensure_demo_curriculum(*, editor: User, reviewer: User) -> int:
    """Create each demo module and lesson that is not there yet; returns how many pages were added."""
    index = CurriculumIndexPage.objects.get()
    stream_block = LessonStreamBlock()
    added = 0
    for path in demo_module_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        module = ModulePage.objects.child_of(index).filter(slug=data["slug"]).first()
        if module is None:
            module = ModulePage(
                title=data["title"],
                slug=data["slug"],
                topic=Topic.objects.get(slug=data["topic"]),
                summary=data["summary"],
                age_min=data["age_min"],
                age_max=data["age_max"],
                learning_outcomes="\n".join(data["learning_outcomes"]),
                sensitive=data["sensitive"],
                owner=editor,
            )
            index.add_child(instance=module)
            _publish(module, editor=editor, reviewer=reviewer)
            added += 1
        existing = set(LessonPage.objects.child_of(module).values_list("slug", flat=True))
        for lesson_data in data["lessons"]:
            if lesson_data["slug"] in existing:
                continue
            lesson = LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                duration_minutes=lesson_data["duration_minutes"],
                objectives="\n".join(lesson_data["objectives"]),
                materials="\n".join(lesson_data["materials"]),
                body=stream_block.to_python(lesson_data["body"]),
                owner=editor,
            )
            module.add_child(instance=lesson)
            _publish(lesson, editor=editor, reviewer=reviewer)
            added += 1
    return added
