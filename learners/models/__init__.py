"""Learner records: the registry (centres, learners, groups), what learners received and achieved
(services, vocational training, outcomes, transfers), and community structures around centres."""

from learners.models.community import CommunityGroup, CommunityMeeting, SensitisationEvent
from learners.models.coordination import CoordinationMeeting, TrainingEvent
from learners.models.followups import PlacementFollowUp
from learners.models.help import HelpContact
from learners.models.outcomes import (
    CentreTransfer,
    JobPlacement,
    SchoolEnrolment,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from learners.models.referrals import Outcome as ReferralOutcome
from learners.models.referrals import Referral, ReferralFollowUp, ServiceProvider
from learners.models.registry import (
    CONSENT_ON_FILE,
    MAX_AGE,
    MIN_AGE,
    Centre,
    Group,
    Learner,
    Membership,
    StaffAssignment,
)
from learners.models.situation import RISK_FIELDS, RISK_KINDS, LearnerSituation

__all__ = [
    "CONSENT_ON_FILE",
    "MAX_AGE",
    "MIN_AGE",
    "RISK_FIELDS",
    "RISK_KINDS",
    "Centre",
    "CentreTransfer",
    "CommunityGroup",
    "CommunityMeeting",
    "CoordinationMeeting",
    "Group",
    "HelpContact",
    "JobPlacement",
    "Learner",
    "LearnerSituation",
    "Membership",
    "PlacementFollowUp",
    "Referral",
    "ReferralFollowUp",
    "ReferralOutcome",
    "SchoolEnrolment",
    "SensitisationEvent",
    "ServiceProvider",
    "ServiceRecord",
    "StaffAssignment",
    "Trade",
    "TrainingEnrolment",
    "TrainingEvent",
]
