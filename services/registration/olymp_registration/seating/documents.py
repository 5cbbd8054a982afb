"""The seating lists posted before the round (§31): at the entrance, alphabetically with each
participant's room and desk, and at each room, its plan of desks and its list. Laid out by
`olymp_core.protocol_documents`, like every document of the suite (DejaVu Sans, A4)."""

from __future__ import annotations

from collections.abc import Sequence

from olymp_core.protocol_documents import (
    Protocol,
    Report,
    Section,
    protocol_pdf,
    report_pdf,
    signature_line,
)
from olymp_registration.domain import comparison_key
from olymp_registration.seating.domain import PlannedRoom, SeatingNotFound
from olymp_registration.seating.domain.messages import participants
from olymp_registration.seating.handlers import SeatedParticipant, SeatingView, candidate

HOW_TO_READ = (
    "Ряды считаются слева направо, если стоять лицом к доске; парты в ряду — от доски. "
    "За каждой партой — один участник (§40)."
)
SIGNATURE = signature_line("Координатор на площадке")


def _heading(view: SeatingView, title: str) -> tuple[str, ...]:
    address = f", {view.venue.address}" if view.venue.address else ""
    return (
        title,
        f"{_capital(view.subject_name)}, {view.round_day:%d.%m.%Y}: {view.venue.name}",
        view.olympiad_title,
        f"Площадка проведения: {view.venue.name}{address}",
        f"Рассадка № {view.plan.version} от {view.plan.seated_at:%d.%m.%Y}",
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _alphabetical(seated: Sequence[SeatedParticipant]) -> list[SeatedParticipant]:
    return sorted(seated, key=lambda s: candidate(s.stored).sort_key)


def entrance_list(view: SeatingView) -> bytes:
    """At the entrance: everyone alphabetically, with room, row and desk."""
    rows = tuple(
        (
            str(number),
            s.stored.participant.surname,
            s.stored.participant.name,
            s.stored.participant.patronymic,
            str(s.stored.participant.grade),
            s.seat.room,
            str(s.seat.desk.row),
            str(s.seat.desk.number),
        )
        for number, s in enumerate(_alphabetical(view.seated), start=1)
    )
    return protocol_pdf(
        Protocol(
            heading=_heading(view, "Список распределения участников по аудиториям"),
            header=("№", "Фамилия", "Имя", "Отчество", "Класс", "Аудитория", "Ряд", "Парта"),
            rows=rows,
            after=(f"Всего: {participants(len(rows))}.", HOW_TO_READ),
            signatures=(SIGNATURE,),
            wide=False,
            weights=(0.5, 2.0, 1.4, 1.8, 1.0, 1.8, 0.6, 1.0),
        )
    )


def room_lists(view: SeatingView, room_name: str | None = None) -> bytes:
    """At each room (or at the one named): its plan of desks (the board at the top), its list."""
    sections: list[Section] = []
    rooms = _chosen(view, room_name)
    for room in rooms:
        inside = [s for s in view.seated if s.seat.room == room.name]
        at = {(s.seat.desk.row, s.seat.desk.number): s for s in inside}
        grades = ", ".join(str(g) for g in room.grades)
        special = ", участники с особыми условиями" if room.special_conditions else ""
        plan_rows = tuple(
            (
                str(number),
                *(_cell(at.get((row, number))) for row in range(1, room.rows + 1)),
            )
            for number in range(1, room.desks_per_row + 1)
        )
        sections.append(
            Section(
                title=f"Аудитория «{room.name}» — {grades} класс{special}",
                lines=(
                    f"Рядов: {room.rows}, парт в ряду: {room.desks_per_row}; "
                    f"{participants(len(inside))}. Доска — над таблицей.",
                ),
                header=("Парта", *(f"Ряд {row}" for row in range(1, room.rows + 1))),
                rows=plan_rows,
                weights=(0.5, *([1.0] * room.rows)),
                notes=(HOW_TO_READ,),
            )
        )
        sections.append(
            Section(
                title=f"Аудитория «{room.name}»: список участников",
                header=("№", "Фамилия, имя, отчество", "Класс", "Ряд", "Парта"),
                rows=tuple(
                    (
                        str(number),
                        s.stored.participant.full_name,
                        str(s.stored.participant.grade),
                        str(s.seat.desk.row),
                        str(s.seat.desk.number),
                    )
                    for number, s in enumerate(_alphabetical(inside), start=1)
                ),
                weights=(0.5, 4.0, 0.7, 0.6, 0.6),
            )
        )
    return report_pdf(
        Report(
            heading=_heading(view, "Рассадка участников в аудитории"),
            sections=tuple(sections),
            signatures=(SIGNATURE,),
        )
    )


def _chosen(view: SeatingView, room_name: str | None) -> Sequence[PlannedRoom]:
    if room_name is None:
        return view.rooms
    for room in view.rooms:
        if comparison_key(room.name) == comparison_key(room_name):
            return (room,)
    listed = ", ".join(f"«{room.name}»" for room in view.rooms)
    raise SeatingNotFound(
        f"В рассадке по предмету «{view.subject_name}» на площадке «{view.venue.name}» нет "
        f"аудитории «{room_name}» (есть: {listed})."
    )


def _cell(seated: SeatedParticipant | None) -> str:
    if seated is None:
        return "—"
    c = candidate(seated.stored)
    return f"{c.short_name}, {c.grade} кл."
