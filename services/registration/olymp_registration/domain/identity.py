"""The identity document shown at the entrance (§36): a passport; a participant who has not
reached 14 shows a birth certificate, always together with a school certificate with a photo.

Age is counted on the round's day (in the olympiad's time zone, which the caller has applied):
whoever turns 14 that very day is 14 and shows a passport. When the application gave no date of
birth, either lawful set is accepted: the age cannot decide, the official at the entrance does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from olymp_registration.domain.errors import IdentityDocumentRefused

PASSPORT_AGE: Final = 14


class IdentityDocument(StrEnum):
    PASSPORT = "passport"
    BIRTH_CERTIFICATE = "birth_certificate"
    SCHOOL_CERTIFICATE = "school_certificate"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    IdentityDocument.PASSPORT: "паспорт",
    IdentityDocument.BIRTH_CERTIFICATE: "свидетельство о рождении",
    IdentityDocument.SCHOOL_CERTIFICATE: "справка школьника с фотографией",
}

ADULT_SET: Final = frozenset({IdentityDocument.PASSPORT})
CHILD_SET: Final = frozenset(
    {IdentityDocument.BIRTH_CERTIFICATE, IdentityDocument.SCHOOL_CERTIFICATE}
)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years on `day`; born on 29 February, one turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (1 if before_birthday else 0)


def required_documents(birth_date: dt.date | None, day: dt.date) -> frozenset[IdentityDocument]:
    """What the participant shows on `day`; empty when the age is unknown (either set does)."""
    if birth_date is None:
        return frozenset()
    return ADULT_SET if age_on(birth_date, day) >= PASSPORT_AGE else CHILD_SET


def describe(documents: Iterable[IdentityDocument]) -> str:
    """«свидетельство о рождении и справка школьника с фотографией», in the order of the enum."""
    return " и ".join(d.label for d in IdentityDocument if d in set(documents))


def check_documents(
    shown: Iterable[IdentityDocument], birth_date: dt.date | None, day: dt.date
) -> frozenset[IdentityDocument]:
    """The documents recorded at check-in, or IdentityDocumentRefused saying what to ask for."""
    documents = frozenset(shown)
    required = required_documents(birth_date, day)
    if required and documents == required:
        return documents
    if not required and documents in (ADULT_SET, CHILD_SET):
        return documents
    if not documents:
        raise IdentityDocumentRefused(
            "Не отмечен документ, удостоверяющий личность (§36): отметьте "
            f"{_what_to_show(required)}."
        )
    if required == ADULT_SET and birth_date is not None:
        age = age_on(birth_date, day)
        raise IdentityDocumentRefused(
            f"Участнику {age} {_years(age)} на день тура {day:%d.%m.%Y} (дата рождения "
            f"{birth_date:%d.%m.%Y}): по §36 он предъявляет паспорт, а отмечено: "
            f"{describe(documents)}. Попросите паспорт; без него регистрация не проводится."
        )
    if required == CHILD_SET and birth_date is not None:
        age = age_on(birth_date, day)
        missing = CHILD_SET - documents
        if IdentityDocument.PASSPORT in documents:
            problem = "паспорт до 14 лет не выдаётся, отмечен он ошибочно"
        else:
            problem = f"не хватает: {describe(missing)}"
        raise IdentityDocumentRefused(
            f"Участнику {age} {_years(age)} на день тура {day:%d.%m.%Y} (дата рождения "
            f"{birth_date:%d.%m.%Y}): по §36 он предъявляет свидетельство о рождении вместе со "
            f"справкой школьника с фотографией; {problem}. Отметьте оба документа."
        )
    raise IdentityDocumentRefused(
        f"Отмечено: {describe(documents)}. По §36 предъявляется паспорт либо (до 14 лет) "
        "свидетельство о рождении вместе со справкой школьника с фотографией; дата рождения "
        "в заявке не указана — отметьте один из этих наборов."
    )


def _what_to_show(required: frozenset[IdentityDocument]) -> str:
    if required:
        return describe(required)
    return (
        "паспорт либо (до 14 лет) свидетельство о рождении вместе со справкой школьника "
        "с фотографией"
    )


def _years(age: int) -> str:
    if age % 10 == 1 and age % 100 != 11:
        return "год"
    if age % 10 in (2, 3, 4) and age % 100 not in (12, 13, 14):
        return "года"
    return "лет"
