"""Reads for the peer-educator pathway and social action projects: eligibility, a peer educator's
groups and observations, project reach, and the active-citizen indicator.

Eligibility is computed for many learners at once in a fixed number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from courses import selectors as course_selectors
from courses.models import Attendance, ModulePage, QuizResult, Session, curriculum_modules
from learners.models import CONSENT_ON_FILE, Group, Learner, Membership
from lms import access
from peer_educators.models import (
    ActivityLog,
    ActivityPhoto,
    EligibilitySettings,
    Observation,
    PeerEducator,
    Project,
    ProjectMember,
)

PEER_TOPIC = "peer-education"
CITIZENSHIP_TOPIC = "active-citizenship"
AGE_BAND_MINIMUM = {"5-9": 5, "10-14": 10, "15-19": 15, "20-25": 20}


def eligibility_rule() -> EligibilitySettings:
    """The eligibility rule of the default site (created with its defaults the first time)."""
    return EligibilitySettings.for_site(Site.objects.get(is_default_site=True))


def required_modules(rule: EligibilitySettings) -> list[ModulePage]:
    """The modules a learner must complete: those the rule names, or else the Peer education topic's.

    Always the curriculum's source modules: a module chosen in another language counts as its source."""
    chosen = list(curriculum_modules().filter(translation_key__in=rule.required_modules.values("translation_key")))
    if chosen:
        return chosen
    return list(curriculum_modules().filter(topic__slug=PEER_TOPIC))


@dataclass
class Eligibility:
    """Whether a learner may be promoted to peer educator, and exactly what is missing."""

    learner: Learner
    missing: list[str] = field(default_factory=list)
    age: int | None = None
    attendance_rate: float | None = None
    post_test: float | None = None

    @property
    def eligible(self) -> bool:
        return not self.missing


def _age(learner: Learner, today: datetime.date) -> int | None:
    if learner.birth_year:
        return today.year - learner.birth_year
    return AGE_BAND_MINIMUM.get(learner.age_band)


@dataclass
class _Records:
    """What eligibility reads about many learners at once (a fixed number of queries)."""

    completed: set[tuple[int, int]]  # (learner, lesson) completed
    attendance: dict[int, tuple[int, int]]  # learner -> (present, recorded) at held sessions
    post_tests: dict[int, list[float]]  # learner -> the counted post-test % of each lesson


def _records_of(ids: list[int], lesson_ids: set[int]) -> _Records:
    attendance = {
        learner_id: (present, total)
        for learner_id, total, present in Attendance.objects.filter(
            learner_id__in=ids, session__status=Session.Status.HELD
        )
        .values("learner_id")
        .annotate(total=Count("id"), present=Count("id", filter=Q(status=Attendance.Status.PRESENT)))
        .values_list("learner_id", "total", "present")
    }
    post_tests: dict[int, list[float]] = defaultdict(list)
    best = course_selectors.best_post_tests(QuizResult.objects.filter(learner_id__in=ids, lesson_id__in=lesson_ids))
    for learner_id, score in best.values_list("learner_id", "best"):
        post_tests[learner_id].append(score)
    return _Records(course_selectors.completed_pairs(ids, lesson_ids), attendance, post_tests)


def _assess(learner: Learner, rule: EligibilitySettings, lessons_by_module: dict, records: _Records) -> Eligibility:
    """One learner's eligibility: each condition of the rule that is not met, in plain words."""
    result = Eligibility(learner=learner, age=_age(learner, timezone.localdate()))
    if result.age is None or result.age < rule.min_age:
        result.missing.append(
            _("age %(age)s, needs %(min)s")
            % {"age": result.age if result.age is not None else "?", "min": rule.min_age}
        )
    for module, lessons in lessons_by_module.values():
        left = sum(1 for lesson in lessons if (learner.pk, lesson.pk) not in records.completed)
        if left:
            result.missing.append(
                _("%(left)s of %(total)s lessons of %(module)s still to complete")
                % {"left": left, "total": len(lessons), "module": module.title}
            )
    present, total = records.attendance.get(learner.pk, (0, 0))
    if total:
        result.attendance_rate = round(100 * present / total)
    if result.attendance_rate is None or result.attendance_rate < rule.min_attendance_rate:
        rate = f"{result.attendance_rate}%" if result.attendance_rate is not None else _("not recorded")
        result.missing.append(
            _("attendance %(rate)s, needs %(min)s%%") % {"rate": rate, "min": rule.min_attendance_rate}
        )
    scores = records.post_tests[learner.pk]
    if scores:
        result.post_test = round(sum(scores) / len(scores))
    if result.post_test is None or result.post_test < rule.min_post_test:
        score = f"{result.post_test}%" if result.post_test is not None else _("not taken")
        result.missing.append(_("post-test %(score)s, needs %(min)s%%") % {"score": score, "min": rule.min_post_test})
    return result


