"""Seating a venue (§30, §40, §12): rooms by grade, one participant per desk, no neighbours from
one school whenever an arrangement allows it, the same input giving the same seating, and a
report that says what to do when none exists."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_registration.seating.domain import (
    Candidate,
    Desk,
    PlannedRoom,
    Seat,
    Seating,
    SeatingImpossible,
    neighbour_violations,
    seat,
)
from tests.unit.registration.seating.people import (
    SCHOOLS,
    candidate,
    district,
    of_schools,
    room,
)


def violations(
    rooms: Sequence[PlannedRoom], seating: Seating, people: Sequence[Candidate]
) -> list[tuple[str, str]]:
    return neighbour_violations(
        rooms, seating.seats, {p.participant_id: p.school_key for p in people}
    )


def assert_lawful(
    rooms: Sequence[PlannedRoom], seating: Seating, people: Sequence[Candidate]
) -> None:
    """Everyone seated once, one per desk, on a desk of a room that takes them (§30, §40, §12)."""
    by_name = {r.name: r for r in rooms}
    assert sorted(seating.seats) == sorted(p.participant_id for p in people)
    assert len(set(seating.seats.values())) == len(seating.seats)
    for person in people:
        place = seating.seats[person.participant_id]
        chosen = by_name[place.room]
        assert chosen.has(place.desk)
        assert chosen.takes(person.grade, person.special_conditions)


@st.composite
def venues(draw: st.DrawFn) -> tuple[list[PlannedRoom], list[Candidate]]:
    """Rooms for one or two grades (and sometimes a room for special conditions), filled to
    any level, each school within what the rooms of its grade hold apart."""
    rooms: list[PlannedRoom] = []
    people: list[Candidate] = []
    for grade in draw(st.sampled_from([(7,), (7, 9)])):
        for special in (False, True) if draw(st.booleans()) else (False,):
            group_rooms = [
                room(
                    f"{grade}{'о' if special else ''}-{i}",
                    draw(st.integers(1, 5)),
                    draw(st.integers(1, 6)),
                    grade,
                    special=special,
                )
                for i in range(draw(st.integers(1, 1 if special else 3)))
            ]
            rooms += group_rooms
            desks = sum(r.desks for r in group_rooms)
            apart = sum(r.neighbour_limit for r in group_rooms)
            left = draw(st.integers(0, desks))
            school = 0
            while left:
                count = draw(st.integers(1, min(left, apart)))
                name = f"МБОУ «СОШ № {school + 1}»" if school >= len(SCHOOLS) else SCHOOLS[school]
                people += [
                    candidate(f"{grade}{special:d}-{school}-{n}", name, grade, special=special)
                    for n in range(count)
                ]
                left -= count
                school += 1
    return rooms, people


@settings(max_examples=300, deadline=None)
@given(venues())
def test_p30_no_neighbours_from_one_school_when_every_school_fits_its_rooms(
    venue: tuple[list[PlannedRoom], list[Candidate]],
) -> None:
    rooms, people = venue
    seating = seat(rooms, people)
    assert_lawful(rooms, seating, people)
    assert violations(rooms, seating, people) == []


@settings(max_examples=100, deadline=None)
@given(venues(), st.randoms(use_true_random=False))
def test_p30_the_same_people_in_any_order_get_the_same_seats(
    venue: tuple[list[PlannedRoom], list[Candidate]], shuffler: random.Random
) -> None:
    rooms, people = venue
    shuffled = list(people)
    shuffler.shuffle(shuffled)
    assert seat(rooms, shuffled).seats == seat(rooms, people).seats


def test_p30_a_district_of_600_from_20_schools_is_seated_by_grade_with_no_neighbours() -> None:
    people = district(seed=30, count=600, schools=20)
    per_grade = Counter(p.grade for p in people if not p.special_conditions)
    rooms = []
    for grade, count in sorted(per_grade.items()):
        for n in range(count // 20 + 1):
            rooms.append(room(f"Кабинет {grade}{n:02d}", 4, 6, grade))
    special = Counter(p.grade for p in people if p.special_conditions)
    rooms += [room(f"Кабинет {g}-ОВЗ", 3, 4, g, special=True) for g in sorted(special)]
    seating = seat(rooms, people)
    assert_lawful(rooms, seating, people)
    assert violations(rooms, seating, people) == []
    assert seat(list(rooms), list(reversed(people))).seats == seating.seats


def test_p30_namesakes_of_one_school_sit_apart_in_the_same_order_every_time() -> None:
    twins = [
        candidate(pid, SCHOOLS[0], surname="Римская-Корсакова", name="Алёна")
        for pid in ("b-2", "a-1")
    ]
    others = of_schools([0, 3])
    rooms = [room("Кабинет 12", 1, 5)]
    seating = seat(rooms, twins + others)
    first, second = seating.seats["a-1"], seating.seats["b-2"]
    assert abs(first.desk.number - second.desk.number) > 1
    assert seat(rooms, others + twins[::-1]).seats == seating.seats


def test_p30_a_school_too_large_for_its_room_is_refused_with_the_excess_and_the_remedy() -> None:
    people = of_schools([14, 5])
    with pytest.raises(SeatingImpossible) as refused:
        seat([room("Кабинет 12", 5, 5)], people)
    (problem,) = refused.value.problems
    assert problem.startswith(
        'МБОУ "Усть-Ишимская СОШ № 1": 14 участников в аудитории «Кабинет 12»'
    )
    assert "можно посадить не больше 13 участников одной школы: лишних 1" in problem
    assert "не меньше чем на 2 парты" in problem


def test_p30_the_same_school_spread_over_two_rooms_when_one_cannot_hold_it() -> None:
    people = of_schools([20, 10, 8])
    rooms = [room("Кабинет 12", 5, 5), room("Кабинет 14", 4, 5)]
    seating = seat(rooms, people)
    assert violations(rooms, seating, people) == []
    in_rooms = Counter(
        seating.seats[p.participant_id].room for p in people if p.school == SCHOOLS[0]
    )
    assert in_rooms["Кабинет 12"] <= 13 and in_rooms["Кабинет 14"] <= 10


def test_p40_too_few_desks_for_a_grade_are_counted_in_the_report() -> None:
    people = of_schools([10, 10, 8]) + of_schools([4, 4], grade=8)
    with pytest.raises(SeatingImpossible) as refused:
        seat([room("Кабинет 12", 5, 5), room("Кабинет 20", 3, 3, 8)], people)
    assert refused.value.problems == (
        "7 класс: 28 участников, а в аудиториях для них 25 парт («Кабинет 12» — 25 парт): не "
        "хватает 3 мест. За каждой партой сидит один участник (§40): добавьте в план "
        "аудиторию для 7 класса или увеличьте число парт.",
    )


def test_p30_a_grade_without_a_room_is_named() -> None:
    people = of_schools([3]) + of_schools([2], grade=10)
    with pytest.raises(SeatingImpossible) as refused:
        seat([room("Кабинет 12", 2, 3)], people)
    assert refused.value.problems == (
        "10 класс: 2 участника этой площадки, а в плане рассадки нет аудитории для 10 класса. "
        "Добавьте в план аудиторию для 10 класса (нужно 2 места).",
    )


def test_p12_special_conditions_only_in_the_rooms_chosen_for_them() -> None:
    special = [candidate(f"s{n}", SCHOOLS[n % 2], special=True) for n in range(3)]
    people = of_schools([6, 6]) + special
    rooms = [room("Кабинет 12", 3, 5), room("Кабинет 1 (первый этаж)", 2, 2, special=True)]
    seating = seat(rooms, people)
    assert {seating.seats[p.participant_id].room for p in special} == {"Кабинет 1 (первый этаж)"}
    assert {seating.seats[p.participant_id].room for p in people if p not in special} == {
        "Кабинет 12"
    }
    assert violations(rooms, seating, people) == []


def test_p12_special_conditions_without_a_room_chosen_for_them_are_listed_by_name() -> None:
    special = candidate("s1", SCHOOLS[2], special=True, surname="Семёнов-Тян-Шанский", name="Пётр")
    with pytest.raises(SeatingImpossible) as refused:
        seat([room("Кабинет 12", 3, 5)], [*of_schools([5]), special])
    assert refused.value.problems == (
        "7 класс: у 1 участника указаны особые условия (§12) — Семёнов-Тян-Шанский Пётр "
        f"{special.patronymic} (Гимназия № 3); в плане рассадки нет аудитории, выбранной для "
        "участников 7 класса с особыми условиями. Отметьте в плане такую аудиторию для 7 класса "
        "(в ней сидят только участники с особыми условиями).",
    )


def reseat_case() -> tuple[list[PlannedRoom], list[Candidate], Seating]:
    people = district(seed=31, count=120, schools=8)
    people = [p for p in people if not p.special_conditions]
    per_grade = Counter(p.grade for p in people)
    # a third of the desks stay free for late participants
    rooms = [
        room(f"Кабинет {grade}-{n + 1}", 4, 6, grade)
        for grade in range(7, 12)
        for n in range(per_grade[grade] * 3 // 2 // 24 + 1)
    ]
    return rooms, people, seat(rooms, people)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_p30_a_reseat_after_withdrawals_moves_nobody(data: st.DataObject) -> None:
    rooms, people, before = reseat_case()
    gone = set(data.draw(st.sets(st.sampled_from([p.participant_id for p in people]))))
    staying = [p for p in people if p.participant_id not in gone]
    after = seat(rooms, staying, before.seats)
    assert after.moved == () and after.added == ()
    assert after.released == tuple(sorted(gone))
    assert all(after.seats[p.participant_id] == before.seats[p.participant_id] for p in staying)


@settings(max_examples=40, deadline=None)
@given(st.integers(7, 11), st.sampled_from(SCHOOLS))
def test_p30_a_late_participant_takes_a_free_desk_and_nobody_moves(grade: int, school: str) -> None:
    rooms, people, before = reseat_case()
    late = candidate("late-1", school, grade, surname="Ёлкина", name="Фёкла")
    after = seat(rooms, [*people, late], before.seats)
    assert after.added == ("late-1",) and after.moved == ()
    assert violations(rooms, after, [*people, late]) == []
    assert all(after.seats[p.participant_id] == before.seats[p.participant_id] for p in people)


def test_p30_a_reseat_moves_someone_only_when_the_newcomers_cannot_fit_around_them() -> None:
    # one row of three desks, a pupil of school A in the middle: a second pupil of A can only sit
    # at the front or at the back, beside the first, unless the first moves
    rooms = [room("Кабинет 5", 1, 3)]
    first, second = candidate("a1", SCHOOLS[0]), candidate("a2", SCHOOLS[0])
    other = candidate("b1", SCHOOLS[1])
    previous = {"a1": Seat("Кабинет 5", Desk(1, 2))}
    after = seat(rooms, [first, second, other], previous)
    assert after.moved == ("a1",)
    assert after.seats["b1"].desk == Desk(1, 2)
    assert violations(rooms, after, [first, second, other]) == []


def test_p30_a_reseat_with_nothing_changed_changes_nothing() -> None:
    rooms, people, before = reseat_case()
    again = seat(rooms, people, before.seats)
    assert again.seats == before.seats
    assert (again.moved, again.added, again.released) == ((), (), ())
    assert again.kept == len(people)


def test_p30_a_room_the_plan_no_longer_gives_a_grade_sends_its_people_elsewhere() -> None:
    rooms, people, before = reseat_case()
    replanned = [r if r.grades != (7,) else room(r.name, 4, 6, 8) for r in rooms]
    replanned.append(room("Кабинет 7в", 6, 6, 7))
    after = seat(replanned, people, before.seats)
    sevens = {p.participant_id for p in people if p.grade == 7}
    assert set(after.moved) == sevens
    assert {after.seats[pid].room for pid in sevens} == {"Кабинет 7в"}
    assert all(
        after.seats[p.participant_id] == before.seats[p.participant_id]
        for p in people
        if p.grade != 7
    )
