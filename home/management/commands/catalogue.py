"""`manage.py catalogue`: extract the project's strings into locale/<language>/LC_MESSAGES/django.po and
compile them; with --check, change nothing and fail when a string is missing, untranslated or fuzzy.

Adding a language is a translator's job: `manage.py catalogue --language ps` writes the catalogue to fill in.
"""

import contextlib
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# What the catalogue covers: the application code and templates (not the tests, demo data or the virtualenv).
IGNORED = ["tests/*", "demo/*", ".venv/*", "staticfiles/*", "media/*", "test-artifacts/*", "bench/*", "node_modules/*"]
NOT_COPIED = shutil.ignore_patterns(
    ".venv", ".git", "node_modules", "media", "staticfiles", "test-artifacts", "bench", "*.sqlite3", "__pycache__"
)


def catalogue_path(root: Path, language: str) -> Path:
    """Where a language's catalogue lives below a project folder."""
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def live_entries(path: Path) -> list:
    """A catalogue's entries, obsolete ones left out."""
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def extract(root: Path, language: str) -> None:
    """Run makemessages over the project folder `root` (GNU gettext's xgettext does the reading)."""
    if shutil.which("xgettext") is None:
        raise CommandError("GNU gettext is not installed (apt-get install -y gettext).")
    with contextlib.chdir(root):
        call_command(
            "makemessages",
            locale=[language],
            no_obsolete=True,
            add_location="file",
            ignore_patterns=IGNORED,
            verbosity=0,
        )


def problems(language: str) -> list[str]:
    """What is wrong with a language's catalogue: strings the code has and the catalogue lacks, untranslated
    and fuzzy entries. Extraction runs on a copy of the project, so the catalogue itself is not changed."""
    root = Path(settings.BASE_DIR)
    written = live_entries(catalogue_path(root, language))
    found = [f"untranslated: {entry.msgid!r}" for entry in written if not entry.translated()]
    found += [f"fuzzy: {entry.msgid!r}" for entry in written if "fuzzy" in entry.flags]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "project"
        shutil.copytree(root, copy, ignore=NOT_COPIED)
        extract(copy, language)
        extracted = {(entry.msgctxt, entry.msgid) for entry in live_entries(catalogue_path(copy, language))}
    catalogued = {(entry.msgctxt, entry.msgid) for entry in written}
    found += [f"missing: {msgid!r}" for _context, msgid in sorted(extracted - catalogued, key=str)]
    return found


class Command(BaseCommand):
    help = "Extract and compile a language's catalogue, or check that it is complete (--check)."

    def add_arguments(self, parser):
        parser.add_argument("--language", default="ur", help="The language code, for example ur or ps.")
        parser.add_argument("--check", action="store_true", help="Only check; change nothing.")

    def handle(self, *args, language, check, **options):
        root = Path(settings.BASE_DIR)
        if check:
            found = problems(language)
            if found:
                raise CommandError(f"The {language} catalogue is incomplete:\n" + "\n".join(found))
            self.stdout.write(f"The {language} catalogue is complete.")
            return
        extract(root, language)
        with contextlib.chdir(root):
            call_command("compilemessages", locale=[language], ignore_patterns=IGNORED, verbosity=0)
        entries = live_entries(catalogue_path(root, language))
        done = sum(1 for entry in entries if entry.translated() and "fuzzy" not in entry.flags)
        self.stdout.write(f"{catalogue_path(root, language)}: {done} of {len(entries)} strings translated.")
