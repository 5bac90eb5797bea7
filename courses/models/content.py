"""The curriculum as Wagtail pages: a curriculum index, modules by topic, and their lessons."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import GroupPagePermission, Locale, Page, Site, WorkflowPage
from wagtail.search import index

from courses.blocks import LessonStreamBlock
from home.models import OnePerLocale
from lms import access


def split_lines(text: str) -> list[str]:
    """Turn a one-item-per-line text field into a list, skipping blank lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def source_locale_id():
    """The id of the curriculum's SOURCE locale, as a subquery (no query of its own).

    The source is the locale of the default site's root page (English in the demo). Sessions, group
    modules, the eligibility rule and every figure refer to pages of this locale only; translations
    (other locales) are only ever rendered, so a lesson counts once whichever language it was taught in.
    Without a site, the locale of the default language is the source.
    """
    site_locale = Site.objects.filter(is_default_site=True).values("root_page__locale_id")[:1]
    default_locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).values("pk")[:1]
    return Coalesce(models.Subquery(site_locale), models.Subquery(default_locale))


def source_locale() -> Locale | None:
    """The curriculum's source locale (see source_locale_id), or None on a site without locales."""
    return Locale.objects.filter(pk=source_locale_id()).first()


def in_source_locale(queryset):
    """The pages of the queryset that belong to the source locale: the ones delivery and figures count."""
    return queryset.filter(locale_id=source_locale_id())


def curriculum_modules():
    """Live modules of the source locale, in tree order: what groups follow and figures enumerate."""
    return in_source_locale(ModulePage.objects.live()).order_by("path")


def curriculum_lessons():
    """Live lessons of the source locale: what sessions deliver."""
    return in_source_locale(LessonPage.objects.live())


class Translated:
    """What the learner-facing pages need to offer their other language versions."""

    def other_languages(self) -> list[dict]:
        """Each live translation of this page: its language code, name in that language and address."""
        links = []
        for page in self.get_translations().live().public().select_related("locale").order_by("locale__language_code"):
            code = page.locale.language_code
            links.append({"code": code, "name": get_language_info(code)["name_local"], "url": page.url})
        return links


class Topic(models.Model):
    """A curriculum topic (child rights, health and hygiene, ...); editors add topics as snippets."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class CurriculumIndexPage(OnePerLocale, Page):
    """The list of all modules, grouped by topic. One per site and language."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("curriculum")

    def save(self, *args, **kwargs):
        """Save; a new language's curriculum index (made by the Translate action) takes the page permissions
        and the review workflow of its source, so adding a language needs no code or migration."""
        is_new = self.pk is None  # a copy (Translate) keeps the _state of the page it was copied from
        result = super().save(*args, **kwargs)
        if is_new:
            self.share_rules_of_translations()
        return result

    def share_rules_of_translations(self) -> None:
        """Copy the editors' and reviewers' permissions and the workflow of the first translation that has them."""
        for other in self.get_translations().order_by("path"):
            rules = list(GroupPagePermission.objects.filter(page=other))
            for rule in rules:
                GroupPagePermission.objects.get_or_create(group_id=rule.group_id, page=self, permission=rule.permission)
            assigned = WorkflowPage.objects.filter(page=other).first()
            if assigned is not None:
                WorkflowPage.objects.get_or_create(page=self, defaults={"workflow": assigned.workflow})
            if rules or assigned is not None:
                return

    def get_context(self, request, *args, **kwargs):
        """Live modules grouped by topic, in topic order then tree order."""
        context = super().get_context(request, *args, **kwargs)
        modules = ModulePage.objects.child_of(self).live().public().select_related("topic").order_by("path")
        groups: dict[Topic, list[ModulePage]] = {}
        for module in modules:
            groups.setdefault(module.topic, []).append(module)
        context["topics"] = sorted(groups.items(), key=lambda item: (item[0].sort_order, item[0].name))
        return context


