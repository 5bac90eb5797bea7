"""Demo programme evidence: a year of earlier cohorts, services, training, jobs and school, a move
between centres, community committees and sensitisation events.

Built after the demo centre records and peer educator, so the indicator dashboard has believable
numbers at both demo centres in every month of the last twelve. Earlier cohorts met weekly, finished
their modules and closed; their learners, and the learners of the other demo files, then received
services, trained, found work or went back to school. Everything goes through the services users
call, with dates relative to today and a fixed seed. All names, organisations and numbers are invented.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from courses import selectors
from courses import services as delivery
from courses.models import Attendance, LessonProgress, Session, curriculum_modules
from demo.data.peers import PEER_TRAINING
from demo.data.records import (
    CHILD_RIGHTS,
    CITIZENSHIP,
    HEALTH,
    SELF_PROTECTION,
    URDU_TAUGHT_BY,
    record_situation,
)
from learners import services as registry
from learners.models import (
    Centre,
    CommunityGroup,
    CommunityMeeting,
    Group,
    JobPlacement,
    Learner,
    Membership,
    SchoolEnrolment,
    SensitisationEvent,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from peer_educators import services as projects
from peer_educators.models import Project

SEED = 2027
LIFE_SKILLS = "life-skills-me-my-choices-my-future"
FACILITATORS = {"QTA": "facilitator1", "KSI": "facilitator2"}
APPROVER = "admin"  # approves the projects a facilitator proposed with the youth (nobody approves their own)
LAST_COHORT_SESSION = 30  # days ago: the earlier cohorts all closed before this

# Earlier cohorts, in the order they started. Each row: group name, centre, modules in order, first
# meeting (days after the twelve months began, or days before today when negative), members' ages,
# members (first name, sex). They met weekly (a week was missed now and then) and closed at the end.
COHORTS = [
    (
        "Hilltop group",
        "QTA",
        [CHILD_RIGHTS, LIFE_SKILLS, SELF_PROTECTION],
        3,
        (9, 13),
        [
            ("Shazia", "f"),
            ("Kaleem", "m"),
            ("Rafiq", "m"),
            ("Nabeel", "m"),
            ("Sadia", "f"),
            ("Hafeez", "m"),
            ("Waseem", "m"),
            ("Jamil", "m"),
            ("Tahir", "m"),
            ("Lubna", "f"),
        ],
    ),
    (
        "Rose group",
        "KSI",
        [SELF_PROTECTION, CHILD_RIGHTS, LIFE_SKILLS],
        5,
        (8, 12),
        [
            ("Amina", "f"),
            ("Bushra", "f"),
            ("Saima", "f"),
            ("Farzana", "f"),
            ("Rabia", "f"),
            ("Shabana", "f"),
            ("Khalid", "m"),
            ("Anwar", "m"),
            ("Mehreen", "f"),
            ("Palwasha", "f"),
        ],
    ),
    (
        "Riverside youth",
        "QTA",
        [CITIZENSHIP, HEALTH, LIFE_SKILLS],
        66,
        (14, 17),
        [
            ("Adeel", "m"),
            ("Sohail", "m"),
            ("Murad", "m"),
            ("Qadir", "m"),
            ("Farooq", "m"),
            ("Nazia", "f"),
            ("Akram", "m"),
            ("Yousaf", "m"),
            ("Gulalai", "f"),
            ("Shakeel", "m"),
        ],
    ),
    (
        "Youth circle",
        "KSI",
        [CITIZENSHIP, PEER_TRAINING],
        90,
        (14, 17),
        [
            ("Sadaf", "f"),
            ("Huma", "f"),
            ("Sobia", "f"),
            ("Nargis", "f"),
            ("Uzma", "f"),
            ("Jawad", "m"),
            ("Wali", "m"),
            ("Ismail", "m"),
            ("Malalai", "f"),
        ],
    ),
    (
        "Tulip group",
        "KSI",
        [HEALTH, SELF_PROTECTION, CHILD_RIGHTS],
        150,
        (8, 13),
        [
            ("Aqsa", "f"),
            ("Iqra", "f"),
            ("Sumaira", "f"),
            ("Fozia", "f"),
            ("Shaheen", "f"),
            ("Rubina", "f"),
            ("Daud", "m"),
            ("Sher", "m"),
            ("Zarghuna", "f"),
            ("Kausar", "f"),
        ],
    ),
    (
        "Bazaar group",
        "QTA",
        [HEALTH, CHILD_RIGHTS],
        170,
        (8, 14),
        [
            ("Ehsan", "m"),
            ("Haroon", "m"),
            ("Basit", "m"),
            ("Mehwish", "f"),
            ("Raees", "m"),
            ("Saqib", "m"),
            ("Iqbal", "m"),
            ("Zeeshan", "m"),
            ("Kiran", "f"),
        ],
    ),
    (
        "Evening group",
        "QTA",
        [SELF_PROTECTION, LIFE_SKILLS],
        -130,
        (12, 17),
        [
            ("Atif", "m"),
            ("Majid", "m"),
            ("Fawad", "m"),
            ("Nadir", "m"),
            ("Sarmad", "m"),
            ("Owais", "m"),
            ("Rehan", "m"),
            ("Parveen", "f"),
            ("Tanveer", "m"),
        ],
    ),
    (
        "Jasmine group",
        "KSI",
        [LIFE_SKILLS, SELF_PROTECTION],
        -120,
        (9, 14),
        [
            ("Madiha", "f"),
            ("Neelam", "f"),
            ("Tahira", "f"),
            ("Asma", "f"),
            ("Rimsha", "f"),
            ("Shumaila", "f"),
            ("Bakht", "m"),
            ("Gohar", "m"),
            ("Laila", "f"),
        ],
    ),
]
AGE_BAND_ONLY = {"Raees", "Sher", "Bakht", "Tanveer"}
# Per centre: the chance a learner misses a session, and the usual pre- to post-test gain.
ABSENCE = {"QTA": 0.12, "KSI": 0.07}
GAINS = {"QTA": [0, 1, 1, 2, 2, 3], "KSI": [0, 1, 2, 2, 3, 3]}

# Shazia finished the Hilltop group at Sariab Road, moved with her family to Kasi Road three weeks
# later, and joined the Tulip group there: records on both sides.
MOVER = ("Hilltop group", "Shazia", "Tulip group")

SERVICE_WEIGHTS = {
    "QTA": {"education": 4, "counselling": 3, "recreation": 4, "medical": 2, "health_hygiene": 3, "referral": 1},
    "KSI": {"education": 3, "counselling": 4, "recreation": 3, "medical": 3, "health_hygiene": 2, "referral": 2},
}
SERVED_SHARE = {"QTA": 0.8, "KSI": 0.7}
PROVIDERS = {
    "counselling": ["City counselling collective (invented)"],
    "medical": ["Hope Street Clinic (invented)", "Mobile health van (invented)"],
    "referral": ["Legal aid society (invented)", "Child protection unit (invented)"],
}
OUTSIDE_SHARE = {"counselling": 0.3, "medical": 0.5, "referral": 1.0}

TRAINEES = {"QTA": 11, "KSI": 9}  # youth (14 or older) enrolled in vocational training, per centre
BOARDS = ["Provincial Technical Training Board (invented)", "Skills Council of the Valley (invented)"]
SECTORS = ["Bakery", "Auto workshop", "Tea stall", "Carpet weaving"]  # work outside the three trades
SCHOOL = {"QTA": 7, "KSI": 6}  # younger learners mainstreamed into school, per centre

# centre, kind, name, formed (days before the twelve months began), male and female members,
# days between meetings, people who usually come
COMMUNITY_GROUPS = [
    ("QTA", CommunityGroup.Kind.PCC, "Sariab Road Parents' Committee", 120, 9, 5, 30, 10),
    ("QTA", CommunityGroup.Kind.CHILD_ASSOCIATION, "Sariab Road Children's Club", 60, 0, 0, 21, 14),
    ("KSI", CommunityGroup.Kind.PCC, "Kasi Road Mothers' and Fathers' Committee", 200, 5, 9, 42, 11),
    ("KSI", CommunityGroup.Kind.PCC, "Killi Ismail Parents' Committee", -150, 7, 6, 35, 9),
    ("KSI", CommunityGroup.Kind.CHILD_ASSOCIATION, "Kasi Road Girls' and Boys' Council", 30, 0, 0, 28, 12),
]
MEETING_TOPICS = [
    "Child rights\nKeeping children in school",
    "Safe and unsafe touch\nWho to tell",
    "Hand washing and clean water",
    "Children working at night\nSafe places near the bus stand",
    "Birth registration\nPlanning the open day",
    "Early marriage\nListening to children",
    "Bullying at school\nThe club's poster",
]
# centre, audience, days after the twelve months began (or before today), male and female participants, topics
SENSITISATION = [
    ("QTA", "parents", 12, 14, 9, "Child rights and the centre's services"),
    ("QTA", "police", 47, 11, 1, "Treating working children as children first"),
    ("QTA", "elders", 95, 16, 0, "Children out of school in the bazaar"),
    ("QTA", "teachers", 150, 6, 8, "Bringing out-of-school children back to class"),
    ("QTA", "religious", 196, 9, 0, "Child protection in the community"),
    ("QTA", "parents", 241, 12, 15, "Keeping children safe online and at night"),
    ("QTA", "others", 283, 8, 3, "Shopkeepers: children at work and their rights"),
    ("QTA", "police", -20, 13, 2, "Referral of children in danger"),
    ("KSI", "parents", 20, 6, 18, "Girls' education and safe routes to school"),
    ("KSI", "teachers", 70, 4, 11, "Positive discipline instead of beating"),
    ("KSI", "religious", 128, 10, 0, "Early marriage and children's health"),
    ("KSI", "elders", 176, 15, 2, "Birth registration and child labour"),
    ("KSI", "police", 222, 9, 3, "Child-friendly help desks"),
    ("KSI", "parents", 265, 7, 21, "Self-protection: what children learn and why"),
    ("KSI", "others", -9, 5, 9, "Health workers: spotting abuse and referring"),
]

# The cohort whose youth carried it out, title, problem, goal, place; days after the cohort's last
# active-citizenship session that it was proposed, approved and completed; the activity logs (days
# after the proposal, what was done, whom it reached); what changed and what the team learned.
PROJECTS = [
    (
        "Riverside youth",
        "Clean water at the Hilltop tap",
        "The only public tap near the centre leaks and the children drink from a dirty pool beside it.",
        "Get the tap mended with the mohalla committee and paint a sign about clean water.",
        "Hilltop street tap, Sariab Road",
        (7, 10, 55),
        [
            (14, "Spoke to the mohalla committee and a plumber about the tap.", {"community_male": 5}),
            (30, "Painted the sign with the younger children.", {"children_male": 14, "children_female": 3}),
            (
                45,
                "Showed families how to store clean water; the tap now works.",
                {"children_male": 22, "children_female": 9, "parents_male": 6, "parents_female": 8},
            ),
        ],
        "The tap was mended and children now drink from it; the committee checks it every week.",
        "Adults listen when we bring a plan and ask for one small thing at a time.",
    ),
    (
        "Youth circle",
        "A safe walk to school",
        "Girls from the lanes behind Kasi Road stopped going to school after being harassed on the way.",
        "Walk together in groups with a parent on the way to school and ask the shopkeepers to watch out.",
        "Kasi Road lanes to the girls' school",
        (5, 8, 60),
        [
            (12, "Mapped the route and the shops on it.", {"children_female": 6, "community_male": 4}),
            (
                25,
                "Met the shopkeepers and the school's head teacher.",
                {"community_male": 9, "officials_female": 1, "children_female": 5},
            ),
            (
                40,
                "First walking groups with mothers from the committee.",
                {"children_female": 24, "children_male": 6, "parents_female": 7},
            ),
        ],
        "Eleven girls walk to school together every morning; two came back to school because of it.",
        "Mothers wanted to help; we only had to ask. A plan on paper made the shopkeepers take us seriously.",
    ),
]


@dataclass
class DemoEvidenceCounts:
    """What `ensure_demo_evidence` created."""

    learners: int = 0
    groups: int = 0
    sessions: int = 0
    records: Counter = field(default_factory=Counter)

    def __str__(self):
        r = self.records
        return (
            f"{self.learners} learners in {self.groups} earlier groups with {self.sessions} sessions held; "
            f"{r['services']} services, {r['trainings']} trainings ({r['certified']} certified), "
            f"{r['placements']} job placements, {r['school']} school enrolments, {r['transfers']} move(s) "
            f"between centres, {r['community_groups']} community groups with {r['meetings']} meetings, "
            f"{r['events']} sensitisation events, {r['projects']} completed projects"
        )


def backdate(model, pk: int, **dates: datetime.date) -> None:
    """Move dates a service set to today back to when the demo story says they happened."""
    model.objects.filter(pk=pk).update(**dates)


class _Builder:
    """Builds the earlier cohorts (and the move), then outcomes, community structures and projects."""

    def __init__(self, users: dict[str, User]):
        self.today = timezone.localdate()
        self.start = self.month_start(self.today, 11)  # the first day of the last twelve months
        self.rng = random.Random(SEED)
        self.situations = random.Random(SEED + 14)  # its own draws, so the other records stay as they were
        self.users = users
        self.centres = {code: Centre.objects.get(code=code) for code in FACILITATORS}
        self.counts = DemoEvidenceCounts()
        self.cohort_groups: dict[str, Group] = {}
        self.cohort_learners: dict[str, list[Learner]] = {}
        self.mover: Learner | None = None

    @staticmethod
    def month_start(day: datetime.date, months_back: int) -> datetime.date:
        index = day.year * 12 + day.month - 1 - months_back
        return datetime.date(index // 12, index % 12 + 1, 1)

    def day(self, offset: int) -> datetime.date:
        """Days after the twelve months began, or (negative) days before today."""
        if offset < 0:
            return self.today + datetime.timedelta(days=offset)
        return self.start + datetime.timedelta(days=offset)

    def between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day from first to last (both included); `first` when the range is empty."""
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def facilitator(self, centre_code: str) -> User:
        return self.users[FACILITATORS[centre_code]]

    def build(self) -> DemoEvidenceCounts:
        for name, centre_code, _modules, first, ages, members in COHORTS:
            self.cohort_learners[name] = [
                self.register(centre_code, first_name, sex, ages, before=self.day(first)) for first_name, sex in members
            ]
        for name, centre_code, module_slugs, first, _ages, _members in COHORTS:
            if name == MOVER[2]:
                self.move()
            self.run_cohort(name, centre_code, module_slugs, self.day(first))
        for learner in self.consenting(Learner.objects.exclude(pk=self.mover.pk)):
            self.services(learner, since=max(learner.joined_on, self.start - datetime.timedelta(days=30)))
        self.every_service_everywhere()
        for code in FACILITATORS:
            self.training(code)
            self.school(code)
        self.community()
        for project in PROJECTS:
            self.project(*project)
        self.counts.records.update(
            services=ServiceRecord.objects.count(),
            trainings=TrainingEnrolment.objects.count(),
            certified=TrainingEnrolment.objects.filter(certified_on__isnull=False).count(),
            placements=JobPlacement.objects.count(),
            school=SchoolEnrolment.objects.count(),
            community_groups=CommunityGroup.objects.count(),
            meetings=CommunityMeeting.objects.count(),
            events=SensitisationEvent.objects.count(),
        )
        return self.counts

    @staticmethod
    def consenting(learners) -> list[Learner]:
        """The learners (of a queryset) whose guardian consented and who assented, in code order."""
        return [learner for learner in learners.select_related("centre").order_by("code") if learner.has_consent]

    # ---- earlier cohorts ---------------------------------------------------------------------

    def register(self, centre_code: str, first_name: str, sex: str, ages, *, before: datetime.date) -> Learner:
        """A learner who joined the centre one to eight weeks before their group began (youth of 14 and
        over had often been coming for months), with consent."""
        joined_on = before - datetime.timedelta(
            days=self.rng.randint(7, 56) if ages[0] < 14 else self.rng.randint(60, 300)
        )
        age = self.rng.randint(*ages)
        known_year = first_name not in AGE_BAND_ONLY
        learner = registry.learner_register(
            centre=self.centres[centre_code],
            first_name=first_name,
            sex=sex,
            joined_on=joined_on,
            birth_year=self.today.year - age if known_year else None,
            age_band="" if known_year else Learner.AgeBand.for_age(age),
            guardian_consent_on=joined_on,
            child_assent_on=joined_on,
            acting_user=self.facilitator(centre_code),
        )
        record_situation(learner, rng=self.situations, today=self.today, acting_user=self.facilitator(centre_code))
        self.counts.learners += 1
        return learner

    def run_cohort(self, name: str, centre_code: str, module_slugs: list[str], first: datetime.date) -> None:
        """A weekly group from `first` until its lessons are done; then its members leave and it closes."""
        facilitator = self.facilitator(centre_code)
        modules = [curriculum_modules().get(slug=slug) for slug in module_slugs]
        group = delivery.group_save(
            centre=self.centres[centre_code],
            name=name,
            facilitator=facilitator,
            modules=modules,
            language=URDU_TAUGHT_BY.get(facilitator.username),
            acting_user=facilitator,
        )
        learners = [Learner.objects.get(pk=learner.pk) for learner in self.cohort_learners[name]]
        if name == MOVER[2]:
            learners.append(self.mover)
        for learner in learners:
            registry.membership_add(
                group=group, learner=learner, joined_on=first - datetime.timedelta(days=2), acting_user=facilitator
            )
        lessons = [lesson for module in modules for lesson in selectors.module_lessons(module)]
        last_day = self.today - datetime.timedelta(days=LAST_COHORT_SESSION)
        day, held_on = first, first
        for lesson in lessons:
            if self.rng.random() < 0.08:  # the centre was closed that week: the lesson moves on a week
                day += datetime.timedelta(days=7)
            if day > last_day:
                break
            session = delivery.session_plan(group=group, lesson=lesson, date=day, acting_user=facilitator)
            self.hold(session, centre_code, facilitator)
            held_on = day
            day += datetime.timedelta(days=7)
        for membership in Membership.objects.current().filter(group=group):
            registry.membership_end(membership=membership, left_on=held_on, acting_user=facilitator)
        registry.group_update(group=group, is_active=False, acting_user=facilitator)
        self.cohort_groups[name] = group
        self.counts.groups += 1

    def hold(self, session: Session, centre_code: str, facilitator: User) -> None:
        """A held session: most learners present, then pre- and post-tests for those present."""
        absence = ABSENCE[centre_code] * self.rng.choice([0.5, 1, 1, 1.5])  # some weeks are worse than others
        attendance = {}
        for learner_id in sorted(selectors.member_ids_on(session.group, session.date)):
            roll = self.rng.random()
            attendance[learner_id] = (
                Attendance.Status.ABSENT
                if roll < absence
                else Attendance.Status.EXCUSED
                if roll < absence + 0.03
                else Attendance.Status.PRESENT
            )
        delivery.session_record(
            session=session, attendance=attendance, delivered_by=facilitator, acting_user=facilitator
        )
        self.counts.sessions += 1
        maximum = selectors.quiz_question_count(session.lesson)
        if not maximum:
            return
        scores = {}
        for learner_id, status in attendance.items():
            if status == Attendance.Status.PRESENT:
                pre = self.rng.randint(0, max(0, maximum - 2))
                scores[learner_id] = {"pre": pre, "post": min(maximum, pre + self.rng.choice(GAINS[centre_code]))}
        delivery.quiz_results_record(session=session, scores=scores, acting_user=facilitator)

    def move(self) -> None:
        """Shazia's services at Sariab Road, her move to Kasi Road, and her services there."""
        from_name, first_name, _to_name = MOVER
        learner = next(x for x in self.cohort_learners[from_name] if x.first_name == first_name)
        left_on = Membership.objects.filter(learner=learner).latest("left_on").left_on
        moved_on = left_on + datetime.timedelta(days=21)
        qta, ksi = self.facilitator("QTA"), self.facilitator("KSI")
        for kind, day in [("education", learner.joined_on), ("recreation", left_on - datetime.timedelta(days=30))]:
            self.service(learner, kind, max(day, learner.joined_on), acting_user=qta)
        registry.learner_transfer(learner=learner, to_centre=self.centres["KSI"], moved_on=moved_on, acting_user=qta)
        self.counts.records["transfers"] += 1
        self.mover = Learner.objects.get(pk=learner.pk)
        for kind, days in [("counselling", 10), ("health_hygiene", 45)]:
            self.service(self.mover, kind, moved_on + datetime.timedelta(days=days), acting_user=ksi)
        registry.school_enrolment_record(
            learner=self.mover, enrolled_on=moved_on + datetime.timedelta(days=30), grade="5", acting_user=ksi
        )

    # ---- services, training, jobs, school ------------------------------------------------------

    def service(self, learner: Learner, kind: str, day: datetime.date, *, acting_user: User) -> None:
        provider = ""
        if kind in PROVIDERS and self.rng.random() < OUTSIDE_SHARE[kind]:
            provider = self.rng.choice(PROVIDERS[kind])
        registry.service_record(learner=learner, kind=kind, date=day, provider=provider, acting_user=acting_user)

    def services(self, learner: Learner, *, since: datetime.date) -> None:
        """Most learners received a service or several, some of them more than once."""
        code = learner.centre.code
        if self.rng.random() >= SERVED_SHARE[code]:
            return
        weights = SERVICE_WEIGHTS[code]
        for _ in range(self.rng.choice([1, 1, 2, 2, 3, 4])):
            kind = self.rng.choices(list(weights), weights=list(weights.values()))[0]
            self.service(learner, kind, self.between(since, self.today), acting_user=self.facilitator(code))

    def every_service_everywhere(self) -> None:
        """Each kind of service at each centre at least once in the twelve months (the seed may miss one)."""
        done = set(ServiceRecord.objects.filter(date__gte=self.start).values_list("centre__code", "kind").distinct())
        for code, centre in self.centres.items():
            learners = self.consenting(Learner.objects.filter(centre=centre))
            for kind in ServiceRecord.Kind.values:
                if (code, kind) not in done:
                    learner = self.rng.choice(learners)
                    day = self.between(max(learner.joined_on, self.start), self.today)
                    self.service(learner, kind, day, acting_user=self.facilitator(code))

    def older_youth(self, centre: Centre) -> list[Learner]:
        """Consenting learners of the centre who are 14 or older (by birth year or age band)."""
        return [
            learner
            for learner in self.consenting(Learner.objects.filter(centre=centre))
            if (learner.birth_year and self.today.year - learner.birth_year >= 14)
            or learner.age_band in ("15-19", "20-25")
        ]

    def training(self, code: str) -> None:
        """Youth enrolled in the three trades; most completed, many certified, and some found work."""
        facilitator = self.facilitator(code)
        trades = list(Trade.objects.filter(is_active=True).order_by("name"))
        youth = self.older_youth(self.centres[code])
        chosen = self.rng.sample(youth, min(TRAINEES[code], len(youth)))
        kinds = list(JobPlacement.Kind.values)
        placed = 0
        for index, learner in enumerate(chosen):
            enrolled_on = self.between(
                max(learner.joined_on, self.start - datetime.timedelta(days=120)), self.day(-150)
            )
            training = registry.training_enrol(
                learner=learner, trade=trades[index % len(trades)], enrolled_on=enrolled_on, acting_user=facilitator
            )
            completed_on = enrolled_on + datetime.timedelta(days=self.rng.randint(90, 130))
            if index % 4 == 3 or completed_on > self.today:
                continue  # still learning, or left the course
            registry.training_update(training=training, completed_on=completed_on, acting_user=facilitator)
            certified_on = completed_on + datetime.timedelta(days=self.rng.randint(14, 45))
            if index % 5 != 4 and certified_on <= self.today:
                registry.training_update(
                    training=training,
                    completed_on=completed_on,
                    certified_on=certified_on,
                    certifying_board=self.rng.choice(BOARDS),
                    certificate_number=f"PTB-{certified_on.year}-{self.rng.randint(1000, 9999)}",
                    acting_user=facilitator,
                )
            placed_on = completed_on + datetime.timedelta(days=self.rng.randint(10, 60))
            if index % 3 != 2 and placed_on <= self.today:
                registry.placement_record(
                    learner=learner,
                    placed_on=placed_on,
                    kind=kinds[placed % len(kinds)],
                    trade=training.trade,
                    acting_user=facilitator,
                )
                placed += 1
        for index, learner in enumerate(y for y in youth if y not in chosen):
            if index >= 3:
                break  # a few found work outside the trades, without training
            registry.placement_record(
                learner=learner,
                placed_on=self.between(max(learner.joined_on, self.start), self.today),
                kind=kinds[(placed + index) % len(kinds)],
                sector=SECTORS[index % len(SECTORS)],
                acting_user=facilitator,
            )

    def school(self, code: str) -> None:
        """Younger learners (8 to 12) enrolled in a government school, in the class that fits their age."""
        facilitator = self.facilitator(code)
        young = [
            learner
            for learner in self.consenting(
                Learner.objects.filter(centre=self.centres[code], birth_year__isnull=False, school_enrolments=None)
            )
            if 8 <= self.today.year - learner.birth_year <= 12
        ]
        for learner in self.rng.sample(young, min(SCHOOL[code], len(young))):
            age = self.today.year - learner.birth_year
            registry.school_enrolment_record(
                learner=learner,
                enrolled_on=self.between(max(learner.joined_on, self.start), self.today),
                grade=str(max(1, age - 7)),
                acting_user=facilitator,
            )

    # ---- community structures --------------------------------------------------------------------

    def community(self) -> None:
        """Committees and child associations with meetings over the year, and sensitisation events."""
        for code, kind, name, formed, male, female, every, usual in COMMUNITY_GROUPS:
            facilitator = self.facilitator(code)
            formed_on = self.start - datetime.timedelta(days=formed) if formed > 0 else self.day(formed)
            learners = []
            if kind == CommunityGroup.Kind.CHILD_ASSOCIATION:
                pool = self.consenting(Learner.objects.filter(centre=self.centres[code], status=Learner.Status.ACTIVE))
                learners = self.rng.sample(pool, 16)
                male = sum(learner.sex == "m" for learner in learners) + 2
                female = sum(learner.sex == "f" for learner in learners) + 1
            group = registry.community_group_create(
                centre=self.centres[code],
                kind=kind,
                name=name,
                formed_on=formed_on,
                members_male=male,
                members_female=female,
                learner_members=learners,
                acting_user=facilitator,
            )
            day = max(formed_on, self.start) + datetime.timedelta(days=self.rng.randint(3, 12))
            while day <= self.today:
                registry.community_meeting_record(
                    group=group,
                    date=day,
                    topics=self.rng.choice(MEETING_TOPICS),
                    attendance=min(male + female, usual + self.rng.randint(-3, 3)),
                    acting_user=facilitator,
                )
                day += datetime.timedelta(days=every + self.rng.randint(-4, 4))
        for code, audience, days, male, female, topics in SENSITISATION:
            day = self.day(days)
            if day > self.today:
                continue
            registry.sensitisation_event_record(
                centre=self.centres[code],
                date=day,
                audience=audience,
                participants_male=male,
                participants_female=female,
                topics=topics,
                acting_user=self.facilitator(code),
            )

    # ---- social action projects --------------------------------------------------------------------

    def project(self, cohort, title, problem, goal, place, days, logs, changed, learned) -> None:
        """A project the cohort's youth who finished active citizenship carried out, proposed with
        their facilitator, approved by the programme's administrator and completed months ago."""
        group = self.cohort_groups[cohort]
        facilitator = self.facilitator(group.centre.code)
        lessons = selectors.module_lessons(curriculum_modules().get(slug=CITIZENSHIP))
        trained = (
            LessonProgress.objects.filter(lesson__in=lessons, learner__memberships__group=group)
            .values("learner_id")
            .annotate(n=Count("lesson_id", distinct=True))
            .filter(n=len(lessons))
            .values_list("learner_id", flat=True)
        )
        team = list(Learner.objects.filter(pk__in=list(trained)).order_by("code"))[:6]
        ended = Session.objects.filter(group=group, lesson__in=lessons, status=Session.Status.HELD).latest("date").date
        proposed, approved, completed = (ended + datetime.timedelta(days=d) for d in days)
        project = projects.project_propose(
            centre=group.centre,
            title=title,
            problem=problem,
            goal=goal,
            place=place,
            team=team,
            acting_user=facilitator,
        )
        backdate(Project, project.pk, created_on=proposed)
        project.refresh_from_db()
        for days_after, description, _reach in logs:
            projects.planned_activity_add(
                project=project,
                title=description.split(";")[0].rstrip("."),
                target_date=proposed + datetime.timedelta(days=days_after),
                acting_user=facilitator,
            )
        projects.project_approve(
            project=project, comment="Approved: keep the parents' committee informed.", acting_user=self.users[APPROVER]
        )
        backdate(Project, project.pk, approved_on=approved)
        for days_after, description, reach in logs:
            projects.activity_log_add(
                project=project,
                date=proposed + datetime.timedelta(days=days_after),
                description=description,
                reach=reach,
                acting_user=facilitator,
            )
        projects.project_complete(project=project, changed=changed, learned=learned, acting_user=facilitator)
        backdate(Project, project.pk, completed_on=completed)
        self.counts.records["projects"] += 1


@transaction.atomic
def ensure_demo_evidence(*, users: dict[str, User]) -> DemoEvidenceCounts | None:
    """Add a year of programme evidence at both demo centres, unless it is there; returns what was made.

    `users` maps the demo usernames to their users (it needs `facilitator1`, `facilitator2` and `admin`).
    Returns None when the earlier cohorts already exist (nothing is added).
    """
    if Group.objects.filter(name=COHORTS[0][0], centre__code=COHORTS[0][1]).exists():
        return None
    return _Builder(users).build()
