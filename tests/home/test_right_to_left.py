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


# The characters the self-hosted subset holds (static/fonts/README.md): Urdu letters, marks and punctuation.
SUBSET = "U+0621-0628,U+062A-063A,U+0641-0642,U+0644-0646,U+0648,U+0679,U+067E,U+0686,U+0688,U+0691,U+0698,U+06A9,U+06AF,U+06BA,U+06BE,U+06C1-06C3,U+06CC,U+06D2-06D3,U+064B-0652,U+0654,U+0670,U+060C,U+061B,U+061F,U+06D4,U+200C-200F"  # noqa: E501


def subset_characters() -> set[str]:
    """The characters of the subset, from its unicode ranges."""
    found = set()
    for part in SUBSET.split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        found.update(chr(code) for code in range(int(first, 16), int(last or first, 16) + 1))
    return found


def test_the_demo_curriculum_writes_urdu_with_the_letters_the_font_has():
    # Arabic-keyboard look-alikes (ي U+064A, ه U+0647, ك U+0643) are not in the subset: a lesson typed with them
    # would fall back to another font mid-word. Urdu text uses ی U+06CC, ہ U+06C1 / ھ U+06BE, ک U+06A9.
    data = Path(__file__).resolve().parents[2] / "demo" / "data"
    have = subset_characters()
    for path in sorted(data.rglob("*.json")):
        arabic = {ch for ch in path.read_text(encoding="utf-8") if "\u0600" <= ch <= "\u06ff"}
        digits = {ch for ch in arabic if "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9"}
        assert not digits, f"{path.name}: numbers are written 0-9"
        assert arabic - digits <= have, f"{path.name}: {sorted(arabic - have)} not in the Nastaliq subset"
