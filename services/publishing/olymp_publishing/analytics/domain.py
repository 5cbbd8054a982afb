"""The figures of the analytic report on how the tasks were done (Приложение № 13, §22, §78).

§78 sends the organiser, after checking and appeals, a report signed by the jury chair; the seed
names the report but not its contents, so it carries what the organiser needs to judge the tasks
and the checking: how each task was done (its score distribution, mean and share of full marks),
how the totals spread, how the schools compare, and how often the two first markers of a task
disagreed (§69, §73).

Everything is computed from the ranked rows of one published version (annulled works hold no
place and are only counted) and, for the markers, from the checking protocol's marks (App. 10).
Means are rounded to hundredths and shares to tenths of a percent, half up, as people round.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from olymp_publishing.domain.collation import name_part_key
from olymp_publishing.domain.model import Status
from olymp_publishing.domain.publication import task_order

# A task's points as a share of its maximum, in bands; a bound belongs to the lower band, and the
# last band before the full mark stops short of it.
BANDS: Final = ("0", "до 25 %", "25–50 %", "50–75 %", "75–100 %", "полный балл")
TOTAL_BINS: Final = 10  # the totals' histogram: tenths of the maximum total

_HUNDREDTH = Decimal("0.01")
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class RankedResult:
    """One ranked row of a published version, as the analysis reads it."""

    work_code: str
    school: str
    total: Decimal
    status: Status
    task_scores: Mapping[str, Decimal]


@dataclass(frozen=True)
class TaskMarking:
    """One task of one work as the checking protocol shows it: the first two members' points
    and whether a third member checked it (a significant discrepancy, §73)."""

    work_code: str
    task: str
    first: Decimal | None
    second: Decimal | None
    third_marked: bool


@dataclass(frozen=True)
class CheckedTask:
    """One task of one work as the checking protocol shows it whole: each member's points by
    round, the score the marks gave (§72) and the final score, which an appeal (§116) or a
    correction (§120) may have changed. The objectivity monitoring reads the markers from it."""

    work_code: str
    task: str
    first: tuple[str, Decimal] | None  # (member, points)
    second: tuple[str, Decimal] | None
    third: tuple[tuple[str, Decimal], ...]  # a third member's marks (§73), if any
    checked_score: Decimal | None  # «Балл по проверке»; None when not stated
    final_score: Decimal | None  # «Итоговый балл»

    def marking(self) -> TaskMarking:
        """What the analytic report needs of it."""
        return TaskMarking(
            work_code=self.work_code,
            task=self.task,
            first=None if self.first is None else self.first[1],
            second=None if self.second is None else self.second[1],
            third_marked=bool(self.third),
        )


@dataclass(frozen=True)
class TaskSummary:
    task: str
    max_points: Decimal | None  # None: scoring did not state the task's maximum
    count: int  # works with points for the task
    mean: Decimal | None
    mean_percent: Decimal | None  # the mean as a percentage of the maximum
    full_percent: Decimal | None  # share of works with the full mark, %
    zero_percent: Decimal | None  # share of works with no points, %
    bands: tuple[int, ...] | None  # works per band of BANDS
    values: tuple[tuple[Decimal, int], ...]  # every score given, with how many got it


@dataclass(frozen=True)
class TotalsBin:
    low: Decimal
    high: Decimal
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class TotalsSummary:
    count: int
    max_total: Decimal
    mean: Decimal | None
    mean_percent: Decimal | None  # the mean as a percentage of the maximum total
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    bins: tuple[TotalsBin, ...]


@dataclass(frozen=True)
class StatusSummary:
    winners: int
    prize_winners: int
    participants: int
    winner_minimum: Decimal | None  # the lowest total of a winner
    prize_winner_minimum: Decimal | None


@dataclass(frozen=True)
class SchoolSummary:
    school: str
    count: int
    mean: Decimal
    maximum: Decimal
    winners: int
    prize_winners: int
    awarded_percent: Decimal  # winners and prize-winners among the school's participants, %


@dataclass(frozen=True)
class TaskDiscrepancy:
    task: str  # "" for all tasks together
    pairs: int  # works whose task both first members marked
    differing: int  # of those, with any difference
    third_marked: int  # of those, checked by a third member (§73)
    third_percent: Decimal | None
    mean_difference: Decimal | None  # mean |first − second|, points


@dataclass(frozen=True)
class AnalyticReport:
    tasks: tuple[TaskSummary, ...]
    totals: TotalsSummary
    statuses: StatusSummary
    schools: tuple[SchoolSummary, ...]  # best mean first
    annulled: int
    # None: the checking protocol's marks were not at hand
    discrepancies: tuple[TaskDiscrepancy, ...] | None


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, to a tenth; None of nothing."""
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(_TENTH, ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(_HUNDREDTH, ROUND_HALF_UP)


def _percent_of(value: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if value is None or whole is None or whole <= 0:
        return None
    return (Decimal(100) * value / whole).quantize(_TENTH, ROUND_HALF_UP)


def band(points: Decimal, max_points: Decimal) -> int:
    """The index in BANDS of `points` out of `max_points`."""
    if points <= 0:
        return 0
    if points >= max_points:
        return len(BANDS) - 1
    share = points / max_points
    for index, bound in enumerate((Decimal("0.25"), Decimal("0.5"), Decimal("0.75")), 1):
        if share <= bound:
            return index
    return len(BANDS) - 2


def ranked_results(protocol: Mapping[str, Any]) -> list[RankedResult]:
    """The ranked rows of a version's stored protocol (`publication.protocol_dict`)."""
    return [
        RankedResult(
            work_code=row.get("work_code") or "",
            school=row["school"],
            total=Decimal(row["total"]),
            status=Status(row["status"]),
            task_scores={task: Decimal(p) for task, p in (row.get("task_scores") or {}).items()},
        )
        for row in protocol.get("rows", [])
    ]


def analyse(
    results: Sequence[RankedResult],
    *,
    task_max: Mapping[str, Decimal],
    max_total: Decimal,
    annulled: int,
    markings: Iterable[TaskMarking] | None,
) -> AnalyticReport:
    """The report's figures for one version's ranked rows; `markings`: the checking protocol's
    marks (those of works outside `results` are left out), None when they could not be had."""
    tasks = sorted({*task_max, *(t for r in results for t in r.task_scores)}, key=task_order)
    ranked = {result.work_code for result in results}
    return AnalyticReport(
        tasks=tuple(_task(task, task_max.get(task), results) for task in tasks),
        totals=_totals(results, max_total),
        statuses=_statuses(results),
        schools=_schools(results),
        annulled=annulled,
        discrepancies=None
        if markings is None
        else _discrepancies([m for m in markings if m.work_code in ranked], tasks),
    )


def _task(task: str, max_points: Decimal | None, results: Sequence[RankedResult]) -> TaskSummary:
    points = [r.task_scores[task] for r in results if task in r.task_scores]
    average = mean(points)
    full: Decimal | None = None
    bands: tuple[int, ...] | None = None
    if max_points is not None and max_points > 0:
        full = percent(sum(1 for p in points if p >= max_points), len(points))
        bands = _bands(points, max_points)
    return TaskSummary(
        task=task,
        max_points=max_points,
        count=len(points),
        mean=average,
        mean_percent=_percent_of(average, max_points),
        full_percent=full,
        zero_percent=percent(sum(1 for p in points if p <= 0), len(points)),
        bands=bands,
        values=tuple(sorted(Counter(points).items())),
    )


def _bands(points: Sequence[Decimal], max_points: Decimal) -> tuple[int, ...]:
    counts = [0] * len(BANDS)
    for value in points:
        counts[band(value, max_points)] += 1
    return tuple(counts)


def _totals(results: Sequence[RankedResult], max_total: Decimal) -> TotalsSummary:
    totals = [r.total for r in results]
    counts = [0] * TOTAL_BINS
    if max_total > 0:
        for total in totals:
            counts[min(int(total * TOTAL_BINS / max_total), TOTAL_BINS - 1)] += 1
    step = max_total / TOTAL_BINS
    average = mean(totals)
    return TotalsSummary(
        count=len(totals),
        max_total=max_total,
        mean=average,
        mean_percent=_percent_of(average, max_total),
        median=None
        if not totals
        else Decimal(statistics.median(totals)).quantize(_HUNDREDTH, ROUND_HALF_UP),
        minimum=min(totals, default=None),
        maximum=max(totals, default=None),
        bins=tuple(
            TotalsBin(
                low=_plain(step * index),
                high=_plain(step * (index + 1)),
                count=count,
                percent=percent(count, len(totals)),
            )
            for index, count in enumerate(counts)
        ),
    )


def _statuses(results: Sequence[RankedResult]) -> StatusSummary:
    by_status: dict[Status, list[Decimal]] = defaultdict(list)
    for result in results:
        by_status[result.status].append(result.total)
    return StatusSummary(
        winners=len(by_status[Status.WINNER]),
        prize_winners=len(by_status[Status.PRIZE_WINNER]),
        participants=len(by_status[Status.PARTICIPANT]),
        winner_minimum=min(by_status[Status.WINNER], default=None),
        prize_winner_minimum=min(by_status[Status.PRIZE_WINNER], default=None),
    )


def _schools(results: Sequence[RankedResult]) -> tuple[SchoolSummary, ...]:
    by_school: dict[str, list[RankedResult]] = defaultdict(list)
    for result in results:
        by_school[result.school].append(result)
    found = []
    for school, rows in by_school.items():
        totals = [r.total for r in rows]
        average = mean(totals)
        assert average is not None  # a school is here for its rows
        winners = sum(1 for r in rows if r.status is Status.WINNER)
        prize_winners = sum(1 for r in rows if r.status is Status.PRIZE_WINNER)
        found.append(
            SchoolSummary(
                school=school,
                count=len(rows),
                mean=average,
                maximum=max(totals),
                winners=winners,
                prize_winners=prize_winners,
                awarded_percent=percent(winners + prize_winners, len(rows)) or Decimal(0),
            )
        )
    # the best mean first; equal means by name, collated as the table collates names (§123)
    return tuple(sorted(found, key=lambda s: (-s.mean, name_part_key(s.school), s.school)))


def _discrepancies(
    markings: Sequence[TaskMarking], tasks: Sequence[str]
) -> tuple[TaskDiscrepancy, ...]:
    by_task: dict[str, list[TaskMarking]] = defaultdict(list)
    for marking in markings:
        by_task[marking.task].append(marking)
    order = sorted({*tasks, *by_task}, key=task_order)
    return (
        *(_discrepancy(task, by_task[task]) for task in order),
        _discrepancy("", markings),
    )


def _discrepancy(task: str, markings: Sequence[TaskMarking]) -> TaskDiscrepancy:
    pairs = [
        (m.first, m.second, m.third_marked)
        for m in markings
        if m.first is not None and m.second is not None
    ]
    third = sum(1 for _, _, third_marked in pairs if third_marked)
    return TaskDiscrepancy(
        task=task,
        pairs=len(pairs),
        differing=sum(1 for first, second, _ in pairs if first != second),
        third_marked=third,
        third_percent=percent(third, len(pairs)),
        mean_difference=mean([abs(first - second) for first, second, _ in pairs]),
    )


def _plain(value: Decimal) -> Decimal:
    """A bin's bound as people write it: 5, 7.5 (a repeating fraction to hundredths)."""
    return value.quantize(_HUNDREDTH, ROUND_HALF_UP).normalize()
