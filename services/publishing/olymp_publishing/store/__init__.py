"""Repositories of the publishing service: they take the session and never commit.

The tables themselves are in `store.tables`; published versions are append-only there.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.store.files import (
    forget_index,
    index_written,
    latest_versions,
    lock_published_files,
    mark_files_written,
    olympiads_with_unwritten_files,
    save_index_written,
    unwritten_versions,
)
from olymp_publishing.store.records import ChairDecisionRecord, Olympiad, StoredVersion, VersionRef
from olymp_publishing.store.tables import (
    chair_decisions,
    decoded_works,
    olympiads,
    participants,
    quota_policies,
    result_versions,
    scored_works,
    subject_grades,
)
from olymp_publishing.store.tables import (
    metadata as metadata,
)

__all__ = [
    "ChairDecisionRecord",
    "Olympiad",
    "StoredVersion",
    "VersionRef",
    "forget_index",
    "index_written",
    "latest_versions",
    "lock_published_files",
    "mark_files_written",
    "olympiads_with_unwritten_files",
    "save_index_written",
    "unwritten_versions",
]


async def save_participant(session: AsyncSession, values: Mapping[str, Any]) -> None:
    """Insert or refresh one participant's copy (registration may correct a name or consent)."""
    statement = pg_insert(participants).values(**values)
    keys = ("olympiad_id", "subject_code", "participant_id")
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: statement.excluded[c] for c in values if c not in keys},
        )
    )


async def save_olympiad(
    session: AsyncSession, olympiad: Olympiad, received_at: dt.datetime
) -> None:
    """Insert or refresh the olympiad's title and zone (a redelivered event changes nothing)."""
    statement = pg_insert(olympiads).values(
        olympiad_id=olympiad.olympiad_id,
        title=olympiad.title,
        time_zone=olympiad.time_zone,
        received_at=received_at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id"],
            set_={"title": olympiad.title, "time_zone": olympiad.time_zone},
        )
    )


async def olympiad_of(session: AsyncSession, olympiad_id: uuid.UUID) -> Olympiad | None:
    result = await session.execute(
        sa.select(olympiads.c.title, olympiads.c.time_zone).where(
            olympiads.c.olympiad_id == olympiad_id
        )
    )
    row = result.first()
    return None if row is None else Olympiad(olympiad_id, row.title, row.time_zone)


async def participants_by_id(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, sa.Row[Any]]:
    rows = await session.execute(
        sa.select(participants).where(
            participants.c.olympiad_id == olympiad_id,
            participants.c.subject_code == subject_code,
            participants.c.participant_id.in_(ids),
        )
    )
    return {row.participant_id: row for row in rows}


async def mark_subject_grade(session: AsyncSession, key: SubjectGrade, **values: Any) -> None:
    statement = pg_insert(subject_grades).values(
        olympiad_id=key.olympiad_id, subject_code=key.subject_code, grade=key.grade, **values
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id", "subject_code", "grade"], set_=values
        )
    )


async def subject_grade(session: AsyncSession, key: SubjectGrade) -> sa.Row[Any] | None:
    result = await session.execute(sa.select(subject_grades).where(key.where(subject_grades)))
    return result.first()


async def save_decoded_works(
    session: AsyncSession, key: SubjectGrade, works: Sequence[tuple[str, uuid.UUID]]
) -> None:
    if not works:
        return
    statement = pg_insert(decoded_works).values(
        [
            {
                "olympiad_id": key.olympiad_id,
                "subject_code": key.subject_code,
                "grade": key.grade,
                "work_code": code,
                "participant_id": participant_id,
            }
            for code, participant_id in works
        ]
    )
    await session.execute(statement.on_conflict_do_nothing())


async def save_scored_works(
    session: AsyncSession, key: SubjectGrade, works: Sequence[Mapping[str, Any]], revision: int
) -> None:
    """Store scores from scoring's statement number `revision`: a stored score is replaced by a
    statement of the same or a higher revision (an annulment after the preliminary table, an
    appeal), never by an older one that arrives late."""
    if not works:
        return
    statement = pg_insert(scored_works).values(
        [
            {
                "olympiad_id": key.olympiad_id,
                "subject_code": key.subject_code,
                "grade": key.grade,
                "revision": revision,
                **work,
            }
            for work in works
        ]
    )
    columns = ("total", "annulled", "annulment_reason", "task_scores", "updated_at", "revision")
    statement = statement.on_conflict_do_update(
        index_elements=["olympiad_id", "subject_code", "grade", "work_code"],
        set_={c: statement.excluded[c] for c in columns},
        where=scored_works.c.revision <= statement.excluded.revision,
    )
    await session.execute(statement)


