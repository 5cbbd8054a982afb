"""The markers' figures of the monitoring, by member of the jury, from the checking protocol
(App. 10) of each published table: how often a member's marks differed from the other first
member's and went to a third member (§69, §73), how far the member's points lay from the score
the checking settled on, and how many of the tasks the member marked changed afterwards.

Members are named by a code, «Эксперт N», numbered in the order of SHA-256 of the olympiad and the
member's id: the same member is the same code in every copy of an olympiad's report (while the
set of members stays the same), and the order says nothing of names or logins.

What the protocol cannot say: whether a change came from an appeal (§116) or a correction
(§120) — it marks both alike — and how many appeals of a member's tasks were rejected with the
points kept, which leave no trace there.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from olymp_publishing.analytics.domain import CheckedTask, percent

# how scoring names the testing system's points in the first column (§67): no member of the jury
AUTOMATIC: Final = "тестирующая система"

_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class TableMarks:
    """The checking protocol's tasks of one published table, of its ranked works only."""

    subject_code: str
    grade: int
    tasks: tuple[CheckedTask, ...]


@dataclass(frozen=True)
class MarkerFigures:
    code: str  # «Эксперт N»
    tables: tuple[tuple[str, int], ...]  # (subject code, grade) of the tables the member marked
    marks: int  # task marks the member gave, every round
    paired: int  # tasks the member marked first or second with the other's mark there too
    differing: int  # of those, the two marks differ
    third_called: int  # of those, a third member marked the task (a significant discrepancy)
    as_third: int  # tasks the member marked as the third member
    deviation: Decimal | None  # mean |member's points − the score by the marks|
    raised: int  # tasks the member marked whose final score is above the score by the marks
    lowered: int
    flags: tuple[str, ...] = field(default=())

    @property
    def differing_percent(self) -> Decimal | None:
        return percent(self.differing, self.paired)

    @property
    def third_percent(self) -> Decimal | None:
        return percent(self.third_called, self.paired)


def expert_codes(olympiad_id: uuid.UUID, members: Iterable[str]) -> dict[str, str]:
    """member id → «Эксперт N» (see the module's note)."""

    def order(member: str) -> tuple[str, str]:
        digest = hashlib.sha256(f"{olympiad_id}\n{member}".encode()).hexdigest()
        return digest, member

    ordered = sorted(set(members), key=order)
    return {member: f"Эксперт {number}" for number, member in enumerate(ordered, 1)}


@dataclass
class _Tally:
    tables: set[tuple[str, int]] = field(default_factory=set)
    marks: int = 0
    paired: int = 0
    differing: int = 0
    third_called: int = 0
    as_third: int = 0
    deviations: list[Decimal] = field(default_factory=list)
    raised: int = 0
    lowered: int = 0


def marker_figures(
    olympiad_id: uuid.UUID, tables: Sequence[TableMarks]
) -> tuple[MarkerFigures, ...]:
    """Each member's figures, in the order of their codes."""
    tallies: dict[str, _Tally] = {}
    for table in tables:
        for task in table.tasks:
            _count(task, (table.subject_code, table.grade), tallies)
    codes = expert_codes(olympiad_id, tallies)
    found = [
        MarkerFigures(
            code=codes[member],
            tables=tuple(sorted(tally.tables)),
            marks=tally.marks,
            paired=tally.paired,
            differing=tally.differing,
            third_called=tally.third_called,
            as_third=tally.as_third,
            deviation=None
            if not tally.deviations
            else (sum(tally.deviations, Decimal(0)) / len(tally.deviations)).quantize(
                _HUNDREDTH, ROUND_HALF_UP
            ),
            raised=tally.raised,
            lowered=tally.lowered,
        )
        for member, tally in tallies.items()
    ]
    return tuple(sorted(found, key=lambda m: int(m.code.rpartition(" ")[2])))


def _count(task: CheckedTask, table: tuple[str, int], tallies: dict[str, _Tally]) -> None:
    firsts = [mark for mark in (task.first, task.second) if mark is not None]
    marks = [*firsts, *task.third]
    both = task.first is not None and task.second is not None
    changed = (
        task.final_score is not None
        and task.checked_score is not None
        and task.final_score != task.checked_score
    )
    for position, (member, points) in enumerate(marks):
        if member == AUTOMATIC:
            continue
        tally = tallies.setdefault(member, _Tally())
        tally.tables.add(table)
        tally.marks += 1
        if position >= len(firsts):
            tally.as_third += 1
        elif both:
            assert task.first is not None and task.second is not None
            tally.paired += 1
            tally.differing += task.first[1] != task.second[1]
            tally.third_called += bool(task.third)
        if task.checked_score is not None:
            tally.deviations.append(abs(points - task.checked_score))
        if changed:
            assert task.final_score is not None and task.checked_score is not None
            tally.raised += task.final_score > task.checked_score
            tally.lowered += task.final_score < task.checked_score


@dataclass(frozen=True)
class MarkingTotals:
    """All members together: the base the rule compares a member with."""

    paired: int
    third_called: int


def marking_totals(tables: Sequence[TableMarks]) -> MarkingTotals:
    """Tasks (not members' marks) marked by two first members, and of those sent to a third."""
    paired = third = 0
    for table in tables:
        for task in table.tasks:
            if task.first is not None and task.second is not None:
                paired += 1
                third += bool(task.third)
    return MarkingTotals(paired, third)


def ranked_tasks(tasks: Iterable[CheckedTask], ranked: Container[str]) -> tuple[CheckedTask, ...]:
    """The tasks of the works in `ranked` (annulled works have no marks that count)."""
    return tuple(task for task in tasks if task.work_code in ranked)