def eligibility_of_learners(learners, *, rule: EligibilitySettings | None = None) -> list[Eligibility]:
    """Eligibility of each learner under the rule, with a plain-language line per missing condition.

    Lessons completed and post-tests follow the rules of courses.selectors (lessons_completed: anywhere;
    best_post_tests: the best post-test of each lesson at held sessions); the attendance rate counts every
    held session recorded."""
    learners = list(learners)
    rule = rule or eligibility_rule()
    modules = required_modules(rule)
    lessons = course_selectors.lessons_of_modules(modules)
    by_module = {module.pk: (module, lessons[module.pk]) for module in modules}
    lesson_ids = {lesson.pk for module_lessons in lessons.values() for lesson in module_lessons}
    records = _records_of([learner.pk for learner in learners], lesson_ids)
    return [_assess(learner, rule, by_module, records) for learner in learners]


def eligibility_of(learner: Learner) -> Eligibility:
    """Eligibility of one learner."""
    return eligibility_of_learners([learner])[0]


def candidates(centres) -> list[Eligibility]:
    """Learners of the centres who could become peer educators, eligible first: those nominated or in
    training, and active learners who are old enough or have completed a lesson of a required module.

    Younger children who have not started are left out: they cannot be eligible, and assessing every
    child of a centre would make the page slow.
    """
    rule = eligibility_rule()
    lesson_ids = course_selectors.lesson_ids_of(required_modules(rule))
    on_pathway = Q(peer_educator__status__in=[PeerEducator.Status.NOMINATED, PeerEducator.Status.IN_TRAINING])
    old_enough = Q(birth_year__lte=timezone.localdate().year - rule.min_age) | Q(
        age_band__in=[band for band, youngest in AGE_BAND_MINIMUM.items() if youngest >= rule.min_age]
    )
    not_started = Q(peer_educator__isnull=True)
    started = course_selectors.lessons_completed(lesson_ids=lesson_ids).values("learner_id")
    learners = (
        Learner.objects.filter(centre__in=centres, status=Learner.Status.ACTIVE)
        .filter(on_pathway | (not_started & (old_enough | Q(pk__in=started))))
        .distinct()
        .select_related("centre")
        .order_by("code")
    )
    results = eligibility_of_learners(learners, rule=rule)
    return sorted(results, key=lambda e: (not e.eligible, len(e.missing), e.learner.code))


def project_reach(projects) -> dict[int, dict[str, int]]:
    """People reached per project, summed over its activity log, by field (children_male, ...)."""
    totals = (
        ActivityLog.objects.filter(project__in=projects)
        .values("project_id")
        .annotate(**{name: Sum(name) for name in ActivityLog.REACH_FIELDS})
    )
    return {row.pop("project_id"): {k: v or 0 for k, v in row.items()} for row in totals}


def completed_project_places(centres=None, *, start: datetime.date | None = None, end: datetime.date | None = None):
    """Team places on projects completed in the period (all time when no period is given), at these centres (all
    when None). Returns a ProjectMember queryset."""
    places = ProjectMember.objects.filter(project__status=Project.Status.COMPLETED)
    if centres is not None:
        places = places.filter(project__centre__in=centres)
    if start:
        places = places.filter(project__completed_on__gte=start)
    if end:
        places = places.filter(project__completed_on__lte=end)
    return places


