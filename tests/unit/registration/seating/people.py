"""Participants and rooms for the seating tests: realistic names (Ё, hyphenated surnames,
namesakes in one school) from the suite's synthetic generator, or built to order."""

from __future__ import annotations

from collections.abc import Sequence

from olymp_core.testing.synthetic import SyntheticParticipant, generate_participants
from olymp_registration.domain.text import school_key
from olymp_registration.seating.domain import Candidate, PlannedRoom

SCHOOLS = (
    'МБОУ "Усть-Ишимская СОШ № 1"',
    'МКОУ "Ашеванская ООШ"',
    "Гимназия № 3",
    'МАОУ "Лицей № 7"',
    'МБОУ "Берёзовская СОШ"',
    'МБОУ "Большетавинская СОШ"',
)
SURNAMES = ("Ёлкина", "Елкина", "Римская-Корсакова", "Семёнов-Тян-Шанский", "Королёв", "Ким")
NAMES = ("Алёна", "Пётр", "Фёкла", "Артём", "Анна-Мария", "Семён")


def candidate(
    participant_id: str,
    school: str,
    grade: int = 7,
    *,
    special: bool = False,
    surname: str | None = None,
    name: str | None = None,
) -> Candidate:
    number = sum(map(ord, participant_id))
    return Candidate(
        participant_id=participant_id,
        surname=surname or SURNAMES[number % len(SURNAMES)],
        name=name or NAMES[number // 7 % len(NAMES)],
        patronymic="Фёдоровна" if number % 2 else "Ильич",
        grade=grade,
        school=school,
        school_key=school_key(school),
        special_conditions=special,
    )


def of_schools(counts: Sequence[int], grade: int = 7, *, prefix: str = "") -> list[Candidate]:
    """counts[i] participants of the i-th school (schools past the named ones are numbered)."""
    people = []
    for index, count in enumerate(counts):
        school = SCHOOLS[index] if index < len(SCHOOLS) else f"МБОУ «СОШ № {index + 1}»"
        people += [candidate(f"{prefix}{grade}-{index}-{n}", school, grade) for n in range(count)]
    return people


def from_applications(lines: Sequence[SyntheticParticipant]) -> list[Candidate]:
    return [
        Candidate(
            participant_id=f"p{index:05d}",
            surname=line.surname,
            name=line.name,
            patronymic=line.patronymic,
            grade=line.grade,
            school=line.school,
            school_key=school_key(line.school),
            special_conditions=bool(line.special_conditions),
        )
        for index, line in enumerate(lines)
    ]


def district(seed: int, count: int, schools: int) -> list[Candidate]:
    """A district's application in one subject, as the synthetic generator writes it."""
    return from_applications(generate_participants(seed, count, schools, ["math"]))


def room(name: str, rows: int, desks: int, *grades: int, special: bool = False) -> PlannedRoom:
    return PlannedRoom(name, rows, desks, grades or (7,), special)
