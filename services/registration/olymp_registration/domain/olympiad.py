"""An olympiad as the organiser sets it up: school year, time zone, subject schedule, venues.

The schedule is wall-clock time in the olympiad's IANA zone ("10:00 in Asia/Omsk", §32); the UTC
instants are derived with `olymp_core.clock.local_instant`, never stored twice. Every instance is
valid: construction checks all rules and reports every broken one at once, in Russian.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import pairwise
from typing import Final

from olymp_core.clock import local_instant, zone
from olymp_core.subjects import MAIN_ROUND, UnknownSubject, subject
from olymp_registration.domain.errors import InvalidOlympiad
from olymp_registration.domain.text import clean_text, comparison_key

_SCHOOL_YEAR: Final = re.compile(r"(\d{4})\s*[/–—-]\s*(\d{2}|\d{4})")
TITLE_MAX_LENGTH: Final = 300


def parse_school_year(text: str) -> str:
    """The school year in its canonical form «2024/2025»; accepts «2024/25» and «2024-2025»."""
    match = _SCHOOL_YEAR.fullmatch(text.strip())
    if match is None:
        raise InvalidOlympiad(
            [f"Учебный год «{text}» не распознан: укажите его в виде «2024/2025»."]
        )
    first, second = int(match.group(1)), match.group(2)
    last = int(second)
    if len(second) == 2:
        last += first // 100 * 100 + (100 if int(second) < first % 100 else 0)
    if last != first + 1:
        raise InvalidOlympiad(
            [
                f"Учебный год «{text}» должен охватывать два соседних года, "
                f"например «{first}/{first + 1}»."
            ]
        )
    return f"{first}/{last}"


def school_year_bounds(school_year: str) -> tuple[dt.date, dt.date]:
    """First and last day of a canonical school year: 1 September to 31 August."""
    first = int(school_year[:4])
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


MAX_ROWS: Final = 30
MAX_DESKS_PER_ROW: Final = 30


@dataclass(frozen=True)
class Room:
    """A room (аудитория) of a venue with the number of seats, one participant per desk (§40).

    The desk layout, when known, is `rows` (ряды, each a line of desks from the board to the
    back) × `desks_per_row` (парты в ряду, counted from the board); seating needs it, since
    neighbours (§30) are the desks beside, in front and behind.
    """

    name: str
    capacity: int
    rows: int | None = None
    desks_per_row: int | None = None

    @property
    def has_layout(self) -> bool:
        return self.rows is not None and self.desks_per_row is not None


@dataclass(frozen=True)
class Venue:
    """A venue (площадка, база проведения) with its rooms."""

    name: str
    rooms: tuple[Room, ...]
    address: str = ""

    @property
    def capacity(self) -> int:
        return sum(room.capacity for room in self.rooms)


class EndWarnings(StrEnum):
    """When the room is told the time left before the round ends: 30 and 5 minutes before (§44),
    or 15 and 5 (§133). The model gives both; the organiser chooses per round."""

    P44 = "30-5"
    P133 = "15-5"

    @property
    def minutes(self) -> tuple[int, int]:
        first, second = self.value.split("-")
        return int(first), int(second)

    @property
    def paragraph(self) -> str:
        return "§44" if self is EndWarnings.P44 else "§133"


@dataclass(frozen=True)
class RoundSlot:
    """When one round of a subject takes place: the day and its local start and end, and when the
    room is warned of its end."""

    round_code: str
    day: dt.date
    starts_at: dt.time
    ends_at: dt.time
    end_warnings: EndWarnings = EndWarnings.P44


@dataclass(frozen=True)
class SubjectSchedule:
    """The rounds of one subject in this olympiad."""

    subject_code: str
    rounds: tuple[RoundSlot, ...]

    @classmethod
    def single_round(
        cls, subject_code: str, day: dt.date, starts_at: dt.time, ends_at: dt.time
    ) -> SubjectSchedule:
        """A subject with one round, or the first (written) round of German and French."""
        try:
            round_code = subject(subject_code).rounds[0].code
        except UnknownSubject:
            round_code = MAIN_ROUND  # the olympiad reports the unknown subject with the rest
        return cls(subject_code, (RoundSlot(round_code, day, starts_at, ends_at),))

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(sorted({slot.day for slot in self.rounds}))


@dataclass(frozen=True)
class Olympiad:
    """The municipal stage of one school year in one time zone: what is held, when and where."""

    title: str
    school_year: str
    time_zone: str
    subjects: tuple[SubjectSchedule, ...] = ()
    venues: tuple[Venue, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean_text(self.title))
        object.__setattr__(self, "time_zone", self.time_zone.strip())
        schedules = tuple(SubjectSchedule(s.subject_code, tuple(s.rounds)) for s in self.subjects)
        object.__setattr__(self, "subjects", schedules)
        object.__setattr__(self, "venues", tuple(_cleaned_venue(v) for v in self.venues))
        problems = _title_problems(self.title)
        try:
            object.__setattr__(self, "school_year", parse_school_year(self.school_year))
        except InvalidOlympiad as exc:
            problems.extend(exc.problems)
            year_bounds = None
        else:
            year_bounds = school_year_bounds(self.school_year)
        try:
            zone(self.time_zone)
        except ValueError:
            problems.append(
                f"Часовой пояс «{self.time_zone}» не найден в базе IANA: укажите его в виде "
                "«Asia/Omsk» (Омск), «Asia/Yekaterinburg» (Екатеринбург), «Europe/Moscow» (Москва)."
            )
        problems.extend(_schedule_problems(self.subjects, year_bounds))
        problems.extend(_venue_problems(self.venues))
        if problems:
            raise InvalidOlympiad(problems)

    def schedule_of(self, subject_code: str) -> SubjectSchedule:
        for schedule in self.subjects:
            if schedule.subject_code == subject_code:
                return schedule
        name = subject(subject_code).name
        raise InvalidOlympiad([f"Предмет «{name}» не включён в расписание этой олимпиады."])

    def round_instants(self, subject_code: str, round_code: str) -> tuple[dt.datetime, dt.datetime]:
        """The UTC start and end instants of a scheduled round."""
        slot = self.slot(subject_code, round_code)
        return (
            local_instant(slot.day, slot.starts_at, self.time_zone),
            local_instant(slot.day, slot.ends_at, self.time_zone),
        )

    def slot(self, subject_code: str, round_code: str) -> RoundSlot:
        """A scheduled round of a subject; refused when the subject has no such round."""
        for slot in self.schedule_of(subject_code).rounds:
            if slot.round_code == round_code:
                return slot
        name = subject(subject_code).name
        raise InvalidOlympiad([f"Тур «{round_code}» предмета «{name}» не запланирован."])

    def with_subject(self, schedule: SubjectSchedule) -> Olympiad:
        """This olympiad with `schedule` added, or replacing the subject's earlier schedule."""
        kept = tuple(s for s in self.subjects if s.subject_code != schedule.subject_code)
        return replace(self, subjects=(*kept, schedule))

    def with_venue(self, venue: Venue) -> Olympiad:
        """This olympiad with `venue` added, or replacing a venue of the same name."""
        key = comparison_key(venue.name)
        kept = tuple(v for v in self.venues if comparison_key(v.name) != key)
        return replace(self, venues=(*kept, venue))


