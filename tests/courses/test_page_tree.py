"""Where each page type may live, and how many of it a site may have."""

from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CurriculumIndexPage, LessonPage, ModulePage
from home.models import HomePage


class PageTreeRulesTests(WagtailPageTestCase):
    """Home -> curriculum index -> module -> lesson, and nothing else."""

    def test_home_page_holds_only_the_curriculum_index(self):
        self.assertAllowedSubpageTypes(HomePage, {CurriculumIndexPage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_curriculum_index_holds_only_modules_and_lives_under_home(self):
        self.assertAllowedSubpageTypes(CurriculumIndexPage, {ModulePage})
        self.assertAllowedParentPageTypes(CurriculumIndexPage, {HomePage})

    def test_module_holds_only_lessons_and_lives_under_the_index(self):
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedParentPageTypes(ModulePage, {CurriculumIndexPage})

    def test_lesson_is_a_leaf_under_a_module(self):
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})

    def test_a_lesson_cannot_be_created_straight_under_the_index(self):
        self.assertCanNotCreateAt(CurriculumIndexPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, ModulePage)

    def test_one_home_page_and_one_curriculum_index_per_site_and_language(self):
        english = Locale.objects.get(language_code="en")
        urdu = Locale.objects.get(language_code="ur")
        home = HomePage.objects.get(locale=english)
        urdu_home = HomePage.objects.get(locale=urdu)
        # Both exist in both languages (data migrations), so neither can be added again in either tree.
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))
        self.assertFalse(CurriculumIndexPage.can_create_at(home))
        self.assertFalse(CurriculumIndexPage.can_create_at(urdu_home))
        self.assertEqual(urdu_home.translation_key, home.translation_key)

    def test_a_language_without_its_curriculum_index_may_have_one(self):
        urdu = Locale.objects.get(language_code="ur")
        CurriculumIndexPage.objects.filter(locale=urdu).delete()
        self.assertTrue(CurriculumIndexPage.can_create_at(HomePage.objects.get(locale=urdu)))
        self.assertFalse(CurriculumIndexPage.can_create_at(HomePage.objects.get(locale__language_code="en")))
