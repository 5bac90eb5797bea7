"""Test data builders: users in roles (factory-boy) and a small published curriculum."""

import factory
from django.contrib.auth.models import Group, User

from courses.blocks import LessonStreamBlock
from courses.models import CurriculumIndexPage, LessonPage, ModulePage, Topic
from lms import roles

PASSWORD = "test-pass-123"
NOTE_TEXT = "Watch for children who go quiet"
CORRECT_ANSWER = "Tell a trusted adult"
WRONG_ANSWER = "Keep it a secret"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account; pass `role=` to put it in a role group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def role_users() -> dict[str, User]:
    """One user per role, keyed by a short name."""
    return {
        "editor": UserFactory(username="editor", role=roles.CONTENT_EDITORS),
        "reviewer": UserFactory(username="reviewer", role=roles.CONTENT_REVIEWERS),
        "facilitator": UserFactory(username="facilitator", role=roles.FACILITATORS),
        "peer": UserFactory(username="peer", role=roles.PEER_EDUCATORS),
        "manager": UserFactory(username="manager", role=roles.PROGRAMME_MANAGERS),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
        "nobody": UserFactory(username="nobody"),
    }


def lesson_body(*, with_note: bool = True, with_quiz: bool = True):
    """A lesson body with an activity, key messages and, optionally, a facilitator note and a quiz."""
    raw = [
        {"type": "text", "value": "<p>Welcome to today's lesson.</p>"},
        {
            "type": "activity",
            "value": {"title": "Safety circle", "minutes": 10, "steps": ["Stand in a circle", "Pass the ball"]},
        },
        {"type": "key_messages", "value": {"messages": ["My body belongs to me", "I can always tell"]}},
    ]
    if with_note:
        raw.append({"type": "facilitator_note", "value": {"text": f"<p>{NOTE_TEXT}.</p>"}})
    if with_quiz:
        raw.append(
            {
                "type": "quiz",
                "value": {
                    "title": "Check",
                    "questions": [
                        {
                            "prompt": "Someone asks you to keep a worrying secret. What do you do?",
                            "answers": [
                                {"text": WRONG_ANSWER, "correct": False},
                                {"text": CORRECT_ANSWER, "correct": True},
                            ],
                        }
                    ],
                },
            }
        )
    return LessonStreamBlock().to_python(raw)


def publish(page, *, editor: User, reviewer: User):
    """Save a revision as the editor and publish it as the reviewer."""
    page.save_revision(user=editor).publish(user=reviewer)
    return page


def published_curriculum(*, editor: User, reviewer: User) -> dict:
    """A module ("Staying safe") with two published lessons under the curriculum index."""
    index = CurriculumIndexPage.objects.get()
    module = ModulePage(
        title="Staying safe",
        slug="staying-safe",
        topic=Topic.objects.get(slug="self-protection"),
        summary="How to stay safe and get help.",
        age_min=8,
        age_max=14,
        learning_outcomes="I can say no\nI can name a trusted adult",
        sensitive=True,
    )
    index.add_child(instance=module)
    publish(module, editor=editor, reviewer=reviewer)
    first = LessonPage(
        title="No, go, tell",
        slug="no-go-tell",
        duration_minutes=45,
        objectives="Learners will practise saying no\nLearners will name a trusted adult",
        materials="A ball\nChart paper",
        body=lesson_body(),
    )
    module.add_child(instance=first)
    publish(first, editor=editor, reviewer=reviewer)
    second = LessonPage(
        title="My safety hand",
        slug="my-safety-hand",
        duration_minutes=60,
        objectives="Learners will draw their safety hand\nLearners will know where to get help",
        body=lesson_body(with_note=False, with_quiz=False),
    )
    module.add_child(instance=second)
    publish(second, editor=editor, reviewer=reviewer)
    return {"index": index, "module": module, "lessons": [first, second]}


# Records: centres, consenting learners and groups, built through the services (access and run-session tests).


def centre_with_staff(*, name: str, code: str, staff=()):
    """A centre, with the given users assigned to work there."""
    from learners.models import Centre, StaffAssignment

    centre = Centre.objects.create(name=name, code=code)
    for user in staff:
        StaffAssignment.objects.create(user=user, centre=centre)
    return centre


def consenting_learner(*, centre, first_name: str, acting_user: User, joined_days_ago: int = 60, age: int = 12):
    """A learner registered at a centre with the guardian's consent and the child's assent."""
    import datetime

    from django.utils import timezone

    from learners import services

    day = timezone.localdate() - datetime.timedelta(days=joined_days_ago)
    return services.learner_register(
        centre=centre,
        first_name=first_name,
        sex="m",
        birth_year=timezone.localdate().year - age,
        joined_on=day,
        guardian_consent_on=day,
        child_assent_on=day,
        acting_user=acting_user,
    )


