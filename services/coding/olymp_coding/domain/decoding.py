"""The decoding gate (§61, §65): no work of a subject and grade is decoded before all are checked.

An annulled work (identifying marks §47/§68, removal §53) is never checked, so it counts as done:
otherwise one annulment would block decoding for everybody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class CheckState(StrEnum):
    UNCHECKED = "unchecked"
    CHECKED = "checked"
    ANNULLED = "annulled"

    @property
    def label(self) -> str:
        return _CHECK_STATE_LABELS[self]


_CHECK_STATE_LABELS = {
    CheckState.UNCHECKED: "не проверена",
    CheckState.CHECKED: "проверена",
    CheckState.ANNULLED: "аннулирована",
}


@dataclass(frozen=True)
class WorkCheck:
    work_code: str
    state: CheckState


@dataclass(frozen=True)
class Decision:
    """Whether decoding may go ahead; `reason` (Russian) says why not."""

    allowed: bool
    reason: str = ""
    unchecked_codes: tuple[str, ...] = ()


def can_decode(works_of_subject_grade: Iterable[WorkCheck]) -> Decision:
    """Allowed only when every work of the subject and grade is checked or annulled (§61)."""
    works = list(works_of_subject_grade)
    if not works:
        return Decision(
            allowed=False,
            reason="Декодировать нечего: по этому предмету и классу нет закодированных работ.",
        )
    unchecked = tuple(sorted(w.work_code for w in works if w.state is CheckState.UNCHECKED))
    if unchecked:
        return Decision(
            allowed=False,
            reason=(
                "Декодирование запрещено до окончания проверки всех работ (п. 61): "
                f"не проверено работ — {len(unchecked)} из {len(works)}."
            ),
            unchecked_codes=unchecked,
        )
    return Decision(allowed=True)


@dataclass(frozen=True)
class GradeGate:
    """The decoding gate of one subject and grade as the officer's screen shows it."""

    works: int
    checked: int
    annulled: int
    unchecked_codes: tuple[str, ...]
    decoded_count: int | None  # None while not decoded
    allowed: bool  # whether «Декодировать» would decode something now
    reason: str  # Russian: why not, or what pressing it does

    @property
    def decoded(self) -> bool:
        return self.decoded_count is not None

    @property
    def coded_after_decoding(self) -> int:
        """Works coded after the decoding (a late check-in), not decoded yet."""
        return max(0, self.works - (self.decoded_count or self.works))


def grade_gate(works_of_subject_grade: Iterable[WorkCheck], decoded_count: int | None) -> GradeGate:
    """The gate's state (§61) of a subject and grade, decoded `decoded_count` works ago or not."""
    works = list(works_of_subject_grade)
    decision = can_decode(works)
    counts = {state: sum(w.state is state for w in works) for state in CheckState}

    def gate(allowed: bool, reason: str) -> GradeGate:
        return GradeGate(
            works=len(works),
            checked=counts[CheckState.CHECKED],
            annulled=counts[CheckState.ANNULLED],
            unchecked_codes=decision.unchecked_codes,
            decoded_count=decoded_count,
            allowed=allowed,
            reason=reason,
        )

    if decoded_count is None:
        if decision.allowed:
            return gate(True, f"Все работы проверены: можно декодировать ({len(works)}).")
        return gate(False, decision.reason)
    if len(works) <= decoded_count:
        return gate(False, f"Работы уже декодированы ({decoded_count}).")
    late = len(works) - decoded_count
    if decision.allowed:
        return gate(
            True,
            f"Декодировано {decoded_count}; после декодирования зашифровано ещё {late}, "
            "все проверены: их можно декодировать.",
        )
    return gate(
        False,
        f"Декодировано {decoded_count}; после декодирования зашифровано ещё {late}. "
        "Они будут декодированы сами, как только жюри их проверит (п. 61).",
    )
