"""Alphabetical order of Russian names for the rating table (§123).

Rules chosen, and why:
- «ё» sorts as «е» (and «Ё» as «Е»): in official lists ё is written inconsistently, so «Ёлкина» and
  «Елкина» must land in the same place whichever way a school typed it.
- Case does not matter («иванов» from a careless form sorts with «Иванов»).
- Comparison is word by word: a hyphen, dash or space separates parts and sorts before every
  letter, so «Петров», «Петров-Водкин», «Петрова» follow each other as in a printed index, and a
  compound surname stays next to its first part.
- «й» stays a letter of its own after «и» (NFC keeps it composed; NFD would split it in two).
- Other punctuation (apostrophes, dots) is ignored; Latin letters sort before Cyrillic ones.
- Fields compare in order surname, name, patronymic; an empty patronymic sorts first.

When those keys are equal (the same name up to ё/е, case or punctuation, or true namesakes), the
order still comes from the data, never from ids the suite drew at random, so the same rows imported
twice give the same table (`tie_break_key`): «е» before «ё» at the first place they differ, then the
spelling itself, then the school (collated as names are, then as written), then the grade. Two
applications of one person in one subject (the same name, school and grade) are refused at
registration, so no two rows of a table are equal under all of it.
"""

from __future__ import annotations

import re
import unicodedata

# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, and whitespace.
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014]+")
_WORD_BREAK = " "  # U+0020 sorts before every letter


def name_part_key(text: str) -> str:
    """The comparison key of one name field under the rules above."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    words = (_letters_only(word) for word in _SEPARATORS.split(folded))
    return _WORD_BREAK.join(word for word in words if word)


def collation_key(surname: str, name: str, patronymic: str) -> tuple[str, str, str]:
    """The key that orders participants with equal totals alphabetically (§123)."""
    return (name_part_key(surname), name_part_key(name), name_part_key(patronymic))


def tie_break_key(
    surname: str, name: str, patronymic: str, school: str, grade: int
) -> tuple[tuple[str, ...], tuple[str, ...], str, str, int]:
    """What orders participants whose totals and `collation_key` are equal (see above)."""
    fields = tuple(unicodedata.normalize("NFC", f) for f in (surname, name, patronymic))
    # "0" for «е», "1" for «ё», at every letter: compared only between names equal up to ё/е
    yo_marks = tuple("".join("1" if ch in "ёЁ" else "0" for ch in field) for field in fields)
    school_text = unicodedata.normalize("NFC", school)
    return (yo_marks, fields, name_part_key(school_text), school_text, grade)


def _letters_only(word: str) -> str:
    return "".join(ch for ch in word if ch.isalnum())
