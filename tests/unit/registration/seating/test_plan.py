"""The seating plan against the venue as it is, the desk layout of a room, and §30's deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_registration.domain import InvalidOlympiad, Olympiad, Room, Venue
from olymp_registration.seating.domain import (
    InvalidSeatingPlan,
    PlannedRoom,
    RoomChoice,
    SeatingTooLate,
    check_seating_day,
    planned_rooms,
)

SCHOOL = Venue(
    'МБОУ "Усть-Ишимская СОШ № 1"',
    (
        Room("Кабинет 12", 25, rows=5, desks_per_row=5),
        Room("Кабинет 14", 18, rows=3, desks_per_row=6),
        Room("Актовый зал", 60),
    ),
)


def test_p30_the_plan_takes_rooms_with_their_layout_in_its_own_order() -> None:
    plan = planned_rooms(
        SCHOOL,
        [RoomChoice("кабинет 14", (8, 7, 8)), RoomChoice("Кабинет 12", (9,), True)],
    )
    assert plan == (
        PlannedRoom("Кабинет 14", 3, 6, (7, 8)),
        PlannedRoom("Кабинет 12", 5, 5, (9,), True),
    )


def test_p30_every_broken_line_of_the_plan_is_reported_at_once() -> None:
    with pytest.raises(InvalidSeatingPlan) as refused:
        planned_rooms(
            SCHOOL,
            [
                RoomChoice("Кабинет 99", (7,)),
                RoomChoice("Актовый зал", (7,)),
                RoomChoice("Кабинет 12", (6, 12)),
                RoomChoice("Кабинет 14", (7,)),
                RoomChoice("КАБИНЕТ 14", (8,)),
            ],
        )
    assert refused.value.problems == (
        'На площадке «МБОУ "Усть-Ишимская СОШ № 1"» нет аудитории «Кабинет 99» (есть: «Кабинет '
        "12», «Кабинет 14», «Актовый зал»). Укажите аудиторию так, как она записана у площадки.",
        "У аудитории «Актовый зал» не указана расстановка парт (число рядов и парт в ряду): без "
        "неё не узнать, кто чей сосед. Укажите её в данных площадки.",
        "Для аудитории «Кабинет 12» укажите классы от 7 до 11, которые в ней сидят (указано: 6, "
        "12).",
        "Аудитория «Кабинет 14» указана в плане дважды: оставьте одну строку и перечислите в ней "
        "все классы, которые в ней сидят.",
    )


def test_p30_an_empty_plan_is_refused() -> None:
    with pytest.raises(InvalidSeatingPlan, match="нет ни одной аудитории"):
        planned_rooms(SCHOOL, [])


def test_p40_a_layout_must_give_one_desk_per_seat() -> None:
    with pytest.raises(InvalidOlympiad) as refused:
        Olympiad(
            title="Муниципальный этап ВсОШ",
            school_year="2025/2026",
            time_zone="Asia/Omsk",
            venues=(
                Venue(
                    "Гимназия № 3",
                    (
                        Room("Кабинет 5", 24, rows=5, desks_per_row=5),
                        Room("Кабинет 6", 10, rows=2),
                        Room("Кабинет 7", 31, rows=31, desks_per_row=1),
                    ),
                ),
            ),
        )
    assert refused.value.problems == (
        "Аудитория «Кабинет 5» на площадке «Гимназия № 3»: рядов 5, парт в ряду 5 — это 25 мест, а "
        "вместимость указана 24. За каждой партой сидит один участник (§40): исправьте "
        "вместимость или расстановку.",
        "Аудитория «Кабинет 6» на площадке «Гимназия № 3»: расстановка парт указана не полностью "
        "— укажите и число рядов, и число парт в ряду (или не указывайте ни того, ни другого).",
        "Аудитория «Кабинет 7» на площадке «Гимназия № 3»: число рядов 31 — укажите число от 1 "
        "до 30.",
    )


ROUND_DAY = dt.date(2025, 11, 18)


def test_p30_seating_is_done_up_to_the_day_before_the_round() -> None:
    check_seating_day(dt.date(2025, 11, 17), ROUND_DAY, "Математика", "Asia/Omsk")
    check_seating_day(dt.date(2025, 11, 1), ROUND_DAY, "Математика", "Asia/Omsk")


@pytest.mark.parametrize("today", [ROUND_DAY, dt.date(2025, 11, 19)])
def test_p30_seating_on_the_round_day_or_later_is_refused(today: dt.date) -> None:
    with pytest.raises(SeatingTooLate) as refused:
        check_seating_day(today, ROUND_DAY, "Математика", "Asia/Omsk")
    assert refused.value.detail.startswith(
        "Рассадка по предмету «Математика» проводится не позднее чем за один день до тура (§30): "
        "тур 18.11.2025, последний день рассадки 17.11.2025, а сегодня "
        f"{today:%d.%m.%Y} по времени олимпиады (Asia/Omsk)."
    )
