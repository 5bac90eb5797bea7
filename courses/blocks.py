"""StreamField blocks for lesson bodies: teaching content, facilitator-only notes and quizzes."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# The most questions a quiz may have: a quiz result is out of at most this many (courses.models.QuizResult).
MAX_QUIZ_QUESTIONS = 20

# Rich text stays simple so lessons print and read well on a small phone.
TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class TextBlock(blocks.RichTextBlock):
    """A paragraph or two of lesson text."""

    def __init__(self, **kwargs):
        super().__init__(features=TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "blocks/text_block.html"
        description = _("Plain lesson text: an introduction, an explanation, a summary.")


class FigureBlock(blocks.StructBlock):
    """An image with the alt text a screen reader needs, and an optional caption."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alt text"),
        max_length=250,
        help_text=_("Describe the picture for someone who cannot see it. Never show a child's face."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/figure_block.html"
        description = _("A picture with a description for screen readers.")


class ActivityBlock(blocks.StructBlock):
    """A timed group activity with numbered steps."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    minutes = blocks.IntegerBlock(label=_("Minutes"), min_value=1, max_value=240)
    steps = blocks.ListBlock(blocks.CharBlock(label=_("Step")), label=_("Steps"), min_num=1)
    materials = blocks.ListBlock(
        blocks.CharBlock(label=_("Material")), label=_("Materials"), required=False, default=[]
    )

    class Meta:
        icon = "group"
        label = _("Activity")
        template = "blocks/activity_block.html"
        description = _("A game, role play or exercise: how long it takes and its steps.")


class DiscussionBlock(blocks.StructBlock):
    """Open questions the group talks about."""

    intro = blocks.CharBlock(label=_("Introduction"), required=False, max_length=250)
    questions = blocks.ListBlock(blocks.CharBlock(label=_("Question")), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Discussion questions")
        template = "blocks/discussion_block.html"
        description = _("Questions for the group to talk about.")


class KeyMessagesBlock(blocks.StructBlock):
    """The few sentences every child should leave with."""

    messages = blocks.ListBlock(blocks.CharBlock(label=_("Message")), label=_("Messages"), min_num=1)

    class Meta:
        icon = "pick"
        label = _("Key messages")
        template = "blocks/key_messages_block.html"
        description = _("Short messages the children should remember.")


class StoryBlock(blocks.StructBlock):
    """A short story or case study, with questions about it."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = TextBlock(label=_("Story"))
    questions = blocks.ListBlock(
        blocks.CharBlock(label=_("Question")), label=_("Questions"), required=False, default=[]
    )

    class Meta:
        icon = "openquote"
        label = _("Story or case study")
        template = "blocks/story_block.html"
        description = _("A short story to read aloud, and questions about it.")


class FacilitatorNoteBlock(blocks.StructBlock):
    """Guidance for the adult leading the session; never shown to learners or visitors."""

    text = TextBlock(label=_("Note"))

    def get_searchable_content(self, value):
        """Nothing: the site search serves visitors and learners, who must not find facilitators' notes."""
        return []

    class Meta:
        icon = "warning"
        label = _("Facilitator note")
        template = "blocks/facilitator_note_block.html"
        description = _("Only facilitators and peer educators see this, in facilitator view.")


class ContactBlock(blocks.StructBlock):
    """One place to get help: who, and how to reach them."""

    name = blocks.CharBlock(label=_("Who"), max_length=120)
    how_to_reach = blocks.CharBlock(
        label=_("How to reach them"),
        max_length=250,
        help_text=_("A phone number, a place, opening hours. Check every number before publishing."),
    )


class HelpBlock(blocks.StructBlock):
    """Where to get help: trusted adults, helplines and referral services."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120, default=_("Where to get help"))
    text = TextBlock(label=_("Text"), required=False)
    contacts = blocks.ListBlock(ContactBlock(), label=_("Contacts"), min_num=1)

    class Meta:
        icon = "info-circle"
        label = _("Where to get help")
        template = "blocks/help_block.html"
        description = _("Helplines and trusted adults a child can turn to.")


class HandoutBlock(blocks.StructBlock):
    """A printable handout or worksheet from the document library."""

    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Handout")
        template = "blocks/handout_block.html"
        description = _("A worksheet or handout to print or download.")


class MediaBlock(blocks.StructBlock):
    """A video or audio file, served from this site so it plays at a centre without internet."""

    kind = blocks.ChoiceBlock(label=_("Kind"), choices=[("video", _("Video")), ("audio", _("Audio"))], default="video")
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    file = DocumentChooserBlock(
        label=_("Media file"), help_text=_("Upload an MP4, WebM, MP3, M4A or OGG file to Documents.")
    )
    transcript = TextBlock(
        label=_("Transcript"), required=False, help_text=_("What is said, for those who cannot hear it.")
    )

    class Meta:
        icon = "media"
        label = _("Video or audio")
        template = "blocks/media_block.html"
        description = _("A video or audio clip stored on this site, with a transcript.")


class AnswerBlock(blocks.StructBlock):
    """One choice of a quiz question."""

    text = blocks.CharBlock(label=_("Answer"), max_length=250)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    def get_searchable_content(self, value):
        """Nothing: answers stay out of the site search, so it cannot tell which one is correct."""
        return []


class QuestionBlock(blocks.StructBlock):
    """A single-choice question: two or more answers, exactly one of them correct."""

    prompt = blocks.CharBlock(label=_("Question"), max_length=250)
    # Two empty answers to start with, since a question needs at least two.
    answers = blocks.ListBlock(
        AnswerBlock(),
        label=_("Answers"),
        min_num=2,
        max_num=6,
        default=[{"text": "", "correct": False}, {"text": "", "correct": False}],
    )

    def clean(self, value):
        """Require exactly one answer marked correct."""
        value = super().clean(value)
        correct = sum(1 for answer in value["answers"] if answer["correct"])
        if correct != 1:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([ValidationError(_("Mark exactly one answer as correct."))])
            )
        return value


class QuizBlock(blocks.StructBlock):
    """The lesson's quiz, asked before the lesson (pre-test) and after it (post-test)."""

    title = blocks.CharBlock(label=_("Title"), max_length=120, default=_("Quiz"))
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1, max_num=MAX_QUIZ_QUESTIONS)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "blocks/quiz_block.html"
        description = _("Single-choice questions, used as the lesson's pre-test and post-test.")


class LessonStreamBlock(blocks.StreamBlock):
    """Everything a lesson body may hold, with at most one quiz."""

    text = TextBlock()
    image = FigureBlock()
    activity = ActivityBlock()
    discussion = DiscussionBlock()
    key_messages = KeyMessagesBlock()
    story = StoryBlock()
    facilitator_note = FacilitatorNoteBlock()
    help = HelpBlock()
    handout = HandoutBlock()
    media = MediaBlock()
    quiz = QuizBlock()

    class Meta:
        block_counts = {"quiz": {"max_num": 1}}
