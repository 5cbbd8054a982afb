"""Commands and queries of publishing: the organiser's quota and the chair's rulings (the final
version's submission and approval are in `approval`).

Each command handler takes `(command, uow, actor)` and commits; a query takes its arguments and the
unit of work and does not commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.domain import (
    ROUNDING_BY_NAME,
    ChairDecision,
    InvalidQuotaPolicy,
    QuotaPolicy,
    RankedRow,
    RankingTable,
    ResultsNotReady,
    Status,
    TieAtBoundary,
    build_table,
    points_text,
    policy_to_json,
    require_known_subject,
    standing_rulings,
    subject_name,
)
from olymp_publishing.handlers.tables import (
    chair_rulings,
    current_policy,
    current_table,
    result_rows,
    unbuildable,
)


@dataclass(frozen=True)
class SetQuotaPolicy:
    """The organiser's quota of winners and prize-winners for an olympiad (§21, §117)."""

    olympiad_id: uuid.UUID
    prize_quota_share: Decimal
    winner_min_share: Decimal
    prize_min_share: Decimal
    max_winners: int | None
    shares_strict: bool
    quota_rounding: str  # "down", "half_up" or "up"


@dataclass(frozen=True)
class DecideTie:
    """The jury chair's status for the whole tie group with `total` at a quota boundary (§117)."""

    subject_grade: SubjectGrade
    total: Decimal
    status: Status


async def set_quota_policy(
    command: SetQuotaPolicy, uow: UnitOfWork, actor: Principal
) -> QuotaPolicy:
    rounding = ROUNDING_BY_NAME[command.quota_rounding]
    try:
        policy = QuotaPolicy(
            prize_quota_share=command.prize_quota_share,
            winner_min_share=command.winner_min_share,
            prize_min_share=command.prize_min_share,
            max_winners=command.max_winners,
            shares_strict=command.shares_strict,
            quota_rounding=rounding,
        )
    except ValueError as exc:
        raise InvalidQuotaPolicy(
            f"Квота не принята: {exc}. Исправьте значения и повторите."
        ) from exc
    stored = policy_to_json(policy)
    now = uow.clock.now()
    await store.save_policy(uow.session, command.olympiad_id, stored, actor.subject, now)
    await uow.audit(
        actor=actor.subject,
        action="quota_policy.set",
        object_type="olympiad",
        object_id=str(command.olympiad_id),
        payload=stored,
    )
    await uow.commit()
    return policy


async def quota_policy(olympiad_id: uuid.UUID, uow: UnitOfWork) -> QuotaPolicy:
    return await current_policy(uow, olympiad_id)


async def decide_tie(command: DecideTie, uow: UnitOfWork, actor: Principal) -> None:
    """Record the chair's ruling after checking that the group really stands at a boundary."""
    key = command.subject_grade
    require_known_subject(key.subject_code)
    rows = await result_rows(uow, key)
    if rows is None:
        raise not_ready(key)
    policy = await current_policy(uow, key.olympiad_id)
    others = [d for d in await chair_rulings(uow, key) if d.total != command.total]
    try:
        standing = standing_rulings(rows, policy, others)
        build_table(rows, policy, [*standing, ChairDecision(command.total, command.status)])
    except ValueError as exc:  # a RankingRuleError speaks for itself and passes as it is
        raise unbuildable(exc) from exc
    await store.save_chair_decision(
        uow.session, key, command.total, str(command.status), actor.subject, uow.clock.now()
    )
    await uow.audit(
        actor=actor.subject,
        action="results.tie_decided",
        object_type="result_table",
        object_id=key.object_id,
        payload={"total": points_text(command.total), "status": str(command.status)},
    )
    await uow.commit()


@dataclass(frozen=True)
class TieGroup:
    """A tie group at a quota boundary as the chair rules on it: who is in it, what may be ruled,
    and the ruling in force with who made it and when."""

    tie: TieAtBoundary
    rows: tuple[RankedRow, ...]  # the group's rows of the table, in table order
    decided_by: str | None = None
    decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class BoundaryTies:
    """The current table's tie groups at the quota boundary; `table` is None until it is built."""

    table: RankingTable | None
    groups: tuple[TieGroup, ...]
    not_ready: str | None = None  # why there is no table yet, in Russian


async def boundary_ties(key: SubjectGrade, uow: UnitOfWork) -> BoundaryTies:
    """The tie groups the chair rules on (§117): the current table, after appeals, with the rulings
    that still stand. Before decoding there is no table and nothing to rule on."""
    require_known_subject(key.subject_code)
    table = await current_table(uow, key)
    if table is None:
        return BoundaryTies(None, (), not_ready(key).detail)
    records = {r.total: r for r in await store.chair_decisions_of(uow.session, key)}
    groups = []
    for tie in table.ties:
        record = records.get(tie.total) if tie.resolved else None
        members = tuple(ranked for ranked in table.rows if ranked.row.total == tie.total)
        groups.append(
            TieGroup(
                tie,
                members,
                decided_by=None if record is None else record.decided_by,
                decided_at=None if record is None else record.decided_at,
            )
        )
    return BoundaryTies(table, tuple(groups))


def not_ready(key: SubjectGrade) -> ResultsNotReady:
    return ResultsNotReady(
        f"Результаты по предмету «{subject_name(key.subject_code)}», {key.grade} класс,"
        " ещё не готовы: нужны расшифровка работ и проверенные баллы всех работ. Дождитесь"
        " расшифровки (§61, §65) и повторите."
    )
