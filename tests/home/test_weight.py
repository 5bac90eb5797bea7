"""Pages stay small: a lesson page is at most 30 KB (HTML and CSS) in at most 3 requests."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

CSS = Path(finders.find("css/site.css"))


def test_stylesheet_is_under_10_kb_compressed():
    assert len(gzip.compress(CSS.read_bytes())) <= 10 * 1024


def test_stylesheet_uses_logical_properties_only():
    css = CSS.read_text()
    assert not re.search(
        r"(margin|padding|border)-(left|right)\b|text-align:\s*(left|right)|float:\s*(left|right)", css
    )


def test_lesson_page_without_images_is_small_and_needs_one_stylesheet_only(client, curriculum):
    html = client.get(curriculum["lessons"][0].url).content
    # Subresources the browser must fetch: stylesheets, scripts, images, fonts.
    subresources = re.findall(rb'<(?:link rel="stylesheet"|script|img|iframe)[^>]*>', html)
    assert len(subresources) == 1  # the stylesheet: two requests in all
    assert b'<link rel="icon" href="data:,">' in html  # no favicon request
    assert len(html) + CSS.stat().st_size <= 30 * 1024


def test_all_the_sites_javascript_is_at_most_10_kb_compressed_and_never_evaluates_strings():
    """The offline scripts (static/js/) together stay within the budget; CSP forbids eval, so none is used."""
    scripts = sorted(Path(finders.find("js/offline.js")).parent.glob("*.js"))
    assert {path.name for path in scripts} >= {"offline.js", "queue.js", "sw.js"}
    assert sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in scripts) <= 10 * 1024
    for path in scripts:
        assert not re.search(r"\beval\(|new Function\(|innerHTML", path.read_text()), path.name
