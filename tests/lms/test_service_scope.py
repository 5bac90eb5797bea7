"""Every service that takes an acting user refuses one outside its scope (lms.access.require_in), and writes
nothing: called by a facilitator of another centre and by a programme manager (who reads but never changes),
each service raises OutOfScope and no row of any record, and no audit entry, appears or changes.

The list of services is read from the service modules, so a new service without a case here fails the test.
"""

import datetime
import importlib
import inspect

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses import services as delivery
from learners import services as registry
from learners.models import (
    CommunityGroup,
    JobPlacement,
    Learner,
    SensitisationEvent,
    ServiceProvider,
    ServiceRecord,
    Trade,
)
from lms import access, roles
from peer_educators import services as pathway
from peer_educators.models import PeerEducator
from reports.models import ProjectPeriod
from tests import factories
from tests.factories import UserFactory, centre_with_staff, days_ago

SERVICE_MODULES = [
    "learners.services.registry",
    "learners.services.outcomes",
    "learners.services.community",
    "learners.services.coordination",
    "learners.services.referrals",
    "courses.services",
    "peer_educators.services.pathway",
    "peer_educators.services.projects",
    "reports.services",
]
RECORD_APPS = ["learners", "courses", "peer_educators", "reports", "wagtailimages", "auth"]


def services_taking_an_acting_user() -> dict[str, object]:
    """Every public function of the service modules with an `acting_user` keyword, by name."""
    found = {}
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module_name:
                continue
            if "acting_user" in inspect.signature(function).parameters:
                found[name] = function
    return found


@pytest.fixture
def world(db):
    """Centre A with its facilitator, a learner in a group, a held and a planned session, a peer educator,
    outcome and community records and a proposed project; centre B with its own facilitator; a manager."""
    users = factories.role_users()
    facilitator, admin = users["facilitator"], users["admin"]
    other = UserFactory(username="facilitator-b", role=roles.FACILITATORS)
    home = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    away = centre_with_staff(name="Kuchlak CFS", code="KCH", staff=[other])
    module, lessons = factories.published_module(
        "Staying safe", ["Saying no"], editor=users["editor"], reviewer=users["reviewer"], quiz=True
    )
    group = factories.make_group(home, facilitator, [module], name="Stars")
    second = factories.make_group(home, facilitator, [module], name="Moons")
    learner = factories.consenting_learner(centre=home, first_name="Asad", acting_user=facilitator)
    youth = factories.consenting_learner(centre=home, first_name="Zarak", acting_user=facilitator, age=17)
    [membership] = factories.add_members(group, [learner], acting_user=facilitator)
    held = factories.held_session(group=group, lesson=lessons[0], day=days_ago(2), acting_user=facilitator)
    planned = delivery.session_plan(group=group, lesson=lessons[0], date=days_ago(-3), acting_user=facilitator)
    peer_user = UserFactory(username="peer-a", role=roles.PEER_EDUCATORS)
    peer = PeerEducator.objects.create(learner=youth, user=peer_user, mentor=facilitator, status="active")
    trade = Trade.objects.get_or_create(name="Tailoring")[0]
    provider = ServiceProvider.objects.create(centre=home, kind="health", name="Clinic", phone="081-2000111")
    project = pathway.project_propose(
        centre=home, title="Clean tap", problem="Dirty", goal="Clean", place="Bazaar", team=[youth], acting_user=admin
    )
    return {
        "users": users,
        "facilitator": facilitator,
        "outsiders": [other, users["manager"]],
        "home": home,
        "away": away,
        "module": module,
        "lesson": lessons[0],
        "group": group,
        "second": second,
        "learner": learner,
        "membership": membership,
        "held": held,
        "planned": planned,
        "peer": peer,
        "trade": trade,
        "training": registry.training_enrol(
            learner=learner, trade=trade, enrolled_on=days_ago(5), acting_user=facilitator
        ),
        "service": registry.service_record(
            learner=learner, kind=ServiceRecord.Kind.MEDICAL, date=days_ago(3), acting_user=facilitator
        ),
        "community": registry.community_group_create(
            centre=home, kind=CommunityGroup.Kind.PCC, name="Parents", acting_user=facilitator
        ),
        "project": project,
        "placement": JobPlacement.objects.create(
            learner=learner,
            centre=home,
            placed_on=days_ago(100),
            kind=JobPlacement.Kind.EMPLOYMENT,
            trade=trade,
            recorded_by=facilitator,
        ),
        "period": ProjectPeriod.objects.create(
            name="Donor year", donor="Fund", starts_on=days_ago(30), ends_on=days_ago(-300)
        ),
        "provider": provider,
        "referral": registry.referral_record(
            learner=learner, provider=provider, referred_on=days_ago(4), reason="health", acting_user=facilitator
        ).record,
    }


