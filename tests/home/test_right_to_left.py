"""Urdu pages read right to left: the font is only for Urdu, wide tables scroll in a region a keyboard reaches,
charts run from the right."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from learners.models import CommunityGroup
from reports.charts import WIDTH, trend_svg
from reports.indicators import Tally
from tests.factories import add_members, centre_with_staff, consenting_learner, make_group

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CSS = Path(finders.find("css/site.css"))
FONT = Path(finders.find("fonts/noto-nastaliq-urdu-subset.woff2"))


def test_every_scrolling_table_in_the_templates_is_a_named_region_a_keyboard_can_reach():
    wraps = [
        (path.relative_to(TEMPLATES), tag)
        for path in TEMPLATES.rglob("*.html")
        for tag in re.findall(r'<div class="table-wrap[^>]*>', path.read_text())
    ]
    assert len(wraps) > 20
    for path, tag in wraps:
        assert 'tabindex="0"' in tag and 'role="region"' in tag, f"{path}: {tag}"
        assert re.search(r'aria-label="[^"]+"', tag), f"{path}: a region needs a name: {tag}"


def focusable_regions(html: str) -> list[str]:
    """The names of the page's focusable table regions."""
    soup = BeautifulSoup(html, "html.parser")
    return [div["aria-label"] for div in soup.select('div.table-wrap[tabindex="0"][role="region"]')]


@pytest.mark.django_db
def test_the_progress_grid_and_the_community_list_can_be_focused(client, users, curriculum):
    me = users["facilitator"]
    centre = centre_with_staff(name="Quetta drop-in", code="QTA", staff=[me])
    group = make_group(centre, me, [curriculum["module"]], name="Stars")
    add_members(group, [consenting_learner(centre=centre, first_name="Amir", acting_user=me)], acting_user=me)
    CommunityGroup.objects.create(centre=centre, kind="pcc", name="Mothers of Satellite Town", members_female=9)
    client.force_login(me)

    grid = client.get(reverse("group_progress", args=[group.pk])).text
    community = client.get(reverse("community_list")).text

    assert "Lessons completed by each learner" in focusable_regions(grid)
    assert "Parents' Community Committees and child associations" in focusable_regions(community)


def test_english_pages_never_name_the_urdu_font():
    css = CSS.read_text()
    face = re.search(r"@font-face\s*{[^}]*}", css).group(0)
    family = re.search(r'font-family:\s*"([^"]+)"', face).group(1)
    uses = [line for line in css.replace(face, "").splitlines() if family in line]
    assert uses and all(line.startswith(":root:lang(ur)") for line in uses), uses
    assert 'local("Noto Nastaliq Urdu")' in face and "woff2" in face
    assert "http" not in face, "nothing from an outside host"


def test_the_urdu_font_is_a_small_subset_with_its_licence():
    # The budget is 60 KB; the smallest subset that keeps Nastaliq shaping intact is ~98 KB
    # (static/fonts/README.md says why). This keeps it from growing unnoticed.
    assert FONT.stat().st_size <= 100 * 1024
    assert "SIL OPEN FONT LICENSE" in (FONT.parent / "OFL.txt").read_text().upper()


def bar_positions(svg: str) -> list[float]:
    """The x of each bar, in the order of the months."""
    return [float(x) for x in re.findall(r'<rect x="([-\d.]+)"', svg)]


def test_a_trend_chart_runs_from_the_right_in_urdu_and_from_the_left_in_english():
    trend = [Tally(f"2026-0{i}", f"m{i}", value) for i, value in enumerate([3, 5, 8], start=1)]
    with translation.override("en"):
        english = bar_positions(trend_svg(trend, chart_id="c", label="x"))
    with translation.override("ur"):
        urdu = bar_positions(trend_svg(trend, chart_id="c", label="x"))
    assert english == sorted(english) and english[0] < WIDTH / 3
    assert urdu == sorted(urdu, reverse=True) and urdu[0] > 2 * WIDTH / 3, "the first month is on the right"
