"""Demo delivery records: two centres, invented learners, three groups and eight weeks of sessions.

Everything is written through the same services facilitators use (so the audit log reads like a
real programme), with dates relative to today and a fixed random seed. Names are invented first
names or nicknames only.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from courses import selectors
from courses import services as delivery
from courses.models import Attendance, LessonPage, Session, curriculum_modules
from learners import services as registry
from learners.models import RISK_KINDS, Centre, Group, Learner, StaffAssignment

SEED = 2026
WEEKS_HELD = 8
MEMBERS_SINCE_DAYS = 63  # every group started nine weeks ago
URDU_TAUGHT_BY = {"facilitator2": "ur"}  # facilitator2's groups are taught in Urdu, the others in English

CHILD_RIGHTS = "child-rights-every-child-counts"
SELF_PROTECTION = "my-body-my-rights-self-protection"
HEALTH = "health-and-hygiene"
CITIZENSHIP = "active-citizenship"

# code, name, kind, area, facilitator's username
CENTRES = [
    ("QTA", "Sariab Road Drop-in Centre", Centre.Kind.DROP_IN, "Sariab Road", "facilitator1"),
    ("KSI", "Kasi Road Child Friendly Space", Centre.Kind.CFS, "Kasi Road", "facilitator2"),
]

# group name, centre code, modules in order, days before today's weekday it meets, members (name, sex)
GROUPS = [
    (
        "Sunrise group",
        "QTA",
        [CHILD_RIGHTS, SELF_PROTECTION],
        0,
        [
            ("Ali", "m"),
            ("Bilal", "m"),
            ("Zahid", "m"),
            ("Imran", "m"),
            ("Rahim", "m"),
            ("Faisal", "m"),
            ("Naveed", "m"),
            ("Saleem", "m"),
            ("Noor", "f"),
            ("Sana", "f"),
            ("Tariq", "m"),
        ],
    ),
    (
        "Falcons",
        "QTA",
        [HEALTH, CITIZENSHIP],
        3,
        [
            ("Waqas", "m"),
            ("Asad", "m"),
            ("Hamza", "m"),
            ("Shahid", "m"),
            ("Usman", "m"),
            ("Junaid", "m"),
            ("Kamran", "m"),
            ("Sajid", "m"),
            ("Arif", "m"),
            ("Ayesha", "f"),
            ("Danish", "m"),
        ],
    ),
    (
        "Stars group",
        "KSI",
        [CHILD_RIGHTS, HEALTH],
        0,
        [
            ("Mahnoor", "f"),
            ("Hina", "f"),
            ("Zainab", "f"),
            ("Samiullah", "m"),
            ("Nadeem", "m"),
            ("Fahim", "m"),
            ("Qasim", "m"),
            ("Rukhsana", "f"),
        ],
    ),
]

# Known only by an age band: nobody is sure of the year they were born.
AGE_BAND_ONLY = {"Naveed", "Kamran", "Fahim", "Gul"}

# Registered at Sariab Road but not yet in a group: consent (or assent) still to be recorded.
WAITING = [("Yasir", "m", False), ("Adnan", "m", True), ("Gul", "f", False)]

MISSING_LEARNER = ("Sunrise group", "Naveed")  # absent from his group's last three sessions
MOVER = ("Falcons", "Danish", "Sunrise group", 27)  # moved from Falcons to Sunrise 27 days ago
CANCELLED = ("Falcons", 4, "The centre was closed: the road was flooded after heavy rain.")  # 4th week back

NOTES = [
    "Lively discussion; the role play worked well.",
    "Two new faces watched from the door; invited them to register.",
    "Power cut halfway through, finished the activity outside.",
    "The children asked to repeat the game next week.",
    "",
    "",
    "",
]


@dataclass
class DemoRecordCounts:
    """What `ensure_demo_records` created."""

    centres: int = 0
    learners: int = 0
    groups: int = 0
    sessions: dict[str, int] = field(default_factory=lambda: {"held": 0, "cancelled": 0, "planned": 0})
    attendance: int = 0
    quiz_results: int = 0

    def __str__(self):
        s = self.sessions
        return (
            f"{self.centres} centres, {self.learners} learners, {self.groups} groups, "
            f"{sum(s.values())} sessions ({s['held']} held, {s['cancelled']} cancelled, {s['planned']} planned), "
            f"{self.attendance} attendance marks, {self.quiz_results} quiz results"
        )


def record_situation(learner: Learner, *, rng: random.Random, today: datetime.date, acting_user: User) -> None:
    """A demo learner's situation as of joining, through the service: mostly at risk (one or two risks), some
    survivors, a few other; one child in four at risk is recorded as a survivor later (what they told a
    counsellor), a month or more after. `rng` is the caller's own, so its other draws stay as they were."""
    draw, kinds = rng.random(), [key for _field, key, _label in RISK_KINDS]
    if draw < 0.6:
        situation, risks = "at_risk", rng.sample(kinds, rng.choice([1, 1, 2]))
    else:
        situation, risks = ("survivor" if draw < 0.85 else "other"), []
    registry.learner_situation_record(
        learner=learner, situation=situation, risk_kinds=risks, recorded_on=learner.joined_on, acting_user=acting_user
    )
    later = (today - learner.joined_on).days - 20
    if situation == "at_risk" and later > 30 and rng.random() < 0.25:
        registry.learner_situation_record(
            learner=learner,
            situation="survivor",
            recorded_on=learner.joined_on + datetime.timedelta(days=rng.randint(30, later)),
            acting_user=acting_user,
        )


