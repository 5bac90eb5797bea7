"""Where each page type may live, and how many of it a site may have."""

from wagtail.models import Page
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

    def test_one_home_page_and_one_curriculum_index_per_site(self):
        self.assertEqual(HomePage.max_count, 1)
        self.assertEqual(CurriculumIndexPage.max_count, 1)
        home = HomePage.objects.get()
        # Both already exist (data migrations), so neither can be added again.
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))
        self.assertFalse(CurriculumIndexPage.can_create_at(home))