class ModulePage(Translated, Page):
    """A unit of the curriculum on one topic, made of lessons (its child pages, in order)."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="modules")
    summary = models.TextField(_("summary"), help_text=_("Two or three plain sentences: what this module is about."))
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), default=8, validators=[MinValueValidator(5), MaxValueValidator(25)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), default=18, validators=[MinValueValidator(5), MaxValueValidator(25)]
    )
    learning_outcomes = models.TextField(
        _("learning outcomes"), help_text=_("One per line, for example: I can name three trusted adults.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional. Never a photo in which a child can be recognised."),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Only trained facilitators should deliver this module."),
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.FilterField("topic"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("topic"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("age_min"), FieldPanel("age_max")], heading=_("Age range")),
        FieldPanel("learning_outcomes"),
        FieldPanel("cover_image"),
        FieldPanel("sensitive"),
    ]

    parent_page_types = ["courses.CurriculumIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="module_age_range_ordered"
            )
        ]

    def clean(self):
        """Reject an age range that runs backwards."""
        super().clean()
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("The oldest age must not be below the youngest age.")})

    @property
    def outcomes_list(self) -> list[str]:
        """Learning outcomes as a list."""
        return split_lines(self.learning_outcomes)

    def lessons(self):
        """The module's live lessons, in the order editors arranged them."""
        return LessonPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        """The module's lessons, numbered, with their total time."""
        context = super().get_context(request, *args, **kwargs)
        lessons = list(self.lessons())
        context["lessons"] = lessons
        context["total_minutes"] = sum(lesson.duration_minutes for lesson in lessons)
        return context


class LessonPage(Translated, Page):
    """One session's worth of content: objectives, duration, materials and the lesson body."""

    objectives = models.TextField(_("objectives"), help_text=_("One per line: what learners will be able to do."))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    materials = models.TextField(_("materials"), blank=True, help_text=_("One per line."))
    body = StreamField(LessonStreamBlock(), verbose_name=_("lesson body"))

    search_fields = Page.search_fields + [
        index.SearchField("objectives"),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("objectives"),
        FieldPanel("duration_minutes"),
        FieldPanel("materials"),
        FieldPanel("body"),
    ]

    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=240),
                name="lesson_duration_in_range",
            )
        ]

    @property
    def module_path(self) -> str:
        """The tree path of the module this lesson belongs to (its parent page)."""
        return self.path[: -self.steplen]

    @property
    def objectives_list(self) -> list[str]:
        """Objectives as a list."""
        return split_lines(self.objectives)

    @property
    def materials_list(self) -> list[str]:
        """Materials as a list."""
        return split_lines(self.materials)

    def quiz(self):
        """The lesson's quiz block value, or None when the lesson has no quiz."""
        for block in self.body:
            if block.block_type == "quiz":
                return block.value
        return None

    def get_context(self, request, *args, **kwargs):
        """Whether to show facilitator notes and answers, and where this lesson sits in its module."""
        context = super().get_context(request, *args, **kwargs)
        context["facilitator_view"] = access.can_see_facilitator_content(request.user)
        context.update(self.position_in_module())
        return context

    def position_in_module(self) -> dict:
        """The module, this lesson's number in it, and the lessons before and after it."""
        parent = self.get_parent() if self.path else None
        if parent is None:  # a new lesson being previewed before it is saved
            return {"module": None, "lesson_number": None, "previous_lesson": None, "next_lesson": None}
        siblings = list(
            LessonPage.objects.child_of(parent).live().public().order_by("path").only("id", "title", "url_path")
        )
        ids = [lesson.pk for lesson in siblings]
        number = ids.index(self.pk) if self.pk in ids else None
        return {
            "module": parent.specific,
            "lesson_number": number + 1 if number is not None else None,
            "previous_lesson": siblings[number - 1] if number else None,
            "next_lesson": siblings[number + 1] if number is not None and number + 1 < len(siblings) else None,
        }
