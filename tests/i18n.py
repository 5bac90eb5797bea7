"""A few Urdu words put into the Urdu catalogue for one test, so a test can tell "shown in the user's
language" from "shown in English" before the project's Urdu catalogue exists (locale/ur is translated
separately): with these words in place, a page or file that ignores the language still shows English."""

import contextlib

from django.utils.translation import trans_real

WORDS = {
    "Language": "زبان",
    "Sign in": "سائن ان",
    "Dashboard": "ڈیش بورڈ",
    "Period": "مدت",
    "Centres": "مراکز",
    "Made at": "بنانے کا وقت",
    "Programme indicators": "پروگرام کے اشاریے",
    "Section": "حصہ",
    "Indicator": "اشاریہ",
    "Breakdown": "تقسیم",
    "Category": "زمرہ",
    "Value": "تعداد",
    "Unit": "اکائی",
}


@contextlib.contextmanager
def urdu_words(words: dict[str, str] = WORDS):
    """Add the words to the loaded Urdu catalogue for the duration of the block, then take them out again."""
    catalogue = trans_real.translation("ur")._catalog._catalogs[0]
    saved = {msgid: catalogue[msgid] for msgid in words if msgid in catalogue}
    catalogue.update(words)
    try:
        yield words
    finally:
        for msgid in words:
            catalogue.pop(msgid, None)
        catalogue.update(saved)
