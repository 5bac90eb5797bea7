"""Programme indicators, each defined once (see base.py for the counting rules every one follows).

dashboard(scope) gives every figure in display order; get(key) finds one indicator for its list of records."""

from courses import selectors as course_selectors
from courses.models import ModulePage
from reports.indicators.base import Figure, RecordList, Scope, Tally
from reports.indicators.community import (
    CHILD_ASSOCIATIONS,
    PCCS,
    ActiveCitizens,
    PeopleSensitised,
    SelfProtectionSpaces,
)
from reports.indicators.learning import AttendanceRate, ModuleCompletion, QuizGain, SessionsHeld
from reports.indicators.outcomes import CERTIFIED, MAINSTREAMED, PLACED, SERVICES, Registered

__all__ = ["Figure", "RecordList", "Scope", "Tally", "dashboard", "get", "indicators"]


def indicators() -> list:
    """Every indicator in dashboard order (module indicators follow the live curriculum)."""
    modules = list(ModulePage.objects.live().select_related("topic").order_by("topic__sort_order", "path"))
    lessons = course_selectors.lessons_of_modules(modules)
    per_module = [(module, [lesson.pk for lesson in lessons[module.pk]]) for module in modules]
    return [
        Registered(),
        SERVICES,
        CERTIFIED,
        PLACED,
        MAINSTREAMED,
        SessionsHeld(),
        AttendanceRate(),
        *[ModuleCompletion(module, ids) for module, ids in per_module],
        *[QuizGain(module, ids) for module, ids in per_module],
        PCCS,
        CHILD_ASSOCIATIONS,
        SelfProtectionSpaces(),
        PeopleSensitised(),
        ActiveCitizens(),
    ]


def get(key: str):
    """The indicator with this key, or None."""
    return next((indicator for indicator in indicators() if indicator.key == key), None)


def dashboard(scope: Scope) -> list[Figure]:
    """Every indicator's figure for a scope, in dashboard order."""
    return [indicator.figure(scope) for indicator in indicators()]
