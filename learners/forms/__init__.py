"""Forms for learner records; each calls a service, never `.save()` on a record."""

from learners.forms.community import CommunityGroupForm, CommunityMeetingForm, SensitisationEventForm
from learners.forms.outcomes import (
    LearnerTransferForm,
    OutcomeRemoveForm,
    PlacementForm,
    SchoolEnrolmentForm,
    ServiceRecordForm,
    TrainingEnrolForm,
    TrainingUpdateForm,
)
from learners.forms.referrals import FollowUpForm, ReferralForm
from learners.forms.registry import (
    LearnerEditForm,
    LearnerFilterForm,
    LearnerMoveForm,
    LearnerRegisterForm,
    MembersAddForm,
    MembershipEndForm,
)

__all__ = [
    "FollowUpForm",
    "ReferralForm",
    "LearnerTransferForm",
    "OutcomeRemoveForm",
    "PlacementForm",
    "SchoolEnrolmentForm",
    "ServiceRecordForm",
    "TrainingEnrolForm",
    "TrainingUpdateForm",
    "CommunityGroupForm",
    "CommunityMeetingForm",
    "LearnerEditForm",
    "LearnerFilterForm",
    "LearnerMoveForm",
    "LearnerRegisterForm",
    "MembersAddForm",
    "MembershipEndForm",
    "SensitisationEventForm",
]
