"""The access matrix: every page of the records features, as every role, on objects inside and outside
the role's scope. Any leak fails, naming the URL, the role and the object.

Two centres, A and B, each with two groups, three learners (two of them members of the first group),
a session planned for today and a held one last week. Facilitator A works at A, facilitator B at B.
Each centre also trains two learners in the peer-educator module: at A one of them is promoted (the
matrix's peer educator, who leads A's first group and has changed their one-time password), at B one is
nominated. Each centre has an approved social action project with a photo in its activity log; the peer educator is on
A's team.
"""

import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses import services as delivery
from courses.models import Attendance, GroupModule, LessonProgress, OfflineSubmission, QuizResult, Session
from learners import services as evidence
from learners.models import (
    Centre,
    CentreTransfer,
    CommunityGroup,
    CommunityMeeting,
    CoordinationMeeting,
    Group,
    HelpContact,
    JobPlacement,
    Learner,
    LearnerSituation,
    Membership,
    PlacementFollowUp,
    Referral,
    ReferralFollowUp,
    SchoolEnrolment,
    SensitisationEvent,
    ServiceProvider,
    ServiceRecord,
    StaffAssignment,
    Trade,
    TrainingEnrolment,
    TrainingEvent,
)
from lms import roles
from lms.storage import private_storage
from peer_educators import services as pathway
from peer_educators.forms.peer import FirstPasswordForm
from peer_educators.models import (
    ActivityLog,
    ActivityPhoto,
    Observation,
    PeerEducator,
    PlannedActivity,
    Project,
    ProjectMember,
    StatusChange,
)
from reports.models import ExportRequest, ProjectPeriod
from tests import factories

LOGIN = "login"  # anonymous: redirected to the sign-in page
TO_ADMIN = "to /admin/"  # redirected to the Wagtail admin (content staff)
TO_HOME = "to /"  # redirected to the home page (no business with records)
TO_DASHBOARD = "to dashboard"  # redirected to the dashboard (nothing to do on this page)
TO_PEER_HOME = "to peer home"  # redirected to the peer educator's own area
TO_ENROL = "to set up"  # redirected to set up an authenticator app (two-factor sign-in required, none set up)
OK = "200"  # a page without an object: shown
NO = "404"  # not found, whatever the object
SIGN_IN_AGAIN = "401"  # a script's JSON endpoint, signed out: 401 (JSON), so the script keeps its queue
POST_ONLY = "405"  # an endpoint that only takes POST
A, B, AB = "A", "B", "AB"  # an object page: shown for objects of these centres, 404 for the others

ROLES = ("anonymous", "nobody", "editor", "reviewer", "peer", "facilitator_a", "facilitator_b", "manager", "admin")

