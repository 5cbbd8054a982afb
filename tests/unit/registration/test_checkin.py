"""Day-of registration (§36–37) and removal of a violator with an act (§53–54)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_core.clock import ManualClock, local_instant
from olymp_registration.domain import (
    Attendance,
    CheckInRefused,
    SubjectAttendance,
    check_in,
    mark_absent,
    new_attendance,
    remove,
)

WRITTEN_DAY = dt.date(2024, 11, 19)
ORAL_DAY = dt.date(2024, 11, 20)
ZONE = "Asia/Omsk"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_instant(day, dt.time(hour, minute), ZONE)


def german() -> SubjectAttendance:
    return new_attendance("p-17", "german", [ORAL_DAY, WRITTEN_DAY])


def removed_on_written_day() -> SubjectAttendance:
    present = check_in(german(), WRITTEN_DAY, at(WRITTEN_DAY, 9, 25))
    return remove(
        present,
        day=WRITTEN_DAY,
        reason="Пользовался мобильным телефоном",
        removed_at=at(WRITTEN_DAY, 11, 5),
        removed_by="Сидорова Е. В., организатор в аудитории 12",
    )


def test_a_subject_without_a_round_day_cannot_be_attended() -> None:
    with pytest.raises(CheckInRefused, match="не запланирован ни один тур"):
        new_attendance("p-1", "math", [])


def test_p36_check_in_marks_the_participant_present_with_the_instant() -> None:
    clock = ManualClock(at(WRITTEN_DAY, 9, 20))
    state = check_in(german(), WRITTEN_DAY, clock.now())
    mark = state.mark_on(WRITTEN_DAY)
    assert mark is not None and mark.attendance is Attendance.PRESENT
    assert mark.marked_at == dt.datetime(2024, 11, 19, 3, 20, tzinfo=dt.UTC)
    assert state.is_present_on(WRITTEN_DAY) and not state.is_present_on(ORAL_DAY)
    assert state.round_days == (WRITTEN_DAY, ORAL_DAY)


def test_p36_checking_in_twice_keeps_the_first_instant() -> None:
    once = check_in(german(), WRITTEN_DAY, at(WRITTEN_DAY, 9, 20))
    assert check_in(once, WRITTEN_DAY, at(WRITTEN_DAY, 9, 40)) == once


def test_p60_german_and_french_are_checked_in_again_on_the_oral_day() -> None:
    state = check_in(german(), WRITTEN_DAY, at(WRITTEN_DAY, 9, 20))
    state = check_in(state, ORAL_DAY, at(ORAL_DAY, 9, 30))
    assert [m.day for m in state.marks] == [WRITTEN_DAY, ORAL_DAY]


def test_a_day_without_a_round_of_the_subject_is_refused() -> None:
    with pytest.raises(CheckInRefused, match=r"тура нет; дни туров: 19\.11\.2024, 20\.11\.2024"):
        check_in(german(), dt.date(2024, 11, 21), at(dt.date(2024, 11, 21), 9))


def test_absence_is_marked_and_a_mistaken_mark_can_be_corrected() -> None:
    absent = mark_absent(german(), WRITTEN_DAY, at(WRITTEN_DAY, 10, 5))
    assert absent.mark_on(WRITTEN_DAY) is not None
    assert absent.mark_on(WRITTEN_DAY).attendance is Attendance.ABSENT  # type: ignore[union-attr]
    assert mark_absent(absent, WRITTEN_DAY, at(WRITTEN_DAY, 10, 9)) == absent
    late = check_in(absent, WRITTEN_DAY, at(WRITTEN_DAY, 10, 10))
    assert late.is_present_on(WRITTEN_DAY) and len(late.marks) == 1
    assert not mark_absent(late, WRITTEN_DAY, at(WRITTEN_DAY, 10, 12)).is_present_on(WRITTEN_DAY)


def test_p53_removal_records_reason_instant_and_official_and_annuls_the_work() -> None:
    state = removed_on_written_day()
    assert state.removed and state.work_annulled
    assert state.removal is not None
    assert state.removal.reason == "Пользовался мобильным телефоном"
    assert state.removal.removed_at == dt.datetime(2024, 11, 19, 5, 5, tzinfo=dt.UTC)
    assert state.removal.removed_by == "Сидорова Е. В., организатор в аудитории 12"
    assert state.removal.day == WRITTEN_DAY


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_p53_removal_without_a_reason_is_refused(reason: str) -> None:
    present = check_in(german(), WRITTEN_DAY, at(WRITTEN_DAY, 9, 25))
    with pytest.raises(CheckInRefused, match="Не указана причина удаления"):
        remove(
            present,
            day=WRITTEN_DAY,
            reason=reason,
            removed_at=at(WRITTEN_DAY, 11),
            removed_by="Сидорова Е. В.",
        )


def test_p53_removal_without_who_removed_is_refused() -> None:
    present = check_in(german(), WRITTEN_DAY, at(WRITTEN_DAY, 9, 25))
    with pytest.raises(CheckInRefused, match="кто удалил"):
        remove(
            present,
            day=WRITTEN_DAY,
            reason="Списывал",
            removed_at=at(WRITTEN_DAY, 11),
            removed_by=" ",
        )


def test_p53_only_a_participant_present_that_day_can_be_removed() -> None:
    with pytest.raises(CheckInRefused, match="не зарегистрирован"):
        remove(
            german(),
            day=WRITTEN_DAY,
            reason="Списывал",
            removed_at=at(WRITTEN_DAY, 11),
            removed_by="Сидорова",
        )
    absent = mark_absent(german(), WRITTEN_DAY, at(WRITTEN_DAY, 10))
    with pytest.raises(CheckInRefused, match="не зарегистрирован"):
        remove(
            absent,
            day=WRITTEN_DAY,
            reason="Списывал",
            removed_at=at(WRITTEN_DAY, 11),
            removed_by="Сидорова",
        )


def test_p53_removal_before_check_in_is_refused() -> None:
    present = check_in(german(), WRITTEN_DAY, at(WRITTEN_DAY, 9, 25))
    with pytest.raises(CheckInRefused, match="раньше времени регистрации"):
        remove(
            present,
            day=WRITTEN_DAY,
            reason="Списывал",
            removed_at=at(WRITTEN_DAY, 9),
            removed_by="Сидорова",
        )


def test_p53_a_second_removal_act_is_refused() -> None:
    with pytest.raises(CheckInRefused, match="уже удалён"):
        remove(
            removed_on_written_day(),
            day=WRITTEN_DAY,
            reason="Ещё раз",
            removed_at=at(WRITTEN_DAY, 11, 30),
            removed_by="Сидорова",
        )


def test_p54_a_removed_participant_cannot_check_in_again_in_that_subject() -> None:
    state = removed_on_written_day()
    with pytest.raises(CheckInRefused, match="лишён права дальнейшего участия"):
        check_in(state, ORAL_DAY, at(ORAL_DAY, 9, 30))
    with pytest.raises(CheckInRefused, match="Пользовался мобильным телефоном"):
        check_in(state, WRITTEN_DAY, at(WRITTEN_DAY, 11, 10))


def test_p54_removal_in_one_subject_does_not_touch_another() -> None:
    removed_on_written_day()
    physics = new_attendance("p-17", "physics", [ORAL_DAY])
    assert check_in(physics, ORAL_DAY, at(ORAL_DAY, 9, 30)).is_present_on(ORAL_DAY)


def test_p53_the_removal_day_cannot_be_turned_into_an_absence() -> None:
    state = removed_on_written_day()
    with pytest.raises(CheckInRefused, match="присутствовал"):
        mark_absent(state, WRITTEN_DAY, at(WRITTEN_DAY, 12))
    assert not mark_absent(state, ORAL_DAY, at(ORAL_DAY, 10)).is_present_on(ORAL_DAY)


def test_naive_instants_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        check_in(german(), WRITTEN_DAY, dt.datetime(2024, 11, 19, 9))


operations = st.lists(
    st.tuples(
        st.sampled_from(["check_in", "absent", "remove"]),
        st.sampled_from([WRITTEN_DAY, ORAL_DAY]),
        st.integers(min_value=0, max_value=600),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_p54_removal_is_final_whatever_happens_afterwards(
    steps: list[tuple[str, dt.date, int]],
) -> None:
    state = german()
    removal = None
    for action, day, minutes in steps:
        instant = at(day, 8) + dt.timedelta(minutes=minutes)
        if action == "check_in":
            if removal is not None:
                with pytest.raises(CheckInRefused):
                    check_in(state, day, instant)
                continue
            state = check_in(state, day, instant)
        else:
            try:
                if action == "absent":
                    state = mark_absent(state, day, instant)
                else:
                    state = remove(
                        state, day=day, reason="Нарушение", removed_at=instant, removed_by="Орг."
                    )
            except CheckInRefused:
                continue
        if removal is None and state.removal is not None:
            removal = state.removal
            assert state.is_present_on(removal.day)
        assert state.removal == removal
