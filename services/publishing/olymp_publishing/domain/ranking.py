"""The rating table (§122–124): pure and deterministic — the same rows always give the same table.

Order: descending total (§122); equal totals alphabetically by surname, name, patronymic (§123, see
`collation`); names equal under that collation (ё/е, namesakes) by `tie_break_key`: «е» before
«ё», the spelling, the school, the grade — from the data alone, so two imports of the same rows
give one order. participant_id comes last only as a guard: registration refuses two rows it could
not separate.

Places: equal totals share a place, printed as a range «2–3» as in Russian olympiad protocols.
A range says both how many are ahead and how many share the place, without the skipped number
that competition ranking (1, 2, 2, 4) leaves; the en dash also keeps spreadsheets from reading
«2-3» as a date.

Annulled works (§53 removal, §119 a violation found before approval) have no result to rank: they
take no place, no status and do not count towards the quota; the table lists them apart with their
reason for the jury protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import Any

from olymp_publishing.domain.model import ChairDecision, RankedRow, RankingTable, ResultRow
from olymp_publishing.domain.policy import QuotaPolicy, ScoreGroup, assign_statuses


def table_order(row: ResultRow) -> tuple[Any, ...]:
    """The sort key of the rating table."""
    return (-row.total, row.sort_name, row.tie_break, row.participant_id)


def build_table(
    rows: Iterable[ResultRow],
    policy: QuotaPolicy,
    chair_decisions: Sequence[ChairDecision] = (),
) -> RankingTable:
    """The rating table of one subject and parallel; rows must share parallel and max_total."""
    rows = tuple(rows)
    if not rows:
        raise ValueError("a rating table needs at least one result row")
    _check_one_table(rows)
    ranked = sorted((row for row in rows if not row.annulled), key=table_order)
    groups = [
        ScoreGroup(total, tuple(row.participant_id for row in members))
        for total, members in groupby(ranked, key=lambda row: row.total)
    ]
    max_total = rows[0].max_total
    statuses, ties = assign_statuses(groups, max_total, policy, chair_decisions)
    table_rows: list[RankedRow] = []
    for group, status in zip(groups, statuses, strict=True):
        first = len(table_rows) + 1
        last = first + len(group.participant_ids) - 1
        for offset in range(len(group.participant_ids)):
            position = first + offset
            table_rows.append(RankedRow(position, first, last, status, ranked[position - 1]))
    annulled = sorted(
        (row for row in rows if row.annulled),
        key=lambda row: (row.sort_name, row.tie_break, row.participant_id),
    )
    return RankingTable(
        parallel=rows[0].parallel,
        max_total=max_total,
        quota_places=policy.quota_places(len(ranked)),
        rows=tuple(table_rows),
        annulled=tuple(annulled),
        ties=ties,
    )


def standing_rulings(
    rows: Sequence[ResultRow], policy: QuotaPolicy, decisions: Sequence[ChairDecision]
) -> list[ChairDecision]:
    """The rulings whose tie group still stands at a boundary.

    An appeal may move a total so that a group the chair ruled on no longer exists or now fits
    the quota; that ruling then has nothing left to decide and is set aside (it stays on record).
    Top-down, because a ruling changes only the room left for the groups below it.
    """
    standing: list[ChairDecision] = []
    for decision in sorted(decisions, key=lambda d: d.total, reverse=True):
        ties = build_table(rows, policy, standing).ties
        if any(tie.total == decision.total for tie in ties):
            standing.append(decision)
    return standing


def build_tables(
    rows: Iterable[ResultRow],
    policy: QuotaPolicy,
    chair_decisions: Mapping[int, Sequence[ChairDecision]] | None = None,
) -> dict[int, RankingTable]:
    """One subject's tables, one per parallel (§122); chair decisions are given per parallel."""
    decisions = chair_decisions or {}
    by_parallel: dict[int, list[ResultRow]] = {}
    for row in rows:
        by_parallel.setdefault(row.parallel, []).append(row)
    unknown = set(decisions) - set(by_parallel)
    if unknown:
        raise ValueError(f"chair decisions for parallels without results: {sorted(unknown)}")
    return {
        parallel: build_table(members, policy, decisions.get(parallel, ()))
        for parallel, members in sorted(by_parallel.items())
    }


def _check_one_table(rows: Sequence[ResultRow]) -> None:
    parallels = {row.parallel for row in rows}
    if len(parallels) > 1:
        raise ValueError(f"one table per parallel (§122): rows span grades {sorted(parallels)}")
    maxima = {row.max_total for row in rows}
    if len(maxima) > 1:
        raise ValueError(f"rows of one table disagree on the maximum total: {sorted(maxima)}")
    seen: set[str] = set()
    for row in rows:
        if row.participant_id in seen:
            raise ValueError(f"participant {row.participant_id} appears twice in one table")
        seen.add(row.participant_id)
