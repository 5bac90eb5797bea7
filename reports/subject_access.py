"""Everything the site holds about one child, for a guardian's request: one JSON document of the learner's
record and every row that names them, with the audit entries about them. Administrators only; audited."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Attendance, LessonProgress, QuizResult
from learners.models import (
    RISK_KINDS,
    CentreTransfer,
    CommunityGroup,
    JobPlacement,
    Learner,
    LearnerSituation,
    Membership,
    SchoolEnrolment,
    ServiceRecord,
    TrainingEnrolment,
)
from peer_educators.models import Observation, PeerEducator, ProjectMember, StatusChange


def _rows(queryset: QuerySet, *fields: str) -> list[dict]:
    return list(queryset.order_by("pk").values(*fields))


def learner_file(learner: Learner) -> dict:
    """Every record about the learner, by kind (values as stored, plus the names a guardian would read)."""
    return {
        "exported_at": timezone.now(),
        "learner": _rows(Learner.objects.filter(pk=learner.pk), "code", "centre__name", *_learner_fields())[0],
        "memberships": _rows(learner.memberships.all(), "group__name", "group__centre__name", "joined_on", "left_on"),
        "attendance": _rows(
            Attendance.objects.filter(learner=learner), "session__date", "session__group__name", "status"
        ),
        "lessons_completed": _rows(LessonProgress.objects.filter(learner=learner), "lesson__title", "completed_on"),
        "quiz_results": _rows(
            QuizResult.objects.filter(learner=learner), "session__date", "lesson__title", "kind", "score", "max_score"
        ),
        "situations": _rows(
            LearnerSituation.objects.filter(learner=learner),
            "recorded_on",
            "situation",
            *_risk_fields(),
            "recorded_by__username",
        ),
        "services": _rows(ServiceRecord.objects.filter(learner=learner), "date", "kind", "provider", "centre__name"),
        "vocational_training": _rows(
            TrainingEnrolment.objects.filter(learner=learner),
            "trade__name",
            "enrolled_on",
            "completed_on",
            "certified_on",
            "certifying_board",
            "certificate_number",
            "centre__name",
        ),
        "job_placements": _rows(
            JobPlacement.objects.filter(learner=learner), "placed_on", "kind", "trade__name", "sector", "centre__name"
        ),
        "school_enrolments": _rows(
            SchoolEnrolment.objects.filter(learner=learner), "enrolled_on", "grade", "centre__name"
        ),
        "moves_between_centres": _rows(
            CentreTransfer.objects.filter(learner=learner), "moved_on", "from_centre__name", "to_centre__name"
        ),
        "child_associations": _rows(CommunityGroup.objects.filter(learner_members=learner), "name", "centre__name"),
        "peer_educator": _rows(
            PeerEducator.objects.filter(learner=learner), "status", "endorsement", "user__username", "created_at"
        ),
        "peer_educator_status_changes": _rows(
            StatusChange.objects.filter(peer_educator__learner=learner), "status", "changed_on", "note"
        ),
        "peer_educator_observations": _rows(
            Observation.objects.filter(peer_educator__learner=learner),
            "observed_on",
            "preparation",
            "participation",
            "child_safe",
            "key_messages",
            "feedback",
        ),
        "social_action_projects": _rows(
            ProjectMember.objects.filter(learner=learner), "project__title", "project__status", "project__centre__name"
        ),
        "audit_entries": _rows(audit_entries_about(learner), "timestamp", "action", "label", "user__username", "data"),
    }


def audit_entries_about(learner: Learner) -> QuerySet:
    """Audit entries about the learner's record and the records that are theirs alone (memberships, situation, services,
    training, placements, school, moves, peer educator pathway), and any whose label names their code."""
    about = Q(label__contains=learner.code)
    for model, rows in (
        (Learner, Learner.objects.filter(pk=learner.pk)),
        (Membership, learner.memberships.all()),
        (LearnerSituation, LearnerSituation.objects.filter(learner=learner)),
        (ServiceRecord, ServiceRecord.objects.filter(learner=learner)),
        (TrainingEnrolment, TrainingEnrolment.objects.filter(learner=learner)),
        (JobPlacement, JobPlacement.objects.filter(learner=learner)),
        (SchoolEnrolment, SchoolEnrolment.objects.filter(learner=learner)),
        (CentreTransfer, CentreTransfer.objects.filter(learner=learner)),
        (PeerEducator, PeerEducator.objects.filter(learner=learner)),
    ):
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
        if ids:
            about |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return ModelLogEntry.objects.filter(about)


def _learner_fields() -> list[str]:
    """The learner's own stored fields (all of them, so that nothing held is left out)."""
    return [f.attname for f in Learner._meta.concrete_fields if f.attname not in {"id", "code", "centre_id"}]


def _risk_fields() -> list[str]:
    """The situation's risk kinds, one column each."""
    return [field for field, _key, _label in RISK_KINDS]
