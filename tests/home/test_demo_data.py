"""`load_demo_data` builds the demo world once, and refuses to touch a live site."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from wagtail.models import PageLogEntry, Revision

from courses.models import LessonPage, ModulePage
from home.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from home.demo.curriculum import demo_module_files
from lms import roles

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": User.objects.count(),
        "modules": ModulePage.objects.count(),
        "lessons": LessonPage.objects.count(),
        "revisions": Revision.objects.count(),
    }


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo_data", verbosity=0)


def test_demo_curriculum_has_every_required_module_with_four_lessons_or_more(demo):
    modules = {m.topic.slug: m for m in ModulePage.objects.live().select_related("topic")}
    assert {"child-rights", "health-hygiene", "self-protection", "active-citizenship", "peer-education"} <= set(modules)
    assert len(modules) == len(demo_module_files())
    for module in modules.values():
        lessons = module.lessons()
        assert lessons.count() >= 4, module.title
        for lesson in lessons:
            quiz = lesson.quiz()
            assert quiz is not None and 3 <= len(quiz["questions"]) <= 5, lesson.title
            kinds = {block.block_type for block in lesson.body}
            assert {"activity", "discussion", "key_messages"} <= kinds, lesson.title


def test_demo_pages_were_published_through_review(demo):
    lesson = LessonPage.objects.live().first()
    revision = lesson.latest_revision
    assert revision.user.username == "editor"
    assert PageLogEntry.objects.filter(page=lesson, action="wagtail.publish", user__username="reviewer").exists()


def test_demo_accounts_sign_in_with_the_shared_password_and_hold_their_roles(demo, client):
    for username, _name, role in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        if role:
            assert list(user.groups.values_list("name", flat=True)) == [role]
        else:
            assert user.is_superuser
    assert User.objects.get(username="peer1").groups.filter(name=roles.PEER_EDUCATORS).exists()


def test_running_it_twice_changes_nothing(demo):
    before = counts()
    call_command("load_demo_data", verbosity=0)
    assert counts() == before


def test_it_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_data", verbosity=0)
    assert ModulePage.objects.count() == 0
    call_command("load_demo_data", "--force", verbosity=0)
    assert ModulePage.objects.count() == len(demo_module_files())
