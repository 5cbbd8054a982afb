"""Commands and queries of publishing: the organiser's quota, the chair's rulings and the final
version.

Each command handler takes `(command, uow, actor)` and commits; a query takes its arguments and the
unit of work and does not commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.domain import (
    FINAL,
    ROUNDING_BY_NAME,
    ChairDecision,
    InvalidQuotaPolicy,
    QuotaPolicy,
    RankingTable,
    ResultsNotReady,
    Status,
    UndecidedTie,
    build_table,
    canonical_sha256,
    points_text,
    policy_to_json,
    protocol_dict,
    public_table_dict,
    require_known_subject,
    standing_rulings,
    subject_name,
)
from olymp_publishing.handlers.files import PublishedFiles
from olymp_publishing.handlers.published import write_after_publication
from olymp_publishing.handlers.tables import (
    chair_rulings,
    current_policy,
    current_table,
    publish_version,
    result_rows,
    unbuildable,
)
from olymp_publishing.store import Olympiad, StoredVersion


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


@dataclass(frozen=True)
class PublishFinal:
    """A new final version of a table from the current scores, after appeals (§117–121)."""

    subject_grade: SubjectGrade


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
        raise _not_ready(key)
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


async def publish_final(
    command: PublishFinal, uow: UnitOfWork, actor: Principal, *, files: PublishedFiles
) -> StoredVersion:
    """A new FINAL version from the current scores, after appeals (§117–121), and its files."""
    key = command.subject_grade
    require_known_subject(key.subject_code)
    table = await current_table(uow, key)
    if table is None:
        raise _not_ready(key)
    if table.unresolved_ties:
        groups = "; ".join(
            f"сумма {points_text(tie.total)} — {len(tie.participant_ids)} чел., мест по квоте"
            f" осталось {tie.places_left}, статус «{tie.upper}» или «{tie.default}»"
            for tie in table.unresolved_ties
        )
        raise UndecidedTie(
            "Итоговые результаты нельзя утвердить: на границе квоты есть группы участников с"
            f" равными баллами без решения председателя жюри ({groups}). Примите решение для"
            " каждой группы (tie-decisions) и повторите.",
            undecided_totals=[points_text(tie.total) for tie in table.unresolved_ties],
            ties=[
                {
                    "total": points_text(tie.total),
                    "participants": len(tie.participant_ids),
                    "places_left": tie.places_left,
                    # Best first: what the chair may choose for the whole group (§117).
                    "statuses": [
                        str(s) for s in Status if tie.upper.rank <= s.rank <= tie.default.rank
                    ],
                }
                for tie in table.unresolved_ties
            ],
        )
    await store.lock_table(uow.session, key)
    latest = await store.find_version(uow.session, key)
    olympiad = await store.olympiad_of(uow.session, key.olympiad_id)
    if latest is not None and latest.stage == FINAL and _same_table(latest, table, olympiad):
        # the same request again (a retry after a lost answer, a double click): the final table
        # it asks for is already the latest version, and a second copy would only confuse readers
        return latest
    stored = await publish_version(uow, key, table, FINAL, actor.subject, files)
    await uow.commit()
    await write_after_publication(uow, files, key.olympiad_id)
    return stored


def _same_table(version: StoredVersion, table: RankingTable, olympiad: Olympiad | None) -> bool:
    """Whether a new version would say exactly what `version` says: the public table and its
    heading, and the jury's protocol (full names, annulled works, tie groups)."""
    shown = {
        "olympiad_title": None if olympiad is None else olympiad.title,
        "time_zone": None if olympiad is None else olympiad.time_zone,
        "quota_places": table.quota_places,
        **public_table_dict(table),
    }
    stored = {name: version.document.get(name) for name in shown}
    return canonical_sha256(stored) == canonical_sha256(shown) and canonical_sha256(
        version.protocol
    ) == canonical_sha256(protocol_dict(table))


def _not_ready(key: SubjectGrade) -> ResultsNotReady:
    return ResultsNotReady(
        f"Результаты по предмету «{subject_name(key.subject_code)}», {key.grade} класс,"
        " ещё не готовы: нужны расшифровка работ и проверенные баллы всех работ. Дождитесь"
        " расшифровки (§61, §65) и повторите."
    )