def group_with_members(
    *, centre, name: str, facilitator: User, modules, first_names, acting_user: User, joined_days_ago: int = 30
) -> dict:
    """A group at a centre following the modules, with one consenting learner per first name as a member."""
    import datetime

    from django.utils import timezone

    from courses import services as delivery
    from learners import services

    group = services.group_create(centre=centre, name=name, facilitator=facilitator, acting_user=acting_user)
    delivery.group_modules_set(group=group, modules=modules, acting_user=acting_user)
    joined_on = timezone.localdate() - datetime.timedelta(days=joined_days_ago)
    learners, memberships = [], []
    for first_name in first_names:
        learner = consenting_learner(centre=centre, first_name=first_name, acting_user=acting_user)
        learners.append(learner)
        memberships.append(
            services.membership_add(group=group, learner=learner, joined_on=joined_on, acting_user=acting_user)
        )
    return {"group": group, "learners": learners, "memberships": memberships}


def learner_without_consent(*, centre, first_name: str, acting_user: User, age: int = 12):
    """A learner registered at a centre with neither the guardian's consent nor the child's assent."""
    import datetime

    from django.utils import timezone

    from learners import services

    return services.learner_register(
        centre=centre,
        first_name=first_name,
        sex="m",
        birth_year=timezone.localdate().year - age,
        joined_on=timezone.localdate() - datetime.timedelta(days=60),
        acting_user=acting_user,
    )


# --- Learners, groups and delivery (issue 3: service and selector tests) ---
import datetime  # noqa: E402
import itertools  # noqa: E402

from django.utils import timezone  # noqa: E402

from courses.services import group_modules_set  # noqa: E402
from learners.models import Centre, Learner, Membership, StaffAssignment  # noqa: E402
from learners.services import group_create, learner_register, membership_add  # noqa: E402

_group_numbers = itertools.count(1)


def days_ago(days: int) -> datetime.date:
    """The local date a number of days before today (negative: after today)."""
    return timezone.localdate() - datetime.timedelta(days=days)


def make_centre(code: str = "QTA", **fields) -> Centre:
    """A drop-in centre whose learner codes start with `code`."""
    fields.setdefault("name", f"Centre {code}")
    return Centre.objects.create(code=code, **fields)


def assign(user: User, centre: Centre) -> StaffAssignment:
    """Assign a member of staff to a centre (idempotent)."""
    return StaffAssignment.objects.get_or_create(user=user, centre=centre)[0]


def make_learner(centre: Centre, acting_user: User, *, consent: bool = True, **fields) -> Learner:
    """Register a 12-year-old learner (through the service) who joined a year ago, with consent and assent."""
    fields.setdefault("joined_on", days_ago(365))
    fields.setdefault("first_name", "Ali")
    fields.setdefault("sex", "m")
    if "age_band" not in fields:
        fields.setdefault("birth_year", timezone.localdate().year - 12)
    if consent:
        fields.setdefault("guardian_consent_on", fields["joined_on"])
        fields.setdefault("child_assent_on", fields["joined_on"])
    return learner_register(centre=centre, acting_user=acting_user, **fields)


def make_group(centre: Centre, facilitator: User, modules=(), *, name: str = "", acting_user: User | None = None):
    """A group at a centre, led by the facilitator, following the given modules."""
    acting_user = acting_user or facilitator
    group = group_create(
        centre=centre, name=name or f"Group {next(_group_numbers)}", facilitator=facilitator, acting_user=acting_user
    )
    if modules:
        group_modules_set(group=group, modules=modules, acting_user=acting_user)
    return group


def add_members(group, learners, *, joined_on: datetime.date | None = None, acting_user: User) -> list[Membership]:
    """Add learners to a group (through the service), by default from 60 days ago."""
    joined_on = joined_on or days_ago(60)
    return [
        membership_add(group=group, learner=learner, joined_on=joined_on, acting_user=acting_user)
        for learner in learners
    ]


def published_module(title: str, lesson_titles: list[str], *, editor: User, reviewer: User, quiz: bool = False):
    """Another published module under the curriculum index, with simple lessons."""
    from django.utils.text import slugify

    index = CurriculumIndexPage.objects.get()
    module = ModulePage(
        title=title,
        slug=slugify(title),
        topic=Topic.objects.get(slug="self-protection"),
        summary=title,
        age_min=8,
        age_max=14,
        learning_outcomes="I can explain it",
    )
    index.add_child(instance=module)
    publish(module, editor=editor, reviewer=reviewer)
    lessons = []
    for lesson_title in lesson_titles:
        lesson = LessonPage(
            title=lesson_title,
            slug=slugify(lesson_title),
            duration_minutes=30,
            objectives="Learners will talk",
            body=lesson_body(with_note=False, with_quiz=quiz),
        )
        module.add_child(instance=lesson)
        publish(lesson, editor=editor, reviewer=reviewer)
        lessons.append(lesson)
    return module, lessons


# --- Held sessions (issue 3: run-session views and query-count tests) ---


def held_session(*, group, lesson, day: datetime.date, acting_user: User, absent=()):
    """Plan a session and record it as held (through the services): everyone present except `absent` learners."""
    from courses import selectors
    from courses.services import session_plan, session_record

    session = session_plan(group=group, lesson=lesson, date=day, acting_user=acting_user)
    absent_ids = {learner.pk for learner in absent}
    attendance = {
        learner_id: "absent" if learner_id in absent_ids else "present"
        for learner_id in selectors.member_ids_on(group, day)
    }
    return session_record(session=session, attendance=attendance, delivered_by=acting_user, acting_user=acting_user)
