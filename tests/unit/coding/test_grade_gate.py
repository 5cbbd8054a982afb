"""The decoding gate as the officer's screen shows it: how many works, which unchecked, decoded or not."""

from __future__ import annotations

from olymp_coding.domain import CheckState, WorkCheck, grade_gate


def checks(*states: CheckState) -> list[WorkCheck]:
    return [WorkCheck(f"M-{n:06d}", state) for n, state in enumerate(states)]


C, U, A = CheckState.CHECKED, CheckState.UNCHECKED, CheckState.ANNULLED


def test_p61_closed_while_works_are_unchecked_naming_them() -> None:
    gate = grade_gate(checks(C, U, A, U), None)

    assert not gate.allowed and not gate.decoded
    assert (gate.works, gate.checked, gate.annulled) == (4, 1, 1)
    assert gate.unchecked_codes == ("M-000001", "M-000003")
    assert "не проверено работ — 2 из 4" in gate.reason


def test_open_once_every_work_is_checked_or_annulled() -> None:
    gate = grade_gate(checks(C, A, C), None)

    assert gate.allowed and gate.unchecked_codes == ()
    assert "можно декодировать (3)" in gate.reason


def test_nothing_to_decode_without_works() -> None:
    gate = grade_gate([], None)

    assert not gate.allowed and "нечего" in gate.reason


def test_decoded_once_has_nothing_more_to_decode() -> None:
    gate = grade_gate(checks(C, C), 2)

    assert gate.decoded and not gate.allowed
    assert gate.coded_after_decoding == 0
    assert gate.reason == "Работы уже декодированы (2)."


def test_a_work_coded_after_decoding_waits_for_its_check_then_may_be_decoded() -> None:
    waiting = grade_gate(checks(C, C, U), 2)
    ready = grade_gate(checks(C, C, C), 2)

    assert waiting.coded_after_decoding == 1 and not waiting.allowed
    assert "зашифровано ещё 1" in waiting.reason and "п. 61" in waiting.reason
    assert ready.allowed and ready.coded_after_decoding == 1
