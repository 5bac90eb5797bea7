"""`load_demo_data` builds the demo world once, and refuses to touch a live site."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from wagtail.models import Locale, PageLogEntry, Revision

from courses.models import LessonPage, ModulePage, curriculum_lessons, curriculum_modules
from demo.data.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from demo.data.curriculum import demo_module_files
from learners.models import Group, HelpContact
from tests.home.test_weight import CSS


def counts():
    return {
        "users": User.objects.count(),
        "modules": ModulePage.objects.count(),
        "lessons": LessonPage.objects.count(),
        "revisions": Revision.objects.count(),
        "help contacts": HelpContact.objects.count(),
    }


@override_settings(DEBUG=True)
class DemoCurriculumTests(TestCase):
    """The demo curriculum and accounts, loaded once for the class (loading is the slow part)."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_data", verbosity=0)

    def test_every_required_module_is_there_with_four_lessons_or_more(self):
        modules = {m.topic.slug: m for m in ModulePage.objects.live().select_related("topic")}
        required = {"child-rights", "health-hygiene", "self-protection", "active-citizenship", "peer-education"}
        self.assertLessEqual(required, set(modules))
        self.assertEqual(len(modules), len(demo_module_files()))
        for module in modules.values():
            lessons = module.lessons()
            self.assertGreaterEqual(lessons.count(), 4, module.title)
            for lesson in lessons:
                quiz = lesson.quiz()
                self.assertTrue(quiz and 3 <= len(quiz["questions"]) <= 5, lesson.title)
                kinds = {block.block_type for block in lesson.body}
                self.assertLessEqual({"activity", "discussion", "key_messages"}, kinds, lesson.title)

    def test_pages_were_written_by_the_editor_and_published_by_the_reviewer(self):
        lesson = LessonPage.objects.live().first()
        self.assertEqual(lesson.latest_revision.user.username, "editor")
        self.assertTrue(
            PageLogEntry.objects.filter(page=lesson, action="wagtail.publish", user__username="reviewer").exists()
        )

    def test_accounts_sign_in_with_the_shared_password_and_hold_their_roles(self):
        for username, _name, role in DEMO_ACCOUNTS:
            user = User.objects.get(username=username)
            self.assertTrue(user.check_password(DEMO_PASSWORD))
            if role:
                self.assertEqual(list(user.groups.values_list("name", flat=True)), [role])
            else:
                self.assertTrue(user.is_superuser)

    def test_every_module_and_lesson_has_a_live_urdu_translation_reviewed_like_its_source(self):
        urdu = Locale.objects.get(language_code="ur")
        for page in [*curriculum_modules(), *curriculum_lessons()]:
            translation = page.get_translation_or_none(urdu)
            self.assertIsNotNone(translation, page.title)
            self.assertTrue(translation.live, page.title)
            self.assertEqual(translation.slug, page.slug)
            self.assertRegex(translation.title, "[\u0600-\u06ff]", page.title)  # written in Urdu script
            self.assertEqual(translation.latest_revision.user.username, "editor")
            self.assertTrue(
                PageLogEntry.objects.filter(
                    page=translation, action="wagtail.publish", user__username="reviewer"
                ).exists()
            )
        lesson = curriculum_lessons().first()
        page = self.client.get(lesson.get_translation(urdu).url)
        self.assertContains(page, '<html lang="ur" dir="rtl">')
        self.assertContains(self.client.get(lesson.url), 'hreflang="ur"')

    def test_facilitator2s_groups_and_peer1s_group_are_taught_in_urdu(self):
        for group in Group.objects.select_related("facilitator", "peer_leader"):
            urdu = group.facilitator.username == "facilitator2" or (
                group.peer_leader is not None and group.peer_leader.username == "peer1"
            )
            self.assertEqual(group.language, "ur" if urdu else "en", group.name)
        self.assertTrue(Group.objects.filter(language="ur").exists())

    def test_each_demo_centre_has_its_own_help_contacts_and_everyone_the_national_helpline(self):
        programme = HelpContact.objects.filter(centre=None)
        self.assertTrue(programme.filter(phone="1121", kind=HelpContact.Kind.HELPLINE).exists())
        for code in ("QTA", "KSI"):
            kinds = set(HelpContact.objects.filter(centre__code=code).values_list("kind", flat=True))
            self.assertLessEqual({HelpContact.Kind.CENTRE, HelpContact.Kind.CHILD_PROTECTION_UNIT}, kinds, code)
        lesson = curriculum_lessons().filter(slug="my-safety-hand").first() or curriculum_lessons().first()
        self.client.force_login(User.objects.get(username="facilitator1"))
        page = self.client.get(lesson.url).content.decode()
        self.assertIn("Sariab Road Drop-in Centre", page)
        self.assertNotIn("Kasi Road Child Friendly Space", page)
        self.assertIn('href="tel:1121"', page)

    def test_running_it_twice_changes_nothing(self):
        before = counts()
        call_command("load_demo_data", verbosity=0)
        self.assertEqual(counts(), before)

    def test_every_demo_lesson_page_stays_under_30_kb_with_its_stylesheet(self):
        css = CSS.stat().st_size
        for lesson in LessonPage.objects.live():
            size = len(self.client.get(lesson.url).content) + css
            self.assertLessEqual(size, 30 * 1024, f"{lesson.title}: {size} bytes")


@pytest.mark.django_db
def test_it_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_data", verbosity=0)
    assert ModulePage.objects.count() == 0
    call_command("load_demo_data", "--force", verbosity=0)
    assert curriculum_modules().count() == len(demo_module_files())
    assert ModulePage.objects.count() == 2 * len(demo_module_files())  # and their Urdu translations
