"""The Urdu catalogue is complete: every project string has an Urdu translation (none fuzzy), extracting the
strings again from the code would add none the catalogue lacks (`manage.py catalogue --check`), and the
compiled catalogue the site loads holds exactly the translations of the .po file."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from home.management.commands.catalogue import NOT_COPIED, catalogue_path, live_entries, problems

ROOT = Path(settings.BASE_DIR)
PO = catalogue_path(ROOT, "ur")
needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("REQUIRE_GETTEXT") != "1",
    reason="GNU gettext (xgettext) is not installed: apt-get install -y gettext",
)


def test_every_string_has_an_urdu_translation_and_none_is_fuzzy():
    entries = live_entries(PO)
    assert len(entries) > 500
    assert [entry.msgid for entry in entries if not entry.translated()] == []
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []


def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po_file():
    def table(entries):
        return {(e.msgctxt, e.msgid): (e.msgstr, sorted(e.msgstr_plural.items())) for e in entries if e.msgid}

    assert table(polib.mofile(str(PO.with_suffix(".mo")))) == table(live_entries(PO)), (
        "Run `make messages` and commit locale/ur/LC_MESSAGES/django.mo."
    )


@needs_gettext
def test_the_catalogue_check_passes():
    call_command("catalogue", check=True)


@needs_gettext
def test_the_check_names_a_new_string_and_an_untranslated_one(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    page = copy / "templates" / "includes" / "footer.html"
    page.write_text(page.read_text(encoding="utf-8") + '{% translate "A sentence nobody translated yet" %}\n')
    catalogue = polib.pofile(str(catalogue_path(copy, "ur")))
    first = next(entry for entry in catalogue if entry.msgid and not entry.msgid_plural)
    first.msgstr = ""
    catalogue.save()
    with override_settings(BASE_DIR=copy):
        found = problems("ur")
        with pytest.raises(CommandError):
            call_command("catalogue", check=True)
    assert f"missing: {'A sentence nobody translated yet'!r}" in found
    assert f"untranslated: {first.msgid!r}" in found