async def results_of(session: AsyncSession, key: SubjectGrade) -> list[Any]:
    """Decoded works joined with their scores (a work without a score has None columns)."""
    joined = decoded_works.outerjoin(
        scored_works,
        sa.and_(
            scored_works.c.olympiad_id == decoded_works.c.olympiad_id,
            scored_works.c.subject_code == decoded_works.c.subject_code,
            scored_works.c.grade == decoded_works.c.grade,
            scored_works.c.work_code == decoded_works.c.work_code,
        ),
    )
    rows = await session.execute(
        sa.select(
            decoded_works.c.work_code,
            decoded_works.c.participant_id,
            scored_works.c.work_code.label("scored_code"),
            scored_works.c.total,
            scored_works.c.annulled,
            scored_works.c.annulment_reason,
            scored_works.c.task_scores,
        )
        .select_from(joined)
        .where(key.where(decoded_works))
        .order_by(decoded_works.c.work_code)
    )
    return list(rows.all())


async def pending_preliminary(session: AsyncSession) -> list[SubjectGrade]:
    """Subject-grades decoded and checked but with no published version yet."""
    published = sa.select(result_versions.c.id).where(
        result_versions.c.olympiad_id == subject_grades.c.olympiad_id,
        result_versions.c.subject_code == subject_grades.c.subject_code,
        result_versions.c.grade == subject_grades.c.grade,
    )
    rows = await session.execute(
        sa.select(
            subject_grades.c.olympiad_id, subject_grades.c.subject_code, subject_grades.c.grade
        )
        .where(
            subject_grades.c.decoded_at.is_not(None),
            subject_grades.c.checked_at.is_not(None),
            ~published.exists(),
        )
        .order_by(
            subject_grades.c.olympiad_id, subject_grades.c.subject_code, subject_grades.c.grade
        )
    )
    return [SubjectGrade(row.olympiad_id, row.subject_code, row.grade) for row in rows]


async def table_keys_of_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID, subject_code: str
) -> list[SubjectGrade]:
    rows = await session.execute(
        sa.select(decoded_works.c.grade)
        .where(
            decoded_works.c.olympiad_id == olympiad_id,
            decoded_works.c.subject_code == subject_code,
            decoded_works.c.participant_id == participant_id,
        )
        .distinct()
    )
    return [SubjectGrade(olympiad_id, subject_code, grade) for (grade,) in rows]


async def save_policy(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    policy: Mapping[str, Any],
    actor: str,
    at: dt.datetime,
) -> None:
    statement = pg_insert(quota_policies).values(
        olympiad_id=olympiad_id, policy=dict(policy), set_by=actor, set_at=at
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id"],
            set_={"policy": statement.excluded.policy, "set_by": actor, "set_at": at},
        )
    )


async def policy_of(session: AsyncSession, olympiad_id: uuid.UUID) -> dict[str, Any] | None:
    result = await session.execute(
        sa.select(quota_policies.c.policy).where(quota_policies.c.olympiad_id == olympiad_id)
    )
    found = result.scalar_one_or_none()
    return None if found is None else dict(found)


async def save_chair_decision(
    session: AsyncSession,
    key: SubjectGrade,
    total: Decimal,
    status: str,
    actor: str,
    at: dt.datetime,
) -> None:
    statement = pg_insert(chair_decisions).values(
        olympiad_id=key.olympiad_id,
        subject_code=key.subject_code,
        grade=key.grade,
        total=total,
        status=status,
        decided_by=actor,
        decided_at=at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id", "subject_code", "grade", "total"],
            set_={"status": status, "decided_by": actor, "decided_at": at},
        )
    )


async def chair_decisions_of(session: AsyncSession, key: SubjectGrade) -> list[ChairDecisionRecord]:
    rows = await session.execute(
        sa.select(
            chair_decisions.c.total,
            chair_decisions.c.status,
            chair_decisions.c.decided_by,
            chair_decisions.c.decided_at,
        )
        .where(key.where(chair_decisions))
        .order_by(chair_decisions.c.total)
    )
    return [
        ChairDecisionRecord(row.total, row.status, row.decided_by, row.decided_at) for row in rows
    ]


