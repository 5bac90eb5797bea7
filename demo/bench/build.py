"""Build the benchmark's data set: 200 centres, 4,000 groups, 100,000 learners, their sessions and
about 2,000,000 attendance rows, then their services, training and outcomes and the centres' community work.

Rows are written with `bulk_create(batch_size=...)` (and, for the largest tables, with COPY on
PostgreSQL or `executemany`: see `_RowWriter`), not through the services: the services write one row and one
audit entry at a time, which is right for a facilitator's form but would take hours for millions
of rows; nothing here is audited. Learner codes come from the model's rule (`Learner.format_code`), numbers
are handed out the way `learner_register` hands them out, and every row respects the same constraints (consent
before membership, attendance only for members on the session date, one progress row per learner and lesson,
outcomes after joining). `RowCheck` validates the first rows of every model with `full_clean` before they are
written, so a builder row that breaks a model's rule stops the build (`BenchRowError`).

Each centre has one facilitator, who leads all its groups (the pages are timed as the first one).
The shape, per ordinary group: 25 learners (who joined up to 18 months before the group started),
12 modules (60 lessons: the 6 demo modules and numbered copies of them), 60 sessions: 20 held
(each a different lesson, every nine days over the last six months), 2 cancelled and 38 planned
(some today). Attendance is about 2/3 present, so 4,000 groups give about 2,000,000 attendance
rows and 1,400,000 progress rows. The grid group, the one the pages are timed on, has 40 current
members (5 joined part-way, and 2 more left), follows the 6 demo modules (30 lessons), held 26 of
them every three days, and has quiz results for every held session; other groups for the first
lesson of a module. `--scale 0.1` builds the earlier size (20 centres, 400 groups, 10,000 learners).

Then the peer-educator side, the same at every scale, per centre: 2 active peer educators (older
learners of the centre, each with an account in the Peer educators role and their pathway's
dates), each leading 2 peer groups of 12 learners (who are also in a facilitator's group) through
2 modules no other group has held (8 weekly sessions held, one planned today, one next week),
4 mentor observations each, and 10 social action projects in every status, each with a team,
planned steps and an activity log. The first centre's first project, the one timed, is larger:
a team of 12, 10 planned steps and 30 log entries. Peer groups are counted apart from "groups".

And the programme's evidence, per learner and centre: 2 to 3 services a year since joining
(dated, of every kind, some by an outside provider); vocational training for about a quarter of
the learners aged 15 and over (most complete it, most of those are certified, and up to a third
of those who completed are placed in work); school enrolment for about 6% of those under 15; one
learner per centre moved to the next centre in the last week; and per centre a Parents' Community
Committee and a child association (12 learner members) meeting most months, and a sensitisation
event about every five weeks, over the last two years. The demo `manager` account (a programme
manager) reads the indicator pages.
"""

