"""Site-wide views: search over the published curriculum."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page


def search(request):
    """Search live, public pages (modules and lessons) by words in their title and text."""
    query = request.GET.get("q", "").strip()[:100]
    results = Page.objects.live().public().filter(depth__gt=2).search(query) if query else Page.objects.none()
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "home/search.html", {"query": query, "results": page})
