"""The editors' translations report (Wagtail admin > Reports): which lessons lack a translation, and
which translations are older than their source."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale

from courses import selectors
from courses.models import source_locale

# One permission says who translates: the migrations give it to Content editors and Content reviewers.
TRANSLATE_PERMISSION = "simple_translation.submit_translation"

STATE_LABELS = {
    selectors.TranslationState.MISSING: _("Missing"),
    selectors.TranslationState.DRAFT: _("Draft only"),
    selectors.TranslationState.LIVE: _("Live"),
    # Translators: a live translation whose source page was published again after it.
    selectors.TranslationState.OLDER: _("Live, older than its source"),
}
KIND_LABELS = {"module": _("Module"), "lesson": _("Lesson")}


def may_see_report(user) -> bool:
    """Editors and reviewers (whoever may translate) see the report; nobody else."""
    return user.is_active and user.has_perm(TRANSLATE_PERMISSION)


class TranslationsReportView(ReportView):
    """Each source module and lesson with, per other language: missing, draft only, live, or older."""

    page_title = _("Translations")
    header_icon = "globe"
    index_url_name = "translations_report"
    index_results_url_name = "translations_report_results"
    paginate_by = 200
    no_results_message = _("There are no modules or lessons yet.")

    def dispatch(self, request, *args, **kwargs):
        """Only editors and reviewers."""
        if not may_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def other_locales(self) -> list[Locale]:
        """The languages the curriculum is translated into: every locale but the source's."""
        source = source_locale()
        return list(Locale.objects.exclude(pk=source.pk if source else None).order_by("language_code"))

    def get_queryset(self):
        """The report's rows (a list, not a queryset: three queries build it)."""
        self.locales = self.other_locales()
        return selectors.translation_states(self.locales)

    @property
    def columns(self):
        """Title (a link to edit the source page), kind, then one column per other language."""
        columns = [
            TitleColumn(
                "title",
                label=_("Source page"),
                accessor="title",
                get_url=lambda row: reverse("wagtailadmin_pages:edit", args=[row.page.pk]),
                id_accessor="page.pk",
            ),
            Column("kind", label=_("Kind"), accessor=lambda row: KIND_LABELS[row.kind]),
        ]
        for locale in getattr(self, "locales", []):
            code = locale.language_code
            columns.append(
                Column(
                    f"state_{code}",
                    label=locale.get_display_name(),
                    accessor=lambda row, code=code: STATE_LABELS[row.states[code]],
                )
            )
        return columns
