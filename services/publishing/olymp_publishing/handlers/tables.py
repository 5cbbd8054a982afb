"""From stored copies to a rating table, and from a table to an immutable published version.

A version's `document` is exactly what the public sees (consent masking already applied); its
sha256 is taken over the canonical JSON of that document (`canonical_sha256`). The jury protocol
with full names is stored beside it, never served. Nothing here commits: the caller's unit of work
does.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

from olymp_core.contracts.publishing import ResultsPublished
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.domain import (
    DEFAULT_POLICY,
    PRELIMINARY,
    STAGE_LABELS,
    ChairDecision,
    QuotaPolicy,
    RankingRuleError,
    RankingTable,
    ResultRow,
    Status,
    build_table,
    canonical_sha256,
    policy_from_json,
    protocol_dict,
    public_table_dict,
    standing_rulings,
    subject_name,
    task_order,
)
from olymp_publishing.handlers.files import PublishedFiles
from olymp_publishing.store import StoredVersion

log = logging.getLogger("olymp.publishing")


async def current_policy(uow: UnitOfWork, olympiad_id: uuid.UUID) -> QuotaPolicy:
    stored = await store.policy_of(uow.session, olympiad_id)
    return DEFAULT_POLICY if stored is None else policy_from_json(stored)


async def result_rows(uow: UnitOfWork, key: SubjectGrade) -> list[ResultRow] | None:
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
                work_code=work.work_code,
                task_scores=tuple(
                    sorted((work.task_scores or {}).items(), key=lambda item: task_order(item[0]))
                ),
            )
        )
    return rows


async def chair_rulings(uow: UnitOfWork, key: SubjectGrade) -> list[ChairDecision]:
    return [
        ChairDecision(record.total, Status(record.status))
        for record in await store.chair_decisions_of(uow.session, key)
    ]


def unbuildable(reason: Exception) -> RankingRuleError:
    """The refusal for a table the rules or the received data do not allow.

    A ValueError here is data the other services sent inconsistently, which an official must see,
    not a 500.
    """
    return RankingRuleError(f"Рейтинговую таблицу построить нельзя: {reason}")


async def current_table(
    uow: UnitOfWork, key: SubjectGrade, decisions: list[ChairDecision] | None = None
) -> RankingTable | None:
    rows = await result_rows(uow, key)
    if rows is None:
        return None
    policy = await current_policy(uow, key.olympiad_id)
    try:
        if decisions is None:
            decisions = standing_rulings(rows, policy, await chair_rulings(uow, key))
        return build_table(rows, policy, decisions)
    except (RankingRuleError, ValueError) as exc:
        raise unbuildable(exc) from exc


async def publish_version(
    uow: UnitOfWork,
    key: SubjectGrade,
    table: RankingTable,
    stage: str,
    actor: str,
    files: PublishedFiles | None,
    note: str | None = None,
) -> StoredVersion:
    """Store a new immutable version of the table, announce it and audit it (no commit here);
    once committed, this process serves it at once and its files writer wakes. `note`: why this
    version was published (a §120 correction), shown with it."""
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
    if note is not None:  # absent otherwise, so that earlier versions hash as they did
        document["note"] = note
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
        object_id=key.object_id,
        payload={"version": version, "sha256": sha256, "rows": len(table.rows)},
    )
    if files is not None:
        files.published(uow, key.olympiad_id)
    return StoredVersion(key, version, stage, document, sha256, now)


async def preliminary_if_ready(
    uow: UnitOfWork, key: SubjectGrade, actor: str, files: PublishedFiles | None
) -> bool:
    """Publish the preliminary table once decoding, scores and personal data are all in (§65, §76).

    A table the rules refuse is logged, not raised: the copies just received must still be kept,
    and the table waits for the chair or a fix.
    """
    if await store.has_version(uow.session, key, PRELIMINARY):
        return False
    try:
        table = await current_table(uow, key)
    except RankingRuleError as refused:
        log.error(
            "preliminary table not built",
            extra={"table": key.object_id, "detail": refused.detail},
        )
        return False
    if table is None:
        return False
    await publish_version(uow, key, table, PRELIMINARY, actor, files)
    return True
