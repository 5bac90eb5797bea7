"""The site's home page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class OnePerLocale:
    """Tree rule for pages a site has one of per language (the home page, the curriculum index): a page of
    the type may be added only where its language tree has none; translations are made with Translate."""

    @classmethod
    def can_create_at(cls, parent):
        """False when a page of this type already exists in the locale a new page under `parent` would get."""
        if not super().can_create_at(parent):
            return False
        return not cls.objects.filter(locale_id=parent.locale_id).exists()


class HomePage(OnePerLocale, Page):
    """The front page: a welcome and the way into the curriculum. One per site and language."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CurriculumIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        """The live sections under the home page (the curriculum index), for the way in."""
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().specific()
        return context


class UserLanguage(models.Model):
    """The language a staff member or peer educator reads the site in, kept with their account.

    Ours rather than Wagtail's `UserProfile.preferred_language`: Wagtail applies that field to every
    admin view and e-mail whatever `WAGTAILADMIN_PERMITTED_LANGUAGES` says, and the admin has no Urdu,
    so an editor choosing Urdu on the site would get a right-to-left admin in English.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="site_language"
    )
    # No `choices`: a language added to settings.LANGUAGES needs no migration; lms.language checks the code.
    language = models.CharField(_("language"), max_length=10)

    class Meta:
        verbose_name = _("user's language")
        verbose_name_plural = _("users' languages")

    def __str__(self):
        return f"{self.user} · {self.language}"


class PublicPagesVersion(models.Model):
    """One row whose token changes whenever something a visitor's page shows changes (home.page_cache).

    Kept in the database rather than in the cache: with the default in-memory cache each gunicorn worker has
    its own cache, but every worker reads the same row, and a change made in a transaction shows up at its commit.
    """

    # Not shown anywhere (no admin screen), so its names are not translated.
    token = models.CharField("token", max_length=32)

    class Meta:
        verbose_name = "version of the visitors' pages"
        verbose_name_plural = "versions of the visitors' pages"

    def __str__(self):
        return self.token
