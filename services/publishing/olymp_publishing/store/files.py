"""What the database knows of the static files: which versions and indexes are written.

The files themselves are in the object store; these rows say they are complete. A row is written in
the transaction of the writer that put the files, under the olympiad's advisory lock, so the last
writer of an olympiad's mutable files ("latest", the index) always saw every version committed
before it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.store.records import VersionRef
from olymp_publishing.store.tables import published_files, published_indexes, result_versions

# pg_advisory_xact_lock(int4, int4): the first number names this lock's purpose ("Pub" + 1),
# the second the olympiad, so other advisory locks of the database never collide with it.
_LOCK_CLASS = 0x50756201


async def lock_published_files(session: AsyncSession, olympiad_id: uuid.UUID) -> None:
    """Hold the olympiad's files lock until the transaction ends. Writers queue here, and so
    does a change the index shows that is not a version (the olympiad's title, `forget_index`)."""
    olympiad_lock = int.from_bytes(olympiad_id.bytes[:4], "big", signed=True)
    await session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(_LOCK_CLASS, olympiad_lock)),
    )


def _unwritten() -> sa.Select[tuple[uuid.UUID, str, int, int, str, str, dt.datetime]]:
    written = sa.select(published_files.c.version).where(
        published_files.c.olympiad_id == result_versions.c.olympiad_id,
        published_files.c.subject_code == result_versions.c.subject_code,
        published_files.c.grade == result_versions.c.grade,
        published_files.c.version == result_versions.c.version,
    )
    return sa.select(
        result_versions.c.olympiad_id,
        result_versions.c.subject_code,
        result_versions.c.grade,
        result_versions.c.version,
        result_versions.c.stage,
        result_versions.c.sha256,
        result_versions.c.created_at,
    ).where(~written.exists())


async def olympiads_with_unwritten_files(session: AsyncSession) -> list[uuid.UUID]:
    """Olympiads with a version whose files are not written, or whose index is not."""
    unwritten = _unwritten().subquery()
    no_index = (
        sa.select(result_versions.c.olympiad_id)
        .where(
            ~sa.select(published_indexes.c.olympiad_id)
            .where(published_indexes.c.olympiad_id == result_versions.c.olympiad_id)
            .exists()
        )
        .distinct()
    )
    rows = await session.execute(sa.union(sa.select(unwritten.c.olympiad_id).distinct(), no_index))
    return sorted({olympiad_id for (olympiad_id,) in rows}, key=str)


async def unwritten_versions(session: AsyncSession, olympiad_id: uuid.UUID) -> list[VersionRef]:
    query = (
        _unwritten()
        .where(result_versions.c.olympiad_id == olympiad_id)
        .order_by(
            result_versions.c.subject_code, result_versions.c.grade, result_versions.c.version
        )
    )
    return [
        VersionRef(
            key=SubjectGrade(row.olympiad_id, row.subject_code, row.grade),
            version=row.version,
            stage=row.stage,
            sha256=row.sha256,
            created_at=row.created_at,
        )
        for row in await session.execute(query)
    ]


async def mark_files_written(
    session: AsyncSession, versions: Sequence[VersionRef], at: dt.datetime
) -> None:
    if not versions:
        return
    statement = pg_insert(published_files).values(
        [
            {
                "olympiad_id": v.key.olympiad_id,
                "subject_code": v.key.subject_code,
                "grade": v.key.grade,
                "version": v.version,
                "written_at": at,
            }
            for v in versions
        ]
    )
    await session.execute(statement.on_conflict_do_nothing())


async def latest_versions(session: AsyncSession, key: SubjectGrade) -> dict[str, int]:
    """The table's newest version overall ("latest") and of each stage it has."""
    rows = await session.execute(
        sa.select(result_versions.c.stage, sa.func.max(result_versions.c.version))
        .where(key.where(result_versions))
        .group_by(result_versions.c.stage)
    )
    found: dict[str, int] = {stage: version for stage, version in rows}
    if found:
        found["latest"] = max(found.values())
    return found


async def index_written(session: AsyncSession, olympiad_id: uuid.UUID) -> str | None:
    """The sha256 of the index files as last written, or None when they must be written again."""
    result = await session.execute(
        sa.select(published_indexes.c.sha256).where(published_indexes.c.olympiad_id == olympiad_id)
    )
    return result.scalar_one_or_none()


async def save_index_written(
    session: AsyncSession, olympiad_id: uuid.UUID, sha256: str, at: dt.datetime
) -> None:
    statement = pg_insert(published_indexes).values(
        olympiad_id=olympiad_id, sha256=sha256, written_at=at
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id"], set_={"sha256": sha256, "written_at": at}
        )
    )


async def forget_index(session: AsyncSession, olympiad_id: uuid.UUID) -> None:
    """Something the index shows changed: the writer writes it again."""
    await session.execute(
        sa.delete(published_indexes).where(published_indexes.c.olympiad_id == olympiad_id)
    )