async def insert_version(
    session: AsyncSession,
    key: SubjectGrade,
    *,
    stage: str,
    document: Mapping[str, Any],
    protocol: Mapping[str, Any],
    sha256: str,
    created_at: dt.datetime,
    version: int,
) -> None:
    await session.execute(
        sa.insert(result_versions).values(
            olympiad_id=key.olympiad_id,
            subject_code=key.subject_code,
            grade=key.grade,
            version=version,
            stage=stage,
            document=dict(document),
            protocol=dict(protocol),
            sha256=sha256,
            created_at=created_at,
        )
    )


async def lock_table(session: AsyncSession, key: SubjectGrade) -> None:
    """Take the table's row lock: one builder of a version at a time, until the commit."""
    await session.execute(
        sa.select(subject_grades.c.grade).where(key.where(subject_grades)).with_for_update()
    )


async def next_version(session: AsyncSession, key: SubjectGrade) -> int:
    """The next version number; the table's row lock keeps two builders from taking one number."""
    await lock_table(session, key)
    result = await session.execute(
        sa.select(sa.func.coalesce(sa.func.max(result_versions.c.version), 0)).where(
            key.where(result_versions)
        )
    )
    return int(result.scalar_one()) + 1


async def has_version(session: AsyncSession, key: SubjectGrade, stage: str) -> bool:
    result = await session.execute(
        sa.select(result_versions.c.id)
        .where(key.where(result_versions), result_versions.c.stage == stage)
        .limit(1)
    )
    return result.first() is not None


async def find_version(
    session: AsyncSession,
    key: SubjectGrade,
    *,
    stage: str | None = None,
    version: int | None = None,
) -> StoredVersion | None:
    """The version asked for, or the latest one (of `stage`, if given)."""
    query = sa.select(result_versions).where(key.where(result_versions))
    if stage is not None:
        query = query.where(result_versions.c.stage == stage)
    if version is not None:
        query = query.where(result_versions.c.version == version)
    result = await session.execute(query.order_by(result_versions.c.version.desc()).limit(1))
    row = result.first()
    return None if row is None else _stored(row)


async def versions_of_olympiad(session: AsyncSession, olympiad_id: uuid.UUID) -> list[VersionRef]:
    """Every version of the olympiad's tables, without their documents (what an index lists)."""
    rows = await session.execute(
        sa.select(*_REF_COLUMNS)
        .where(result_versions.c.olympiad_id == olympiad_id)
        .order_by(
            result_versions.c.subject_code, result_versions.c.grade, result_versions.c.version
        )
    )
    return [_ref(row) for row in rows]


async def version_ref(
    session: AsyncSession,
    key: SubjectGrade,
    *,
    stage: str | None = None,
    version: int | None = None,
) -> VersionRef | None:
    """What a public address names, without the document: the version asked for, or the latest
    one (of `stage`, if given)."""
    query = sa.select(*_REF_COLUMNS).where(key.where(result_versions))
    if stage is not None:
        query = query.where(result_versions.c.stage == stage)
    if version is not None:
        query = query.where(result_versions.c.version == version)
    result = await session.execute(query.order_by(result_versions.c.version.desc()).limit(1))
    row = result.first()
    return None if row is None else _ref(row)


def _stored(row: sa.Row[Any]) -> StoredVersion:
    return StoredVersion(
        key=SubjectGrade(row.olympiad_id, row.subject_code, row.grade),
        version=row.version,
        stage=row.stage,
        document=dict(row.document),
        sha256=row.sha256,
        created_at=row.created_at,
        protocol=dict(row.protocol or {}),
    )


_REF_COLUMNS = (
    result_versions.c.olympiad_id,
    result_versions.c.subject_code,
    result_versions.c.grade,
    result_versions.c.version,
    result_versions.c.stage,
    result_versions.c.sha256,
    result_versions.c.created_at,
    result_versions.c.document["note"].astext.label("note"),
)


def _ref(row: Any) -> VersionRef:
    return VersionRef(
        key=SubjectGrade(row.olympiad_id, row.subject_code, row.grade),
        version=row.version,
        stage=row.stage,
        sha256=row.sha256,
        created_at=row.created_at,
        note=row.note,
    )
