"""Assigning codes to a subject round (§60): present works only; uncoded rounds keep the ID."""

from __future__ import annotations

import random

import pytest

from olymp_coding.domain import (
    Attendance,
    CodingError,
    WorkToCode,
    assign_codes,
    validate_code,
)


def work(
    number: int, attendance: Attendance = Attendance.PRESENT, subject: str = "math"
) -> WorkToCode:
    return WorkToCode(
        work_id=f"w{number}",
        registration_id=f"R-{number:04d}",
        subject=subject,
        grade=7 + number % 5,
        attendance=attendance,
    )


def test_p60_every_present_participant_gets_one_valid_code() -> None:
    works = [work(n) for n in range(40)]
    assignments = assign_codes(works, random.Random(5), set(), coded=True, prefix="M")
    assert [a.work_id for a in assignments] == [w.work_id for w in works]
    assert all(a.coded for a in assignments)
    assert all(validate_code(a.work_code) == a.work_code for a in assignments)
    assert all(a.work_code.startswith("M-") for a in assignments)
    assert len({a.work_code for a in assignments}) == 40


def test_p53_absent_and_removed_participants_get_no_code() -> None:
    works = [work(1), work(2, Attendance.ABSENT), work(3, Attendance.REMOVED), work(4)]
    assignments = assign_codes(works, random.Random(5), set(), coded=True)
    assert [a.work_id for a in assignments] == ["w1", "w4"]


def test_p60_informatics_and_oral_rounds_keep_the_registration_id() -> None:
    works = [work(1, subject="informatics"), work(2, Attendance.ABSENT, subject="informatics")]
    assignments = assign_codes(works, random.Random(5), set(), coded=False)
    assert [(a.work_code, a.coded) for a in assignments] == [("R-0001", False)]


def test_p60_codes_are_unique_within_the_olympiad() -> None:
    rng = random.Random(11)
    math = assign_codes([work(n) for n in range(300)], rng, set(), coded=True)
    issued = frozenset(a.work_code for a in math)
    physics = assign_codes(
        [work(n, subject="physics") for n in range(300)], rng, issued, coded=True
    )
    assert len(issued | {a.work_code for a in physics}) == 600
    assert len(issued) == 300, "the caller's set of issued codes is not modified"


def test_p60_codes_carry_nothing_about_the_participant_list() -> None:
    """The same random draws give the same codes whoever the participants are, in any order."""
    first_list = [work(n) for n in range(20)]
    other_list = list(reversed([work(n + 500) for n in range(20)]))
    first = assign_codes(first_list, random.Random(99), set(), coded=True)
    other = assign_codes(other_list, random.Random(99), set(), coded=True)
    assert [a.work_code for a in first] == [a.work_code for a in other]
    reseeded = assign_codes(first_list, random.Random(100), set(), coded=True)
    assert {a.work_code for a in reseeded}.isdisjoint({a.work_code for a in first})


def test_p60_one_subject_is_coded_at_a_time() -> None:
    with pytest.raises(CodingError, match="по одному предмету за раз"):
        assign_codes([work(1), work(2, subject="physics")], random.Random(1), set(), coded=True)


def test_p60_a_participant_has_one_work_per_subject() -> None:
    twice = [work(1), WorkToCode("w9", "R-0001", "math", 8, Attendance.PRESENT)]
    with pytest.raises(CodingError, match="R-0001 две работы"):
        assign_codes(twice, random.Random(1), set(), coded=True)
    with pytest.raises(CodingError, match="w1 указана в списке дважды"):
        assign_codes([work(1), work(1)], random.Random(1), set(), coded=True)


def test_p60_bad_prefix_is_reported_even_with_nobody_present() -> None:
    with pytest.raises(CodingError, match="Префикс шифра"):
        assign_codes([work(1, Attendance.ABSENT)], random.Random(1), set(), coded=True, prefix="Ж")
