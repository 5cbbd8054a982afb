"""Selective re-checking of checked works by the municipal jury (§21; seed 000, section 2).

- The organiser draws a random sample of a subject and grade's checked works from a seed. The draw
  is a pure function of the seed and the works eligible at that moment: each work is ranked by the
  SHA-256 of «seed, line break, work code» and the lowest ranks are taken. Anyone holding the seed
  and the list of eligible codes (both in the audit trail) can draw the same sample again, with
  any tool that computes SHA-256, and adding a work to the grade never reorders the others.
- The regional coordinator may ask for particular works (§21: the organiser hands works over for
  re-checking on the regional organiser's request).
- Each such work is re-marked blind by one jury member who did not mark it: the member sees none
  of the earlier marks. The re-check never changes the official scores; it is compared with them
  task by task in a report, and a difference beyond the olympiad's threshold (§73's) is flagged.
- Works checked by the testing system (informatics, §67) are not re-marked by the jury.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from olymp_scoring.domain.discrepancy import DiscrepancyThreshold
from olymp_scoring.domain.errors import RecheckRefused
from olymp_scoring.domain.marking_scheme import MarkingScheme, plain

SEED_MAX_CHARS = 200


class RecheckOrigin(StrEnum):
    SAMPLE = "sample"
    REGIONAL_REQUEST = "regional_request"

    @property
    def label(self) -> str:
        return _ORIGIN_LABELS[self]


_ORIGIN_LABELS = {
    RecheckOrigin.SAMPLE: "выборка организатора",
    RecheckOrigin.REGIONAL_REQUEST: "запрос регионального координатора",
}


@dataclass(frozen=True)
class RecheckSample:
    """One draw: its seed, how many works were eligible and how many it took."""

    sample_id: uuid.UUID
    seed: str
    eligible: int
    drawn: int
    drawn_at: dt.datetime
    drawn_by: str


def rank(seed: str, work_code: str) -> str:
    """The work's place in the seed's order: the hex SHA-256 of «seed\\nwork_code»."""
    return hashlib.sha256(f"{seed}\n{work_code}".encode()).hexdigest()


def sample_size(eligible: int, *, size: int | None, share: Decimal | None) -> int:
    """How many works to draw: `size`, or `share` of the eligible ones rounded up (at least one);
    never more than there are."""
    if (size is None) == (share is None):
        raise RecheckRefused("Укажите размер выборки: число работ (size) или долю работ (share).")
    if size is not None:
        if size < 1:
            raise RecheckRefused(f"В выборке должна быть хотя бы одна работа, указано: {size}.")
        wanted = size
    else:
        assert share is not None
        if not share.is_finite() or not Decimal(0) < share <= 1:
            raise RecheckRefused(
                f"Доля работ в выборке — от 0 до 1 (например, 0.1), указано: {share}."
            )
        wanted = max(1, math.ceil(share * eligible))
    return min(wanted, eligible)


def draw_sample(seed: str, eligible: Iterable[str], size: int) -> tuple[str, ...]:
    """The `size` works of `eligible` with the lowest ranks under `seed`, in rank order."""
    if not seed.strip():
        raise RecheckRefused("Зерно выборки не может быть пустым.")
    ranked = sorted(set(eligible), key=lambda code: (rank(seed, code), code))
    return tuple(ranked[:size])


def may_recheck(member: str, marked_by: Collection[str]) -> bool:
    """A re-check is blind and independent: never by a member who marked the work."""
    return member not in marked_by


@dataclass(frozen=True)
class TaskComparison:
    task_number: int
    max_points: Decimal
    original: Decimal
    recheck: Decimal | None
    significant: bool

    @property
    def difference(self) -> Decimal | None:
        """Re-check minus original; None before the re-check."""
        return None if self.recheck is None else plain(self.recheck - self.original)


@dataclass(frozen=True)
class WorkComparison:
    work_code: str
    tasks: tuple[TaskComparison, ...]

    @property
    def rechecked(self) -> bool:
        return all(task.recheck is not None for task in self.tasks)

    @property
    def original_total(self) -> Decimal:
        return plain(sum((task.original for task in self.tasks), Decimal(0)))

    @property
    def recheck_total(self) -> Decimal | None:
        if not self.rechecked:
            return None
        return plain(sum((task.recheck or Decimal(0) for task in self.tasks), Decimal(0)))

    @property
    def significant(self) -> bool:
        return any(task.significant for task in self.tasks)


def compare(
    work_code: str,
    scheme: MarkingScheme,
    threshold: DiscrepancyThreshold,
    original: Mapping[int, Decimal],
    recheck: Mapping[int, Decimal] | None,
) -> WorkComparison:
    """The original scores of a work beside its re-check, task by task; a task is flagged when the
    two differ by more than the threshold that would call a third member (§73)."""
    tasks = []
    for spec in scheme.tasks:
        before = plain(original[spec.number])
        after = None if recheck is None else plain(recheck[spec.number])
        significant = after is not None and threshold.exceeded(before, after, spec)
        tasks.append(TaskComparison(spec.number, spec.max_points, before, after, significant))
    return WorkComparison(work_code, tuple(sorted(tasks, key=lambda t: t.task_number)))


@dataclass(frozen=True)
class RecheckSummary:
    works: int
    rechecked: int
    differing: int  # works whose re-check total differs from the original
    significant: int  # works with a task beyond the threshold
    mean_absolute_difference: Decimal | None  # of the totals, over the rechecked works

    @classmethod
    def of(cls, comparisons: Iterable[WorkComparison]) -> RecheckSummary:
        listed = list(comparisons)
        done = [c for c in listed if c.rechecked]
        gaps = [abs((c.recheck_total or Decimal(0)) - c.original_total) for c in done]
        mean = None
        if gaps:
            mean = plain((sum(gaps, Decimal(0)) / len(gaps)).quantize(Decimal("0.01")))
        return cls(
            works=len(listed),
            rechecked=len(done),
            differing=sum(1 for gap in gaps if gap != 0),
            significant=sum(1 for c in done if c.significant),
            mean_absolute_difference=mean,
        )
