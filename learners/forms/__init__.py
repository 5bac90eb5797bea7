"""Forms for learner records; each calls a service, never `.save()` on a record."""

from learners.forms.community import CommunityGroupForm, CommunityMeetingForm, SensitisationEventForm
from learners.forms.coordination import (
    CoordinationMeetingEditForm,
    CoordinationMeetingForm,
    FollowUpEditForm,
    FollowUpForm,
    RowRemoveForm,
    TrainingEventEditForm,
    TrainingEventForm,
)
from learners.forms.outcomes import (
    GroupServiceForm,
    LearnerTransferForm,
    OutcomeRemoveForm,
    PlacementForm,
    SchoolEnrolmentForm,
    ServiceRecordForm,
    TrainingEnrolForm,
    TrainingUpdateForm,
)
from learners.forms.providers import ServiceProviderForm
from learners.forms.referrals import ReferralFollowUpForm, ReferralForm
from learners.forms.registry import (
    LearnerEditForm,
    LearnerFilterForm,
    LearnerMoveForm,
    LearnerRegisterForm,
    MembersAddForm,
    MembershipEndForm,
)

__all__ = [
    "GroupServiceForm",
    "CoordinationMeetingForm",
    "FollowUpForm",
    "TrainingEventForm",
    "CoordinationMeetingEditForm",
    "FollowUpEditForm",
    "RowRemoveForm",
    "TrainingEventEditForm",
    "ServiceProviderForm",
    "ReferralFollowUpForm",
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