import datetime
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses import selectors
from courses.models import (
    Attendance,
    CurriculumIndexPage,
    GroupModule,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizResult,
    Session,
    in_source_locale,
)
from demo.data.accounts import ensure_demo_accounts
from demo.data.curriculum import demo_module_files, ensure_demo_curriculum
from learners.models import (
    RISK_KINDS,
    Centre,
    CentreTransfer,
    CommunityGroup,
    CommunityMeeting,
    CoordinationMeeting,
    Group,
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
from peer_educators.models import (
    ActivityLog,
    Observation,
    PeerEducator,
    PlannedActivity,
    Project,
    ProjectMember,
    StatusChange,
)
from reports import summaries

SEED = 20240603
BATCH_SIZE = 2000  # Django lowers it to what the database accepts (999 parameters on SQLite)
FLUSH_EVERY = 50_000  # rows kept in memory before they are written
CHECKED_ROWS = 200  # of each model, the first rows built are checked against its rules before they are written

FULL_CENTRES = 200
FULL_GROUPS = 4000
FULL_LEARNERS = 100_000

CURRICULUM_LESSONS = 100  # 20 modules: ordinary groups use the first 12, peer groups the next 8
SESSIONS_PER_GROUP = 60
HELD_PER_GROUP = 20
CANCELLED_PER_GROUP = 2
DAYS_BETWEEN_SESSIONS = 3  # the grid group's held sessions, and every group's planned ones
DAYS_BETWEEN_HELD = 9  # an ordinary group's held sessions: 20 over the last six months
JOIN_SPREAD_DAYS = 540  # an ordinary group's learners joined up to 18 months before its first session
GRID_JOIN_SPREAD_DAYS = 30
ATTENDANCE_CHANCES = (0.9, 0.8, 0.7, 0.6, 0.5, 0.5)  # a learner's chance of coming: 2/3 on average

GRID_GROUP_NAME = "Bench grid group"
GRID_MEMBERS = 40
GRID_LEFT = 2
GRID_LATE_JOINERS = 5
GRID_MODULES = 6
GRID_HELD = 26
FACILITATOR_PREFIX = "bench-facilitator-"

PEER_PREFIX = "bench-peer-"
PEERS_PER_CENTRE = 2
PEER_MIN_AGE = 14
PEER_GROUPS_PER_PEER = 2
PEER_GROUP_MEMBERS = 12
PEER_GROUP_MODULES = 2
PEER_GROUP_HELD = 8  # weekly; then one planned today and one next week
PEER_FIRST_MODULE = 12  # ordinary groups hold lessons of the first 12 modules only: no progress row clashes
PEER_MEMBERS_SINCE_DAYS = 60
PEER_PROMOTED_DAYS = 62
OBSERVATIONS_PER_PEER = 4
PROJECTS_PER_CENTRE = 10
PROJECT_TEAM = 6
PROJECT_STEPS = 3
PROJECT_LOGS = 4
PROJECT_STATUSES = ("in_progress", "completed", "approved", "proposed", "abandoned")
PROJECT_PROPOSED_DAYS = 50
BIG_PROJECT = "Bench project"  # the project timed: a large team, many planned steps and a long activity log
BIG_TEAM, BIG_STEPS, BIG_LOGS = 12, 10, 30

MANAGER_USERNAME = "manager"  # the demo programme manager: the indicator pages are timed as this account

SERVICES_PER_YEAR = (2.0, 3.0)  # each learner's rate, drawn once
SERVICE_KINDS = (  # (kind, weight, outside provider or "" for the centre)
    (ServiceRecord.Kind.EDUCATION, 5, ""),
    (ServiceRecord.Kind.RECREATION, 4, ""),
    (ServiceRecord.Kind.HEALTH_HYGIENE, 3, ""),
    (ServiceRecord.Kind.COUNSELLING, 3, ""),
    (ServiceRecord.Kind.MEDICAL, 2, "District Health Office"),
    (ServiceRecord.Kind.REFERRAL, 1, "Legal Aid Society"),
)
TRAINING_MIN_AGE = 15
TRAINING_SHARE = 0.25  # of learners aged 15 and over
TRAINING_COMPLETED = 0.7
TRAINING_CERTIFIED = 0.7  # of those who completed
PLACED_SHARE = 0.35  # of those who completed
SCHOOL_MAX_AGE = 14
SCHOOL_SHARE = 0.06  # of learners aged 14 and under
TRANSFERS_PER_CENTRE = 1  # to the next centre, in the last week (after every ordinary group's last held session)
BOARD = "Technical Education and Vocational Training Authority"
COMMUNITY_MONTHS = 24
MEETING_CHANCE = 0.85  # a community group meets in most months
ASSOCIATION_MEMBERS = 12
EVENT_EVERY_DAYS = 35
EVENT_TOPICS = "Child rights\nSafe and unsafe places\nWhere children can get help"
MEETING_TOPICS = ("Child rights", "Self-protection", "School enrolment", "Health and hygiene", "Child labour")

FIRST_NAMES = ("Aisha", "Bilal", "Chanda", "Dawit", "Farid", "Gul", "Iman", "Laila", "Musa", "Nadia", "Omar", "Zara")


@dataclass
class Scale:
    """How many of each thing to build; `Scale.of(1.0)` is the size the issue asks for."""

    centres: int
    groups: int
    learners: int

    @classmethod
    def of(cls, factor: float) -> "Scale":
        """The full size multiplied by a factor, keeping at least one centre, the grid group and one other."""
        groups = max(2, round(FULL_GROUPS * factor))
        centres = max(1, min(groups, round(FULL_CENTRES * factor)))
        learners = max(GRID_MEMBERS + GRID_LEFT + groups - 1, round(FULL_LEARNERS * factor))
        return cls(centres=centres, groups=groups, learners=learners)


@dataclass
class BenchWorld:
    """The objects the pages are timed on: the grid group, its facilitator, a held session and a learner;
    the first centre's first peer educator and its big project; the programme manager."""

    facilitator: User
    group: Group
    session: Session
    learner: Learner
    peer: User
    project: Project
    manager: User


def database_name() -> str:
    """The name of the default database: a file name for SQLite, a database name for PostgreSQL."""
    return str(connection.settings_dict["NAME"])


def is_bench_database() -> bool:
    """The benchmark only wipes databases whose name says they are for it (bench/bench.sqlite3, lms_bench)."""
    name = database_name()
    return "bench" in (Path(name).name if connection.vendor == "sqlite" else name).lower()


def _fast_sqlite() -> None:
    """Trade durability for speed while building (the data set is thrown away on the next run)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")


def reset_database() -> None:
    """Start from an empty, migrated database: delete the SQLite file, or drop PostgreSQL's public schema."""
    if not is_bench_database():
        raise ImproperlyConfigured(
            f"Refusing to wipe {database_name()!r}: its name does not contain 'bench'. "
            "Point DATABASE_URL at a database kept for the benchmark (make bench does)."
        )
    if connection.vendor == "sqlite":
        path = Path(database_name())
        connection.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _fast_sqlite()
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        raise ImproperlyConfigured(f"The benchmark supports SQLite and PostgreSQL, not {connection.vendor}.")
    call_command("migrate", verbosity=0, interactive=False)


def finish_database() -> None:
    """After building: back to SQLite's default journal (one self-contained file); fresh planner statistics."""
    if connection.in_atomic_block:  # inside the test suite's transaction: nothing to tidy
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode=DELETE")
        else:
            cursor.execute("ANALYZE")  # autovacuum would do this soon after a real import


def counts() -> dict[str, int]:
    """How many of each record the database holds: the scale actually reached."""
    return {
        "learners": Learner.objects.count(),
        "centres": Centre.objects.count(),
        "groups": Group.objects.filter(peer_leader__isnull=True).count(),
        "peer_groups": Group.objects.filter(peer_leader__isnull=False).count(),
        "sessions": Session.objects.count(),
        "attendance": Attendance.objects.count(),
        "progress": LessonProgress.objects.count(),
        "quiz_results": QuizResult.objects.count(),
        "peer_educators": PeerEducator.objects.count(),
        "observations": Observation.objects.count(),
        "projects": Project.objects.count(),
        "activity_logs": ActivityLog.objects.count(),
        "services": ServiceRecord.objects.count(),
        "trainings": TrainingEnrolment.objects.count(),
        "certified": TrainingEnrolment.objects.filter(certified_on__isnull=False).count(),
        "job_placements": JobPlacement.objects.count(),
        "school_enrolments": SchoolEnrolment.objects.count(),
        "referrals": Referral.objects.count(),
        "transfers": CentreTransfer.objects.count(),
        "community_groups": CommunityGroup.objects.count(),
        "community_meetings": CommunityMeeting.objects.count(),
        "sensitisation_events": SensitisationEvent.objects.count(),
        "coordination_meetings": CoordinationMeeting.objects.count(),
        "trainings_given": TrainingEvent.objects.count(),
        "follow_ups": PlacementFollowUp.objects.count(),
    }


def bench_world() -> BenchWorld:
    """Find the grid group and the objects the pages are timed on in an already built data set."""
    group = Group.objects.select_related("facilitator").get(name=GRID_GROUP_NAME)
    session = Session.objects.filter(group=group, status=Session.Status.HELD).latest("date", "id")
    learner = Learner.objects.filter(
        pk__in=Membership.objects.current().filter(group=group).values("learner_id")
    ).order_by("code")[0]
    peer = User.objects.filter(username__startswith=PEER_PREFIX).order_by("username")[0]
    project = Project.objects.get(title=BIG_PROJECT)
    manager = User.objects.get(username=MANAGER_USERNAME)
    return BenchWorld(
        facilitator=group.facilitator,
        group=group,
        session=session,
        learner=learner,
        peer=peer,
        project=project,
        manager=manager,
    )


def _curriculum(needed_lessons: int, *, editor: User, reviewer: User) -> list[tuple[ModulePage, list[LessonPage]]]:
    """The demo modules, then numbered copies of them until there are enough lessons for one group's sessions.

    The copies are left out of the search and reference indexes: nobody searches the bench database,
    and indexing would be most of the time spent here.
    """
    ensure_demo_curriculum(editor=editor, reviewer=reviewer)
    index = in_source_locale(CurriculumIndexPage.objects).get()
    demo_slugs = [json.loads(path.read_text(encoding="utf-8"))["slug"] for path in demo_module_files()]
    demo = list(ModulePage.objects.child_of(index).filter(slug__in=demo_slugs).order_by("path"))
    lesson_count = {module_id: len(lessons) for module_id, lessons in selectors.lessons_of_modules(demo).items()}
    modules, total, copy = list(demo), sum(lesson_count.values()), 1
    no_search_updates = {
        name: {**options, "AUTO_UPDATE": False} for name, options in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with disable_reference_index_auto_update(), override_settings(WAGTAILSEARCH_BACKENDS=no_search_updates):
        while total < needed_lessons:
            copy += 1
            for original in demo:
                if total >= needed_lessons:
                    break
                slug = f"{original.slug}-{copy}"
                module = ModulePage.objects.child_of(index).filter(slug=slug).first() or original.copy(
                    recursive=True,
                    to=index,
                    update_attrs={"title": f"{original.title} ({copy})", "slug": slug},
                    copy_revisions=False,
                    keep_live=True,
                    user=editor,
                    log_action=None,
                )
                modules.append(module)
                total += lesson_count[original.pk]
    lessons = selectors.lessons_of_modules(modules)
    return [(module, lessons[module.pk]) for module in modules]


def _modules_for(curriculum, needed_lessons: int) -> list[tuple[ModulePage, list[LessonPage]]]:
    """The first modules of the curriculum that together have at least the lessons needed."""
    chosen, total = [], 0
    for module, lessons in curriculum:
        if total >= needed_lessons:
            break
        chosen.append((module, lessons))
        total += len(lessons)
    return chosen


def _centre_code(index: int) -> str:
    """B, then two letters: BAA, BAB, ... (centre codes are two to five capital letters)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f"B{letters[index // 26 % 26]}{letters[index % 26]}" + ("" if index < 676 else letters[index // 676 % 26])


class _RowWriter:
    """Writes plain tuples into a model's table with `executemany` (COPY on PostgreSQL), a chunk at a time.

    This is what `bulk_create` sends to the database, without building a model instance per row:
    for the millions of attendance, progress, quiz and service rows that is the difference between
    many minutes and a few. Table and column names come from the models, so it works on SQLite and PostgreSQL.
    """

    FIELDS = {
        Attendance: ("session", "learner", "status", "recorded_by", "recorded_at"),
        LessonProgress: ("learner", "lesson", "session", "completed_on"),
        QuizResult: ("session", "learner", "lesson", "kind", "score", "max_score", "recorded_by", "recorded_at"),
        ServiceRecord: ("learner", "centre", "kind", "date", "provider", "recorded_by", "recorded_at"),
    }

    def __init__(self):
        self.pending: dict[type, list[tuple]] = {model: [] for model in self.FIELDS}

    def add(self, model, row: tuple) -> None:
        """Queue a row (values in FIELDS order, already in the database's form); write when many are queued."""
        rows = self.pending[model]
        rows.append(row)
        if len(rows) >= FLUSH_EVERY:
            self.flush(model)

    def flush(self, model=None) -> None:
        """Write the queued rows of one model, or of every model."""
        quote = connection.ops.quote_name
        for key in [model] if model else list(self.pending):
            rows, self.pending[key] = self.pending[key], []
            if not rows:
                continue
            _row_check.tuples(key, self.FIELDS[key], rows)
            table = quote(key._meta.db_table)
            columns = ", ".join(quote(key._meta.get_field(name).column) for name in self.FIELDS[key])
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":  # COPY: several times faster than INSERT for many rows
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    continue
                placeholders = ", ".join(["%s"] * len(self.FIELDS[key]))
                # Table and column names come from the models, quoted; the values are parameters.
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # nosec B608
                for i in range(0, len(rows), BATCH_SIZE):
                    cursor.executemany(sql, rows[i : i + BATCH_SIZE])


class BenchRowError(ValueError):
    """A row the builder made breaks a rule of its model: the application itself could never have written it."""


class RowCheck:
    """Checks the first rows of each model a build writes against the model's own rules (`full_clean`: field
    choices, lengths and validators, unique fields and the Meta constraints), so that a builder row breaking
    a rule stops the build with `BenchRowError` instead of being written. Only a sample, to keep the build fast.
    """

    def __init__(self, sample: int = CHECKED_ROWS):
        self.sample = sample
        self.checked: dict[type, int] = {}

    def _take(self, model: type, rows: list) -> list:
        """The rows still to check for this model (the sample's remainder), counted as checked."""
        done = self.checked.get(model, 0)
        taken = rows[: max(0, self.sample - done)]
        self.checked[model] = done + len(taken)
        return taken

    def rows(self, objs: list[models.Model]) -> None:
        """Validate the model instances about to be bulk-created (the first of each model only)."""
        if objs:
            for obj in self._take(type(objs[0]), objs):
                self._validate(obj)

    def tuples(self, model: type, fields: tuple[str, ...], rows: list[tuple]) -> None:
        """Validate plain rows (values in `fields` order, in the database's form) about to be written to a table."""
        attnames = [model._meta.get_field(name).attname for name in fields]
        for row in self._take(model, rows):
            self._validate(model(**dict(zip(attnames, row, strict=True))))

    def _validate(self, obj: models.Model) -> None:
        """`full_clean`, leaving out foreign keys to objects not saved yet (nothing to check them against)."""
        unsaved = {
            field.name
            for field in obj._meta.concrete_fields
            if field.is_relation
            and field.is_cached(obj)
            and getattr(obj, field.name, None) is not None
            and getattr(obj, field.name).pk is None
        }
        try:
            obj.full_clean(exclude=unsaved)
        except ValidationError as error:
            problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
            raise BenchRowError(
                f"The bench builder made a {obj._meta.label} row that its model refuses ({obj!r}): {problems}"
            ) from error


_row_check = RowCheck()  # the check of the build under way; build() starts it afresh


def _insert(model: type, objs: list, **options) -> list:
    """Check the first rows of the model against its rules (see RowCheck), then bulk-create them."""
    _row_check.rows(objs)
    return model.objects.bulk_create(objs, **options)


@dataclass
class _GroupPlan:
    """One group to build: where, how many members, which lessons, how many held."""

    index: int
    centre: Centre
    name: str
    members: int
    modules: list
    held: int
    planned_offset: int  # days from today to the first planned session
    grid: bool = False


@dataclass
class _Move:
    """A learner who moves to another centre in the last week (written after every centre is built)."""

    learner: Learner
    from_centre: Centre
    to_centre: Centre
    moved_on: datetime.date
    recorded_by: User


def build(scale: Scale, *, log: Callable[[str], None] = lambda message: None) -> None:
    """Build the data set at the given scale into the (empty, migrated) database.

    Raises BenchRowError, before writing it, when a row of the first few hundred of a model breaks one of its rules.
    """
    _row_check.checked.clear()
    _fast_sqlite()
    rng = random.Random(SEED)
    evidence_rng = random.Random(SEED + 2)
    today = timezone.localdate()
    demo_users = ensure_demo_accounts()
    curriculum = _curriculum(CURRICULUM_LESSONS, editor=demo_users["editor"], reviewer=demo_users["reviewer"])
    questions = {lesson.pk: selectors.quiz_question_count(lesson) for _m, lessons in curriculum for lesson in lessons}
    trades = list(Trade.objects.filter(is_active=True).order_by("pk")) or [Trade.objects.create(name="Tailoring")]
    log(f"curriculum: {len(curriculum)} modules, {len(questions)} lessons")

    facilitators, centres = _build_staff(scale)
    plans = _group_plans(scale, centres, curriculum)
    moves, evidence = _build_centres(
        centres,
        facilitators,
        plans,
        questions=questions,
        trades=trades,
        today=today,
        rng=rng,
        evidence_rng=evidence_rng,
        log=log,
    )
    with transaction.atomic():
        _record_moves(moves)
    log("evidence: " + ", ".join(f"{n} {name}" for name, n in evidence.items()) + f", {len(moves)} moves")
    with transaction.atomic():
        made = _build_peers(centres, facilitators, curriculum, questions=questions, today=today)
    log(f"peer educators: {made}")
    # The rows above went in by bulk, past the services that keep the indicator summaries: recompute them.
    written = summaries.rebuild()
    log(f"indicator summaries: {written} rows")
    finish_database()


@transaction.atomic
def _build_staff(scale: Scale) -> tuple[list[User], list[Centre]]:
    """The centres and their facilitators (one each, in the Facilitators role, assigned to their centre)."""
    unusable = make_password(None)  # the pages are timed with force_login; nobody signs in as these
    facilitators = _insert(
        User,
        [
            User(
                username=f"{FACILITATOR_PREFIX}{i + 1:02d}",
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                password=unusable,
            )
            for i in range(scale.centres)
        ],
    )
    role = Role.objects.get(name=roles.FACILITATORS)
    _insert(User.groups.through, [User.groups.through(user=u, group=role) for u in facilitators])
    centres = _insert(
        Centre,
        [
            Centre(
                name=f"Bench centre {i + 1:02d}",
                code=_centre_code(i),
                kind=Centre.Kind.CFS if i % 4 == 3 else Centre.Kind.DROP_IN,
                area=f"Area {i % 5 + 1}",
            )
            for i in range(scale.centres)
        ],
    )
    _insert(
        StaffAssignment,
        [StaffAssignment(user=user, centre=centre) for user, centre in zip(facilitators, centres, strict=True)],
    )
    return facilitators, centres


def _group_plans(scale: Scale, centres: list[Centre], curriculum) -> list[_GroupPlan]:
    """The grid group at the first centre, then the ordinary groups spread over the centres and learners."""
    plans = [
        _GroupPlan(
            index=0,
            centre=centres[0],
            name=GRID_GROUP_NAME,
            members=GRID_MEMBERS + GRID_LEFT,
            modules=curriculum[:GRID_MODULES],
            held=GRID_HELD,
            planned_offset=0,
            grid=True,
        )
    ]
    others = scale.groups - 1
    spread = scale.learners - GRID_MEMBERS - GRID_LEFT
    for k in range(1, scale.groups):
        plans.append(
            _GroupPlan(
                index=k,
                centre=centres[k % scale.centres],
                name=f"Group {k:03d}",
                members=spread // others + (1 if k <= spread % others else 0),
                modules=_modules_for(curriculum, SESSIONS_PER_GROUP),
                held=HELD_PER_GROUP,
                planned_offset=k % DAYS_BETWEEN_SESSIONS,
            )
        )
    return plans


def _build_centres(
    centres, facilitators, plans, *, questions, trades, today, rng, evidence_rng, log
) -> tuple[list[_Move], dict[str, int]]:
    """Each centre's groups and learners, then its evidence, one transaction per centre, logging progress.

    Returns the moves to record once every centre is built, and how many of each kind of evidence were made.
    """
    plans_of: dict[int, list[_GroupPlan]] = {}
    for plan in plans:
        plans_of.setdefault(plan.centre.pk, []).append(plan)
    moves: list[_Move] = []
    evidence: dict[str, int] = {}
    log_every = max(1, len(centres) // 10)
    for position, centre in enumerate(centres):
        facilitator = facilitators[position]
        move_to = centres[(position + 1) % len(centres)] if len(centres) > 1 else None
        with transaction.atomic():
            learners = _build_centre(
                centre, facilitator, plans_of[centre.pk], questions=questions, today=today, rng=rng, move_to=move_to
            )
            made = _build_evidence(
                centre, facilitator, learners, move_to=move_to, trades=trades, today=today, rng=evidence_rng
            )
        for name, n in made.items():
            evidence[name] = evidence.get(name, 0) + n
        moves += [_Move(learner, centre, move_to, moved_on, facilitator) for learner, moved_on in learners if moved_on]
        if position % log_every == log_every - 1 or position == len(centres) - 1:
            log(f"centres built: {position + 1}/{len(centres)}")
    return moves, evidence


def _build_centre(
    centre, facilitator, plans, *, questions, today, rng, move_to=None
) -> list[tuple[Learner, datetime.date | None]]:
    """A centre's groups, learners, memberships, sessions, attendance, progress and quiz results.

    Returns the centre's learners, each with the day they move to `move_to` (None for those who stay).
    """
    groups = _insert_groups(centre, facilitator, plans)
    # Dates first: members must have joined before the sessions they are counted in.
    schedules = [_schedule(plan, today) for plan in plans]
    learners, member_plans, moves = _plan_learners(
        centre, facilitator, plans, schedules, today=today, rng=rng, move_to=move_to
    )
    learners = _insert(Learner, learners, batch_size=BATCH_SIZE)
    Centre.objects.filter(pk=centre.pk).update(last_learner_number=centre.last_learner_number + len(learners))
    _insert(LearnerSituation, _situations(learners, facilitator, today), batch_size=BATCH_SIZE)
    members_by_group = _insert_memberships(plans, groups, learners, member_plans)
    _hold_sessions(plans, groups, schedules, members_by_group, facilitator=facilitator, questions=questions, rng=rng)
    return list(zip(learners, moves, strict=True))


def _situations(learners: list[Learner], facilitator: User, today: datetime.date) -> list[LearnerSituation]:
    """Every learner's situation as of joining, by their place in the list (no random draws, so the other
    records stay as they were): 12 in 20 at risk (one risk each, in turn), 5 survivors, 3 other; one in four
    at risk recorded as a survivor 60 days after joining, when that day has come."""
    rows = []
    for index, learner in enumerate(learners):
        slot = index % 20
        situation = "at_risk" if slot < 12 else "survivor" if slot < 17 else "other"
        risk = {RISK_KINDS[index % len(RISK_KINDS)][0]: True} if situation == "at_risk" else {}
        rows.append(
            LearnerSituation(
                learner=learner, situation=situation, recorded_on=learner.joined_on, recorded_by=facilitator, **risk
            )
        )
        later = learner.joined_on + datetime.timedelta(days=60)
        if situation == "at_risk" and index % 4 == 0 and later <= today:
            rows.append(
                LearnerSituation(learner=learner, situation="survivor", recorded_on=later, recorded_by=facilitator)
            )
    return rows


def _insert_groups(centre, facilitator, plans) -> list[Group]:
    """The centre's groups, led by its facilitator, each with the modules of its plan in order."""
    groups = _insert(
        Group, [Group(centre=centre, name=plan.name, facilitator=facilitator) for plan in plans], batch_size=BATCH_SIZE
    )
    _insert(
        GroupModule,
        [
            GroupModule(group=group, module=module, position=position)
            for group, plan in zip(groups, plans, strict=True)
            for position, (module, _lessons) in enumerate(plan.modules)
        ],
        batch_size=BATCH_SIZE,
    )
    return groups


def _schedule(plan: _GroupPlan, today: datetime.date) -> tuple[list, list[datetime.date], list[datetime.date]]:
    """A group's lessons in session order, the dates of its held sessions and the dates of the later ones."""
    days = datetime.timedelta
    lessons = [lesson for _module, module_lessons in plan.modules for lesson in module_lessons]
    if plan.grid:
        held_dates = [today - days((plan.held - i) * DAYS_BETWEEN_SESSIONS) for i in range(plan.held)]
    else:
        shift = plan.index % DAYS_BETWEEN_SESSIONS
        held_dates = [today - days((plan.held - i) * DAYS_BETWEEN_HELD + shift) for i in range(plan.held)]
    sessions_wanted = len(lessons) if plan.grid else SESSIONS_PER_GROUP
    later = sessions_wanted - plan.held
    later_dates = [today + days(plan.planned_offset + j * DAYS_BETWEEN_SESSIONS) for j in range(later)]
    return lessons[:sessions_wanted], held_dates, later_dates


def _plan_learners(centre, facilitator, plans, schedules, *, today, rng, move_to) -> tuple[list, list, list]:
    """The centre's new learners (not saved yet), group by group, with the random draws for each in turn.

    Returns the learners; for each, (group index, joined, left, chance of coming); and the day each moves
    to `move_to` (None for those who stay).
    """
    days = datetime.timedelta
    number = centre.last_learner_number
    moving = TRANSFERS_PER_CENTRE if move_to is not None else 0
    learners, member_plans, moves = [], [], []
    for plan, (_lessons, held_dates, _later) in zip(plans, schedules, strict=True):
        start = held_dates[0] if held_dates else today
        join_spread = GRID_JOIN_SPREAD_DAYS if plan.grid else JOIN_SPREAD_DAYS
        for m in range(plan.members):
            number += 1
            joined = start - days(rng.randint(1, join_spread))
            left = moved_on = None
            if plan.grid and m >= GRID_MEMBERS:  # two learners who moved on part-way through
                left = held_dates[min(12, len(held_dates) - 1)]
            elif plan.grid and m >= GRID_MEMBERS - GRID_LATE_JOINERS:  # five who joined part-way through
                joined = held_dates[min(10, len(held_dates) - 1)]
            elif not plan.grid and moving and m == plan.members - 1:  # moves after the group's last held session
                moving -= 1
                left = moved_on = today - days(1 + number % 7)
            known_birth_year = rng.random() > 0.1
            learners.append(
                Learner(
                    centre=centre,
                    number=number,
                    code=Learner.format_code(centre.code, number),
                    first_name=rng.choice(FIRST_NAMES),
                    sex=rng.choice(("f", "m", "f", "m", "x")),
                    birth_year=today.year - rng.randint(8, 17) if known_birth_year else None,
                    age_band="" if known_birth_year else Learner.AgeBand.TEN_TO_14,
                    joined_on=joined,
                    status=Learner.Status.MOVED_ON if left and not moved_on else Learner.Status.ACTIVE,
                    guardian_consent_on=joined,
                    guardian_consent_recorded_by=facilitator,
                    child_assent_on=joined,
                    child_assent_recorded_by=facilitator,
                )
            )
            moves.append(moved_on)
            member_plans.append((plan.index, joined, left, rng.choice(ATTENDANCE_CHANCES)))
    return learners, member_plans, moves


def _insert_memberships(plans, groups, learners, member_plans) -> dict[int, list]:
    """Each saved learner's membership of their group; returns (learner id, joined, left, chance) by group index."""
    group_of = {plan.index: group for plan, group in zip(plans, groups, strict=True)}
    _insert(
        Membership,
        [
            Membership(group=group_of[index], learner=learner, joined_on=joined, left_on=left)
            for learner, (index, joined, left, _chance) in zip(learners, member_plans, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    members_by_group: dict[int, list] = {}
    for learner, (index, joined, left, chance) in zip(learners, member_plans, strict=True):
        members_by_group.setdefault(index, []).append((learner.pk, joined, left, chance))
    return members_by_group


def _hold_sessions(plans, groups, schedules, members_by_group, *, facilitator, questions, rng) -> None:
    """Each group's sessions, then the attendance, progress and quiz results of its held ones, group by group."""
    writer = _RowWriter()
    now = Attendance._meta.get_field("recorded_at").get_db_prep_value(timezone.now(), connection)
    date_field = LessonProgress._meta.get_field("completed_on")
    for plan, group, (lessons, held_dates, later_dates) in zip(plans, groups, schedules, strict=True):
        sessions = _insert(
            Session, _group_sessions(plan, group, lessons, held_dates, later_dates, facilitator), batch_size=BATCH_SIZE
        )
        for i, session in enumerate(sessions[: plan.held]):
            lesson_id, day = session.lesson_id, date_field.get_db_prep_value(session.date, connection)
            maximum = questions[lesson_id] if plan.grid or i % 5 == 0 else 0  # quizzes: first lesson of a module
            for learner_id, joined, left, chance in members_by_group[plan.index]:
                if joined > session.date or (left is not None and left < session.date):
                    continue
                came = rng.random() < chance
                status = "present" if came else ("absent" if rng.random() < 0.85 else "excused")
                writer.add(Attendance, (session.pk, learner_id, status, facilitator.pk, now))
                if not came:
                    continue
                writer.add(LessonProgress, (learner_id, lesson_id, session.pk, day))
                if maximum:
                    pre = rng.randint(0, maximum)
                    post = min(maximum, pre + rng.randint(0, 2))
                    for kind, score in (("pre", pre), ("post", post)):
                        writer.add(
                            QuizResult, (session.pk, learner_id, lesson_id, kind, score, maximum, facilitator.pk, now)
                        )
    writer.flush()


def _group_sessions(plan, group, lessons, held_dates, later_dates, facilitator) -> list[Session]:
    """A group's sessions (not saved yet): the held ones, then the planned ones, two of them cancelled."""
    sessions = [
        Session(group=group, lesson=lessons[i], date=day, status=Session.Status.HELD, delivered_by=facilitator)
        for i, day in enumerate(held_dates)
    ]
    for j, day in enumerate(later_dates):
        cancelled = not plan.grid and 3 <= j < 3 + CANCELLED_PER_GROUP
        sessions.append(
            Session(
                group=group,
                lesson=lessons[plan.held + j],
                date=day,
                status=Session.Status.CANCELLED if cancelled else Session.Status.PLANNED,
                cancel_reason="Centre closed for a public holiday" if cancelled else "",
            )
        )
    return sessions


@dataclass
class _CentreEvidence:
    """One centre's evidence as it is drawn: who records it, where a learner was on a day, and the rows so far."""

    centre: Centre
    facilitator: User
    move_to: Centre | None
    trades: list[Trade]
    today: datetime.date
    rng: random.Random
    now: object  # the recorded_at of the service rows, in the database's form
    writer: _RowWriter = field(default_factory=_RowWriter)
    services: int = 0
    trainings: list[TrainingEnrolment] = field(default_factory=list)
    placements: list[JobPlacement] = field(default_factory=list)
    schools: list[SchoolEnrolment] = field(default_factory=list)

    def centre_on(self, day: datetime.date, moved_on: datetime.date | None) -> int:
        """The id of the centre a learner who moves on `moved_on` (None: never) was at on a day."""
        return self.move_to.pk if moved_on and day >= moved_on else self.centre.pk


def _build_evidence(centre, facilitator, learners, *, move_to, trades, today, rng) -> dict[str, int]:
    """A centre's services, vocational training, job placements and school enrolments (each counted for the
    centre the learner was at on its day), then its PCC and child association, their meetings, and its
    sensitisation events."""
    now = ServiceRecord._meta.get_field("recorded_at").get_db_prep_value(timezone.now(), connection)
    run = _CentreEvidence(
        centre=centre, facilitator=facilitator, move_to=move_to, trades=trades, today=today, rng=rng, now=now
    )
    for learner, moved_on in learners:
        _learner_evidence(run, learner, moved_on)
    run.writer.flush()
    _insert(TrainingEnrolment, run.trainings, batch_size=BATCH_SIZE)
    placements = _insert(JobPlacement, run.placements, batch_size=BATCH_SIZE)
    schools = _insert(SchoolEnrolment, run.schools, batch_size=BATCH_SIZE)
    referrals = _referrals(run, learners)
    meetings, events = _community_work(centre, facilitator, learners, today=today, rng=rng)
    follow_ups = _follow_ups(placements, schools, facilitator, today=today, rng=rng)
    coordination, trainings_given = _coordination(centre, facilitator, today=today, rng=rng)
    return {
        "services": run.services,
        "trainings": len(run.trainings),
        "placements": len(run.placements),
        "school enrolments": len(run.schools),
        "referrals": referrals,
        "community meetings": meetings,
        "sensitisation events": events,
        "follow-ups": follow_ups,
        "coordination meetings": coordination,
        "trainings given": trainings_given,
    }


REFERRAL_SHARE = 0.3  # referrals per learner, about
REFERRAL_OUTCOMES = [("received", 55), ("pending", 25), ("refused", 10), ("unreachable", 10)]


def _referrals(run: _CentreEvidence, learners) -> int:
    """The centre's directory (a clinic and a legal aid desk), about 0.3 referrals per learner with mixed outcomes,
    each closed one followed up once or, one in three, twice (pending first)."""
    providers = _insert(
        ServiceProvider,
        [
            ServiceProvider(centre=run.centre, kind="health", name=f"{run.centre.code} clinic", phone="081-2000001"),
            ServiceProvider(centre=run.centre, kind="legal", name=f"{run.centre.code} legal aid", phone="081-2000002"),
        ],
    )
    outcomes, weights = zip(*REFERRAL_OUTCOMES, strict=True)
    referrals, finals = [], []
    for learner, moved_on in learners:
        known_for = (run.today - learner.joined_on).days
        if known_for < 30 or run.rng.random() >= REFERRAL_SHARE:
            continue
        day = learner.joined_on + datetime.timedelta(days=run.rng.randint(0, known_for - 21))
        outcome = run.rng.choices(outcomes, weights)[0]
        provider = run.rng.choice(providers)
        referrals.append(
            Referral(
                learner=learner,
                centre_id=run.centre_on(day, moved_on),
                provider=provider,
                referred_on=day,
                reason="health" if provider.kind == "health" else "legal",
                outcome=outcome,
                follow_up_on=day + datetime.timedelta(days=14) if outcome == "pending" else None,
                recorded_by=run.facilitator,
            )
        )
        finals.append(outcome)
    referrals = _insert(Referral, referrals, batch_size=BATCH_SIZE)
    follow_ups = []
    for referral, outcome in zip(referrals, finals, strict=True):
        if outcome == "pending":
            continue
        if run.rng.random() < 1 / 3:
            follow_ups.append(_follow_up(run, referral, 7, "pending"))
        follow_ups.append(_follow_up(run, referral, 14, outcome))
    _insert(ReferralFollowUp, follow_ups, batch_size=BATCH_SIZE)
    return len(referrals)


def _follow_up(run: _CentreEvidence, referral, days: int, outcome: str):
    return ReferralFollowUp(
        referral=referral,
        on=referral.referred_on + datetime.timedelta(days=days),
        outcome=outcome,
        recorded_by=run.facilitator,
    )


def _learner_evidence(run: _CentreEvidence, learner: Learner, moved_on: datetime.date | None) -> None:
    """One learner's services, then vocational training (and perhaps a job) or school enrolment, if drawn."""
    known_for = (run.today - learner.joined_on).days
    _draw_services(run, learner, moved_on, known_for)
    age = run.today.year - learner.birth_year if learner.birth_year else None
    if age is not None and age >= TRAINING_MIN_AGE and known_for > 60 and run.rng.random() < TRAINING_SHARE:
        _draw_training(run, learner, moved_on, known_for)
    elif (age is None or age <= SCHOOL_MAX_AGE) and known_for > 30 and run.rng.random() < SCHOOL_SHARE:
        day = learner.joined_on + datetime.timedelta(days=run.rng.randint(30, known_for))
        run.schools.append(
            SchoolEnrolment(
                learner=learner,
                centre_id=run.centre_on(day, moved_on),
                enrolled_on=day,
                grade=str(run.rng.randint(1, 8)),
                recorded_by=run.facilitator,
            )
        )


def _draw_services(run: _CentreEvidence, learner: Learner, moved_on: datetime.date | None, known_for: int) -> None:
    """A learner's services since joining, at their own rate, on distinct days, of weighted kinds."""
    date_field = ServiceRecord._meta.get_field("date")
    kinds = [(kind.value, provider) for kind, _weight, provider in SERVICE_KINDS]
    weights = [weight for _kind, weight, _provider in SERVICE_KINDS]
    rate = run.rng.uniform(*SERVICES_PER_YEAR)
    n = min(known_for + 1, int(known_for * rate / 365 + run.rng.random()))
    for offset in sorted(run.rng.sample(range(known_for + 1), n)):
        day = learner.joined_on + datetime.timedelta(days=offset)
        kind, provider = run.rng.choices(kinds, weights)[0]
        db_day = date_field.get_db_prep_value(day, connection)
        row = (learner.pk, run.centre_on(day, moved_on), kind, db_day, provider, run.facilitator.pk, run.now)
        run.writer.add(ServiceRecord, row)
    run.services += n


def _draw_training(run: _CentreEvidence, learner: Learner, moved_on: datetime.date | None, known_for: int) -> None:
    """A learner's vocational training, perhaps completed and certified, and perhaps a job placement after it."""
    days, rng, today = datetime.timedelta, run.rng, run.today
    trade = rng.choice(run.trades)
    enrolled = learner.joined_on + days(rng.randint(30, known_for - 30))
    completed = enrolled + days(rng.randint(90, 180))
    completed = completed if completed <= today and rng.random() < TRAINING_COMPLETED else None
    certified = completed + days(rng.randint(7, 60)) if completed else None
    certified = certified if certified and certified <= today and rng.random() < TRAINING_CERTIFIED else None
    run.trainings.append(
        TrainingEnrolment(
            learner=learner,
            centre_id=run.centre_on(enrolled, moved_on),
            trade=trade,
            enrolled_on=enrolled,
            completed_on=completed,
            certified_on=certified,
            certifying_board=BOARD if certified else "",
            certificate_number=learner.code if certified and rng.random() < 0.8 else "",
            recorded_by=run.facilitator,
        )
    )
    placed = completed + days(rng.randint(10, 120)) if completed else None
    if placed and placed <= today and rng.random() < PLACED_SHARE:
        in_trade = rng.random() < 0.8
        run.placements.append(
            JobPlacement(
                learner=learner,
                centre_id=run.centre_on(placed, moved_on),
                placed_on=placed,
                kind=rng.choice(JobPlacement.Kind.values),
                trade=trade if in_trade else None,
                sector="" if in_trade else rng.choice(("Bakery", "Transport", "Hotel kitchen")),
                recorded_by=run.facilitator,
            )
        )


def _community_work(centre, facilitator, learners, *, today, rng) -> tuple[int, int]:
    """A centre's PCC and child association, their meetings, and its sensitisation events; returns how many
    meetings and events were made."""
    pcc, association = _community_groups(centre, learners, today=today, rng=rng)
    meetings = [
        CommunityMeeting(
            group=group,
            date=today - datetime.timedelta(days=30 * month + rng.randint(0, 27)),
            topics="\n".join(rng.sample(MEETING_TOPICS, 2)),
            attendance=rng.randint(min(3, group.members_total), max(3, group.members_total)),
            recorded_by=facilitator,
        )
        for month in range(COMMUNITY_MONTHS)
        for group in (pcc, association)
        if rng.random() < MEETING_CHANCE
    ]
    _insert(CommunityMeeting, meetings, batch_size=BATCH_SIZE)
    audiences = SensitisationEvent.Audience.values
    events = [
        SensitisationEvent(
            centre=centre,
            date=today - datetime.timedelta(days=k * EVENT_EVERY_DAYS + rng.randint(0, 10)),
            audience=audiences[k % len(audiences)],
            participants_male=rng.randint(5, 30),
            participants_female=rng.randint(0, 25),
            topics=EVENT_TOPICS,
            recorded_by=facilitator,
        )
        for k in range(31 * COMMUNITY_MONTHS // EVENT_EVERY_DAYS)
    ]
    _insert(SensitisationEvent, events, batch_size=BATCH_SIZE)
    return len(meetings), len(events)


def _follow_ups(placements, schools, facilitator, *, today, rng) -> int:
    """The 3- and 6-month follow-ups of a centre's placements and enrolments, most recorded when due (about one in
    six left undone), still there at 3 months about 85 times in 100 and at 6 months 90 in 100 of those."""
    rows = []
    for record, start, is_job in [(p, p.placed_on, True) for p in placements] + [
        (e, e.enrolled_on, False) for e in schools
    ]:
        still = True
        for point in (3, 6):
            day = PlacementFollowUp.due_on(start, point) + datetime.timedelta(days=rng.randint(-5, 20))
            if day > today or rng.random() < 0.17:
                break
            still = still and rng.random() < (0.85 if point == 3 else 0.9)
            rows.append(
                PlacementFollowUp(
                    placement=record if is_job else None,
                    enrolment=None if is_job else record,
                    point=point,
                    date=day,
                    still_there=still,
                    earnings=rng.choice(PlacementFollowUp.Earnings.values) if is_job and still else "",
                    recorded_by=facilitator,
                )
            )
    _insert(PlacementFollowUp, rows, batch_size=BATCH_SIZE)
    return len(rows)


def _coordination(centre, facilitator, *, today, rng) -> tuple[int, int]:
    """A centre's district coordination meetings (about one a month) and trainings (about one every two months,
    for each audience in turn); returns how many of each were made."""
    meetings = [
        CoordinationMeeting(
            centre=centre,
            date=today - datetime.timedelta(days=30 * month + rng.randint(0, 27)),
            level=CoordinationMeeting.Level.DISTRICT if month % 6 else CoordinationMeeting.Level.PROVINCIAL,
            title=f"District Child Protection Committee {month}",
            organisations="Social Welfare\nPolice\nDistrict Education Office",
            topics=EVENT_TOPICS,
            decisions="Monthly case conference.",
            recorded_by=facilitator,
        )
        for month in range(COMMUNITY_MONTHS)
    ]
    _insert(CoordinationMeeting, meetings, batch_size=BATCH_SIZE)
    audiences = TrainingEvent.Audience.values
    trainings = [
        TrainingEvent(
            centre=centre,
            date=today - datetime.timedelta(days=60 * k + rng.randint(0, 50)),
            audience=audiences[k % len(audiences)],
            topic="Child safeguarding",
            participants_male=rng.randint(3, 25),
            participants_female=rng.randint(1, 20),
            recorded_by=facilitator,
        )
        for k in range(COMMUNITY_MONTHS // 2)
    ]
    _insert(TrainingEvent, trainings, batch_size=BATCH_SIZE)
    return len(meetings), len(trainings)


def _community_groups(centre, learners, *, today, rng) -> tuple[CommunityGroup, CommunityGroup]:
    """A centre's Parents' Community Committee and its child association, whose members are learners who stay."""
    formed = today - datetime.timedelta(days=31 * COMMUNITY_MONTHS)
    members = [learner for learner, moved_on in learners if not moved_on][:ASSOCIATION_MEMBERS]
    pcc, association = _insert(
        CommunityGroup,
        [
            CommunityGroup(
                centre=centre,
                kind=CommunityGroup.Kind.PCC,
                name=f"{centre.name} Parents' Committee",
                formed_on=formed,
                members_male=rng.randint(4, 8),
                members_female=rng.randint(3, 7),
            ),
            CommunityGroup(
                centre=centre,
                kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
                name=f"{centre.name} Child Association",
                formed_on=formed,
                members_male=sum(1 for learner in members if learner.sex != "f"),
                members_female=sum(1 for learner in members if learner.sex == "f"),
            ),
        ],
    )
    through = CommunityGroup.learner_members.through
    _insert(through, [through(communitygroup=association, learner=learner) for learner in members])
    return pcc, association


def _record_moves(moves: list[_Move]) -> None:
    """Each move between centres, as `learner_transfer` records it: the learner takes the next number of
    their new centre and keeps their code (their groups were already ended on the day they moved)."""
    _insert(
        CentreTransfer,
        [
            CentreTransfer(
                learner=move.learner,
                from_centre=move.from_centre,
                to_centre=move.to_centre,
                moved_on=move.moved_on,
                recorded_by=move.recorded_by,
            )
            for move in moves
        ],
        batch_size=BATCH_SIZE,
    )
    last = dict(Centre.objects.values_list("pk", "last_learner_number"))
    for move in moves:
        last[move.to_centre.pk] += 1
        Learner.objects.filter(pk=move.learner.pk).update(centre=move.to_centre, number=last[move.to_centre.pk])
    for centre_id in {move.to_centre.pk for move in moves}:
        Centre.objects.filter(pk=centre_id).update(last_learner_number=last[centre_id])


def _peer_candidates(centre: Centre, today: datetime.date, grid_members: set[int]) -> list[Learner]:
    """Active learners of the centre who joined before the peer groups started and never moved centre, grid
    group members last (so the pages timed on the grid group are the same as without peer educators)."""
    learners = Learner.objects.filter(
        centre=centre,
        status=Learner.Status.ACTIVE,
        joined_on__lte=today - datetime.timedelta(days=PEER_PROMOTED_DAYS + 10),
        transfers__isnull=True,
    ).order_by("number")
    return sorted(learners, key=lambda learner: learner.pk in grid_members)


@dataclass
class _PeerRun:
    """What building every centre's peer educators shares: the draws, the role, the writer and the counts."""

    rng: random.Random
    today: datetime.date
    questions: dict[int, int]
    peer_modules: list
    grid_members: set[int]
    role: Role
    unusable: str
    now: object  # the recorded_at of attendance and quiz rows, in the database's form
    writer: _RowWriter = field(default_factory=_RowWriter)
    made: dict[str, int] = field(
        default_factory=lambda: {
            "peer educators": 0,
            "peer groups": 0,
            "observations": 0,
            "projects": 0,
            "activity logs": 0,
        }
    )


def _build_peers(centres, facilitators, curriculum, *, questions, today) -> str:
    """Each centre's peer educators, their peer groups and sessions, observations and projects."""
    rng = random.Random(SEED + 1)
    peer_modules = curriculum[PEER_FIRST_MODULE:]
    needed = PEERS_PER_CENTRE * PEER_GROUPS_PER_PEER * PEER_GROUP_MODULES
    if len(peer_modules) < needed:
        raise ImproperlyConfigured(f"The bench curriculum needs {PEER_FIRST_MODULE + needed} modules for peer groups.")
    grid_members = set(Membership.objects.filter(group__name=GRID_GROUP_NAME).values_list("learner_id", flat=True))
    run = _PeerRun(
        rng=rng,
        today=today,
        questions=questions,
        peer_modules=peer_modules,
        grid_members=grid_members,
        role=Role.objects.get(name=roles.PEER_EDUCATORS),
        unusable=make_password(None),
        now=Attendance._meta.get_field("recorded_at").get_db_prep_value(timezone.now(), connection),
    )
    for position, (centre, facilitator) in enumerate(zip(centres, facilitators, strict=True)):
        _centre_peers(run, position, centre, facilitator)
    return ", ".join(f"{n} {name}" for name, n in run.made.items())


def _centre_peers(run: _PeerRun, position: int, centre: Centre, facilitator: User) -> None:
    """A centre's peer educators (its oldest eligible learners), their peer groups, observations and projects."""
    today = run.today
    candidates = _peer_candidates(centre, today, run.grid_members)
    old_enough = [c for c in candidates if c.birth_year and today.year - c.birth_year >= PEER_MIN_AGE]
    chosen = old_enough[:PEERS_PER_CENTRE]
    pool = [c for c in candidates if c not in chosen]
    if not chosen or not pool:
        return
    users, peers = _promote_peers(run, position, facilitator, chosen)
    plans = [(k, user, g) for k, user in enumerate(users) for g in range(PEER_GROUPS_PER_PEER)]
    groups = _insert(
        Group,
        [
            Group(centre=centre, name=f"Peer group {k + 1}.{g + 1}", facilitator=facilitator, peer_leader=user)
            for k, user, g in plans
        ],
    )
    run.made["peer groups"] += len(groups)
    observations = []
    for z, (group, (_k, user, _g)) in enumerate(zip(groups, plans, strict=True)):
        observations += _build_peer_group(run, z, group, user, pool, peers, facilitator)
    _insert(Observation, observations)
    run.made["observations"] += len(observations)
    run.writer.flush()
    projects = _build_projects(centre, facilitator, chosen, users, pool, first=position == 0, today=today, rng=run.rng)
    run.made["projects"] += projects[0]
    run.made["activity logs"] += projects[1]


def _promote_peers(run: _PeerRun, position: int, facilitator: User, chosen: list[Learner]) -> tuple[list, list]:
    """The chosen learners' accounts (Peer educators role) and active peer educator records, with their pathway."""
    days = datetime.timedelta
    users = _insert(
        User,
        [
            User(
                username=f"{PEER_PREFIX}{position + 1:02d}-{k + 1}",
                first_name=learner.first_name,
                password=run.unusable,
            )
            for k, learner in enumerate(chosen)
        ],
    )
    _insert(User.groups.through, [User.groups.through(user=user, group=run.role) for user in users])
    peers = _insert(
        PeerEducator,
        [
            PeerEducator(
                learner=learner,
                user=user,
                status=PeerEducator.Status.ACTIVE,
                mentor=facilitator,
                endorsement="Came to every training session and leads games patiently.",
                endorsed_by=facilitator,
            )
            for learner, user in zip(chosen, users, strict=True)
        ],
    )
    _insert(
        StatusChange,
        [
            StatusChange(peer_educator=peer, status=status, changed_on=run.today - days(ago), changed_by=facilitator)
            for peer in peers
            for status, ago in (
                (PeerEducator.Status.NOMINATED, PEER_PROMOTED_DAYS + 10),
                (PeerEducator.Status.IN_TRAINING, PEER_PROMOTED_DAYS + 7),
                (PeerEducator.Status.ACTIVE, PEER_PROMOTED_DAYS),
            )
        ],
    )
    run.made["peer educators"] += len(peers)
    return users, peers


def _build_peer_group(run: _PeerRun, z: int, group, user, pool, peers, facilitator) -> list[Observation]:
    """The z-th peer group of a centre: its modules, members and sessions, then attendance, progress and quiz
    results of the held ones; returns the mentor's observations (not saved yet) if it is its peer's first group."""
    days = datetime.timedelta
    modules = run.peer_modules[z * PEER_GROUP_MODULES : (z + 1) * PEER_GROUP_MODULES]
    _insert(
        GroupModule, [GroupModule(group=group, module=module, position=i) for i, (module, _l) in enumerate(modules)]
    )
    members = [pool[(z * PEER_GROUP_MEMBERS + i) % len(pool)] for i in range(min(PEER_GROUP_MEMBERS, len(pool)))]
    _insert(
        Membership,
        [
            Membership(group=group, learner=learner, joined_on=run.today - days(PEER_MEMBERS_SINCE_DAYS))
            for learner in members
        ],
    )
    lessons = [lesson for _module, module_lessons in modules for lesson in module_lessons]
    held = min(PEER_GROUP_HELD, len(lessons))
    sessions = _insert(
        Session,
        [
            Session(
                group=group,
                lesson=lesson,
                date=run.today - days(7 * (held - i)),
                status=Session.Status.HELD,
                delivered_by=user,
            )
            for i, lesson in enumerate(lessons[:held])
        ]
        + [
            Session(group=group, lesson=lesson, date=run.today + days(7 * j), status=Session.Status.PLANNED)
            for j, lesson in enumerate(lessons[held:])
        ],
    )
    _peer_attendance(run, sessions[:held], members, user)
    if z % PEER_GROUPS_PER_PEER != 0:  # the mentor watches the peer's first group only
        return []
    peer = next(p for p in peers if p.user_id == user.pk)
    return _observations(run, peer, sessions[max(0, held - OBSERVATIONS_PER_PEER) : held], facilitator)


def _peer_attendance(run: _PeerRun, held_sessions: list[Session], members: list[Learner], user: User) -> None:
    """Attendance of a peer group's held sessions, and progress and quiz results for those who came."""
    rng, now = run.rng, run.now
    date_field = LessonProgress._meta.get_field("completed_on")
    for session in held_sessions:
        maximum = run.questions[session.lesson_id]
        day = date_field.get_db_prep_value(session.date, connection)
        for learner in members:
            came = rng.random() < 0.8
            run.writer.add(Attendance, (session.pk, learner.pk, "present" if came else "absent", user.pk, now))
            if not came:
                continue
            run.writer.add(LessonProgress, (learner.pk, session.lesson_id, session.pk, day))
            if maximum:
                pre = rng.randint(0, maximum)
                for kind, score in (("pre", pre), ("post", min(maximum, pre + rng.randint(0, 2)))):
                    run.writer.add(
                        QuizResult, (session.pk, learner.pk, session.lesson_id, kind, score, maximum, user.pk, now)
                    )


def _observations(run: _PeerRun, peer: PeerEducator, sessions: list[Session], facilitator: User) -> list[Observation]:
    """The mentor's observations (not saved yet) of a peer educator's last held sessions, with drawn ratings."""
    return [
        Observation(
            peer_educator=peer,
            session=session,
            observed_on=session.date,
            observer=facilitator,
            preparation=run.rng.randint(2, 4),
            participation=run.rng.randint(2, 4),
            child_safe=run.rng.randint(3, 4),
            key_messages=run.rng.randint(2, 4),
            feedback="Every child had a turn. Repeat the key message at the end.",
        )
        for session in sessions
    ]


def _build_projects(centre, facilitator, peer_learners, peer_users, pool, *, first, today, rng) -> tuple[int, int]:
    """A centre's projects in every status, each with a team, planned steps and an activity log."""
    days = datetime.timedelta
    projects, shapes = [], []
    for j in range(PROJECTS_PER_CENTRE):
        big = first and j == 0
        status = PROJECT_STATUSES[j % len(PROJECT_STATUSES)]
        created = today - days(PROJECT_PROPOSED_DAYS - j)
        logs = (BIG_LOGS if big else PROJECT_LOGS) if status in ("in_progress", "completed") else 0
        approved = status not in ("proposed", "abandoned")
        projects.append(
            Project(
                centre=centre,
                title=BIG_PROJECT if big else f"Project {centre.code}-{j + 1:02d}",
                problem="Working children near the bus stand do not know where to get help.",
                goal="Share a picture map of safe places with children and shopkeepers.",
                place="Near the bus stand",
                status=status,
                proposed_by=peer_users[j % len(peer_users)],
                approved_by=facilitator if approved else None,
                approved_on=created + days(2) if approved else None,
                approval_comment="Approved; ask the shopkeepers first." if approved else "",
                started_on=created + days(3) if logs else None,
                completed_on=today - days(3) if status == "completed" else None,
                abandoned_reason="The market was closed for repairs." if status == "abandoned" else "",
                reflection_changed="Children know where to go." if status == "completed" else "",
                reflection_learned="Ask the shopkeepers first." if status == "completed" else "",
                created_on=created,
            )
        )
        team = (BIG_TEAM if big else PROJECT_TEAM) - len(peer_learners)
        shapes.append((big, logs, [*peer_learners, *(pool[(j * 3 + i) % len(pool)] for i in range(team))]))
    projects = _insert(Project, projects)
    members, steps, entries = [], [], []
    for project, (big, logs, team) in zip(projects, shapes, strict=True):
        members += [ProjectMember(project=project, learner=learner) for learner in {t.pk: t for t in team}.values()]
        steps += [
            PlannedActivity(project=project, title=f"Step {s + 1}", target_date=project.created_on + days(3 * s + 3))
            for s in range(BIG_STEPS if big else PROJECT_STEPS)
        ]
        entries += [
            ActivityLog(
                project=project,
                date=project.created_on + days(3 + i),
                description="Talked with children and shopkeepers about the map.",
                recorded_by=project.proposed_by,
                **{name: rng.randint(0, 12) for name in ActivityLog.REACH_FIELDS},
            )
            for i in range(logs)
        ]
    _insert(ProjectMember, members, batch_size=BATCH_SIZE)
    _insert(PlannedActivity, steps, batch_size=BATCH_SIZE)
    _insert(ActivityLog, entries, batch_size=BATCH_SIZE)
    return len(projects), len(entries)
