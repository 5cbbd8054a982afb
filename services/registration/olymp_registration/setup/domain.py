"""Rules of the set-up: a round's briefing and the oral round (§32, §60), the commissions' rosters
(§21, §102) and the conflicts of interest each person declares (seed 000, §2).

Pure: no I/O. The schedule's own rules (end after start, no overlap within a subject, a day of the
school year) stay with `Olympiad`; these are the ones the set-up adds on top.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from olymp_core.subjects import ORAL_ROUND, subject
from olymp_registration.domain import RegistrationError, RoundSlot, clean_text
from olymp_registration.domain.text import school_key
from olymp_registration.seating.domain.messages import participants

JURY_MINIMUM: Final = 5
"""§21: the jury of each subject is at least five people, its chair included."""
APPEAL_MINIMUM: Final = 3
"""§102: at least three, an odd number recommended."""
NAME_MAX_LENGTH: Final = 100
SCHOOL_MAX_LENGTH: Final = 300
MAX_CONFLICTS: Final = 20


class SetupRefused(RegistrationError):
    """A change of the set-up breaks a rule; `problems` lists every one."""

    title = "Изменение не принято"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))


class MemberNotFound(RegistrationError):
    title = "Такого человека нет в составе"


# Rounds ------------------------------------------------------------------------------------------


def round_kind(round_code: str) -> str:
    """«oral» for the oral round of German and French (§60), «written» for any other round."""
    return "oral" if round_code == ORAL_ROUND else "written"


def round_problems(
    subject_code: str,
    slot: RoundSlot,
    briefing_at: dt.time | None,
    others: Iterable[RoundSlot],
) -> list[str]:
    """What the set-up adds to the schedule's rules for one round of a subject."""
    known = subject(subject_code)
    round_name = known.round(slot.round_code).name
    problems = []
    if briefing_at is not None and briefing_at >= slot.starts_at:
        # §32: the round starts with the briefing, and its duration excludes it.
        problems.append(
            f"Инструктаж ({round_name}, «{known.name}») в {briefing_at:%H:%M} должен начаться "
            f"раньше начала тура в {slot.starts_at:%H:%M}: время тура не включает инструктаж "
            "(§32)."
        )
    written = [s for s in others if s.round_code != ORAL_ROUND]
    if slot.round_code == ORAL_ROUND and any(s.day >= slot.day for s in written):
        first = min(s.day for s in written)
        problems.append(
            f"Устный тур по предмету «{known.name}» проводится во второй день, после "
            f"письменного тура {first:%d.%m.%Y} (§60): выберите более позднюю дату."
        )
    if slot.round_code != ORAL_ROUND:
        problems.extend(
            f"Письменный тур по предмету «{known.name}» должен пройти раньше устного "
            f"({oral.day:%d.%m.%Y}, §60): выберите более раннюю дату."
            for oral in others
            if oral.round_code == ORAL_ROUND and oral.day <= slot.day
        )
    return problems


# Commissions -------------------------------------------------------------------------------------


class Commission(StrEnum):
    JURY = "jury"
    APPEAL = "appeal"
    ORGCOMMITTEE = "orgcommittee"

    @property
    def label(self) -> str:
        return _COMMISSION_LABELS[self]

    @property
    def per_subject(self) -> bool:
        """The jury and the appeal commission are formed per subject (§21); the orgcommittee
        is one for the olympiad."""
        return self is not Commission.ORGCOMMITTEE


_COMMISSION_LABELS: Final = {
    Commission.JURY: "жюри",
    Commission.APPEAL: "апелляционная комиссия",
    Commission.ORGCOMMITTEE: "оргкомитет",
}


