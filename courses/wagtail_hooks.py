"""Admin screens for the curriculum's own records: topics, as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import Topic


class TopicViewSet(SnippetViewSet):
    """Editors add and rename curriculum topics without code."""

    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


register_snippet(TopicViewSet)
