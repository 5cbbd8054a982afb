"""Creating an olympiad: school year, IANA zone, subject schedule in local time (§32), venues."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_registration.domain import (
    InvalidOlympiad,
    Olympiad,
    Room,
    RoundSlot,
    SubjectSchedule,
    Venue,
    parse_school_year,
)

DAY = dt.date(2024, 11, 12)


def ten_to_two(subject_code: str, day: dt.date = DAY) -> SubjectSchedule:
    return SubjectSchedule.single_round(subject_code, day, dt.time(10), dt.time(14))


def school() -> Venue:
    return Venue("МБОУ «Усть-Ишимская СОШ № 1»", (Room("Кабинет 12", 15), Room("Актовый зал", 40)))


def olympiad(**changes: object) -> Olympiad:
    fields: dict[str, object] = {
        "title": "  Муниципальный этап ВсОШ   2024/2025 ",
        "school_year": "2024/2025",
        "time_zone": "Asia/Omsk",
        "subjects": (ten_to_two("math"),),
        "venues": (school(),),
    }
    fields.update(changes)
    return Olympiad(**fields)  # type: ignore[arg-type]


def problems_of(**changes: object) -> tuple[str, ...]:
    with pytest.raises(InvalidOlympiad) as error:
        olympiad(**changes)
    return error.value.problems


def test_a_valid_olympiad_is_created_with_trimmed_title() -> None:
    created = olympiad()
    assert created.title == "Муниципальный этап ВсОШ 2024/2025"
    assert created.venues[0].capacity == 55
    assert created.schedule_of("math").days == (DAY,)


def test_p32_round_times_are_wall_clock_in_the_olympiad_zone() -> None:
    start, end = olympiad().round_instants("math", "main")
    assert start == dt.datetime(2024, 11, 12, 4, tzinfo=dt.UTC)  # 10:00 in Omsk, UTC+6
    assert end == dt.datetime(2024, 11, 12, 8, tzinfo=dt.UTC)
    moscow = olympiad(time_zone="Europe/Moscow").round_instants("math", "main")[0]
    assert moscow == dt.datetime(2024, 11, 12, 7, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("typed", "canonical"), [("2024/25", "2024/2025"), ("2099-00", "2099/2100")]
)
def test_school_year_short_forms_are_made_canonical(typed: str, canonical: str) -> None:
    assert parse_school_year(typed) == canonical


@pytest.mark.parametrize("typed", ["2024", "24/25", "2024/2026", "учебный год", ""])
def test_a_school_year_that_is_not_two_adjacent_years_is_refused(typed: str) -> None:
    (problem,) = problems_of(school_year=typed)
    assert problem.startswith(f"Учебный год «{typed}»")


def test_an_unknown_time_zone_is_refused_with_examples() -> None:
    (problem,) = problems_of(time_zone="Omsk")
    assert "Часовой пояс «Omsk» не найден" in problem and "Asia/Omsk" in problem


def test_an_empty_title_is_refused() -> None:
    (problem,) = problems_of(title="   ")
    assert "Не указано название олимпиады" in problem


def test_p3_an_unknown_subject_is_refused() -> None:
    (problem,) = problems_of(subjects=(SubjectSchedule("mathematics", ()),))
    assert "Неизвестный код предмета 'mathematics'" in problem


def test_a_subject_scheduled_twice_is_refused() -> None:
    (problem,) = problems_of(subjects=(ten_to_two("math"), ten_to_two("math", DAY.replace(day=13))))
    assert "указан в расписании дважды" in problem


def test_a_round_must_end_after_it_starts() -> None:
    late = SubjectSchedule("physics", (RoundSlot("main", DAY, dt.time(14), dt.time(10)),))
    (problem,) = problems_of(subjects=(late,))
    assert "время окончания 10:00 должно быть позже начала 14:00" in problem


def test_a_round_outside_the_school_year_is_refused() -> None:
    (problem,) = problems_of(subjects=(ten_to_two("math", dt.date(2025, 9, 1)),))
    assert "01.09.2025 не относится к учебному году" in problem


def test_a_subject_without_any_round_is_refused() -> None:
    (problem,) = problems_of(subjects=(SubjectSchedule("math", ()),))
    assert "не указаны дата и время тура" in problem


def test_p60_only_german_and_french_have_an_oral_round() -> None:
    oral_maths = SubjectSchedule("math", (RoundSlot("oral", DAY, dt.time(10), dt.time(12)),))
    (problem,) = problems_of(subjects=(oral_maths,))
    assert "нет тура «oral»" in problem
    german = SubjectSchedule(
        "german",
        (
            RoundSlot("written", DAY, dt.time(10), dt.time(13)),
            RoundSlot("oral", DAY + dt.timedelta(days=1), dt.time(10), dt.time(15)),
        ),
    )
    created = olympiad(subjects=(german,))
    assert created.schedule_of("german").days == (DAY, DAY + dt.timedelta(days=1))
    assert created.round_instants("german", "oral")[0] == dt.datetime(
        2024, 11, 13, 4, tzinfo=dt.UTC
    )


def test_rounds_of_one_subject_must_not_overlap_or_repeat() -> None:
    overlapping = SubjectSchedule(
        "french",
        (
            RoundSlot("written", DAY, dt.time(10), dt.time(13)),
            RoundSlot("oral", DAY, dt.time(12), dt.time(15)),
        ),
    )
    assert any("пересекаются" in p for p in problems_of(subjects=(overlapping,)))
    repeated = SubjectSchedule(
        "math",
        (
            RoundSlot("main", DAY, dt.time(10), dt.time(12)),
            RoundSlot("main", DAY, dt.time(13), dt.time(14)),
        ),
    )
    assert any("запланирован дважды" in p for p in problems_of(subjects=(repeated,)))


def test_room_capacity_must_be_at_least_one() -> None:
    venue = Venue("Гимназия № 3", (Room("Кабинет 1", 0),))
    (problem,) = problems_of(venues=(venue,))
    assert "вместимость 0" in problem and "не меньше 1" in problem


def test_room_names_are_unique_per_venue_whatever_the_case_spacing_or_yo() -> None:
    venue = Venue("Гимназия № 3", (Room("Кабинет  Ёлочка", 10), Room("кабинет елочка", 12)))
    (problem,) = problems_of(venues=(venue,))
    assert "указана дважды" in problem
    other = Venue("Лицей № 1", (Room("Кабинет Ёлочка", 10),))
    assert (
        len(
            olympiad(
                venues=(school(), other, Venue("Гимназия № 3", (Room("Кабинет Ёлочка", 5),)))
            ).venues
        )
        == 3
    )


def test_a_venue_needs_rooms_and_a_unique_name() -> None:
    assert any("нет ни одной аудитории" in p for p in problems_of(venues=(Venue("Лицей № 1", ()),)))
    assert any("указана дважды" in p for p in problems_of(venues=(school(), school())))


def test_every_broken_rule_is_reported_at_once() -> None:
    problems = problems_of(
        title="",
        time_zone="Mars/Olympus",
        subjects=(ten_to_two("astrology"),),
        venues=(Venue("Лицей № 1", (Room("1", -5),)),),
    )
    assert len(problems) == 4


def test_with_subject_and_with_venue_replace_and_revalidate() -> None:
    created = olympiad()
    moved = created.with_subject(ten_to_two("math", DAY.replace(day=20)))
    assert [s.subject_code for s in moved.subjects] == ["math"]
    assert moved.schedule_of("math").days == (DAY.replace(day=20),)
    bigger = moved.with_venue(Venue(" МБОУ «Усть-Ишимская СОШ № 1» ", (Room("Спортзал", 60),)))
    assert len(bigger.venues) == 1 and bigger.venues[0].capacity == 60
    with pytest.raises(InvalidOlympiad):
        created.with_venue(Venue("Лицей № 1", (Room("1", 0),)))


def test_a_subject_not_in_the_schedule_is_reported() -> None:
    with pytest.raises(InvalidOlympiad, match="не включён в расписание"):
        olympiad().schedule_of("physics")
    with pytest.raises(InvalidOlympiad, match="не запланирован"):
        olympiad().round_instants("math", "oral")
