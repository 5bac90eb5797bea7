"""Every write on the peer-educator pathway (services.pathway) and social action projects (services.projects)."""

from peer_educators.services.pathway import (
    RATINGS,
    observation_record,
    peer_educator_nominate,
    peer_educator_promote,
    peer_educator_set_password,
    peer_educator_set_status,
    peer_group_assign,
)
from peer_educators.services.projects import (
    activity_log_add,
    planned_activity_add,
    project_abandon,
    project_approve,
    project_complete,
    project_propose,
    project_refusal,
    project_work_refusal,
)

__all__ = [
    "RATINGS",
    "activity_log_add",
    "observation_record",
    "peer_educator_nominate",
    "peer_educator_promote",
    "peer_educator_set_password",
    "peer_educator_set_status",
    "peer_group_assign",
    "planned_activity_add",
    "project_abandon",
    "project_approve",
    "project_complete",
    "project_propose",
    "project_refusal",
    "project_work_refusal",
]
