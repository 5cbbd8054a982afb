"""From stored copies to a rating table, and from a table to an immutable published version.

A version's `document` is exactly what the public sees (consent masking already applied); its
sha256 is taken over the canonical JSON of that document (keys sorted, UTF-8, no spaces), so anyone
can check a downloaded copy. The jury protocol with full names is stored beside it, never served.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from olymp_core.contracts.publishing import ResultsPublished
from olymp_core.db import UnitOfWork
from olymp_core.problems import Conflict
from olymp_core.subjects import find_subject
from olymp_publishing import store
from olymp_publishing.domain import (
    ChairDecision,
    QuotaPolicy,
    RankingTable,
    ResultRow,
    Status,
    build_table,
    protocol_dict,
    public_table_dict,
)
from olymp_publishing.store import StoredVersion, TableKey

PRELIMINARY = "preliminary"
FINAL = "final"
STAGE_LABELS = {PRELIMINARY: "предварительные", FINAL: "итоговые"}

DEFAULT_POLICY = QuotaPolicy(prize_quota_share=Decimal("0.45"))
"""Until the organiser sets its quota (§21): winners and prize-winners together at most 45% of
those ranked (rounded down), a winner or prize-winner needs at least half the maximum total."""

ROUNDING_BY_NAME = {"down": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "up": ROUND_CEILING}
ROUNDING_NAMES = {value: name for name, value in ROUNDING_BY_NAME.items()}


def policy_to_json(policy: QuotaPolicy) -> dict[str, Any]:
    return {
        "prize_quota_share": str(policy.prize_quota_share),
        "winner_min_share": str(policy.winner_min_share),
        "prize_min_share": str(policy.prize_min_share),
        "max_winners": policy.max_winners,
        "shares_strict": policy.shares_strict,
        "quota_rounding": ROUNDING_NAMES[policy.quota_rounding],
    }


def policy_from_json(data: Mapping[str, Any]) -> QuotaPolicy:
    return QuotaPolicy(
        prize_quota_share=Decimal(data["prize_quota_share"]),
        winner_min_share=Decimal(data["winner_min_share"]),
        prize_min_share=Decimal(data["prize_min_share"]),
        max_winners=data["max_winners"],
        shares_strict=bool(data["shares_strict"]),
        quota_rounding=ROUNDING_BY_NAME[data["quota_rounding"]],
    )


async def current_policy(uow: UnitOfWork, olympiad_id: uuid.UUID) -> QuotaPolicy:
    stored = await store.policy_of(uow.session, olympiad_id)
    return DEFAULT_POLICY if stored is None else policy_from_json(stored)


def subject_name(subject_code: str) -> str:
    found = find_subject(subject_code)
    return found.name if found is not None else subject_code


async def result_rows(uow: UnitOfWork, key: TableKey) -> list[ResultRow] | None:
    """The table's input rows, or None while decoding, scores or personal data are still missing."""
    state = await store.subject_grade(uow.session, key)
    if state is None or state.decoded_at is None or state.checked_at is None:
        return None
    joined = await store.results_of(uow.session, key)
    if not joined or any(row.scored_code is None for row in joined):
        return None
    people = await store.participants_by_id(
        uow.session, key.olympiad_id, key.subject_code, [row.participant_id for row in joined]
    )
    if len(people) < len({row.participant_id for row in joined}):
        return None
    rows: list[ResultRow] = []
    for work in joined:
        person = people[work.participant_id]
        rows.append(
            ResultRow(
                participant_id=str(work.participant_id),
                surname=person.surname,
                name=person.name,
                patronymic=person.patronymic,
                grade=person.grade,
                school=person.school,
                total=Decimal(0) if work.total is None else Decimal(work.total),
                max_total=Decimal(state.max_total),
                consent_to_publish=person.consent_to_publish,
                annulled=work.annulled,
                annulment_reason=(work.annulment_reason or "работа аннулирована")
                if work.annulled
                else "",
                # The table follows the grade whose tasks were written (§11, §122).
                task_grade=key.grade,
            )
        )
    return rows


async def chair_rulings(uow: UnitOfWork, key: TableKey) -> list[ChairDecision]:
    return [
        ChairDecision(total, Status(status))
        for total, status in await store.chair_decisions_of(uow.session, key)
    ]


async def current_table(
    uow: UnitOfWork, key: TableKey, decisions: list[ChairDecision] | None = None
) -> RankingTable | None:
    rows = await result_rows(uow, key)
    if rows is None:
        return None
    policy = await current_policy(uow, key.olympiad_id)
    try:
        if decisions is None:
            decisions = standing_rulings(rows, policy, await chair_rulings(uow, key))
        return build_table(rows, policy, decisions)
    except ValueError as exc:
        # RankingRuleError carries a Russian message for the chair; other ValueErrors are data
        # the other services sent inconsistently, which an official must see, not a 500.
        raise Conflict(
            f"Рейтинговую таблицу построить нельзя: {exc}",
            type_="ranking-rule",
        ) from exc


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


def canonical_sha256(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def publish_version(
    uow: UnitOfWork, key: TableKey, table: RankingTable, stage: str, actor: str
) -> StoredVersion:
    """Store a new immutable version of the table, announce it and audit it (no commit here)."""
    version = await store.next_version(uow.session, key)
    now = uow.clock.now()
    olympiad = await store.olympiad_of(uow.session, key.olympiad_id)
    document: dict[str, Any] = {
        "olympiad_id": str(key.olympiad_id),
        # Null while registration's OlympiadCreated has not arrived: pages then show UTC.
        "olympiad_title": None if olympiad is None else olympiad.title,
        "time_zone": None if olympiad is None else olympiad.time_zone,
        "subject_code": key.subject_code,
        "subject_name": subject_name(key.subject_code),
        "grade": key.grade,
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "version": version,
        "published_at": now.isoformat(),
        "quota_places": table.quota_places,
        **public_table_dict(table),
    }
    sha256 = canonical_sha256(document)
    await store.insert_version(
        uow.session,
        key,
        stage=stage,
        document=document,
        protocol=protocol_dict(table),
        sha256=sha256,
        created_at=now,
        version=version,
    )
    uow.publish(
        ResultsPublished(
            olympiad_id=key.olympiad_id,
            subject_code=key.subject_code,
            grade=key.grade,
            stage=stage,
            table_version=version,
        )
    )
    await uow.audit(
        actor=actor,
        action=f"results.published.{stage}",
        object_type="result_table",
        object_id=f"{key.olympiad_id}/{key.subject_code}/{key.grade}",
        payload={"version": version, "sha256": sha256, "rows": len(table.rows)},
    )
    return StoredVersion(key, version, stage, document, sha256, now)


async def try_preliminary(uow: UnitOfWork, key: TableKey, actor: str) -> StoredVersion | None:
    """Publish the preliminary table once decoding, scores and personal data are all in (§65, §76)."""
    if await store.has_version(uow.session, key, PRELIMINARY):
        return None
    table = await current_table(uow, key)
    if table is None:
        return None
    return await publish_version(uow, key, table, PRELIMINARY, actor)
