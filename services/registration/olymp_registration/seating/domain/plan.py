"""The plan of a seating: which rooms of the venue take which grades (§30) and which rooms are
chosen for participants with special conditions (§12), checked against the venue as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from olymp_core.subjects import GRADES
from olymp_registration.domain import Venue, comparison_key
from olymp_registration.seating.domain.errors import InvalidSeatingPlan, SeatingTooLate
from olymp_registration.seating.domain.model import PlannedRoom


@dataclass(frozen=True)
class RoomChoice:
    """One line of the plan: a room of the venue, the grades it takes, special conditions."""

    room: str
    grades: tuple[int, ...]
    special_conditions: bool = False


def planned_rooms(venue: Venue, choices: Sequence[RoomChoice]) -> tuple[PlannedRoom, ...]:
    """The chosen rooms with their layouts, in the plan's order; every broken rule at once."""
    if not choices:
        raise InvalidSeatingPlan(
            [
                f"В плане рассадки площадки «{venue.name}» нет ни одной аудитории: выберите "
                "аудитории и классы, которые в них сидят."
            ]
        )
    by_key = {comparison_key(room.name): room for room in venue.rooms}
    listed = ", ".join(f"«{room.name}»" for room in venue.rooms)
    problems: list[str] = []
    planned: list[PlannedRoom] = []
    seen: set[str] = set()
    for choice in choices:
        room = by_key.get(comparison_key(choice.room))
        if room is None:
            problems.append(
                f"На площадке «{venue.name}» нет аудитории «{choice.room}» (есть: {listed}). "
                "Укажите аудиторию так, как она записана у площадки."
            )
            continue
        if room.name in seen:
            problems.append(
                f"Аудитория «{room.name}» указана в плане дважды: оставьте одну строку и "
                "перечислите в ней все классы, которые в ней сидят."
            )
            continue
        seen.add(room.name)
        if room.rows is None or room.desks_per_row is None:
            problems.append(
                f"У аудитории «{room.name}» не указана расстановка парт (число рядов и парт в "
                "ряду): без неё не узнать, кто чей сосед. Укажите её в данных площадки."
            )
            continue
        grades = tuple(sorted(set(choice.grades)))
        wrong = [g for g in grades if g not in GRADES]
        if not grades or wrong:
            shown = f" (указано: {', '.join(str(g) for g in wrong)})" if wrong else ""
            problems.append(
                f"Для аудитории «{room.name}» укажите классы от {GRADES[0]} до {GRADES[-1]}, "
                f"которые в ней сидят{shown}."
            )
            continue
        planned.append(
            PlannedRoom(room.name, room.rows, room.desks_per_row, grades, choice.special_conditions)
        )
    if problems:
        raise InvalidSeatingPlan(problems)
    return tuple(planned)


def last_seating_day(round_day: dt.date) -> dt.date:
    """§30: seating is done no later than one day before the round."""
    return round_day - dt.timedelta(days=1)


def check_seating_day(
    today: dt.date, round_day: dt.date, subject_name: str, time_zone: str
) -> None:
    """Refuse a seating, a reseat or a withdrawal from the round's day on (`today` is local)."""
    last = last_seating_day(round_day)
    if today > last:
        raise SeatingTooLate(
            f"Рассадка по предмету «{subject_name}» проводится не позднее чем за один день до "
            f"тура (§30): тур {round_day:%d.%m.%Y}, последний день рассадки {last:%d.%m.%Y}, а "
            f"сегодня {today:%d.%m.%Y} по времени олимпиады ({time_zone}). Списки, вывешенные "
            "накануне (§31), не меняются: участника, пришедшего без места, координатор площадки "
            "сажает на свободную парту по правилам §30 и отмечает это в списке аудитории.",
            round_day=round_day.isoformat(),
            last_day=last.isoformat(),
        )