TODAY = timezone.localdate
RATINGS = {"preparation": 3, "participation": 3, "child_safe": 4, "key_messages": 2}

# For each service: its keyword arguments (but acting_user), aimed at centre A's records.
CASES = {
    # learners: the registry
    "learner_register": lambda w: {
        "centre": w["home"],
        "first_name": "Karim",
        "sex": Learner.Sex.MALE,
        "joined_on": TODAY(),
        "birth_year": TODAY().year - 10,
    },
    "learner_update": lambda w: {"learner": w["learner"], "first_name": "Renamed"},
    "learner_situation_record": lambda w: {
        "learner": w["learner"],
        "situation": "at_risk",
        "risk_kinds": ["street"],
        "recorded_on": TODAY(),
    },
    "group_create": lambda w: {"centre": w["home"], "name": "Suns", "facilitator": w["facilitator"]},
    "group_update": lambda w: {"group": w["group"], "name": "Renamed"},
    "membership_add": lambda w: {"group": w["second"], "learner": w["learner"], "joined_on": TODAY()},
    "memberships_add": lambda w: {"group": w["second"], "learners": [w["learner"]], "joined_on": TODAY()},
    "membership_end": lambda w: {"membership": w["membership"], "left_on": TODAY()},
    "learner_move": lambda w: {
        "learner": w["learner"],
        "from_group": w["group"],
        "to_group": w["second"],
        "on": TODAY(),
    },
    # learners: outcomes
    "service_record": lambda w: {"learner": w["learner"], "kind": ServiceRecord.Kind.EDUCATION, "date": TODAY()},
    "services_record_for_group": lambda w: {
        "centre": w["home"],
        "learners": [w["learner"]],
        "kind": ServiceRecord.Kind.RECREATION,
        "date": TODAY(),
    },
    "training_enrol": lambda w: {"learner": w["learner"], "trade": w["trade"], "enrolled_on": TODAY()},
    "training_update": lambda w: {"training": w["training"], "completed_on": TODAY()},
    "placement_record": lambda w: {
        "learner": w["learner"],
        "placed_on": TODAY(),
        "kind": JobPlacement.Kind.EMPLOYMENT,
        "trade": w["trade"],
    },
    "school_enrolment_record": lambda w: {"learner": w["learner"], "enrolled_on": TODAY(), "grade": "3"},
    "learner_transfer": lambda w: {"learner": w["learner"], "to_centre": w["away"], "moved_on": TODAY()},
    "outcome_remove": lambda w: {"record": w["service"]},
    # learners: referrals
    "referral_record": lambda w: {
        "learner": w["learner"],
        "provider": w["provider"],
        "referred_on": TODAY(),
        "reason": "health",
    },
    "referral_follow_up": lambda w: {"referral": w["referral"], "on": TODAY(), "outcome": "received"},
    # learners: community
    "community_group_create": lambda w: {"centre": w["home"], "kind": CommunityGroup.Kind.PCC, "name": "Elders"},
    "community_group_update": lambda w: {"group": w["community"], "name": "Renamed"},
    "community_meeting_record": lambda w: {
        "group": w["community"],
        "date": TODAY(),
        "topics": "Safety",
        "attendance": 9,
    },
    "sensitisation_event_record": lambda w: {
        "centre": w["home"],
        "date": TODAY(),
        "audience": SensitisationEvent.Audience.PARENTS,
        "participants_male": 3,
        "participants_female": 4,
        "topics": "Safety",
    },
    # learners: coordination, trainings, follow-ups
    "coordination_meeting_record": lambda w: {
        "centre": w["home"],
        "date": TODAY(),
        "level": "district",
        "title": "District Child Protection Committee",
        "organisations": "Social Welfare",
        "topics": "Referrals",
    },
    "training_event_record": lambda w: {
        "centre": w["home"],
        "date": TODAY(),
        "audience": "caregivers",
        "topic": "Positive parenting",
        "participants_male": 3,
        "participants_female": 9,
    },
    "follow_up_record": lambda w: {
        "of": w["placement"],
        "point": 3,
        "date": TODAY(),
        "still_there": True,
        "earnings": "10-20k",
    },
    # courses: delivery
    "group_modules_set": lambda w: {"group": w["group"], "modules": []},
    "group_save": lambda w: {
        "group": w["group"],
        "name": "Renamed",
        "facilitator": w["facilitator"],
        "modules": [w["module"]],
    },
    "session_plan": lambda w: {"group": w["group"], "lesson": w["lesson"], "date": TODAY()},
    "sessions_plan_module": lambda w: {
        "group": w["second"],
        "module": w["module"],
        "first_date": TODAY() + datetime.timedelta(days=1),
    },
    "session_record": lambda w: {
        "session": w["held"],
        "attendance": {w["learner"].pk: "absent"},
        "delivered_by": w["facilitator"],
    },
    "session_cancel": lambda w: {"session": w["planned"], "reason": "Flooding"},
    "quiz_results_record": lambda w: {"session": w["held"], "scores": {w["learner"].pk: {"pre": 0, "post": 1}}},
    # peer educators: the pathway
    "peer_educator_nominate": lambda w: {"learner": w["learner"], "mentor": w["facilitator"]},
    "peer_educator_promote": lambda w: {"learner": w["learner"], "statement": "Ready.", "mentor": w["facilitator"]},
    "peer_educator_set_status": lambda w: {"peer": w["peer"], "status": PeerEducator.Status.PAUSED, "note": "Exams"},
    "peer_group_assign": lambda w: {"group": w["group"], "peer": w["peer"]},
    "observation_record": lambda w: {
        "peer": w["peer"],
        "observed_on": TODAY(),
        "ratings": RATINGS,
        "feedback": "Good energy.",
    },
    "peer_educator_set_password": lambda w: {"user": w["peer"].user, "password": "a-long-new-secret-7"},
    # peer educators: projects
    "project_propose": lambda w: {
        "centre": w["home"],
        "title": "Bins",
        "problem": "Litter",
        "goal": "Bins",
        "place": "Bazaar",
        "team": [w["learner"]],
    },
    "planned_activity_add": lambda w: {"project": w["project"], "title": "Meet", "target_date": TODAY()},
    "project_approve": lambda w: {"project": w["project"], "comment": "Go ahead."},
    "project_complete": lambda w: {"project": w["project"], "changed": "Cleaner", "learned": "Plan"},
    "project_abandon": lambda w: {"project": w["project"], "reason": "No time"},
    "activity_log_add": lambda w: {"project": w["project"], "date": TODAY(), "description": "Met", "reach": {}},
    # reports: targets (programme managers set them: here the outsiders are the two facilitators)
    "project_period_save": lambda w: {"name": "Next year", "donor": "Fund", "starts_on": TODAY(), "ends_on": TODAY()},
    "targets_set": lambda w: {"period": w["period"], "values": {"protective-services": 10}},
}
# Services whose outsiders are not the default ones (a facilitator of another centre and a programme manager).
OUTSIDERS = {
    "project_period_save": lambda w: [w["facilitator"], w["outsiders"][0]],
    "targets_set": lambda w: [w["facilitator"], w["outsiders"][0]],
}