class _Builder:
    """Builds the demo records in order: centres, learners, groups, then the weeks of sessions."""

    def __init__(self, facilitators: dict[str, User]):
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)
        self.facilitators = facilitators
        self.counts = DemoRecordCounts()
        self.centres: dict[str, Centre] = {}
        self.groups: dict[str, Group] = {}
        self.learners: dict[tuple[str, str], Learner] = {}  # (first group, name) -> learner
        self.streaks: dict[tuple[int, int], int] = {}  # (group id, learner id) -> sessions missed in a row
        self.situations = random.Random(SEED + 13)  # its own draws, so the other records stay as they were

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def facilitator_of(self, centre_code: str) -> User:
        return self.facilitators[next(c[4] for c in CENTRES if c[0] == centre_code)]

    def build(self) -> DemoRecordCounts:
        for code, name, kind, area, username in CENTRES:
            centre = Centre(code=code, name=name, kind=kind, area=area)
            centre.full_clean()
            centre.save()
            StaffAssignment.objects.get_or_create(user=self.facilitators[username], centre=centre)
            self.centres[code] = centre
            self.counts.centres += 1
        for group_name, centre_code, _modules, _offset, members in GROUPS:
            for first_name, sex in members:
                self.learners[(group_name, first_name)] = self.register(centre_code, first_name, sex, consent=True)
        for first_name, sex, guardian_agreed in WAITING:
            self.register("QTA", first_name, sex, consent=False, guardian_consent=guardian_agreed)
        for group_name, centre_code, module_slugs, _offset, members in GROUPS:
            self.create_group(group_name, centre_code, module_slugs, members)
        self.move_learner()
        for group_name, centre_code, module_slugs, offset, _members in GROUPS:
            self.run_weeks(group_name, centre_code, module_slugs, offset)
        return self.counts

    def register(
        self, centre_code: str, first_name: str, sex: str, *, consent: bool, guardian_consent: bool = False
    ) -> Learner:
        """One learner aged 8 to 17 (a few known only by age band) who joined 3 to 10 months ago."""
        joined_on = self.days_ago(self.rng.randint(91, 300))
        age = self.rng.randint(8, 17)
        known_year = first_name not in AGE_BAND_ONLY
        learner = registry.learner_register(
            centre=self.centres[centre_code],
            first_name=first_name,
            sex=sex,
            joined_on=joined_on,
            birth_year=self.today.year - age if known_year else None,
            age_band="" if known_year else Learner.AgeBand.for_age(age),
            guardian_consent_on=joined_on if consent or guardian_consent else None,
            child_assent_on=joined_on if consent else None,
            acting_user=self.facilitator_of(centre_code),
        )
        if consent:
            record_situation(
                learner, rng=self.situations, today=self.today, acting_user=self.facilitator_of(centre_code)
            )
        self.counts.learners += 1
        return learner

    def create_group(self, name: str, centre_code: str, module_slugs: list[str], members) -> None:
        facilitator = self.facilitator_of(centre_code)
        group = delivery.group_save(
            centre=self.centres[centre_code],
            name=name,
            facilitator=facilitator,
            modules=[curriculum_modules().get(slug=slug) for slug in module_slugs],
            language=URDU_TAUGHT_BY.get(facilitator.username),
            acting_user=facilitator,
        )
        for first_name, _sex in members:
            registry.membership_add(
                group=group,
                learner=self.learners[(name, first_name)],
                joined_on=self.days_ago(MEMBERS_SINCE_DAYS),
                acting_user=facilitator,
            )
        self.groups[name] = group
        self.counts.groups += 1

    def move_learner(self) -> None:
        from_name, first_name, to_name, days = MOVER
        registry.learner_move(
            learner=self.learners[(from_name, first_name)],
            from_group=self.groups[from_name],
            to_group=self.groups[to_name],
            on=self.days_ago(days),
            acting_user=self.facilitator_of(self.groups[from_name].centre.code),
        )

    def run_weeks(self, group_name: str, centre_code: str, module_slugs: list[str], offset: int) -> None:
        """Eight weekly meetings in the past (one cancelled in Falcons), then the next ones planned."""
        group = self.groups[group_name]
        facilitator = self.facilitator_of(centre_code)
        lessons: list[LessonPage] = [
            lesson for slug in module_slugs for lesson in selectors.module_lessons(curriculum_modules().get(slug=slug))
        ]
        if offset:  # meets a few days before today's weekday: its last meeting was `offset` days ago
            meetings = [self.days_ago(offset + 7 * week) for week in range(WEEKS_HELD - 1, -1, -1)]
            upcoming = [self.days_ago(offset - 7)]
        else:  # meets on today's weekday: today's session is still to run
            meetings = [self.days_ago(7 * week) for week in range(WEEKS_HELD, 0, -1)]
            upcoming = [self.today, self.days_ago(-7)]
        next_lesson = 0
        for index, day in enumerate(meetings):
            session = delivery.session_plan(group=group, lesson=lessons[next_lesson], date=day, acting_user=facilitator)
            weeks_back = len(meetings) - index
            if (group_name, weeks_back) == CANCELLED[:2]:
                delivery.session_cancel(session=session, reason=CANCELLED[2], acting_user=facilitator)
                self.counts.sessions["cancelled"] += 1
                continue  # the lesson moves to the next week
            self.hold(session, facilitator, last_three=weeks_back <= 3)
            next_lesson += 1
        for day in upcoming:
            delivery.session_plan(group=group, lesson=lessons[next_lesson], date=day, acting_user=facilitator)
            self.counts.sessions["planned"] += 1
            next_lesson += 1

    def hold(self, session: Session, facilitator: User, *, last_three: bool) -> None:
        """Record a held session with mostly present learners, then pre- and post-test scores for most."""
        missing = self.learners.get(MISSING_LEARNER)
        attendance = {}
        for learner_id in sorted(selectors.member_ids_on(session.group, session.date)):
            if missing and learner_id == missing.pk and last_three:
                status = Attendance.Status.ABSENT
            elif self.streaks.get((session.group_id, learner_id), 0) >= 2:
                status = Attendance.Status.PRESENT  # nobody else drops out of sight
            else:
                roll = self.rng.random()
                status = (
                    Attendance.Status.ABSENT
                    if roll < 0.08
                    else Attendance.Status.EXCUSED
                    if roll < 0.11
                    else Attendance.Status.PRESENT
                )
            attendance[learner_id] = status
            streak = (session.group_id, learner_id)
            self.streaks[streak] = 0 if status == Attendance.Status.PRESENT else self.streaks.get(streak, 0) + 1
        delivery.session_record(
            session=session,
            attendance=attendance,
            notes=self.rng.choice(NOTES),
            delivered_by=facilitator,
            acting_user=facilitator,
        )
        self.counts.sessions["held"] += 1
        self.counts.attendance += len(attendance)
        if self.rng.random() < 0.15:
            return  # no quiz this time: the session ran long
        maximum = selectors.quiz_question_count(session.lesson)
        if not maximum:
            return
        scores = {}
        for learner_id, status in attendance.items():
            if status != Attendance.Status.PRESENT:
                continue
            pre = self.rng.randint(0, max(0, maximum - 2))
            post = min(maximum, pre + self.rng.choice([0, 1, 1, 2, 2, 3]))
            scores[learner_id] = {"pre": pre, "post": post}
        self.counts.quiz_results += delivery.quiz_results_record(
            session=session, scores=scores, acting_user=facilitator
        )


@transaction.atomic
def ensure_demo_records(*, facilitators: dict[str, User]) -> DemoRecordCounts | None:
    """Create the demo centres, learners, groups and sessions, unless they exist; returns what was made.

    `facilitators` maps the demo usernames `facilitator1` and `facilitator2` to their users.
    Returns None when the demo records are already there (nothing is added).
    """
    if Centre.objects.filter(code=CENTRES[0][0]).exists():
        return None
    return _Builder(facilitators).build()