# Expected answer to a GET, per URL name, in the order of ROLES.
MATRIX = {
    # url name          anonymous nobody   editor    reviewer  peer     fac. A  fac. B  manager admin
    "dashboard":        (LOGIN,   TO_HOME, TO_ADMIN, TO_ADMIN, TO_PEER_HOME, OK, OK,   OK,     OK),
    "group_list":       (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "group_create":     (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     NO,     OK),
    "learner_list":     (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "learner_register": (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     NO,     OK),
    "group_detail":     (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    "group_edit":       (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "sessions_plan":    (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "group_progress":   (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    "members_add":      (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "membership_end":   (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "learner_record":   (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      AB,     AB),
    "learner_timeline": (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      AB,     AB),
    "learner_edit":     (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "learner_move":     (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    # recording a child's situation: the centre's facilitators and administrators (managers read it, on the record)
    "learner_situation": (LOGIN,  NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "session_run":      (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    "session_scores":   (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    "session_cancel":   (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "attendance_sheet": (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    "score_sheet":      (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    # peer educators: their own area, the pathway and supervision
    "peer_home":        (LOGIN,   NO,      NO,       NO,       OK,      NO,     NO,     NO,     NO),
    "peer_feedback":    (LOGIN,   NO,      NO,       NO,       OK,      NO,     NO,     NO,     NO),
    "first_password":   (LOGIN,   TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD,
                         TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD),
    "peer_list":        (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "peer_eligibility": (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "peer_promote":     (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "peer_detail":      (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      AB,     AB),
    "peer_status":      (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "peer_observe":     (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "group_peer_leader": (LOGIN,  NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    # social action projects
    "project_list":     (LOGIN,   NO,      NO,       NO,       OK,      OK,     OK,     OK,     OK),
    "project_propose":  (LOGIN,   NO,      NO,       NO,       OK,      OK,     OK,     NO,     OK),
    "project_detail":   (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    "project_approve":  (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "project_log":      (LOGIN,   NO,      NO,       NO,       A,       A,      B,      NO,     AB),
    "project_plan":     (LOGIN,   NO,      NO,       NO,       A,       A,      B,      NO,     AB),
    "project_complete": (LOGIN,   NO,      NO,       NO,       A,       A,      B,      NO,     AB),
    "project_abandon":  (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "project_photo":    (LOGIN,   NO,      NO,       NO,       A,       A,      B,      AB,     AB),
    # services, training and outcomes recorded on a learner
    "service_add":      (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "training_add":     (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "training_update":  (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "placement_add":    (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "school_enrolment_add": (LOGIN, NO,    NO,       NO,       NO,      A,      B,      NO,     AB),
    "learner_transfer": (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "outcome_remove":   (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "services_for_group": (LOGIN, NO,      NO,       NO,       NO,      OK,     OK,     NO,     OK),
    # referrals
    "referral_add":     (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "referral_detail":  (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      AB,     AB),
    "referrals_due":    (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    # community structures
    "community_list":   (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "community_group_create": (LOGIN, NO,  NO,       NO,       NO,      OK,     OK,     NO,     OK),
    "community_group_detail": (LOGIN, NO,  NO,       NO,       NO,      A,      B,      AB,     AB),
    "community_group_edit": (LOGIN, NO,    NO,       NO,       NO,      A,      B,      NO,     AB),
    "community_meeting_add": (LOGIN, NO,   NO,       NO,       NO,      A,      B,      NO,     AB),
    "sensitisation_event_add": (LOGIN, NO, NO,       NO,       NO,      OK,     OK,     NO,     OK),
    # coordination, trainings (managers record the programme's own), follow-ups after placement
    "coordination_list": (LOGIN,  NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "coordination_meeting_add": (LOGIN, NO, NO,      NO,       NO,      OK,     OK,     OK,     OK),
    "training_event_add": (LOGIN, NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "follow_up_add":    (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    # correcting them: the centre's facilitators (managers correct only the programme's own rows)
    "coordination_meeting_edit": (LOGIN, NO, NO,     NO,       NO,      A,      B,      NO,     AB),
    "coordination_meeting_remove": (LOGIN, NO, NO,   NO,       NO,      A,      B,      NO,     AB),
    "training_event_edit": (LOGIN, NO,     NO,       NO,       NO,      A,      B,      NO,     AB),
    "training_event_remove": (LOGIN, NO,   NO,       NO,       NO,      A,      B,      NO,     AB),
    "follow_up_edit":   (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    # the directory of service providers: each centre's facilitators, and managers for every centre
    "provider_list":    (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "provider_add":     (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "provider_edit":    (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      AB,     AB),
    # indicators: each reader sees their own centres' figures and records (the leak check below)
    "indicator_dashboard": (LOGIN, NO,     NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "donor_summary":    (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "indicator_records": (LOGIN,  NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "dashboard_export": (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "indicator_records_export": (LOGIN, NO, NO,      NO,       NO,      OK,     OK,     OK,     OK),
    "target_periods":   (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "target_period":    (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      AB,     AB),
    # files prepared in the background: the list is each user's own; one file only for whoever asked (here each
    # centre's facilitator) or an administrator, not even for a programme manager
    "my_exports":       (LOGIN,   NO,      NO,       NO,       NO,      OK,     OK,     OK,     OK),
    "export_request":   (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    "export_download":  (LOGIN,   NO,      NO,       NO,       NO,      A,      B,      NO,     AB),
    # a guardian's request: everything held about one child, administrators only (backups are command-only)
    "learner_data_export": (LOGIN, NO,     NO,       NO,       NO,      NO,     NO,     NO,     AB),
    # two-factor sign-in, off here as in the demo: nothing to do (with it on: TWO_FACTOR_REQUIRED below)
    "two_factor":       (LOGIN,   TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD,
                         TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD),
    "two_factor_enrol": (LOGIN,   TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD,
                         TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD),
    "two_factor_verify": (LOGIN,  TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD,
                         TO_DASHBOARD, TO_DASHBOARD, TO_DASHBOARD),
    # offline sessions: what a phone keeps, the batch endpoint, conflicts to resolve
    "offline_sessions": (LOGIN,   NO,      NO,       NO,       OK,      OK,     OK,     NO,     OK),
    "offline_token":    (SIGN_IN_AGAIN, OK, OK,      OK,       OK,      OK,     OK,     OK,     OK),
    "offline_manifest": (SIGN_IN_AGAIN, OK, OK,      OK,       OK,      OK,     OK,     OK,     OK),
    "offline_submit":   (POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY,
                         POST_ONLY),
    "offline_conflicts": (LOGIN,  NO,      NO,       NO,       OK,      OK,     OK,     NO,     OK),
    "offline_resolve":  (LOGIN,   NO,      NO,       NO,       A,       A,      B,      NO,     AB),
}  # fmt: skip

# The object each URL is about (None: a page without an object).
OBJECT = {
    "dashboard": None,
    "group_list": None,
    "group_create": None,
    "learner_list": None,
    "learner_register": None,
    "services_for_group": None,
    "group_detail": "group",
    "group_edit": "group",
    "sessions_plan": "group",
    "group_progress": "group",
    "members_add": "group",
    "membership_end": "membership",
    "learner_record": "learner",
    "learner_timeline": "learner",
    "learner_edit": "learner",
    "learner_move": "learner",
    "learner_situation": "learner",
    "session_run": "session",
    "session_scores": "session",
    "session_cancel": "session",
    "attendance_sheet": "session",
    "score_sheet": "session",
    "peer_home": None,
    "peer_feedback": None,
    "first_password": None,
    "peer_list": None,
    "peer_eligibility": None,
    "peer_promote": "candidate",
    "peer_detail": "peer_educator",
    "peer_status": "peer_educator",
    "peer_observe": "peer_educator",
    "group_peer_leader": "group",
    "project_list": None,
    "project_propose": None,
    "project_detail": "project",
    "project_approve": "project",
    "project_log": "project",
    "project_plan": "project",
    "project_complete": "project",
    "project_abandon": "project",
    "project_photo": "photo",
    "service_add": "learner",
    "training_add": "learner",
    "training_update": "training",
    "placement_add": "learner",
    "school_enrolment_add": "learner",
    "learner_transfer": "learner",
    "outcome_remove": "service",
    "referral_add": "learner",
    "referral_detail": "referral",
    "referrals_due": None,
    "community_list": None,
    "community_group_create": None,
    "community_group_detail": "community_group",
    "community_group_edit": "community_group",
    "community_meeting_add": "community_group",
    "sensitisation_event_add": None,
    "coordination_list": None,
    "coordination_meeting_add": None,
    "training_event_add": None,
    "follow_up_add": "placement",
    "coordination_meeting_edit": "meeting",
    "coordination_meeting_remove": "meeting",
    "training_event_edit": "training_event",
    "training_event_remove": "training_event",
    "follow_up_edit": "follow_up",
    "provider_list": None,
    "provider_add": None,
    "provider_edit": "provider",
    "indicator_dashboard": None,
    "donor_summary": None,
    "indicator_records": None,
    "dashboard_export": None,
    "indicator_records_export": None,
    "target_periods": None,
    "target_period": "project_period",
    "my_exports": None,
    "export_request": "export",
    "export_download": "export",
    "learner_data_export": "learner",
    "two_factor": None,
    "two_factor_enrol": None,
    "two_factor_verify": None,
    "offline_sessions": None,
    "offline_token": None,
    "offline_manifest": None,
    "offline_submit": None,
    "offline_conflicts": None,
    "offline_resolve": "conflict",
}
# Arguments of pages without an object (the same for every centre: the scope comes from the user).
FIXED_KWARGS = {
    "indicator_records": {"key": "protective-services"},
    "dashboard_export": {"fmt": "csv"},
    "indicator_records_export": {"key": "protective-services", "fmt": "csv"},
}

# URLs whose POST changes records, and the centres each role may change.
WRITES = (
    "group_create",
    "learner_register",
    "group_edit",
    "sessions_plan",
    "members_add",
    "membership_end",
    "learner_edit",
    "learner_move",
    "learner_situation",
    "session_run",
    "session_scores",
    "session_cancel",
    "peer_promote",
    "peer_status",
    "peer_observe",
    "group_peer_leader",
    "project_propose",
    "project_approve",
    "project_log",
    "project_plan",
    "project_complete",
    "project_abandon",
    "service_add",
    "training_add",
    "training_update",
    "placement_add",
    "school_enrolment_add",
    "learner_transfer",
    "outcome_remove",
    "referral_add",
    "referral_detail",
    "community_group_create",
    "community_group_edit",
    "community_meeting_add",
    "sensitisation_event_add",
    "follow_up_add",
    "coordination_meeting_edit",
    "coordination_meeting_remove",
    "training_event_edit",
    "training_event_remove",
    "follow_up_edit",
    "provider_edit",
)
# A.'s project is already approved, so approving it again rightly changes nothing: no control for that write.
UNCONTROLLED = {"project_approve"}
CHANGES = {"facilitator_a": {"A"}, "facilitator_b": {"B"}, "admin": {"A", "B"}}
# Writes some other role may make too: programme managers keep every centre's directory of service providers.
ALSO_CHANGES = {"provider_edit": {"manager": {"A", "B"}}}
# What the peer educator may change, all in centre A: their group's sessions and their team's project.
PEER_WRITES = {"session_run", "session_scores", "project_propose", "project_log", "project_plan", "project_complete"}
READS = {"facilitator_a": {"A"}, "facilitator_b": {"B"}, "manager": {"A", "B"}, "admin": {"A", "B"}}

# Pages that name every centre, and nothing else of them: moving a learner offers the centres to move to.
NAMES_CENTRES = {"learner_transfer"}

# Top-level includes of lms.urls that are not these features (framework and content pages).
# The language choice (home.language) holds no records: tested in tests/lms/test_language.py; nor do the
# throttled password reset pages (home.accounts): tested in tests/lms/test_throttling.py.
NOT_RECORDS = {
    "django-admin/",
    "admin/",
    "documents/",
    "accounts/",
    "i18n/",
    "search/",
    "language/",
    "language/<str:code>/",
    "accounts/password_reset/",
    "admin/password_reset/",
    "sw.js",  # the service worker's source: the same file for everyone, no records
}

CENTRES = {
    "A": {"name": "Quetta drop-in", "code": "QTA", "groups": ["Alif Hawks", "Alif Owls"]},
    "B": {"name": "Pishin CFS", "code": "PSN", "groups": ["Bay Kites", "Bay Ravens"]},
}
FIRST_NAMES = {"A": ["Aimal", "Arsalan", "Ayaz"], "B": ["Babrak", "Bahram", "Bakhtiar"]}
# Learners trained as peer educators: the first is promoted (A) or nominated (B), the second is a candidate.
TRAINEES = {"A": ["Zarak", "Yasir"], "B": ["Bilawal", "Burhan"]}
PROJECTS = {"A": "Clean tap at Alif bus stand", "B": "Safe lane near Bay cinema"}
COMMUNITY_GROUPS = {"A": "Alif parents committee", "B": "Bay parents committee"}
PROVIDERS = {"A": "Alif street clinic", "B": "Bay legal aid desk"}
MEETINGS = {"A": "Alif district protection forum", "B": "Bay district protection forum"}
TRAININGS = {"A": "Alif caregivers on online safety", "B": "Bay caregivers on online safety"}
MISSING = {
    "group": 999_999,
    "membership": 999_999,
    "session": 999_999,
    "learner": "PSN-9999",
    "candidate": "PSN-9999",
    "peer_educator": 999_999,
    "project": 999_999,
    "training": 999_999,
    "service": 999_999,
    "referral": 999_999,
    "community_group": 999_999,
    "project_period": 999_999,
    "photo": 999_999,
    "conflict": 999_999,
    "placement": 999_999,
    "meeting": 999_999,
    "training_event": 999_999,
    "follow_up": 999_999,
    "provider": 999_999,
    "export": 999_999,
}
ARGUMENT = {
    "group": "group_id",
    "learner": "code",
    "candidate": "code",
    "session": "session_id",
    "peer_educator": "peer_id",
    "project": "project_id",
    "training": "training_id",
    "referral": "referral_id",
    "community_group": "group_id",
    "project_period": "pk",
    "conflict": "submission_id",
    "meeting": "meeting_id",
    "training_event": "training_id",
    "follow_up": "follow_up_id",
    "provider": "provider_id",
    "export": "pk",
}


# The world, built once for the module and rolled back at its end.


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Users in every role, two centres with their records, and a published curriculum."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict:
    """Build the two centres through the services, as the admin."""
    users = factories.role_users()
    users["facilitator_a"] = users.pop("facilitator")
    users["facilitator_b"] = factories.UserFactory(username="facilitator_b", role=roles.FACILITATORS)
    admin = users["admin"]
    curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
    factories.not_sensitive(curriculum["module"])  # a peer educator runs its sessions
    first_lesson, second_lesson = curriculum["lessons"]
    peer_module, peer_lessons = factories.topic_module(
        "Peer educator training",
        ["Leading a group", "Keeping everyone safe"],
        topic="peer-education",
        editor=users["editor"],
        reviewer=users["reviewer"],
    )
    today = timezone.localdate()
    centres = {}
    for key, spec in CENTRES.items():
        centre = factories.centre_with_staff(
            name=spec["name"], code=spec["code"], staff=[users[f"facilitator_{key.lower()}"]]
        )
        facilitator = users[f"facilitator_{key.lower()}"]
        built = factories.group_with_members(
            centre=centre,
            name=spec["groups"][0],
            facilitator=facilitator,
            modules=[curriculum["module"]],
            first_names=FIRST_NAMES[key][:2],
            acting_user=admin,
        )
        group = built["group"]
        other_group = factories.group_with_members(
            centre=centre,
            name=spec["groups"][1],
            facilitator=facilitator,
            modules=[curriculum["module"]],
            first_names=[],
            acting_user=admin,
        )["group"]
        spare = factories.consenting_learner(centre=centre, first_name=FIRST_NAMES[key][2], acting_user=admin)
        first, second = built["learners"]
        held = delivery.session_plan(
            group=group, lesson=second_lesson, date=today - datetime.timedelta(days=7), acting_user=admin
        )
        delivery.session_record(
            session=held,
            attendance={first.pk: Attendance.Status.PRESENT, second.pk: Attendance.Status.ABSENT},
            delivered_by=facilitator,
            acting_user=facilitator,
        )
        trainees = [
            factories.consenting_learner(centre=centre, first_name=name, acting_user=admin, age=17)
            for name in TRAINEES[key]
        ]
        training = factories.make_group(
            centre, facilitator, [peer_module], name=f"{spec['name']} trainees", acting_user=admin
        )
        factories.add_members(training, trainees, acting_user=admin)
        factories.train(training, peer_lessons, acting_user=facilitator, post=dict.fromkeys(trainees, 1))
        if key == "A":
            peer, _password = pathway.peer_educator_promote(
                learner=trainees[0], statement="Ready to lead.", mentor=facilitator, acting_user=facilitator
            )
            pathway.peer_group_assign(group=group, peer=peer, acting_user=facilitator)
            password_form = FirstPasswordForm(
                peer.user, {"new_password1": "a-peer-own-secret-7", "new_password2": "a-peer-own-secret-7"}
            )
            assert password_form.is_valid(), password_form.errors
            password_form.submit()
            users["peer"] = peer.user
            proposer = peer.user
        else:
            peer = pathway.peer_educator_nominate(learner=trainees[0], mentor=facilitator, acting_user=facilitator)
            proposer = facilitator
        project = pathway.project_propose(
            centre=centre,
            title=PROJECTS[key],
            problem="Children drink from a dirty tap.",
            goal="A clean tap and a sign.",
            place="The bus stand",
            team=[trainees[0], first],
            acting_user=proposer,
        )
        pathway.project_approve(project=project, comment="Go ahead", acting_user=admin)
        photo = pathway.activity_log_add(
            project=project,
            date=today,
            description="Cleaned the tap",
            reach={"children_male": 2},
            photo=factories.photo_upload(),
            no_child_identifiable=True,
            acting_user=facilitator,
        ).record.photos.get()
        service = evidence.service_record(
            learner=first, kind="counselling", date=today - datetime.timedelta(days=3), acting_user=facilitator
        )
        enrolment = evidence.training_enrol(
            learner=spare, trade=Trade.objects.order_by("pk").first(), enrolled_on=today, acting_user=facilitator
        )
        provider = ServiceProvider.objects.create(
            centre=centre, kind="health", name=PROVIDERS[key], phone="081-2000100"
        )
        referral = evidence.referral_record(
            learner=first,
            provider=provider,
            referred_on=today - datetime.timedelta(days=3),
            reason="health",
            acting_user=facilitator,
        ).record
        community_group = evidence.community_group_create(
            centre=centre,
            kind="pcc",
            name=COMMUNITY_GROUPS[key],
            members_male=4,
            members_female=5,
            acting_user=facilitator,
        )
        placed = JobPlacement.objects.create(
            learner=first,
            centre=centre,
            placed_on=today - datetime.timedelta(days=100),
            kind="employment",
            sector="Bakery",
            recorded_by=facilitator,
        )
        school = SchoolEnrolment.objects.create(
            learner=first, centre=centre, enrolled_on=today - datetime.timedelta(days=100), grade="4", recorded_by=admin
        )
        centres[key] = {
            "meeting": evidence.coordination_meeting_record(
                centre=centre,
                date=today - datetime.timedelta(days=2),
                level="district",
                title=MEETINGS[key],
                organisations="Social Welfare",
                topics="Referral pathway",
                acting_user=facilitator,
            ).record,
            "training_event": evidence.training_event_record(
                centre=centre,
                date=today - datetime.timedelta(days=2),
                audience="caregivers",
                topic=TRAININGS[key],
                participants_male=2,
                participants_female=6,
                acting_user=facilitator,
            ).record,
            "follow_up": evidence.follow_up_record(
                of=school, point=3, date=today - datetime.timedelta(days=5), still_there=True, acting_user=facilitator
            ).record,
            "centre": centre,
            "trainees": trainees,
            "peer_educator": peer,
            "project": project,
            "photo": photo,
            "service": service,
            "provider": provider,
            "referral": referral,
            "training": enrolment,
            "community_group": community_group,
            "placement": placed,
            "project_period": ProjectPeriod.objects.create(
                name=f"Period {key}", donor="Donor (invented)", starts_on=today, ends_on=today, centre=centre
            ),
            "export": ready_export(facilitator, key),
            "group": group,
            "other_group": other_group,
            "learner": first,
            "learners": built["learners"],
            "spare": spare,
            "membership": built["memberships"][1],
            "session": (
                session := delivery.session_plan(group=group, lesson=first_lesson, date=today, acting_user=admin)
            ),
            # A phone's submission that met someone else's record, waiting for a decision.
            "conflict": OfflineSubmission.objects.create(
                client_id=uuid.uuid4(),
                user=facilitator,
                session=session,
                kind="attendance",
                data={str(first.pk): "absent"},
                conflicts={str(first.pk): {"mine": "absent", "theirs": "present", "by": admin.pk}},
                status="conflict",
            ),
            "secrets": [
                spec["name"],
                *spec["groups"],
                *FIRST_NAMES[key],
                *(x.code for x in [*built["learners"], spare]),
                training.name,
                *TRAINEES[key],
                *(x.code for x in trainees),
                PROJECTS[key],
                COMMUNITY_GROUPS[key],
                PROVIDERS[key],
                MEETINGS[key],
                TRAININGS[key],
            ],
            # What the peer educator may see of their own centre: their group, its members, their project.
            "seen_by_peer": [
                spec["name"],
                spec["groups"][0],
                *FIRST_NAMES[key][:2],
                *(x.code for x in built["learners"]),
                training.name,
                TRAINEES[key][0],
                trainees[0].code,
                PROJECTS[key],
            ]
            if key == "A"
            else [],
        }
    return {"users": users, "centres": centres, "curriculum": curriculum}


def ready_export(owner: User, key: str) -> ExportRequest:
    """An Excel file the centre's facilitator asked for, prepared and not yet expired."""
    file_name = private_storage().save(f"exports/matrix-{key}.xlsx", ContentFile(b"PK prepared file"))
    return ExportRequest.objects.create(
        user=owner,
        what="dashboard",
        parameters={"centres": []},
        status=ExportRequest.Status.READY,
        title=f"Indicators of centre {key}",
        download_name=f"indicators-{key}.xlsx",
        file_name=file_name,
        rows=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


def url_kwargs(world, name: str, key: str | None) -> dict:
    """The URL arguments pointing at the object of a URL in centre `key` (or at nothing)."""
    kind = OBJECT[name]
    if kind is None:
        return FIXED_KWARGS.get(name, {})
    objects = world["centres"][key]
    if kind == "group":
        return {"group_id": objects["group"].pk}
    if kind == "membership":
        return {"group_id": objects["group"].pk, "membership_id": objects["membership"].pk}
    if kind == "learner":
        return {"code": objects["learner"].code}
    if kind == "candidate":
        return {"code": objects["trainees"][1].code}
    if kind == "peer_educator":
        return {"peer_id": objects["peer_educator"].pk}
    if kind == "project":
        return {"project_id": objects["project"].pk}
    if kind == "training":
        return {"training_id": objects["training"].pk}
    if kind == "service":
        return {"kind": "service", "record_id": objects["service"].pk}
    if kind == "referral":
        return {"referral_id": objects["referral"].pk}
    if kind == "community_group":
        return {"group_id": objects["community_group"].pk}
    if kind == "project_period":
        return {"pk": objects["project_period"].pk}
    if kind == "photo":
        return {"project_id": objects["project"].pk, "photo_id": objects["photo"].pk, "size": "thumbnail"}
    if kind == "conflict":
        return {"submission_id": objects["conflict"].pk}
    if kind == "placement":
        return {"kind": "job", "record_id": objects["placement"].pk, "point": 3}
    if kind in ("meeting", "training_event", "follow_up", "provider", "export"):
        return {ARGUMENT[kind]: objects[kind].pk}
    return {"session_id": objects["session"].pk}


def missing_kwargs(name: str) -> dict:
    """URL arguments for an object of the URL's kind that does not exist."""
    kind = OBJECT[name]
    if kind == "membership":
        return {"group_id": MISSING["group"], "membership_id": MISSING["membership"]}
    if kind == "service":
        return {"kind": "service", "record_id": MISSING["service"]}
    if kind == "placement":
        return {"kind": "job", "record_id": MISSING["placement"], "point": 3}
    if kind == "photo":
        return {"project_id": MISSING["project"], "photo_id": MISSING["photo"], "size": "thumbnail"}
    return {ARGUMENT[kind]: MISSING[kind]}


def post_data(world, name: str, key: str) -> dict:
    """A POST that the facilitator of centre `key` may make and that changes something there."""
    objects = world["centres"][key]
    centre, group = objects["centre"], objects["group"]
    other_centre = world["centres"]["B" if key == "A" else "A"]["centre"]
    facilitator = world["users"][f"facilitator_{key.lower()}"]
    today = timezone.localdate()
    learner = {
        "first_name": "Newname",
        "sex": "m",
        "birth_year": today.year - 12,
        "age_band": "",
        "joined_on": today.isoformat(),
        "guardian_consent_on": today.isoformat(),
        "child_assent_on": today.isoformat(),
    }
    module = world["curriculum"]["module"].pk
    soon = (today + datetime.timedelta(days=7)).isoformat()
    no_reach = dict.fromkeys(ActivityLog.REACH_FIELDS, 0)
    ratings = {"preparation": 3, "participation": 3, "child_safe": 4, "key_messages": 2}
    return {
        "group_create": {"centre": centre.pk, "name": "Newcomers", "facilitator": facilitator.pk, "modules": [module]},
        "learner_register": {"centre": centre.pk, **learner, "situation": "other"},
        "group_edit": {"name": "Renamed", "facilitator": facilitator.pk, "modules": [module], "is_active": "on"},
        "sessions_plan": {
            "plan": "lesson",
            "one-lesson": world["curriculum"]["lessons"][1].pk,
            "one-date": (today + datetime.timedelta(days=3)).isoformat(),
        },
        "members_add": {"learners": [objects["spare"].pk], "joined_on": today.isoformat()},
        "membership_end": {"left_on": today.isoformat()},
        "learner_edit": {**learner, "status": "active"},
        "learner_move": {"from_group": group.pk, "to_group": objects["other_group"].pk, "on": today.isoformat()},
        "learner_situation": {
            "situation": "at_risk",
            "risk_kinds": ["street", "hotels"],
            "recorded_on": today.isoformat(),
        },
        "session_run": {**{f"status_{x.pk}": "absent" for x in objects["learners"]}, "notes": "Rain"},
        "session_scores": {f"pre_{x.pk}": 1 for x in objects["learners"]},
        "session_cancel": {"reason": "Flooded road"},
        "peer_promote": {"statement": "Ready to lead.", "mentor": facilitator.pk},
        "peer_status": {"status": "paused", "note": "Exams this month"},
        "peer_observe": {"observed_on": today.isoformat(), "session": "", "feedback": "Well prepared.", **ratings},
        "group_peer_leader": {"peer": ""},
        "project_propose": {
            "title": "Litter-free lane",
            "problem": "Litter",
            "goal": "A clean lane",
            "place": "Main bazaar",
            "team": [objects["learner"].pk],
        },
        "project_approve": {"comment": "Fine"},
        "project_log": {"date": today.isoformat(), "description": "Talked to parents", **no_reach, "parents_male": 3},
        "project_plan": {"title": "Paint the sign", "target_date": soon},
        "project_complete": {"changed": "The tap is clean", "learned": "Plan ahead"},
        "project_abandon": {"reason": "No time"},
        # services, training and outcomes: on the learner of the first group (joined weeks ago), today
        "service_add": {"kind": "medical", "date": today.isoformat(), "provider": ""},
        "training_add": {
            "trade": Trade.objects.filter(is_active=True).order_by("pk").first().pk,
            "enrolled_on": today.isoformat(),
        },
        "training_update": {"completed_on": today.isoformat(), "certified_on": "", "certifying_board": ""},
        "placement_add": {"placed_on": today.isoformat(), "kind": "apprentice", "trade": "", "sector": "Bakery"},
        "school_enrolment_add": {"enrolled_on": today.isoformat(), "grade": "3"},
        "learner_transfer": {"to_centre": other_centre.pk, "moved_on": today.isoformat()},
        "outcome_remove": {},
        "follow_up_add": {"date": today.isoformat(), "still_there": "yes", "earnings": "lt10k"},
        "coordination_meeting_edit": {
            "date": today.isoformat(),
            "level": "provincial",
            "title": "Renamed forum",
            "organisations": "Police",
            "topics": "Safety",
            "decisions": "",
        },
        "coordination_meeting_remove": {},
        "training_event_edit": {
            "date": today.isoformat(),
            "audience": "staff",
            "topic": "Renamed topic",
            "participants_male": 2,
            "participants_female": 3,
        },
        "training_event_remove": {},
        "follow_up_edit": {"date": today.isoformat(), "still_there": "no"},
        "provider_edit": {
            "kind": "health",
            "name": "Renamed clinic",
            "area": "",
            "phone": "081-2000101",
            "show_in_help": "",
            "is_active": "on",
        },
        "referral_add": {
            "provider": objects["provider"].pk,
            "referred_on": today.isoformat(),
            "reason": "health",
            "follow_up_on": "",
        },
        "referral_detail": {"on": today.isoformat(), "outcome": "received", "next_follow_up_on": ""},
        # community structures
        "community_group_create": {
            "centre": centre.pk,
            "kind": "pcc",
            "name": "New mothers committee",
            "formed_on": "",
            "members_male": 2,
            "members_female": 3,
        },
        "community_group_edit": {
            "kind": "pcc",
            "name": "Renamed committee",
            "formed_on": "",
            "members_male": 4,
            "members_female": 6,
            "is_active": "on",
        },
        "community_meeting_add": {"date": today.isoformat(), "topics": "Child rights", "attendance": 7},
        "sensitisation_event_add": {
            "centre": centre.pk,
            "date": today.isoformat(),
            "audience": "elders",
            "participants_male": 3,
            "participants_female": 4,
            "topics": "Child rights",
        },
    }[name]


def fingerprint() -> list:
    """Every records row and the number of audit entries: equal before and after means nothing changed."""
    models = [
        Centre,
        StaffAssignment,
        Learner,
        Group,
        Membership,
        GroupModule,
        Session,
        Attendance,
        LessonProgress,
        QuizResult,
        PeerEducator,
        StatusChange,
        Observation,
        Project,
        ProjectMember,
        PlannedActivity,
        ActivityLog,
        ActivityPhoto,
        ServiceRecord,
        ServiceProvider,
        Referral,
        ReferralFollowUp,
        TrainingEnrolment,
        JobPlacement,
        SchoolEnrolment,
        CentreTransfer,
        CommunityGroup,
        CommunityGroup.learner_members.through,
        CommunityMeeting,
        SensitisationEvent,
        CoordinationMeeting,
        TrainingEvent,
        PlacementFollowUp,
        LearnerSituation,
        User.groups.through,
    ]
    rows = [list(model.objects.order_by("pk").values_list()) for model in models]
    accounts = list(User.objects.order_by("pk").values_list("pk", "username", "is_active", "password"))
    return [*rows, accounts, ModelLogEntry.objects.count()]


def sign_in(client, world, role: str) -> None:
    """Sign the test client in as the role's user (anonymous stays signed out)."""
    if role != "anonymous":
        client.force_login(world["users"][role])


def leaked(world, role: str, body: str) -> list[str]:
    """Names and codes of centres outside the role's reading scope that appear in a page (for the peer
    educator: everything but their own group, its members and their project)."""
    outside = set(CENTRES) - READS.get(role, set())
    secrets = [secret for key in sorted(outside) for secret in world["centres"][key]["secrets"]]
    if role == "peer":
        secrets = [secret for secret in secrets if secret not in world["centres"]["A"]["seen_by_peer"]]
    return [secret for secret in secrets if secret in body]


def body_of(response) -> str:
    """A page's text, or a streamed download's (CSV); a photo has no text."""
    if response["Content-Type"].startswith("image/"):
        return ""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def may_change(role: str, name: str, key: str) -> bool:
    """Whether the role may make this write on centre `key`'s object."""
    if role == "peer":
        return key == "A" and name in PEER_WRITES
    return key in CHANGES.get(role, set()) | ALSO_CHANGES.get(name, {}).get(role, set())


def describe(response) -> str:
    """A response's status and, for a redirect, where to."""
    if response.status_code in (301, 302):
        return f"{response.status_code} to {response.url}"
    return str(response.status_code)


def expected_get(name: str, role: str, key: str | None) -> tuple[int, str | None]:
    """The expected status and, for redirects, where to (a prefix)."""
    return expected_answer(MATRIX[name][ROLES.index(role)], key)


def expected_answer(cell: str, key: str | None) -> tuple[int, str | None]:
    """The status and, for redirects, where to (a prefix), that a cell of a matrix stands for."""
    if cell == TO_ENROL:
        return 302, reverse("two_factor_enrol") + "?next="
    if cell == LOGIN:
        return 302, reverse("login") + "?next="
    if cell == TO_ADMIN:
        return 302, reverse("wagtailadmin_home")
    if cell == TO_HOME:
        return 302, "/"
    if cell == TO_DASHBOARD:
        return 302, reverse("dashboard")
    if cell == TO_PEER_HOME:
        return 302, reverse("peer_home")
    if cell in (OK, NO, SIGN_IN_AGAIN, POST_ONLY):
        return int(cell), None
    return (200 if key in cell else 404), None


def get_cases():
    """One case per URL, role and object (A, B, or none)."""
    for name in MATRIX:
        for role in ROLES:
            for key in ("A", "B") if OBJECT[name] else (None,):
                yield pytest.param(name, role, key, id=f"{name}-{role}-{key or 'none'}")


def post_cases():
    """One case per writing URL and object, for every role that may not change that centre."""
    for name in WRITES:
        for key in ("A", "B"):
            for role in ROLES:
                if not may_change(role, name, key):
                    yield pytest.param(name, role, key, id=f"{name}-{role}-{key}")


def control_cases():
    """One case per writing URL on A's object, for the roles that may make it there."""
    for name in WRITES:
        if name in UNCONTROLLED:
            continue
        for role in ("facilitator_a", "peer", "admin"):
            if may_change(role, name, "A"):
                yield pytest.param(name, role, id=f"{name}-{role}")


def write_url(world, name: str, key: str) -> str:
    """The URL a write is posted to (a proposal names its centre for users with several)."""
    url = reverse(name, kwargs=url_kwargs(world, name, key))
    if name == "project_propose":
        url += f"?centre={world['centres'][key]['centre'].pk}"
    return url


# The matrix itself.


def test_the_matrix_is_well_formed():
    assert set(MATRIX) == set(OBJECT)
    for name, cells in MATRIX.items():
        assert len(cells) == len(ROLES), name
        allowed = (
            {LOGIN, NO, A, B, AB}
            if OBJECT[name]
            else {LOGIN, NO, OK, TO_ADMIN, TO_HOME, TO_DASHBOARD, TO_PEER_HOME, SIGN_IN_AGAIN, POST_ONLY}
        )
        assert set(cells) <= allowed, name


def test_every_records_url_is_in_the_matrix():
    """Adding a page to these features (or a new app's URLs) without adding it to the matrix fails here."""

    def names(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                if not prefix and (str(pattern.pattern) in NOT_RECORDS or module.startswith("wagtail")):
                    continue
                yield from names(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                if not prefix and str(pattern.pattern) in NOT_RECORDS:
                    continue
                yield pattern.name or f"<unnamed {route}>"

    found = set(names(get_resolver().url_patterns))
    assert found - set(MATRIX) == set(), "URLs missing from the access matrix"
    assert set(MATRIX) - found == set(), "URLs in the access matrix that no longer exist"


# Reading: every URL, as every role, on objects of both centres.


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "key"), list(get_cases()))
def test_get(client, world, name, role, key):
    sign_in(client, world, role)
    url = reverse(name, kwargs=url_kwargs(world, name, key))
    status, location = expected_get(name, role, key)
    response = client.get(url)
    case = f"GET {name} ({url}) as {role} on {key or 'no object'}"
    assert response.status_code == status, f"{case}: expected {status}, got {describe(response)}"
    if location is not None:
        assert response.url.startswith(location), f"{case}: expected a redirect to {location}, got {response.url}"
    if status == 200:
        found = leaked(world, role, body_of(response))
        if name in NAMES_CENTRES:
            found = [secret for secret in found if secret not in {spec["name"] for spec in CENTRES.values()}]
        assert not found, f"{case}: the page shows {found}, from a centre outside the role's scope"


# Writing: every write, as every role that may not make it, changes nothing.


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "key"), list(post_cases()))
def test_post_out_of_scope_changes_nothing(client, world, name, role, key):
    sign_in(client, world, role)
    url = write_url(world, name, key)
    before = fingerprint()
    response = client.post(url, post_data(world, name, key))
    case = f"POST {name} ({url}) as {role} on {key}"
    if role == "anonymous":
        assert response.status_code == 302, f"{case}: expected a redirect to sign in, got {describe(response)}"
        assert response.url.startswith(reverse("login")), f"{case}: redirected to {response.url}"
    elif OBJECT[name] is None and (role.startswith("facilitator") or (role == "peer" and name in PEER_WRITES)):
        # A facilitator of the other centre (or the peer educator) reaches the form, but cannot choose this centre.
        assert response.status_code == 200, f"{case}: expected the form again with an error, got {describe(response)}"
    else:
        assert response.status_code == 404, f"{case}: expected 404, got {describe(response)}"
    assert fingerprint() == before, f"{case}: records changed"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), list(control_cases()))
def test_the_same_post_by_someone_who_may_changes_something(client, world, name, role):
    """The control for the test above: its POSTs are real changes when the centre's staff (or, for their
    group and project, the peer educator) make them."""
    sign_in(client, world, role)
    url = write_url(world, name, "A")
    before = fingerprint()
    response = client.post(url, post_data(world, name, "A"))
    # Promotion answers with the one-time password on the page itself, never through a redirect.
    success = 200 if name == "peer_promote" else 302
    assert response.status_code == success, f"POST {name} as {role}: expected success, got {describe(response)}"
    assert fingerprint() != before, f"POST {name} as {role}: nothing changed"


# A 404 for an object outside the scope is the same as for an object that does not exist.


def normalised(response, url: str) -> str:
    """The page, without what differs between any two requests (CSRF tokens, the requested path)."""
    body = response.content.decode().replace(url, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', body)


def not_found_cases():
    """Object URLs as facilitator A on B's objects, and as the manager and an editor on A's."""
    for name, kind in OBJECT.items():
        if kind is None:
            continue
        yield pytest.param(name, "facilitator_a", "B", id=f"{name}-facilitator_a-B")
        yield pytest.param(name, "editor", "A", id=f"{name}-editor-A")
        yield pytest.param(name, "peer", "B", id=f"{name}-peer-B")
        for role in ("manager", "peer"):
            if MATRIX[name][ROLES.index(role)] == NO:
                yield pytest.param(name, role, "A", id=f"{name}-{role}-A")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "key"), list(not_found_cases()))
def test_an_object_out_of_scope_looks_like_one_that_does_not_exist(client, world, name, role, key):
    sign_in(client, world, role)
    outside_url = reverse(name, kwargs=url_kwargs(world, name, key))
    missing_url = reverse(name, kwargs=missing_kwargs(name))
    outside, missing = client.get(outside_url), client.get(missing_url)
    case = f"GET {name} as {role} on {key}"
    assert (outside.status_code, missing.status_code) == (404, 404), case
    assert normalised(outside, outside_url) == normalised(missing, missing_url), f"{case}: the 404 pages differ"
    # The page may repeat the address the user asked for, but nothing else about the object.
    own = world["centres"][key]["seen_by_peer"] if role == "peer" else []  # their own name, for one
    found = [s for s in world["centres"][key]["secrets"] if s not in own and s in normalised(outside, outside_url)]
    assert not found, f"{case}: the 404 page names {found}"


# Reaching into another centre from a page of one's own.


@pytest.mark.django_db
def test_facilitator_cannot_end_another_centres_membership_through_their_own_group(client, world):
    sign_in(client, world, "facilitator_a")
    kwargs = {"group_id": world["centres"]["A"]["group"].pk, "membership_id": world["centres"]["B"]["membership"].pk}
    before = fingerprint()
    assert client.get(reverse("membership_end", kwargs=kwargs)).status_code == 404
    response = client.post(reverse("membership_end", kwargs=kwargs), {"left_on": timezone.localdate().isoformat()})
    assert response.status_code == 404
    assert fingerprint() == before


def cross_centre_posts(world) -> dict:
    """POSTs by facilitator A, on A's pages, that name B's centre, learners or groups."""
    a, b = world["centres"]["A"], world["centres"]["B"]
    today = timezone.localdate().isoformat()
    group_create = post_data(world, "group_create", "A") | {"centre": b["centre"].pk}
    learner_register = post_data(world, "learner_register", "A") | {"centre": b["centre"].pk}
    return {
        "group in B": ("group_create", {}, group_create),
        "learner in B": ("learner_register", {}, learner_register),
        "B's facilitator": (
            "group_edit",
            {"group_id": a["group"].pk},
            post_data(world, "group_edit", "A") | {"facilitator": world["users"]["facilitator_b"].pk},
        ),
        "B's learner as a member": (
            "members_add",
            {"group_id": a["group"].pk},
            {"learners": [b["spare"].pk], "joined_on": today},
        ),
        "to B's group": (
            "learner_move",
            {"code": a["learner"].code},
            {"from_group": a["group"].pk, "to_group": b["other_group"].pk, "on": today},
        ),
        "from B's group": (
            "learner_move",
            {"code": a["learner"].code},
            {"from_group": b["group"].pk, "to_group": a["other_group"].pk, "on": today},
        ),
        "attendance of B's learner": (
            "session_run",
            {"session_id": a["session"].pk},
            {**post_data(world, "session_run", "A"), f"status_{b['spare'].pk}": "present"},
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "what",
    [
        "group in B",
        "learner in B",
        "B's facilitator",
        "B's learner as a member",
        "to B's group",
        "from B's group",
        "attendance of B's learner",
    ],
)
def test_facilitator_cannot_reach_another_centre_from_their_own_pages(client, world, what):
    sign_in(client, world, "facilitator_a")
    name, kwargs, data = cross_centre_posts(world)[what]
    before = fingerprint()
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 200, f"POST {name} naming {what}: expected the form with an error"
    assert fingerprint() == before, f"POST {name} naming {what}: records changed"
    found = leaked(world, "facilitator_a", response.content.decode())
    assert not found, f"POST {name} naming {what}: the page shows {found}"


# Two-factor sign-in with LMS_REQUIRE_2FA on (production): every role but the peer educator is sent to set up
# an app before anything else; the administrators' reset pages in the Wagtail admin are theirs alone.

TWO_FACTOR_REQUIRED = {
    # url name          anonymous nobody    editor    reviewer  peer          fac. A    fac. B    manager   admin
    "two_factor":       (LOGIN,   TO_ENROL, TO_ENROL, TO_ENROL, TO_DASHBOARD, TO_ENROL, TO_ENROL, TO_ENROL, TO_ENROL),
    "two_factor_enrol": (LOGIN,   OK,       OK,       OK,       TO_DASHBOARD, OK,       OK,       OK,       OK),
    "two_factor_verify": (LOGIN,  TO_ENROL, TO_ENROL, TO_ENROL, TO_DASHBOARD, TO_ENROL, TO_ENROL, TO_ENROL, TO_ENROL),
    "dashboard":        (LOGIN,   TO_ENROL, TO_ENROL, TO_ENROL, TO_PEER_HOME, TO_ENROL, TO_ENROL, TO_ENROL, TO_ENROL),
    "group_list":       (LOGIN,   TO_ENROL, TO_ENROL, TO_ENROL, NO,           TO_ENROL, TO_ENROL, TO_ENROL, TO_ENROL),
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), [(name, role) for name in TWO_FACTOR_REQUIRED for role in ROLES])
def test_two_factor_pages_with_the_second_factor_required(client, world, settings, name, role):
    settings.LMS_REQUIRE_2FA = True
    sign_in(client, world, role)
    status, location = expected_answer(TWO_FACTOR_REQUIRED[name][ROLES.index(role)], None)
    response = client.get(reverse(name))
    case = f"GET {name} as {role} with two-factor sign-in required"
    assert response.status_code == status, f"{case}: expected {status}, got {describe(response)}"
    if location is not None:
        assert response.url.startswith(location), f"{case}: expected a redirect to {location}, got {response.url}"


# Expected answer to the administrators' two-factor pages (Wagtail admin): the reset is theirs alone; admin
# users of other roles get 404, users without the admin its sign-in page.
TWO_FACTOR_ADMIN = dict(zip(ROLES, (LOGIN, LOGIN, NO, NO, LOGIN, LOGIN, LOGIN, NO, OK), strict=True))


# The help contacts, edited in the Wagtail admin: programme managers and administrators only.

HELP_CONTACT_VIEWS = ("list", "add", "edit")
EDITS_HELP_CONTACTS = {"manager", "admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["two_factor_accounts", "two_factor_reset"])
def test_only_administrators_reach_the_two_factor_reset(client, world, role, page):
    sign_in(client, world, role)
    target = world["users"]["facilitator_a"]
    url = reverse(page, args=[target.pk]) if page == "two_factor_reset" else reverse(page)
    before = fingerprint()
    cell = TWO_FACTOR_ADMIN[role]
    for response in (client.get(url), client.post(url)):
        case = f"{response.request['REQUEST_METHOD']} {page} as {role}"
        if cell == LOGIN:
            assert response.status_code == 302, f"{case}: expected the admin's sign-in, got {describe(response)}"
            assert response.url.startswith(reverse("wagtailadmin_login")), f"{case}: went to {response.url}"
        elif cell == NO:
            assert response.status_code == 404, f"{case}: expected 404, got {describe(response)}"
    if cell != OK:
        assert fingerprint() == before, f"{page} as {role}: records changed"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", HELP_CONTACT_VIEWS)
def test_only_programme_managers_and_administrators_open_the_help_contacts_admin(client, world, role, view):
    contact = HelpContact.objects.create(
        centre=world["centres"]["A"]["centre"], name="Alif centre", phone="081-2000101"
    )
    args = [contact.pk] if view == "edit" else []
    url = reverse(f"wagtailsnippets_learners_helpcontact:{view}", args=args)
    sign_in(client, world, role)
    response = client.get(url)
    case = f"GET help contacts {view} as {role}"
    if role in EDITS_HELP_CONTACTS:
        assert response.status_code == 200, f"{case}: expected 200, got {describe(response)}"
    else:
        assert response.status_code in (302, 403), f"{case}: expected a refusal, got {describe(response)}"
        assert response.status_code == 403 or "/admin/" in response.url, f"{case}: redirected to {response.url}"
        assert "Alif centre" not in response.content.decode(), case


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role not in EDITS_HELP_CONTACTS])
def test_nobody_else_changes_a_help_contact(client, world, role):
    contact = HelpContact.objects.create(
        centre=world["centres"]["A"]["centre"], name="Alif centre", phone="081-2000101"
    )
    sign_in(client, world, role)
    data = {"centre": contact.centre_id, "kind": "centre", "name": "Alif centre", "phone": "081-9999999", "order": 0}
    client.post(reverse("wagtailsnippets_learners_helpcontact:edit", args=[contact.pk]), data)
    contact.refresh_from_db()
    assert contact.phone == "081-2000101", f"POST help contact edit as {role} changed it"
