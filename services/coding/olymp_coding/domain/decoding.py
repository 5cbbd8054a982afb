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
