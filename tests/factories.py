"""Test data builders: users in roles (factory-boy), a small published curriculum, and centre records
(centres, learners, groups, held sessions) built through the same services users call."""

import datetime
import io
import itertools

import factory
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PillowImage

from courses import selectors
from courses.blocks import LessonStreamBlock
from courses.models import CurriculumIndexPage, LessonPage, ModulePage, Topic, in_source_locale
from courses.services import group_modules_set, session_plan, session_record
from learners.models import Centre, Learner, Membership, StaffAssignment
from learners.services import group_create, learner_register, membership_add
from lms import access, roles

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
    index = in_source_locale(CurriculumIndexPage.objects).get()
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


# --- Centre records, built through the services ---

_group_numbers = itertools.count(1)


def photo_upload(name: str = "activity.jpg", size=(48, 32)) -> SimpleUploadedFile:
    """A small JPEG photo, as a phone uploads it."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (20, 120, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def not_sensitive(module: ModulePage) -> ModulePage:
    """The module, no longer marked sensitive: peer educators may run its lessons (they never run a sensitive one)."""
    ModulePage.objects.filter(pk=module.pk).update(sensitive=False)
    module.sensitive = False
    return module


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


def centre_with_staff(*, name: str, code: str, staff=()) -> Centre:
    """A centre, with the given users assigned to work there."""
    centre = make_centre(code, name=name)
    for user in staff:
        assign(user, centre)
    return centre


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


def consenting_learner(*, centre, first_name: str, acting_user: User, joined_days_ago: int = 60, age: int = 12):
    """A learner registered at a centre with the guardian's consent and the child's assent."""
    return make_learner(
        centre,
        acting_user,
        first_name=first_name,
        joined_on=days_ago(joined_days_ago),
        birth_year=timezone.localdate().year - age,
    )


def learner_without_consent(*, centre, first_name: str, acting_user: User, age: int = 12):
    """A learner registered at a centre with neither the guardian's consent nor the child's assent."""
    return make_learner(
        centre,
        acting_user,
        consent=False,
        first_name=first_name,
        joined_on=days_ago(60),
        birth_year=timezone.localdate().year - age,
    )


def make_group(
    centre: Centre,
    facilitator: User,
    modules=(),
    *,
    name: str = "",
    acting_user: User | None = None,
    language: str | None = None,
):
    """A group at a centre, led by the facilitator, following the given modules (taught in `language`)."""
    acting_user = acting_user or facilitator
    group = group_create(
        centre=centre,
        name=name or f"Group {next(_group_numbers)}",
        facilitator=facilitator,
        acting_user=acting_user,
        language=language,
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


def group_with_members(
    *, centre, name: str, facilitator: User, modules, first_names, acting_user: User, joined_days_ago: int = 30
) -> dict:
    """A group at a centre following the modules, with one consenting learner per first name as a member."""
    group = make_group(centre, facilitator, modules, name=name, acting_user=acting_user)
    learners = [
        consenting_learner(centre=centre, first_name=first_name, acting_user=acting_user) for first_name in first_names
    ]
    memberships = add_members(group, learners, joined_on=days_ago(joined_days_ago), acting_user=acting_user)
    return {"group": group, "learners": learners, "memberships": memberships}


def published_module(title: str, lesson_titles: list[str], *, editor: User, reviewer: User, quiz: bool = False):
    """Another published module under the curriculum index, with simple lessons."""
    index = in_source_locale(CurriculumIndexPage.objects).get()
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


def held_session(*, group, lesson, day: datetime.date, acting_user: User, absent=()):
    """Plan a session and record it as held (through the services): everyone present except `absent` learners.
    A peer educator records it; the group's facilitator plans it (peer educators do not plan sessions)."""
    planner = acting_user if access.groups_managed_by(acting_user).filter(pk=group.pk).exists() else group.facilitator
    session = session_plan(group=group, lesson=lesson, date=day, acting_user=planner)
    absent_ids = {learner.pk for learner in absent}
    attendance = {
        learner_id: "absent" if learner_id in absent_ids else "present"
        for learner_id in selectors.member_ids_on(group, day)
    }
    result = session_record(session=session, attendance=attendance, delivered_by=acting_user, acting_user=acting_user)
    return result.record


# --- Peer educators and social action projects (issue 4) ---


def topic_module(title: str, lesson_titles: list[str], *, topic: str, editor: User, reviewer: User, quiz: bool = True):
    """A published module of a topic (for example "peer-education"), whose lessons each have a one-question quiz."""
    module, lessons = published_module(title, lesson_titles, editor=editor, reviewer=reviewer, quiz=quiz)
    ModulePage.objects.filter(pk=module.pk).update(topic=Topic.objects.get(slug=topic))
    module.refresh_from_db()
    return module, lessons


def train(group, lessons, *, acting_user: User, first_day: int = 40, absent=(), post: dict | None = None):
    """Hold one session of each lesson for the group, a day apart from `first_day` days ago (the `absent`
    learners absent), and record post-test scores out of 1 for the learners in `post` ({learner: score})."""
    from courses.services import quiz_results_record

    sessions = []
    for i, lesson in enumerate(lessons):
        session = held_session(
            group=group, lesson=lesson, day=days_ago(first_day - i), acting_user=acting_user, absent=absent
        )
        if post:
            quiz_results_record(
                session=session,
                scores={learner.pk: {"pre": None, "post": score} for learner, score in post.items()},
                acting_user=acting_user,
            )
        sessions.append(session)
    return sessions


def promoted_peer(*, centre: Centre, facilitator: User, module, lessons, first_name: str = "Zarak", age: int = 17):
    """A learner trained in the module's lessons (in their own training group, all present, full post-test
    scores) and promoted by the facilitator. Returns (peer educator, one-time password)."""
    from peer_educators.services import peer_educator_promote

    learner = consenting_learner(centre=centre, first_name=first_name, acting_user=facilitator, age=age)
    group = make_group(centre, facilitator, [module], name=f"{first_name} training", acting_user=facilitator)
    add_members(group, [learner], acting_user=facilitator)
    train(group, lessons, acting_user=facilitator, post={learner: 1})
    return peer_educator_promote(
        learner=learner, statement="Ready to lead.", mentor=facilitator, acting_user=facilitator
    )


# --- The curriculum in two languages (issue 10) ---


def translate(page, *, editor: User, reviewer: User, language: str = "ur", publish_it: bool = True, **fields):
    """The page's Wagtail translation into `language` (its parent must be translated already), with the
    given fields, written by the editor and, unless `publish_it` is False, published by the reviewer."""
    from wagtail.models import Locale

    translation = page.specific.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    revision = translation.save_revision(user=editor)
    if publish_it:
        revision.publish(user=reviewer)
    translation.refresh_from_db()
    return translation


def session_today(*, facilitator: User, centre_name: str, group_name: str, first_names, module, lesson, admin: User):
    """The facilitator's centre (code QTA), a group of learners following the module, and a session of the
    lesson planned for today (the browser tests' usual world). Returns the session, the learners and the lesson."""
    centre = centre_with_staff(name=centre_name, code="QTA", staff=[facilitator])
    built = group_with_members(
        centre=centre,
        name=group_name,
        facilitator=facilitator,
        modules=[module],
        first_names=first_names,
        acting_user=admin,
    )
    session = session_plan(group=built["group"], lesson=lesson, date=timezone.localdate(), acting_user=admin)
    return {"session": session, "learners": built["learners"], "lesson": lesson}