def _title_problems(title: str) -> list[str]:
    if not title:
        return ["Не указано название олимпиады: введите его, например «Муниципальный этап ВсОШ»."]
    if len(title) > TITLE_MAX_LENGTH:
        return [f"Название олимпиады длиннее {TITLE_MAX_LENGTH} символов: сократите его."]
    return []


def _schedule_problems(
    schedules: tuple[SubjectSchedule, ...], year_bounds: tuple[dt.date, dt.date] | None
) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for schedule in schedules:
        try:
            known = subject(schedule.subject_code)
        except UnknownSubject as exc:
            problems.append(str(exc))
            continue
        if known.code in seen:
            problems.append(f"Предмет «{known.name}» указан в расписании дважды: оставьте один.")
            continue
        seen.add(known.code)
        problems.extend(_round_problems(known.code, schedule.rounds, year_bounds))
    return problems


def _round_problems(
    subject_code: str, slots: tuple[RoundSlot, ...], year_bounds: tuple[dt.date, dt.date] | None
) -> list[str]:
    known = subject(subject_code)
    if not slots:
        return [f"Для предмета «{known.name}» не указаны дата и время тура."]
    problems: list[str] = []
    valid_rounds = {r.code: r for r in known.rounds}
    seen: set[str] = set()
    for slot in slots:
        round_ = valid_rounds.get(slot.round_code)
        if round_ is None:
            listed = ", ".join(f"«{code}» ({r.name})" for code, r in valid_rounds.items())
            problems.append(
                f"У предмета «{known.name}» нет тура «{slot.round_code}»; "
                f"допустимые туры: {listed}."
            )
            continue
        where = f"{round_.name.capitalize()} по предмету «{known.name}»"
        if slot.round_code in seen:
            problems.append(f"{where} запланирован дважды: оставьте одну запись.")
            continue
        seen.add(slot.round_code)
        if slot.starts_at >= slot.ends_at:
            problems.append(
                f"{where}: время окончания {slot.ends_at:%H:%M} должно быть позже "
                f"начала {slot.starts_at:%H:%M}."
            )
        if year_bounds is not None and not year_bounds[0] <= slot.day <= year_bounds[1]:
            problems.append(
                f"{where}: дата {slot.day:%d.%m.%Y} не относится к учебному году "
                f"({year_bounds[0]:%d.%m.%Y}–{year_bounds[1]:%d.%m.%Y})."
            )
    problems.extend(_overlap_problems(known.name, slots))
    return problems


