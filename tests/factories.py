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