def active_citizen_places(centres=None, *, start: datetime.date | None = None, end: datetime.date | None = None):
    """Team places on projects completed in the period (all time when no period is given) held by youth who
    completed every lesson of the active-citizenship module(s). Returns a ProjectMember queryset."""
    lesson_ids = course_selectors.topic_lesson_ids(CITIZENSHIP_TOPIC)
    if not lesson_ids:
        return ProjectMember.objects.none()
    places = completed_project_places(centres, start=start, end=end)
    # Only the team members' progress is read: the teams are small, the progress table is not.
    trained = (
        course_selectors.learners_who_completed(lesson_ids)
        .filter(learner_id__in=places.values("learner_id"))
        .values("learner_id")
    )
    return places.filter(learner_id__in=trained)


def active_citizens(centres=None, *, start: datetime.date | None = None, end: datetime.date | None = None):
    """Youth who completed every lesson of the active-citizenship module(s) and were on the team of a
    project completed in the period (all time when no period is given). Returns a Learner queryset."""
    places = active_citizen_places(centres, start=start, end=end)
    return Learner.objects.filter(pk__in=places.values("learner_id")).order_by("code")


# --- Reads that the pathway, peer-area and project pages make ---


def _sessions_run_counts(user_ids) -> dict[int, int]:
    """Held sessions delivered by each account, in one query."""
    rows = (
        Session.objects.filter(status=Session.Status.HELD, delivered_by__in=user_ids)
        .values("delivered_by")
        .annotate(count=Count("id"))
    )
    return {row["delivered_by"]: row["count"] for row in rows}


def _groups_led(user_ids) -> dict[int, list[Group]]:
    """The groups each account leads as a peer educator, in one query."""
    groups = defaultdict(list)
    for group in Group.objects.filter(peer_leader__in=user_ids).order_by("name"):
        groups[group.peer_leader_id].append(group)
    return groups


def peer_list_rows(peers) -> list[dict]:
    """One row per peer educator (by centre name, then learner code): the peer educator with their centre,
    mentor and number of observations, the held sessions they ran and the groups they lead (three queries)."""
    peers = list(
        peers.select_related("learner__centre", "mentor")
        .annotate(observation_count=Count("observations"))
        .order_by("learner__centre__name", "learner__code")
    )
    user_ids = [peer.user_id for peer in peers if peer.user_id]
    runs, groups = _sessions_run_counts(user_ids), _groups_led(user_ids)
    return [
        {"peer": peer, "sessions_run": runs.get(peer.user_id, 0), "groups": groups.get(peer.user_id, [])}
        for peer in peers
    ]


@dataclass
class PeerRecord:
    """What a peer educator's page shows besides the peer educator: their pathway history, the groups they
    lead, the latest held sessions they ran (with how many in all) and their mentor's observations."""

    history: list = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    sessions_count: int = 0
    observations: list[Observation] = field(default_factory=list)


def peer_record(peer: PeerEducator, *, sessions_shown: int) -> PeerRecord:
    """A peer educator's history, groups led, latest `sessions_shown` held sessions (newest first, each with
    its number present) and observations."""
    record = PeerRecord(
        history=list(peer.status_changes.select_related("changed_by")),
        observations=list(peer.observations.select_related("observer", "session__group", "session__lesson")),
    )
    if peer.user_id:
        record.groups = list(Group.objects.filter(peer_leader=peer.user_id).order_by("name"))
        held = Session.objects.filter(status=Session.Status.HELD, delivered_by=peer.user_id)
        record.sessions_count = held.count()
        record.sessions = list(
            held.select_related("group", "lesson")
            .annotate(present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)))
            .order_by("-date", "-id")[:sessions_shown]
        )
    return record


LESSON_DEFERRED = ("lesson__body", "lesson__objectives", "lesson__materials")


@dataclass
class GroupCard:
    """What the peer educator's home shows about one group they lead."""

    group: Group
    members: list[Learner]
    next_session: Session | None = None
    to_record: list[Session] = field(default_factory=list)
    recent: list[Session] = field(default_factory=list)


