"""How far checking of one subject and grade has got; decoding waits for `all_checked` (§61)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from olymp_scoring.domain.errors import ScoringError
from olymp_scoring.domain.work import WorkStatus


@dataclass(frozen=True)
class SubjectGradeProgress:
    total: int
    checked: int
    annulled: int

    def __post_init__(self) -> None:
        if min(self.total, self.checked, self.annulled) < 0 or (
            self.checked + self.annulled > self.total
        ):
            raise ScoringError(
                f"Счётчики проверки несовместимы: всего {self.total}, проверено {self.checked}, "
                f"аннулировано {self.annulled}."
            )

    @classmethod
    def of(cls, statuses: Iterable[WorkStatus]) -> SubjectGradeProgress:
        listed = list(statuses)
        return cls(
            total=len(listed),
            checked=listed.count(WorkStatus.CHECKED),
            annulled=listed.count(WorkStatus.ANNULLED),
        )

    @property
    def pending(self) -> int:
        """Works still awaiting a mark or a third mark."""
        return self.total - self.checked - self.annulled

    @property
    def all_checked(self) -> bool:
        """Every work is checked or annulled (vacuously true when there are no works)."""
        return self.pending == 0
