"""The testing system's results (§67): the points imported per work, and each file that changed them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.db import lock_until_commit
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring.domain import WorkStatus
from olymp_scoring.store.checking import WorkRow, task_points_json, work_row
from olymp_scoring.store.tables import result_imports, works

# any constant: the class of the advisory locks that serialise the imports of one subject and grade
RESULTS_IMPORT_LOCK_CLASS = 0x72736C74


async def lock_results_import(session: AsyncSession, key: SubjectGrade) -> None:
    """One import of a subject and grade at a time, until commit: two files uploaded at once must
    not each compare against the points the other is replacing."""
    await lock_until_commit(session, RESULTS_IMPORT_LOCK_CLASS, key.object_id)


async def lock_works(session: AsyncSession, key: SubjectGrade) -> list[WorkRow]:
    """Every work of the subject and grade, locked in code order (the order every multi-work
    locker uses, so two of them never wait for each other crosswise)."""
    rows = await session.execute(
        sa.select(works).where(key.where(works)).order_by(works.c.work_code).with_for_update()
    )
    return [work_row(row) for row in rows]


async def work_grades(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> dict[str, int]:
    """The grade of every work of the subject, by code: a row of another grade's participant is
    told where it belongs."""
    rows = await session.execute(
        sa.select(works.c.work_code, works.c.grade).where(
            works.c.olympiad_id == olympiad_id, works.c.subject_code == subject_code
        )
    )
    return {row.work_code: row.grade for row in rows}


async def save_imported_scores(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, points: Mapping[int, Decimal]
) -> None:
    await session.execute(
        sa.update(works)
        .where(works.c.olympiad_id == olympiad_id, works.c.work_code == work_code)
        .values(imported_scores=task_points_json(points), status=WorkStatus.CHECKED.value)
    )


async def any_imported(session: AsyncSession, key: SubjectGrade) -> bool:
    found = await session.scalar(
        sa.select(works.c.work_code)
        .where(key.where(works), works.c.imported_scores.is_not(None))
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class ResultImport:
    import_id: uuid.UUID
    sha256: str
    file_format: str
    file_name: str
    rows: int
    changed: int
    imported_at: dt.datetime
    imported_by: str


async def save_result_import(session: AsyncSession, key: SubjectGrade, found: ResultImport) -> None:
    await session.execute(
        sa.insert(result_imports).values(
            import_id=found.import_id,
            olympiad_id=key.olympiad_id,
            subject_code=key.subject_code,
            grade=key.grade,
            sha256=found.sha256,
            file_format=found.file_format,
            file_name=found.file_name,
            rows=found.rows,
            changed=found.changed,
            imported_at=found.imported_at,
            imported_by=found.imported_by,
        )
    )


async def list_result_imports(session: AsyncSession, key: SubjectGrade) -> list[ResultImport]:
    """The files that changed the subject and grade's points, the first one first."""
    rows = await session.execute(
        sa.select(result_imports)
        .where(key.where(result_imports))
        .order_by(result_imports.c.imported_at, result_imports.c.import_id)
    )
    return [
        ResultImport(
            row.import_id,
            row.sha256,
            row.file_format,
            row.file_name,
            row.rows,
            row.changed,
            row.imported_at,
            row.imported_by,
        )
        for row in rows
    ]
