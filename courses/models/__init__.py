"""The curriculum (CMS pages) and its delivery (sessions, attendance, progress, quiz results)."""

from courses.models.content import (
    CurriculumIndexPage,
    LessonPage,
    ModulePage,
    Topic,
    curriculum_lessons,
    curriculum_modules,
    in_source_locale,
    source_locale,
    source_locale_id,
    split_lines,
)
from courses.models.delivery import Attendance, GroupModule, LessonProgress, QuizResult, Session
from courses.models.offline import OfflineSubmission

__all__ = [
    "Attendance",
    "CurriculumIndexPage",
    "GroupModule",
    "LessonPage",
    "LessonProgress",
    "ModulePage",
    "OfflineSubmission",
    "QuizResult",
    "Session",
    "Topic",
    "curriculum_lessons",
    "curriculum_modules",
    "in_source_locale",
    "source_locale",
    "source_locale_id",
    "split_lines",
]