def _overlap_problems(subject_name: str, slots: tuple[RoundSlot, ...]) -> list[str]:
    # A participant sits every round of the subject, so two rounds cannot run at once.
    ordered = sorted(
        (s for s in slots if s.starts_at < s.ends_at), key=lambda s: (s.day, s.starts_at)
    )
    return [
        f"Туры предмета «{subject_name}» {earlier.day:%d.%m.%Y} пересекаются по времени: "
        "разнесите их."
        for earlier, later in pairwise(ordered)
        if earlier.day == later.day and later.starts_at < earlier.ends_at
    ]


def _cleaned_venue(venue: Venue) -> Venue:
    rooms = tuple(replace(r, name=clean_text(r.name)) for r in venue.rooms)
    return Venue(clean_text(venue.name), rooms, clean_text(venue.address))


def _venue_problems(venues: tuple[Venue, ...]) -> list[str]:
    problems: list[str] = []
    seen_venues: set[str] = set()
    for venue in venues:
        if not venue.name:
            problems.append("У площадки не указано название: введите его.")
            continue
        key = comparison_key(venue.name)
        if key in seen_venues:
            problems.append(f"Площадка «{venue.name}» указана дважды: оставьте одну.")
            continue
        seen_venues.add(key)
        if not venue.rooms:
            problems.append(f"На площадке «{venue.name}» нет ни одной аудитории: добавьте их.")
        seen_rooms: set[str] = set()
        for room in venue.rooms:
            if not room.name:
                problems.append(f"На площадке «{venue.name}» у аудитории не указано название.")
                continue
            room_key = comparison_key(room.name)
            if room_key in seen_rooms:
                problems.append(
                    f"На площадке «{venue.name}» аудитория «{room.name}» указана дважды: "
                    "названия аудиторий на одной площадке не должны повторяться."
                )
            seen_rooms.add(room_key)
            if isinstance(room.capacity, bool) or room.capacity < 1:
                problems.append(
                    f"Аудитория «{room.name}» на площадке «{venue.name}»: вместимость "
                    f"{room.capacity} — укажите число мест не меньше 1."
                )
            problems.extend(_layout_problems(venue.name, room))
    return problems


def _layout_problems(venue_name: str, room: Room) -> list[str]:
    where = f"Аудитория «{room.name}» на площадке «{venue_name}»"
    if room.rows is None and room.desks_per_row is None:
        return []
    if room.rows is None or room.desks_per_row is None:
        return [
            f"{where}: расстановка парт указана не полностью — укажите и число рядов, и число "
            "парт в ряду (или не указывайте ни того, ни другого)."
        ]
    problems = []
    for value, what, top in (
        (room.rows, "рядов", MAX_ROWS),
        (room.desks_per_row, "парт в ряду", MAX_DESKS_PER_ROW),
    ):
        if isinstance(value, bool) or not 1 <= value <= top:
            problems.append(f"{where}: число {what} {value} — укажите число от 1 до {top}.")
    if not problems and room.rows * room.desks_per_row != room.capacity:
        problems.append(
            f"{where}: рядов {room.rows}, парт в ряду {room.desks_per_row} — это "
            f"{room.rows * room.desks_per_row} мест, а вместимость указана {room.capacity}. "
            "За каждой партой сидит один участник (§40): исправьте вместимость или расстановку."
        )
    return problems
