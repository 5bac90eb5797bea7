"""Editors write lessons in the admin; only a Content reviewer's approval puts them live."""

from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import LessonPage
from tests import factories


def list_block(items):
    """Form data for a ListBlock of simple values."""
    data = {str(i): {"value": value, "deleted": "", "order": str(i), "id": ""} for i, value in enumerate(items)}
    data["count"] = str(len(items))
    return data


def lesson_form_data(title: str) -> dict:
    """What the admin's lesson form posts for a lesson with one activity and a one-question quiz."""
    return nested_form_data(
        {
            "title": title,
            "slug": "hands-up",
            "objectives": "Learners will wash their hands well",
            "duration_minutes": "40",
            "materials": "Soap\nWater",
            "body": streamfield(
                [
                    (
                        "activity",
                        {
                            "title": "Handwashing song",
                            "minutes": "5",
                            "steps": list_block(["Sing", "Scrub"]),
                            "materials": list_block([]),
                        },
                    ),
                    (
                        "quiz",
                        {
                            "title": "Clean hands",
                            "questions": list_block(
                                [
                                    {
                                        "prompt": "When do we wash hands?",
                                        "answers": list_block(
                                            [
                                                {"text": "Before eating", "correct": "on"},
                                                {"text": "Never", "correct": ""},
                                            ]
                                        ),
                                    }
                                ]
                            ),
                        },
                    ),
                    ("facilitator_note", {"text": rich_text("<p>Bring soap.</p>")}),
                ]
            ),
        }
    )


class EditorialWorkflowTests(WagtailPageTestCase):
    """Drafts, submission for review, approval and publishing, as each role."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.module = factories.published_curriculum(editor=cls.users["editor"], reviewer=cls.users["reviewer"])[
            "module"
        ]

    def create_draft_as_editor(self) -> LessonPage:
        self.client.force_login(self.users["editor"])
        self.assertCanCreate(self.module, LessonPage, lesson_form_data("Hands up"), publish=False)
        return LessonPage.objects.get(slug="hands-up")

    def test_editor_can_create_a_lesson_as_a_draft(self):
        lesson = self.create_draft_as_editor()
        self.assertFalse(lesson.live)
        quiz = lesson.quiz()
        self.assertEqual(quiz["questions"][0]["answers"][0]["text"], "Before eating")
        self.assertTrue(quiz["questions"][0]["answers"][0]["correct"])
        self.assertEqual(self.client.get(lesson.url).status_code, 404)

    def test_editor_cannot_publish_even_when_asking_to(self):
        lesson = self.create_draft_as_editor()
        edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
        data = lesson_form_data("Hands up")
        data["action-publish"] = "action-publish"
        self.client.post(edit_url, data)
        lesson.refresh_from_db()
        self.assertFalse(lesson.live)

    def test_a_quiz_question_needs_exactly_one_correct_answer(self):
        self.client.force_login(self.users["editor"])
        data = lesson_form_data("Hands up")
        data["body-1-value-questions-0-value-answers-1-value-correct"] = "on"
        url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", self.module.pk])
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Mark exactly one answer as correct.")
        self.assertFalse(LessonPage.objects.filter(slug="hands-up").exists())

    def test_lesson_goes_live_only_after_a_reviewer_approves_it(self):
        lesson = self.create_draft_as_editor()
        edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
        data = lesson_form_data("Hands up")
        data["action-submit"] = "action-submit"
        self.client.post(edit_url, data)
        lesson.refresh_from_db()
        self.assertFalse(lesson.live)
        state = WorkflowState.objects.get(object_id=str(lesson.pk), status=WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(state.workflow.name, "Curriculum review")
        task_state = state.current_task_state

        # The editor cannot approve their own submission.
        approve_url = reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", task_state.pk])
        self.client.post(approve_url, {})
        lesson.refresh_from_db()
        self.assertFalse(lesson.live)

        self.client.force_login(self.users["reviewer"])
        self.client.post(approve_url, {"comment": "Clear and safe."})
        lesson.refresh_from_db()
        self.assertTrue(lesson.live)
        self.client.logout()
        response = self.client.get(lesson.url)
        self.assertContains(response, "Handwashing song")
        self.assertNotContains(response, "Bring soap.")

    def test_the_review_workflow_covers_the_whole_curriculum(self):
        lesson = self.module.get_children().first()
        self.assertEqual(Page.objects.get(pk=lesson.pk).get_workflow().name, "Curriculum review")
        self.assertEqual(self.module.get_workflow().name, "Curriculum review")