def everything_written() -> dict[str, object]:
    """Row counts of every record model and of the audit log, and every account's password and state."""
    counts = {
        model._meta.label: model._base_manager.count()
        for label in RECORD_APPS
        for model in apps.get_app_config(label).get_models()
    }
    counts["audit"] = ModelLogEntry.objects.count()
    counts["accounts"] = sorted(User.objects.values_list("pk", "password", "is_active"))
    counts["learners"] = sorted(Learner.objects.values_list("pk", "first_name", "centre_id", "status"))
    return counts


def test_every_service_taking_an_acting_user_has_a_case_here():
    assert set(services_taking_an_acting_user()) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_user_outside_the_scope_is_refused_and_nothing_is_written(world, name):
    service = services_taking_an_acting_user()[name]
    before = everything_written()
    for outsider in OUTSIDERS.get(name, lambda w: w["outsiders"])(world):
        with pytest.raises(access.OutOfScope):
            service(**CASES[name](world), acting_user=outsider)
    assert everything_written() == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_user_in_scope_is_not_refused_for_scope(world, name):
    """The control: each case is aimed at records in scope, so the refusals above come from the scope check
    (the service may still refuse an insider for another reason, such as a rule of the pathway)."""
    service = services_taking_an_acting_user()[name]
    insider = world["peer"].user if name == "peer_educator_set_password" else world["users"]["admin"]
    try:
        service(**CASES[name](world), acting_user=insider)
    except access.OutOfScope:
        pytest.fail(f"{name} refused a user in scope")
    except ValidationError:
        pass


def test_a_peer_educator_records_the_sessions_of_the_group_they_lead_and_no_other(world):
    peer_user = world["peer"].user
    pathway.peer_group_assign(group=world["group"], peer=world["peer"], acting_user=world["facilitator"])
    attendance = {world["learner"].pk: "excused"}
    result = delivery.session_record(
        session=world["held"], attendance=attendance, delivered_by=peer_user, acting_user=peer_user
    )
    assert result.record.delivered_by == peer_user
    other = delivery.session_plan(
        group=world["second"], lesson=world["lesson"], date=days_ago(1), acting_user=world["facilitator"]
    )
    with pytest.raises(access.OutOfScope):
        delivery.session_record(session=other, attendance={}, delivered_by=peer_user, acting_user=peer_user)
    with pytest.raises(access.OutOfScope):  # running sessions, not planning them
        delivery.session_plan(group=world["group"], lesson=world["lesson"], date=days_ago(0), acting_user=peer_user)