def group_cards(groups, today: datetime.date, *, recent_days: int, recent_shown: int) -> list[GroupCard]:
    """The groups, by name, each with its members on the day (code and first name only), its next session,
    its past sessions still to record and its latest `recent_shown` held sessions of the last `recent_days`
    days (three queries). Sessions of sensitive modules are left out: peer educators never run them."""
    memberships = (
        Membership.objects.on(today)
        .select_related("learner")
        .only("group", "learner__code", "learner__first_name")  # code and first name, nothing else
        .order_by("learner__code")
    )
    sessions = (
        Session.objects.filter(date__gte=today - datetime.timedelta(days=recent_days))
        .exclude(status=Session.Status.CANCELLED)
        .exclude(lesson__in=course_selectors.sensitive_lessons())  # a trained facilitator runs those
        .select_related("lesson")
        .defer(*LESSON_DEFERRED)
        .order_by("date", "id")
    )
    groups = (
        groups.select_related("centre")
        .prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="current_memberships"),
            Prefetch("sessions", queryset=sessions, to_attr="window_sessions"),
        )
        .order_by("name")
    )
    cards = []
    for group in groups:
        card = GroupCard(group=group, members=[m.learner for m in group.current_memberships])
        for session in group.window_sessions:
            if session.status == Session.Status.HELD:
                card.recent.insert(0, session)
            elif session.date < today:
                card.to_record.append(session)
            elif card.next_session is None:
                card.next_session = session
        card.recent = card.recent[:recent_shown]
        cards.append(card)
    return cards


def observations_of_peer(user):
    """The observations of the peer educator with this account, newest first, with their sessions' lessons
    (without the lessons' content) and observers."""
    return (
        Observation.objects.filter(peer_educator__user=user)
        .select_related("session", "session__lesson", "observer")
        .defer(*(f"session__{name}" for name in LESSON_DEFERRED))
        .order_by("-observed_on", "-id")
    )


def team_candidates(centre, *, peer_user=None):
    """Who may join a project team at the centre, by code: its active peer educators and its active learners
    whose guardian's consent and own assent are recorded. A peer educator proposing sees only themselves and
    the current members of the groups they lead (their scope: code and first name, nothing else)."""
    active_learners = Q(CONSENT_ON_FILE, status=Learner.Status.ACTIVE)
    candidates = Learner.objects.filter(active_learners | Q(peer_educator__status=PeerEducator.Status.ACTIVE))
    if peer_user is not None:
        led = Membership.objects.current().filter(group__in=access.groups_led_by_peer(peer_user))
        candidates = candidates.filter(Q(peer_educator__user=peer_user) | Q(pk__in=led.values("learner_id")))
    return candidates.filter(centre=centre).order_by("code")


def projects_listed(projects):
    """The given projects, newest first (then by title), with their centre and team size."""
    # Counting the team on a fresh queryset: the peer scope already joins the team.
    return (
        Project.objects.filter(pk__in=projects.values("pk"))
        .select_related("centre")
        .annotate(team_size=Count("team"))
        .order_by("-created_on", "title")
    )


def project_rows(projects) -> list[dict]:
    """One row per project: the project and the number of people its activity log reached (one query)."""
    projects = list(projects)
    reach = project_reach([project.pk for project in projects])
    return [{"project": project, "reached": sum(reach.get(project.pk, {}).values())} for project in projects]


def project_team(project: Project) -> list[ProjectMember]:
    """A project's team places with their learners, by learner code."""
    return list(ProjectMember.objects.filter(project=project).select_related("learner").order_by("learner__code"))


def project_logs(project: Project) -> list[ActivityLog]:
    """A project's activity log with its photos (two queries)."""
    photos = ActivityPhoto.objects.order_by("pk")
    return list(ActivityLog.objects.filter(project=project).prefetch_related(Prefetch("photos", queryset=photos)))


def project_photo(project: Project, photo_id: int) -> ActivityPhoto | None:
    """A photo of the project's activity log, or None (a photo of another project is not this project's)."""
    return ActivityPhoto.objects.filter(log__project=project, pk=photo_id).first()
