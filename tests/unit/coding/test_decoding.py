"""The decoding gate (§61): refused while any work of the subject and grade is unchecked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from olymp_coding.domain import CheckState, WorkCheck, can_decode


def checks(*states: CheckState) -> list[WorkCheck]:
    return [WorkCheck(f"M-{n:06d}", state) for n, state in enumerate(states)]


def test_p61_decoding_is_refused_while_works_are_unchecked_and_says_how_many() -> None:
    works = checks(
        CheckState.CHECKED, CheckState.UNCHECKED, CheckState.ANNULLED, CheckState.UNCHECKED
    )
    decision = can_decode(works)
    assert not decision.allowed
    assert "не проверено работ — 2 из 4" in decision.reason
    assert "п. 61" in decision.reason
    assert decision.unchecked_codes == ("M-000001", "M-000003")


def test_p61_decoding_is_allowed_once_every_work_is_checked() -> None:
    decision = can_decode(checks(CheckState.CHECKED, CheckState.CHECKED))
    assert decision.allowed
    assert decision.reason == ""


def test_p68_annulled_works_count_as_done() -> None:
    assert can_decode(checks(CheckState.ANNULLED, CheckState.CHECKED)).allowed
    assert can_decode(checks(CheckState.ANNULLED)).allowed


def test_p61_nothing_to_decode_is_refused() -> None:
    decision = can_decode([])
    assert not decision.allowed
    assert "нет закодированных работ" in decision.reason


@given(st.lists(st.sampled_from(list(CheckState)), min_size=1, max_size=30))
def test_p61_property_allowed_exactly_when_no_work_is_unchecked(states: list[CheckState]) -> None:
    decision = can_decode(checks(*states))
    assert decision.allowed == (CheckState.UNCHECKED not in states)
    assert len(decision.unchecked_codes) == states.count(CheckState.UNCHECKED)
