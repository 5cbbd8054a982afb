"""The general-education subjects of the municipal stage (§3), as data every service shares.

A subject has a stable ASCII `code` used in URLs, events and tables, and its official Russian name.
Rules of the stage that several services need live here:
- coding (§60): works are anonymised before checking, except informatics (checked by an
  automatic testing system) and the oral round of German and French (IDs given at registration);
- checking (§67): informatics is checked by the testing system, not marked by two jury members, so
  its points are imported from the system's results file;
- the equipment list package (§24) is sent 7 days ahead only for technology, PE and OBZh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

GRADES: Final = range(7, 12)
"""Grades whose tasks the municipal stage sets (§13): 7 to 11 inclusive."""

MAIN_ROUND: Final = "main"
WRITTEN_ROUND: Final = "written"
ORAL_ROUND: Final = "oral"


@dataclass(frozen=True)
class Round:
    """One competition round (тур) of a subject."""

    code: str
    name: str
    coded: bool


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    """The official Russian name, as §3 spells it."""
    coded: bool
    """Whether the (written) works are coded before checking (§60)."""
    needs_equipment_list: bool
    """Whether an equipment list package goes out 7 days before the olympiad (§24)."""
    oral_round_uncoded: bool = False
    """German and French have a second, oral round whose works are not coded (§60)."""
    checked_automatically: bool = False
    """Solutions are checked by an automatic testing system, whose points are imported (§67)."""

    @property
    def rounds(self) -> tuple[Round, ...]:
        if self.oral_round_uncoded:
            return (
                Round(WRITTEN_ROUND, "письменный тур", coded=self.coded),
                Round(ORAL_ROUND, "устный тур", coded=False),
            )
        return (Round(MAIN_ROUND, "тур", coded=self.coded),)

    def round(self, code: str) -> Round:
        """The round `code` of this subject, or a ValueError listing the rounds it has."""
        for candidate in self.rounds:
            if candidate.code == code:
                return candidate
        valid = ", ".join(r.code for r in self.rounds)
        raise ValueError(
            f"У предмета «{self.name}» нет тура {code!r}; туры предмета: {valid}. "
            f"(subject {self.code!r} has no round {code!r}; valid rounds: {valid})"
        )


def _subject(code: str, name: str, **flags: bool) -> Subject:
    return Subject(
        code=code,
        name=name,
        coded=flags.get("coded", True),
        needs_equipment_list=flags.get("needs_equipment_list", False),
        oral_round_uncoded=flags.get("oral_round_uncoded", False),
        checked_automatically=flags.get("checked_automatically", False),
    )


SUBJECTS: Final[tuple[Subject, ...]] = (
    _subject("math", "математика"),
    _subject("russian", "русский язык"),
    _subject("english", "английский язык"),
    _subject("german", "немецкий язык", oral_round_uncoded=True),
    _subject("french", "французский язык", oral_round_uncoded=True),
    _subject("spanish", "испанский язык"),
    _subject("chinese", "китайский язык"),
    _subject("informatics", "информатика", coded=False, checked_automatically=True),
    _subject("physics", "физика"),
    _subject("chemistry", "химия"),
    _subject("biology", "биология"),
    _subject("ecology", "экология"),
    _subject("geography", "география"),
    _subject("astronomy", "астрономия"),
    _subject("literature", "литература"),
    _subject("history", "история"),
    _subject("social_studies", "обществознание"),
    _subject("economics", "экономика"),
    _subject("law", "право"),
    _subject("art", "искусство (мировая художественная культура)"),
    _subject("physical_education", "физическая культура", needs_equipment_list=True),
    _subject("technology", "технология", needs_equipment_list=True),
    _subject("obzh", "основы безопасности жизнедеятельности", needs_equipment_list=True),
)

SUBJECT_CODES: Final[tuple[str, ...]] = tuple(s.code for s in SUBJECTS)

_BY_CODE: Final = {s.code: s for s in SUBJECTS}

# What officials actually type in a «Предмет» cell besides the official name.
_ALIASES: Final = {
    "русский": "russian",
    "английский": "english",
    "иностранный язык (английский)": "english",
    "иностранный язык (английский язык)": "english",
    "немецкий": "german",
    "иностранный язык (немецкий)": "german",
    "иностранный язык (немецкий язык)": "german",
    "французский": "french",
    "иностранный язык (французский)": "french",
    "иностранный язык (французский язык)": "french",
    "испанский": "spanish",
    "иностранный язык (испанский)": "spanish",
    "иностранный язык (испанский язык)": "spanish",
    "китайский": "chinese",
    "иностранный язык (китайский)": "chinese",
    "иностранный язык (китайский язык)": "chinese",
    "информатика и икт": "informatics",
    "искусство": "art",
    "мхк": "art",
    "искусство (мхк)": "art",
    "мировая художественная культура": "art",
    "физкультура": "physical_education",
    "обж": "obzh",
    "основы безопасности жизнедеятельности (обж)": "obzh",
}


def _key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


_BY_NAME: Final = {
    **{_key(s.name): s.code for s in SUBJECTS},
    **{_key(alias): code for alias, code in _ALIASES.items()},
    **{s.code: s.code for s in SUBJECTS},
}


class UnknownSubject(ValueError):
    """A subject code or name that is not one of §3."""


def subject(code: str) -> Subject:
    """The subject with ASCII `code`, or UnknownSubject listing the valid codes."""
    try:
        return _BY_CODE[code]
    except KeyError:
        valid = ", ".join(SUBJECT_CODES)
        raise UnknownSubject(
            f"Неизвестный код предмета {code!r}; допустимые коды: {valid}. "
            f"(unknown subject code {code!r}; valid codes: {valid})"
        ) from None


def find_subject(text: str) -> Subject | None:
    """The subject an official meant by `text`: its code, official name or a common short name.

    Case, extra spaces and «ё»/«е» do not matter («ОБЖ», «МХК», «физкультура», «Английский язык»).
    """
    code = _BY_NAME.get(_key(text))
    return None if code is None else _BY_CODE[code]
