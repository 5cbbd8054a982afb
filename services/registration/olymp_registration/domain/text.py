"""Text as officials type it: cleaned for storage, folded for comparison.

Stored names keep «ё» exactly as written; only comparisons treat «ё» as «е» (two files of the same
school often disagree on it: «Королёв» and «Королев» are one surname).
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = re.compile(r"[«»“”„‟\"'`]")
_NUMBER_SIGN = re.compile(r"№\s*")


def clean_text(text: str) -> str:
    """`text` trimmed, every run of whitespace (incl. non-breaking) one space, composed (NFC).

    Composing matters: a name pasted from some systems spells «й» or «ё» as a letter plus a
    combining mark, which would neither compare equal nor pass the letters-only check.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def comparison_key(text: str) -> str:
    """A key under which spellings that differ only by case, spacing or «ё»/«е» are equal."""
    return clean_text(text).replace("ё", "е").replace("Ё", "Е").casefold()


def school_key(school: str) -> str:
    """A comparison key for a school name that also ignores the kind of quotes and «№ 1»/«№1»."""
    return comparison_key(_NUMBER_SIGN.sub("№", _QUOTES.sub('"', school)))
