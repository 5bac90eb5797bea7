"""Demo coordination and advocacy meetings, trainings, and follow-ups after placement, over the last twelve
months, through the services. Idempotent: nothing is added once a coordination meeting exists."""

import datetime
import random

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from learners import services
from learners.models import Centre, CoordinationMeeting, JobPlacement, PlacementFollowUp, SchoolEnrolment

SEED = 13
FACILITATORS = {"QTA": "facilitator1", "KSI": "facilitator2"}
DISTRICT = ("District Child Protection Committee", "Social Welfare Department\nDistrict Education Office\nPolice")
PROVINCIAL = (
    "Provincial Child Protection Forum",
    "Child Protection Unit, Social Welfare\nHome Department\nUNICEF\nSave the Children",
)
NATIONAL = (
    "National Child Rights Consultation",
    "Ministry of Human Rights\nNational Commission on the Rights of Child",
)
TOPICS = [
    "Referral pathway for boys at risk",
    "Birth registration for children without papers",
    "Street children and the police",
    "School admission for over-age children",
]
DECISIONS = [
    "Monthly case conference at the Social Welfare office.",
    "Police focal person named for each drop-in centre.",
    "Education office to waive fees for referred children.",
    "",
]
# (centre code or None for the programme, audience, topic, days ago, male, female)
TRAININGS = [
    (None, "staff", "Case management and referrals", 320, 9, 5),
    (None, "staff", "Child safeguarding policy", 140, 11, 6),
    ("QTA", "peers", "Facilitating a life-skills session", 250, 8, 0),
    ("KSI", "peers", "Facilitating a life-skills session", 240, 6, 2),
    ("QTA", "caregivers", "Positive parenting without violence", 200, 3, 14),
    ("KSI", "caregivers", "Positive parenting without violence", 190, 2, 11),
    ("QTA", "caregivers", "Keeping boys safe from exploitation", 60, 4, 12),
    ("QTA", "parents", "Talking with children about safety", 110, 12, 9),
    (None, "police", "Child-friendly procedures for police", 170, 23, 2),
    ("KSI", "teachers", "Welcoming children back to school", 80, 7, 10),
    (None, "government", "Children's rights in district planning", 45, 14, 4),
]
EARNINGS = ["lt10k", "lt10k", "10-20k", "10-20k", "10-20k", "20-30k", "gt30k"]


def _meetings(users: dict[str, User], today: datetime.date, rng: random.Random) -> int:
    made = 0
    manager = users["manager"]
    for quarter in range(4):
        base = today - datetime.timedelta(days=90 * quarter + 20)
        for code, username in FACILITATORS.items():
            title, organisations = DISTRICT
            services.coordination_meeting_record(
                centre=Centre.objects.get(code=code),
                date=base - datetime.timedelta(days=rng.randint(0, 40)),
                level="district",
                title=title,
                organisations=organisations,
                topics=rng.choice(TOPICS),
                decisions=rng.choice(DECISIONS),
                acting_user=users[username],
            )
            made += 1
        levels = [("provincial", PROVINCIAL)] + ([("national", NATIONAL)] if quarter % 2 else [])
        for level, (title, organisations) in levels:
            services.coordination_meeting_record(
                centre=None,
                date=base - datetime.timedelta(days=rng.randint(0, 60)),
                level=level,
                title=title,
                organisations=organisations,
                topics=rng.choice(TOPICS),
                decisions=rng.choice(DECISIONS),
                acting_user=manager,
            )
            made += 1
    return made


def _trainings(users: dict[str, User], today: datetime.date) -> int:
    for code, audience, topic, days, male, female in TRAININGS:
        services.training_event_record(
            centre=Centre.objects.get(code=code) if code else None,
            date=today - datetime.timedelta(days=days),
            audience=audience,
            topic=topic,
            participants_male=male,
            participants_female=female,
            acting_user=users[FACILITATORS[code]] if code else users["manager"],
        )
    return len(TRAININGS)


def _follow_ups(users: dict[str, User], today: datetime.date, rng: random.Random) -> int:
    """Most placements followed up when due; about one in six left undone, so some are due on the dashboard."""
    made = 0
    by_centre = {Centre.objects.get(code=code).pk: users[name] for code, name in FACILITATORS.items()}
    records = [(p, p.placed_on, True) for p in JobPlacement.objects.order_by("pk")]
    records += [(e, e.enrolled_on, False) for e in SchoolEnrolment.objects.order_by("pk")]
    for record, start, is_job in records:
        still = True
        for point in (3, 6):
            day = PlacementFollowUp.due_on(start, point) + datetime.timedelta(days=rng.randint(-5, 20))
            if day > today or rng.random() < 0.17:
                break
            still = still and rng.random() < (0.85 if point == 3 else 0.9)
            try:
                services.follow_up_record(
                    of=record,
                    point=point,
                    date=day,
                    still_there=still,
                    earnings=rng.choice(EARNINGS) if is_job and still else "",
                    acting_user=by_centre[record.centre_id],
                )
                made += 1
            except ValidationError:  # a consent withdrawn since: nothing is recorded about that child
                break
    return made


@transaction.atomic
def ensure_demo_coordination(*, users: dict[str, User]) -> str | None:
    """Add a year of coordination meetings, trainings and follow-ups; None when they are already there."""
    if CoordinationMeeting.objects.exists():
        return None
    today = timezone.localdate()
    rng = random.Random(SEED)
    meetings = _meetings(users, today, rng)
    trainings = _trainings(users, today)
    follow_ups = _follow_ups(users, today, rng)
    return f"{meetings} coordination meetings, {trainings} trainings, {follow_ups} follow-ups after placement"
