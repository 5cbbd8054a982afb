"""The plan the seating screen sends (§30): a grade seated alone keeps the other grades' rooms as
the last seating had them; «every grade» puts the venue's grades into the chosen rooms only."""

from __future__ import annotations

import datetime as dt

from olymp_portal.organiser.handlers import SeatedRoom, Seating, SeatingChoice, new_plan


def seating(*rooms: SeatedRoom) -> Seating:
    return Seating(
        version=1,
        seated_at=dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC),
        seated=0,
        moved=0,
        added=0,
        released=0,
        round_day=dt.date(2026, 11, 18),
        last_seating_day=dt.date(2026, 11, 17),
        rooms=rooms,
        not_seated=0,
    )


SEATED = seating(
    SeatedRoom("Кабинет 7", 5, 6, (7,), False),
    SeatedRoom("Кабинет 8", 5, 6, (8, 9), False),
    SeatedRoom("Кабинет 1 (первый этаж)", 3, 2, (7, 8, 9), True),
)


def test_p30_a_grade_seated_alone_keeps_the_other_grades_rooms() -> None:
    plan = new_plan(SeatingChoice(9, ("Кабинет 12",), ()), SEATED, {7, 8, 9})
    assert plan == [
        {"room": "Кабинет 7", "grades": [7], "special_conditions": False},
        {"room": "Кабинет 8", "grades": [8], "special_conditions": False},
        {"room": "Кабинет 1 (первый этаж)", "grades": [7, 8], "special_conditions": True},
        {"room": "Кабинет 12", "grades": [9], "special_conditions": False},
    ]


def test_p30_a_room_chosen_again_takes_only_the_chosen_grade() -> None:
    plan = new_plan(SeatingChoice(7, ("Кабинет 8",), ("Кабинет 1 (первый этаж)",)), SEATED, set())
    assert plan == [
        {"room": "Кабинет 8", "grades": [7], "special_conditions": False},
        {"room": "Кабинет 1 (первый этаж)", "grades": [7], "special_conditions": True},
    ]  # «Кабинет 7» held only grade 7: it leaves the plan


def test_p12_every_grade_fills_only_the_chosen_rooms() -> None:
    plan = new_plan(SeatingChoice(None, ("Актовый зал",), ("Кабинет 2",)), SEATED, {9, 7})
    assert plan == [
        {"room": "Актовый зал", "grades": [7, 9], "special_conditions": False},
        {"room": "Кабинет 2", "grades": [7, 9], "special_conditions": True},
    ]
