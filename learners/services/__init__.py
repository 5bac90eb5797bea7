"""Every write to learner records, by subject: the registry (learners, groups, membership), what
learners received and achieved (services, training, outcomes, moves), and community structures."""

from learners.services.community import (
    community_group_create,
    community_group_update,
    community_meeting_record,
    sensitisation_event_record,
)
from learners.services.coordination import (
    coordination_meeting_record,
    follow_up_record,
    training_event_record,
)
from learners.services.corrections import (
    coordination_meeting_remove,
    coordination_meeting_update,
    follow_up_update,
    training_event_remove,
    training_event_update,
)
from learners.services.outcomes import (
    OUTCOME_KINDS,
    learner_transfer,
    outcome_remove,
    placement_record,
    school_enrolment_record,
    service_record,
    services_record_for_group,
    training_enrol,
    training_update,
    validate_learner_day,
)
from learners.services.providers import service_provider_create, service_provider_update
from learners.services.referrals import referral_follow_up, referral_record
from learners.services.registry import (
    LEARNER_FIELDS,
    check_situation,
    group_create,
    group_update,
    learner_move,
    learner_register,
    learner_situation_record,
    learner_update,
    membership_add,
    membership_end,
    memberships_add,
    require_consent,
    validate_birth_year,
    validate_not_future,
)

__all__ = [
    "LEARNER_FIELDS",
    "OUTCOME_KINDS",
    "learner_transfer",
    "outcome_remove",
    "placement_record",
    "school_enrolment_record",
    "service_record",
    "services_record_for_group",
    "training_enrol",
    "training_update",
    "validate_learner_day",
    "community_group_create",
    "community_group_update",
    "community_meeting_record",
    "coordination_meeting_record",
    "follow_up_record",
    "training_event_record",
    "coordination_meeting_remove",
    "coordination_meeting_update",
    "follow_up_update",
    "training_event_remove",
    "training_event_update",
    "service_provider_create",
    "service_provider_update",
    "group_create",
    "group_update",
    "learner_move",
    "learner_register",
    "learner_situation_record",
    "check_situation",
    "learner_update",
    "membership_add",
    "membership_end",
    "memberships_add",
    "referral_follow_up",
    "referral_record",
    "require_consent",
    "sensitisation_event_record",
    "validate_birth_year",
    "validate_not_future",
]