class Position(StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return _POSITION_LABELS[self]


_POSITION_LABELS: Final = {
    Position.CHAIR: "председатель",
    Position.SECRETARY: "секретарь",
    Position.MEMBER: "член",
}


class ConflictKind(StrEnum):
    """Why a school is a conflict of interest for the person (seed 000, §2)."""

    WORKS_THERE = "works_there"
    RELATIVE_STUDIES = "relative_studies"

    @property
    def label(self) -> str:
        if self is ConflictKind.WORKS_THERE:
            return "работает в школе"
        return "в школе учится родственник"


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    school: str
    note: str = ""
    """who the relative is, for instance «сын, 9 класс»"""


@dataclass(frozen=True)
class Member:
    """A person in a commission, as the organiser approved the composition (§21).

    `login` is the portal login they act under (the `sub` of their token, by which scoring
    records their marks), empty when they have none.
    """

    commission: Commission
    subject_code: str | None
    position: Position
    surname: str
    name: str
    patronymic: str = ""
    login: str = ""
    conflicts: tuple[Conflict, ...] = ()

    def __post_init__(self) -> None:
        for attribute in ("surname", "name", "patronymic", "login"):
            object.__setattr__(self, attribute, clean_text(getattr(self, attribute)))
        conflicts = tuple(
            Conflict(c.kind, clean_text(c.school), clean_text(c.note)) for c in self.conflicts
        )
        object.__setattr__(self, "conflicts", conflicts)
        problems = _member_problems(self)
        if problems:
            raise SetupRefused(problems)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


def _member_problems(member: Member) -> list[str]:
    problems = []
    if not member.surname or not member.name:
        problems.append("Укажите фамилию и имя (отчество — если есть).")
    if max(len(member.surname), len(member.name), len(member.patronymic)) > NAME_MAX_LENGTH:
        problems.append(f"Фамилия, имя и отчество — не длиннее {NAME_MAX_LENGTH} символов.")
    if member.commission.per_subject and member.subject_code is None:
        problems.append(f"Для состава «{member.commission.label}» укажите предмет.")
    if not member.commission.per_subject and member.subject_code is not None:
        problems.append("Оргкомитет один на олимпиаду: предмет для него не указывается.")
    if member.position is Position.SECRETARY and member.commission is not Commission.JURY:
        problems.append(
            "Секретарь назначается в жюри (протокол подписывают председатель и секретарь жюри)."
        )
    if len(member.conflicts) > MAX_CONFLICTS:
        problems.append(f"Не больше {MAX_CONFLICTS} школ в декларации о конфликте интересов.")
    for conflict in member.conflicts:
        if not conflict.school:
            problems.append("В декларации о конфликте интересов у строки не указана школа.")
        elif len(conflict.school) > SCHOOL_MAX_LENGTH:
            problems.append(f"Название школы — не длиннее {SCHOOL_MAX_LENGTH} символов.")
    return problems


@dataclass(frozen=True)
class Seat:
    """A member with the id under which the roster keeps them."""

    member_id: uuid.UUID
    member: Member


def position_problems(member: Member, others: Iterable[Member]) -> list[str]:
    """One chair per commission (and one secretary of a jury): the organiser replaces the
    person who holds it first."""
    if member.position is Position.MEMBER:
        return []
    holder = next((o for o in others if o.position is member.position), None)
    if holder is None:
        return []
    return [
        f"{member.position.label.capitalize()} в составе «{member.commission.label}» уже "
        f"назначен: {holder.full_name}. Сначала переведите его в члены или удалите из состава."
    ]


def login_problems(member: Member, others: Iterable[Member]) -> list[str]:
    """A login is one person's: scoring records each mark under it."""
    if not member.login:
        return []
    return [
        f"Вход «{member.login}» уже записан за {other.full_name} в этом составе: у каждого свой."
        for other in others
        if other.login == member.login
    ][:1]


@dataclass(frozen=True)
class SchoolOfParticipants:
    school: str
    participants: int


@dataclass(frozen=True)
class FlaggedConflict:
    """A declared school among the schools of the subject's participants."""

    conflict: Conflict
    participants: int

    @property
    def text(self) -> str:
        return (
            f"{self.conflict.kind.label} {self.conflict.school}, а из этой школы по предмету "
            f"заявлено {participants(self.participants)}"
        )


@dataclass(frozen=True)
class Roster:
    """One commission's composition, with what it still lacks and the conflicts to look at."""

    commission: Commission
    subject_code: str | None
    seats: tuple[Seat, ...]
    flags: Mapping[uuid.UUID, tuple[FlaggedConflict, ...]] = field(default_factory=dict)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What keeps the composition from being complete (§21, §102)."""
        members = [s.member for s in self.seats]
        positions = {m.position for m in members}
        found = []
        if Position.CHAIR not in positions:
            found.append(f"Не назначен председатель ({self.commission.label}).")
        if self.commission is Commission.JURY:
            if Position.SECRETARY not in positions:
                found.append(
                    "Не назначен секретарь жюри: протокол жюри подписывают председатель и "
                    "секретарь."
                )
            if len(members) < JURY_MINIMUM:
                found.append(
                    f"В жюри {_people(len(members))}, нужно не менее {JURY_MINIMUM} (§21): "
                    f"добавьте ещё {JURY_MINIMUM - len(members)}."
                )
        if self.commission is Commission.APPEAL and len(members) < APPEAL_MINIMUM:
            found.append(
                f"В апелляционной комиссии {_people(len(members))}; рекомендуется не менее "
                f"{APPEAL_MINIMUM} (§102)."
            )
        return tuple(found)

    @property
    def advice(self) -> tuple[str, ...]:
        """Recommendations that do not make the composition incomplete."""
        size = len(self.seats)
        if self.commission is Commission.APPEAL and size >= APPEAL_MINIMUM and size % 2 == 0:
            return (
                f"В апелляционной комиссии {_people(size)}: рекомендуется нечётное число (§102), "
                "при равенстве голосов решает голос председателя (§107).",
            )
        return ()

    @property
    def complete(self) -> bool:
        return not self.warnings


def flag_conflicts(
    seats: Iterable[Seat], schools: Iterable[SchoolOfParticipants]
) -> dict[uuid.UUID, tuple[FlaggedConflict, ...]]:
    """The declared schools from which participants of the subject are registered.

    The works are coded (§60), so the checker does not see whose work it is; the chair still
    has to know, to keep the person away from what the code does not hide (the show, appeals).
    """
    by_key: dict[str, int] = {}
    for school in schools:  # spellings of one school differ in quotes and «№»
        key = school_key(school.school)
        by_key[key] = by_key.get(key, 0) + school.participants
    flags: dict[uuid.UUID, tuple[FlaggedConflict, ...]] = {}
    for seat in seats:
        found = tuple(
            FlaggedConflict(c, by_key[school_key(c.school)])
            for c in seat.member.conflicts
            if school_key(c.school) in by_key
        )
        if found:
            flags[seat.member_id] = found
    return flags


def _people(count: int) -> str:
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} человека"
    return f"{count} человек"
