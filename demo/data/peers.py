"""Demo peer educators and social action projects, built after the demo centre records.

The demo account `peer1` becomes Pervez, a 17-year-old learner at Sariab Road (QTA) who finished
the active-citizenship and peer-educator training with a small "Peer training" group, was
promoted by his mentor `facilitator1`, and now leads "Young stars": eight younger learners with
three weeks of sessions he ran himself and one planned for today. His mentor observed one of
them. His team has three social action projects: one completed, one in progress, one proposed.
The other trainees are close to eligible, each missing one thing, so the eligibility page has
something to explain.

Everything goes through the services users call, with dates relative to today and a fixed seed.
The project and pathway services date what they do today (a proposal, an approval, a step on
the pathway); the demo then moves those dates back, as if the story had happened over the last
two months.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from courses import selectors as course_selectors
from courses import services as delivery
from courses.models import Attendance, Session, curriculum_modules
from demo.data.records import CHILD_RIGHTS, CITIZENSHIP, record_situation
from learners import services as registry
from learners.models import Centre, Group, Learner, Membership
from peer_educators import selectors, services
from peer_educators.models import PeerEducator, Project, StatusChange

SEED = 2026
CENTRE = "QTA"
MENTOR = "facilitator1"
PEER = "peer1"
PEER_TRAINING = "peer-educator-training"

PERVEZ = ("Pervez", "m", 17, 700)  # first name, sex, age, joined the centre this many days ago
# The other trainees, each of whom misses one condition (see _score and _attends).
TRAINEES = [
    ("Kashif", "m", 16, 260),  # missed two peer-training sessions: 2 of 5 lessons still to complete
    ("Rizwan", "m", 15, 320),  # came every time, but his post-tests average under 70%
    ("Obaid", "m", 13, 200),  # did well, but is 13: one year too young
]
NOMINATED = {"Kashif", "Rizwan"}  # put on the pathway (in training) by their mentor
KASHIF_MISSED = {2, 3}  # peer-training lessons (0-based) Kashif was absent from
OBAID_MISSED_CITIZENSHIP = 1  # so he has not completed the active-citizenship module

# Training: active citizenship, then peer-educator training, twice a week, over these days ago.
TRAINING_DAYS = [55, 52, 48, 45, 41, 38, 34, 31, 27, 24]
TRAINING_JOINED = 58  # days ago: joined the training group, nominated
PROMOTED = 22  # days ago: promoted, took over Young stars

PEER_GROUP = "Young stars"
TRAINING_GROUP = "Peer training"
YOUNG_STARS = [
    ("Sami", "m"),
    ("Javed", "m"),
    ("Irfan", "m"),
    ("Nasir", "m"),
    ("Farhan", "m"),
    ("Zubair", "m"),
    ("Hassan", "m"),
    ("Mina", "f"),
]
PEER_SESSION_DAYS = [21, 14, 7]  # days ago: the sessions Pervez ran; the next is today, then in a week
OBSERVED_DAYS_AGO = 7

PEER_NOTES = [
    "Everyone joined the rights game; Sami asked good questions.",
    "We drew a poster about the right to play. Two were shy at first.",
    "Talked about who to tell when something is wrong. Mina explained it to the others.",
]


@dataclass
class DemoPeerCounts:
    """What `ensure_demo_peers` created."""

    peer_code: str = ""
    learners: int = 0
    groups: int = 0
    sessions: dict[str, int] = field(default_factory=lambda: {"held": 0, "planned": 0})
    observations: int = 0
    projects: dict[str, int] = field(default_factory=dict)
    activity_logs: int = 0

    def __str__(self):
        projects = ", ".join(f"{n} {status}" for status, n in self.projects.items())
        return (
            f"{PEER} is {PERVEZ[0]} ({self.peer_code}), leading {PEER_GROUP}; {self.learners} learners, "
            f"{self.groups} groups, {sum(self.sessions.values())} sessions ({self.sessions['held']} held, "
            f"{self.sessions['planned']} planned), {self.observations} mentor observation(s), "
            f"{sum(self.projects.values())} projects ({projects}), {self.activity_logs} activity log entries"
        )


def _backdate(model, pk: int, **dates: datetime.date) -> None:
    """Move dates the services set to today back to when the demo story says they happened."""
    model.objects.filter(pk=pk).update(**dates)


class _Builder:
    """Builds the pathway, the peer-led group, the observation and the projects, in that order."""

    def __init__(self, *, mentor: User, peer_user: User):
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)
        self.situations = random.Random(SEED + 15)  # its own draws, so the other records stay as they were
        self.mentor = mentor
        self.peer_user = peer_user
        self.centre = Centre.objects.get(code=CENTRE)
        self.counts = DemoPeerCounts()
        self.trainees: dict[str, Learner] = {}

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def build(self) -> DemoPeerCounts:
        pervez = self.register(*PERVEZ)
        self.counts.peer_code = pervez.code
        self.trainees = {PERVEZ[0]: pervez} | {t[0]: self.register(*t) for t in TRAINEES}
        self.nominate()
        self.train()
        peer = self.promote(pervez)
        group = self.peer_group(peer)
        self.observe(peer, group)
        self.projects(pervez, group)
        return self.counts

    def register(self, first_name: str, sex: str, age: int, joined_days_ago: int) -> Learner:
        """A learner with a known birth year, consent and assent from the day they joined."""
        joined_on = self.days_ago(joined_days_ago)
        learner = registry.learner_register(
            centre=self.centre,
            first_name=first_name,
            sex=sex,
            joined_on=joined_on,
            birth_year=self.today.year - age,
            guardian_consent_on=joined_on,
            child_assent_on=joined_on,
            acting_user=self.mentor,
        )
        record_situation(learner, rng=self.situations, today=self.today, acting_user=self.mentor)
        self.counts.learners += 1
        return learner

    def nominate(self) -> None:
        """Pervez and two of the others go on the pathway and into training when the training starts."""
        for name in [PERVEZ[0], *sorted(NOMINATED)]:
            peer = services.peer_educator_nominate(
                learner=self.trainees[name],
                mentor=self.mentor,
                note="Older learner who helps the younger ones; asked to train.",
                acting_user=self.mentor,
            )
            services.peer_educator_set_status(
                peer=peer, status=PeerEducator.Status.IN_TRAINING, acting_user=self.mentor
            )
            for change in peer.status_changes.all():
                start = TRAINING_JOINED if change.status == PeerEducator.Status.NOMINATED else TRAINING_DAYS[0]
                _backdate(StatusChange, change.pk, changed_on=self.days_ago(start))

    def train(self) -> None:
        """The training group: active citizenship, then peer-educator training, ten sessions in all."""
        group = registry.group_create(
            centre=self.centre, name=TRAINING_GROUP, facilitator=self.mentor, acting_user=self.mentor
        )
        modules = [curriculum_modules().get(slug=CITIZENSHIP), curriculum_modules().get(slug=PEER_TRAINING)]
        delivery.group_modules_set(group=group, modules=modules, acting_user=self.mentor)
        self.counts.groups += 1
        for learner in self.trainees.values():
            registry.membership_add(
                group=group, learner=learner, joined_on=self.days_ago(TRAINING_JOINED), acting_user=self.mentor
            )
        lessons = [(module.slug, lesson) for module in modules for lesson in course_selectors.module_lessons(module)]
        if len(lessons) != len(TRAINING_DAYS):
            raise RuntimeError(
                f"The demo training expects {len(TRAINING_DAYS)} lessons in {CITIZENSHIP} and {PEER_TRAINING}, "
                f"found {len(lessons)}: update TRAINING_DAYS in demo/data/peers.py."
            )
        position = {slug: 0 for slug, _lesson in lessons}
        for days, (slug, lesson) in zip(TRAINING_DAYS, lessons, strict=True):
            session = delivery.session_plan(
                group=group, lesson=lesson, date=self.days_ago(days), acting_user=self.mentor
            )
            index = position[slug]
            position[slug] += 1
            attendance = {
                learner.pk: Attendance.Status.PRESENT if self._attends(name, slug, index) else Attendance.Status.ABSENT
                for name, learner in self.trainees.items()
            }
            self.hold(session, attendance, self.mentor, scores=lambda name, top, s=slug: self._score(name, s, top))

    def _attends(self, name: str, slug: str, index: int) -> bool:
        if name == "Kashif" and slug == PEER_TRAINING and index in KASHIF_MISSED:
            return False
        return not (name == "Obaid" and slug == CITIZENSHIP and index == OBAID_MISSED_CITIZENSHIP)

    def _score(self, name: str, slug: str, top: int) -> int:
        """A trainee's post-test score out of `top` questions."""
        if name == "Rizwan" and slug == PEER_TRAINING:
            return (top + 1) // 2  # 50 to 67%
        if name == PERVEZ[0]:
            return top if top < 5 else top - 1  # 80% or more
        return top - self.rng.choice([0, 0, 1]) if top >= 4 else top

    def hold(self, session: Session, attendance: dict[int, str], by: User, *, scores) -> None:
        """Record a held session, then pre- and post-tests for those present (`scores(name, top)` gives the post)."""
        delivery.session_record(
            session=session,
            attendance=attendance,
            notes=self.rng.choice(PEER_NOTES) if by == self.peer_user else "",
            delivered_by=by,
            acting_user=by,
        )
        self.counts.sessions["held"] += 1
        top = course_selectors.quiz_question_count(session.lesson)
        if not top:
            return
        names = {learner.pk: learner.first_name for learner in Learner.objects.filter(pk__in=attendance)}
        results = {}
        for learner_id, status in sorted(attendance.items()):
            if status != Attendance.Status.PRESENT:
                continue
            post = scores(names[learner_id], top)
            results[learner_id] = {"pre": self.rng.randint(0, max(0, post - 1)), "post": post}
        delivery.quiz_results_record(session=session, scores=results, acting_user=by)

    def promote(self, learner: Learner) -> PeerEducator:
        """Check Pervez is eligible under the site's rule, then promote him onto the `peer1` account."""
        eligibility = selectors.eligibility_of(learner)
        if not eligibility.eligible:
            raise RuntimeError(
                f"The demo peer educator {learner.code} is not eligible under this site's rule: "
                f"{'; '.join(eligibility.missing)}. Check the peer educator eligibility setting in the admin."
            )
        peer, _password = services.peer_educator_promote(
            learner=learner,
            statement=(
                "Pervez came to every training session, leads games patiently and keeps the younger "
                "children safe. He is ready to lead a group."
            ),
            mentor=self.mentor,
            acting_user=self.mentor,
            account=self.peer_user,
        )
        promotion = peer.status_changes.filter(status=PeerEducator.Status.ACTIVE).latest("id")
        _backdate(StatusChange, promotion.pk, changed_on=self.days_ago(PROMOTED))
        return peer

    def peer_group(self, peer: PeerEducator) -> Group:
        """Young stars: eight younger learners, three sessions Pervez ran, one today and one next week."""
        group = registry.group_create(
            centre=self.centre, name=PEER_GROUP, facilitator=self.mentor, acting_user=self.mentor, language="ur"
        )
        module = curriculum_modules().get(slug=CHILD_RIGHTS)
        delivery.group_modules_set(group=group, modules=[module], acting_user=self.mentor)
        services.peer_group_assign(group=group, peer=peer, acting_user=self.mentor)
        self.counts.groups += 1
        members = []
        for first_name, sex in YOUNG_STARS:
            learner = self.register(first_name, sex, self.rng.randint(9, 13), self.rng.randint(40, 150))
            registry.membership_add(
                group=group, learner=learner, joined_on=self.days_ago(PROMOTED), acting_user=self.mentor
            )
            members.append(learner)
        lessons = course_selectors.module_lessons(module)
        for index, days in enumerate(PEER_SESSION_DAYS):
            session = delivery.session_plan(
                group=group, lesson=lessons[index], date=self.days_ago(days), acting_user=self.mentor
            )
            attendance = {}
            for learner in members:
                roll = self.rng.random()
                attendance[learner.pk] = (
                    Attendance.Status.ABSENT
                    if roll < 0.1
                    else Attendance.Status.EXCUSED
                    if roll < 0.15
                    else Attendance.Status.PRESENT
                )
            self.hold(
                session,
                attendance,
                self.peer_user,
                scores=lambda _name, top: min(top, self.rng.randint(max(0, top - 3), top)),
            )
        for index, day in enumerate([self.today, self.days_ago(-7)], start=len(PEER_SESSION_DAYS)):
            delivery.session_plan(group=group, lesson=lessons[index], date=day, acting_user=self.mentor)
            self.counts.sessions["planned"] += 1
        return group

    def observe(self, peer: PeerEducator, group: Group) -> None:
        """The mentor watched last week's session."""
        session = Session.objects.get(group=group, date=self.days_ago(OBSERVED_DAYS_AGO))
        services.observation_record(
            peer=peer,
            session=session,
            observed_on=session.date,
            ratings={"preparation": 3, "participation": 4, "child_safe": 4, "key_messages": 3},
            feedback=(
                "Well prepared, and every child had a turn in the game. Keep the circle where everyone can "
                "see you. Say the key message again at the end, slowly, and ask two children to repeat it."
            ),
            acting_user=self.mentor,
        )
        self.counts.observations += 1

    def projects(self, pervez: Learner, group: Group) -> None:
        """A completed project, one in progress, and one waiting for the mentor's approval."""
        t = self.trainees
        falcons = self.falcons()
        young = list(Learner.objects.filter(memberships__group=group).order_by("code"))
        self.completed_project([pervez, t["Kashif"], t["Rizwan"], t["Obaid"], falcons["Waqas"], falcons["Asad"]])
        self.project_in_progress([pervez, t["Kashif"], falcons["Hamza"], falcons["Shahid"]])
        self.proposed_project([pervez, t["Rizwan"], *young[:3]])

    def falcons(self) -> dict[str, Learner]:
        """The current members of the centre's Falcons group, by first name (some join Pervez's projects)."""
        current = Membership.objects.current().filter(group__centre=self.centre, group__name="Falcons")
        return {learner.first_name: learner for learner in Learner.objects.filter(pk__in=current.values("learner_id"))}

    def completed_project(self, team: list[Learner]) -> None:
        """The map of safe places: approved, three steps logged, then completed with a reflection."""
        completed = self.propose(
            "A map of safe places",
            problem=(
                "Children who work near the bus stand and the cinemas do not know where to go when they feel "
                "unsafe or need help."
            ),
            goal="Draw a picture map of safe places (the centre, the clinic, the police help desk) and share it.",
            place="Sariab Road bus stand",
            team=team,
            proposed_days_ago=20,
            planned=[
                ("Walk the area and list the safe places", 16),
                ("Draw the map with the Falcons", 10),
                ("Put the map up at the tea stalls and tell children about it", 5),
            ],
        )
        self.approve(completed, days_ago=19, comment="Good idea. Ask the shopkeepers before putting up the map.")
        self.log(completed, 16, "Walked from the bus stand to the cinema and marked five safe places.", children_male=6)
        self.log(
            completed,
            10,
            "Drew the map with the Falcons and showed it at the parents' meeting.",
            children_male=11,
            children_female=2,
            parents_male=7,
            parents_female=4,
        )
        self.log(
            completed,
            5,
            "Put up the map at four tea stalls and at the police help desk; told children what it means.",
            children_male=38,
            children_female=5,
            community_male=14,
            community_female=3,
            officials_male=2,
        )
        services.project_complete(
            project=completed,
            changed=(
                "Children near the bus stand now point to the map; two came to the centre because of it, and the "
                "police help desk keeps a copy."
            ),
            learned="Shopkeepers help when we ask them first. Pictures work better than words for the younger ones.",
            acting_user=self.mentor,
        )
        _backdate(Project, completed.pk, completed_on=self.days_ago(2))

    def project_in_progress(self, team: list[Learner]) -> None:
        """Clean hands at the vegetable market: approved, with one step logged so far."""
        in_progress = self.propose(
            "Clean hands at the vegetable market",
            problem="Working children eat at the market without washing their hands; there is nowhere to wash.",
            goal="Set up a hand-washing point with the shopkeepers and show children how to wash their hands.",
            place="Sariab Road vegetable market",
            team=team,
            proposed_days_ago=12,
            planned=[("Ask the market committee for a place and water", 8), ("Show children how to wash", -7)],
        )
        self.approve(in_progress, days_ago=10, comment="Approved. The centre can give soap for the first month.")
        self.log(
            in_progress,
            4,
            "Met the market committee; they gave a corner near the water tank.",
            community_male=6,
            officials_male=1,
        )

    def proposed_project(self, team: list[Learner]) -> None:
        """Evening football at the park: proposed today, waiting for the mentor's approval."""
        self.propose(
            "Evening football at the park",
            problem="After dark, boys wait around the gaming zones, where adults they do not know approach them.",
            goal="A weekly football match at the park near the centre, with fathers from the committee watching.",
            place="Sariab Road park",
            team=team,
            proposed_days_ago=0,
            planned=[("Ask the park keeper and the committee", -7), ("First match", -14)],
        )

    def propose(self, title: str, *, proposed_days_ago: int, planned, **fields) -> Project:
        """Pervez proposes a project; its planned steps are added once it carries its real date."""
        project = services.project_propose(centre=self.centre, title=title, acting_user=self.peer_user, **fields)
        if proposed_days_ago:
            _backdate(Project, project.pk, created_on=self.days_ago(proposed_days_ago))
            project.refresh_from_db()
        for step, days in planned:
            services.planned_activity_add(
                project=project, title=step, target_date=self.days_ago(days), acting_user=self.peer_user
            )
        return project

    def approve(self, project: Project, *, days_ago: int, comment: str) -> None:
        services.project_approve(project=project, comment=comment, acting_user=self.mentor)
        _backdate(Project, project.pk, approved_on=self.days_ago(days_ago))

    def log(self, project: Project, days_ago: int, description: str, **reach: int) -> None:
        services.activity_log_add(
            project=project,
            date=self.days_ago(days_ago),
            description=description,
            reach=reach,
            acting_user=self.peer_user,
        )
        self.counts.activity_logs += 1


@transaction.atomic
def ensure_demo_peers(*, users: dict[str, User]) -> DemoPeerCounts | None:
    """Make `peer1` a real peer educator at the first demo centre, with a group, an observation and projects.

    `users` maps the demo usernames to their users (it needs `facilitator1` and `peer1`). Returns what
    was made, or None when `peer1` is already a peer educator (nothing is added).
    """
    peer_user = users[PEER]
    if PeerEducator.objects.filter(user=peer_user).exists():
        return None
    counts = _Builder(mentor=users[MENTOR], peer_user=peer_user).build()
    by_status = dict(
        Project.objects.filter(team__learner__peer_educator__user=peer_user)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.projects = {
        value.replace("_", " "): by_status[value] for value in Project.Status.values if by_status.get(value)
    }
    return counts
