"""Tables and queries of scanned pages: one row per distinct page (content sha256) per olympiad.

A title page (it carries the participant's name, §63) is a row with `kind = 'title'` whose object
lies under the `titles/` prefix; every query that serves the jury filters on `kind = 'answer'`.
A page settled in the manual queue has a `resolution`: assigned to a work, a draft (§45) or
discarded; only an assigned one (or one routed by its label, without a resolution) has a work.
The works the regional coordinator asked to re-check (§21) are kept here too: their pages are the
ones the coordinator may open.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_coding.store import metadata, works

KIND_ANSWER: Final = "answer"
KIND_TITLE: Final = "title"
QUEUE_NONE: Final = "none"  # routed by its label, never queued
QUEUE_PENDING: Final = "pending"
QUEUE_RESOLVED: Final = "resolved"
RESOLUTION_ASSIGNED: Final = "assigned"

scanned_pages = sa.Table(
    "scanned_pages",
    metadata,
    sa.Column("page_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("content_sha256", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("work_code", sa.Text),
    sa.Column("subject_code", sa.Text),
    sa.Column("sheet", sa.SmallInteger),
    sa.Column("code_read", sa.Text),
    sa.Column("object_key", sa.Text, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("station_subject", sa.Text, nullable=False),
    sa.Column("source_file", sa.Text, nullable=False),
    sa.Column("source_page", sa.Integer, nullable=False),
    sa.Column("orientation", sa.SmallInteger, nullable=False),
    sa.Column("routing_reason", sa.Text),
    sa.Column("queue_state", sa.Text, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
    sa.Column("resolved_by", sa.Text),
    sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
    sa.Column("retention_mode", sa.Text, nullable=False),
    sa.Column("resolution", sa.Text),
    sa.UniqueConstraint("olympiad_id", "content_sha256", name="scanned_pages_once"),
    sa.Index("scanned_pages_by_work", "olympiad_id", "work_code"),
    sa.Index("scanned_pages_by_queue", "olympiad_id", "queue_state"),
    sa.Index("scanned_pages_by_upload", "olympiad_id", "source_file", "uploaded_at"),
    # what waits in the manual queue, for its gauge (scans.gauges)
    sa.Index(
        "scanned_pages_pending",
        "station_subject",
        "uploaded_at",
        postgresql_where=sa.text("queue_state = 'pending'"),
    ),
)

# a page that is on a work: routed by its label (no resolution) or assigned in the queue
_ON_A_WORK: Final = sa.and_(
    scanned_pages.c.work_code.is_not(None),
    scanned_pages.c.queue_state != QUEUE_PENDING,
    sa.or_(
        scanned_pages.c.resolution.is_(None),
        scanned_pages.c.resolution == RESOLUTION_ASSIGNED,
    ),
)


@dataclass(frozen=True)
class ScannedPage:
    page_id: uuid.UUID
    olympiad_id: uuid.UUID
    kind: str
    work_code: str | None
    subject_code: str | None
    sheet: int | None
    code_read: str | None
    object_key: str
    content_type: str
    station_subject: str
    source_file: str
    source_page: int
    orientation: int
    routing_reason: str | None
    queue_state: str
    resolution: str | None
    uploaded_at: dt.datetime
    uploaded_by: str
    resolved_at: dt.datetime | None
    resolved_by: str | None
    retain_until: dt.datetime
    retention_mode: str

    @property
    def for_jury(self) -> bool:
        """An answer page settled on a work: the only kind of page a jury path may serve.

        A draft (§45) or a discarded page has no work and is never served, whatever its kind.
        """
        return (
            self.kind == KIND_ANSWER
            and self.work_code is not None
            and self.queue_state != QUEUE_PENDING
            and self.resolution in (None, RESOLUTION_ASSIGNED)
        )


def _page(row: sa.Row[tuple[object, ...]]) -> ScannedPage:
    m = row._mapping
    return ScannedPage(**{name: m[name] for name in ScannedPage.__dataclass_fields__})


@dataclass(frozen=True)
class KnownWork:
    subject_code: str
    task_grade: int


async def known_works(
    session: AsyncSession, olympiad_id: uuid.UUID, codes: Collection[str]
) -> dict[str, KnownWork]:
    """The coded works of the olympiad among `codes` (the codes read on an upload's labels), by
    code: looked up by the unique (olympiad, code) index, never the olympiad's whole list."""
    if not codes:
        return {}
    rows = await session.execute(
        sa.select(works.c.work_code, works.c.subject_code, works.c.task_grade).where(
            works.c.olympiad_id == olympiad_id,
            works.c.work_code.in_(sorted(codes)),
            works.c.coded.is_(True),
        )
    )
    return {row.work_code: KnownWork(row.subject_code, row.task_grade) for row in rows}


async def insert_pages(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert pages not stored yet; the content hashes that were inserted (the rest are duplicates)."""
    if not rows:
        return set()
    # Parameters apart from the statement (not `.values(rows)`): the statement is compiled once
    # per process and cached, where a multi-row VALUES clause is compiled again on every upload.
    inserted = await session.scalars(_INSERT_PAGES, list(rows))
    return set(inserted)


_INSERT_PAGES: Final = (
    pg_insert(scanned_pages)
    .on_conflict_do_nothing(constraint="scanned_pages_once")
    .returning(scanned_pages.c.content_sha256)
)


async def pages_by_hash(
    session: AsyncSession, olympiad_id: uuid.UUID, digests: Sequence[str]
) -> dict[str, ScannedPage]:
    if not digests:
        return {}
    rows = await session.execute(
        sa.select(scanned_pages).where(
            scanned_pages.c.olympiad_id == olympiad_id,
            scanned_pages.c.content_sha256.in_(list(digests)),
        )
    )
    return {row.content_sha256: _page(row) for row in rows}


async def page(
    session: AsyncSession, olympiad_id: uuid.UUID, page_id: uuid.UUID, *, for_update: bool = False
) -> ScannedPage | None:
    query = sa.select(scanned_pages).where(
        scanned_pages.c.olympiad_id == olympiad_id, scanned_pages.c.page_id == page_id
    )
    row = (await session.execute(query.with_for_update() if for_update else query)).first()
    return None if row is None else _page(row)


async def manual_queue(session: AsyncSession, olympiad_id: uuid.UUID) -> list[ScannedPage]:
    rows = await session.execute(
        sa.select(scanned_pages)
        .where(
            scanned_pages.c.olympiad_id == olympiad_id,
            scanned_pages.c.queue_state == QUEUE_PENDING,
        )
        .order_by(
            scanned_pages.c.uploaded_at,
            scanned_pages.c.source_file,
            scanned_pages.c.source_page,
        )
    )
    return [_page(row) for row in rows]


async def resolved_pages(
    session: AsyncSession, olympiad_id: uuid.UUID, limit: int
) -> list[ScannedPage]:
    """Pages settled in the manual queue, the latest decision first."""
    rows = await session.execute(
        sa.select(scanned_pages)
        .where(
            scanned_pages.c.olympiad_id == olympiad_id,
            scanned_pages.c.queue_state == QUEUE_RESOLVED,
        )
        .order_by(scanned_pages.c.resolved_at.desc(), scanned_pages.c.page_id)
        .limit(limit)
    )
    return [_page(row) for row in rows]


@dataclass(frozen=True)
class UploadPage:
    """A page of an upload that is on a work: a queued page's neighbour."""

    source_file: str
    uploaded_at: dt.datetime
    source_page: int
    work_code: str
    sheet: int | None
    kind: str


async def upload_pages(
    session: AsyncSession, olympiad_id: uuid.UUID, uploads: Collection[tuple[str, dt.datetime]]
) -> list[UploadPage]:
    """The pages on works of the given uploads (file name and the instant it was taken in)."""
    if not uploads:
        return []
    rows = await session.execute(
        sa.select(
            scanned_pages.c.source_file,
            scanned_pages.c.uploaded_at,
            scanned_pages.c.source_page,
            scanned_pages.c.work_code,
            scanned_pages.c.sheet,
            scanned_pages.c.kind,
        ).where(
            scanned_pages.c.olympiad_id == olympiad_id,
            sa.tuple_(scanned_pages.c.source_file, scanned_pages.c.uploaded_at).in_(
                sorted(uploads)
            ),
            _ON_A_WORK,
        )
    )
    return [
        UploadPage(r.source_file, r.uploaded_at, r.source_page, r.work_code, r.sheet, r.kind)
        for r in rows
    ]


@dataclass(frozen=True)
class SettledPages:
    """What is on one work so far."""

    sheets: frozenset[int]
    answer_pages: int
    title_pages: int


async def settled_pages_of_subject(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> dict[str, SettledPages]:
    """Per work code of the subject: its answer sheets' numbers and how many pages of each kind."""
    answer = scanned_pages.c.kind == KIND_ANSWER
    rows = await session.execute(
        sa.select(
            scanned_pages.c.work_code,
            sa.func.array_agg(sa.distinct(scanned_pages.c.sheet))
            .filter(answer, scanned_pages.c.sheet.is_not(None))
            .label("sheets"),
            sa.func.count().filter(answer).label("answer_pages"),
            sa.func.count().filter(scanned_pages.c.kind == KIND_TITLE).label("title_pages"),
        )
        .where(
            scanned_pages.c.olympiad_id == olympiad_id,
            scanned_pages.c.subject_code == subject_code,
            _ON_A_WORK,
        )
        .group_by(scanned_pages.c.work_code)
    )
    return {
        row.work_code: SettledPages(
            frozenset(row.sheets or ()), int(row.answer_pages), int(row.title_pages)
        )
        for row in rows
    }


async def queued_by_subject(session: AsyncSession, olympiad_id: uuid.UUID) -> dict[str, int]:
    """How many pages wait in the manual queue, by the subject of the station that scanned them."""
    rows = await session.execute(
        sa.select(scanned_pages.c.station_subject, sa.func.count())
        .where(
            scanned_pages.c.olympiad_id == olympiad_id,
            scanned_pages.c.queue_state == QUEUE_PENDING,
        )
        .group_by(scanned_pages.c.station_subject)
    )
    return {row[0]: int(row[1]) for row in rows}


async def pages_of_work(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, kind: str
) -> list[ScannedPage]:
    rows = await session.execute(
        sa.select(scanned_pages)
        .where(
            scanned_pages.c.olympiad_id == olympiad_id,
            scanned_pages.c.work_code == work_code,
            scanned_pages.c.kind == kind,
            _ON_A_WORK,
        )
        .order_by(
            scanned_pages.c.sheet.nulls_last(),
            scanned_pages.c.uploaded_at,
            scanned_pages.c.source_page,
        )
    )
    return [_page(row) for row in rows]


async def resolve(
    session: AsyncSession,
    page_id: uuid.UUID,
    *,
    work_code: str,
    subject_code: str,
    kind: str,
    object_key: str,
    orientation: int,
    at: dt.datetime,
    by: str,
) -> None:
    """Settle a queued page on a work."""
    await session.execute(
        sa.update(scanned_pages)
        .where(scanned_pages.c.page_id == page_id)
        .values(
            work_code=work_code,
            subject_code=subject_code,
            kind=kind,
            object_key=object_key,
            orientation=orientation,
            queue_state=QUEUE_RESOLVED,
            resolution=RESOLUTION_ASSIGNED,
            resolved_at=at,
            resolved_by=by,
        )
    )


async def set_aside(
    session: AsyncSession,
    page_id: uuid.UUID,
    *,
    resolution: str,
    orientation: int,
    at: dt.datetime,
    by: str,
) -> None:
    """Take a queued page out of the queue onto no work: a draft, or discarded."""
    await session.execute(
        sa.update(scanned_pages)
        .where(scanned_pages.c.page_id == page_id)
        .values(
            work_code=None,
            subject_code=None,
            orientation=orientation,
            queue_state=QUEUE_RESOLVED,
            resolution=resolution,
            resolved_at=at,
            resolved_by=by,
        )
    )


async def return_to_queue(session: AsyncSession, page_id: uuid.UUID) -> None:
    """Undo a decision of the queue: the page waits again, on no work (who and when: audit)."""
    await session.execute(
        sa.update(scanned_pages)
        .where(scanned_pages.c.page_id == page_id)
        .values(
            work_code=None,
            subject_code=None,
            queue_state=QUEUE_PENDING,
            resolution=None,
            resolved_at=None,
            resolved_by=None,
        )
    )


async def set_retention_mode(
    session: AsyncSession, page_ids: Sequence[uuid.UUID], mode: str
) -> None:
    if page_ids:
        await session.execute(
            sa.update(scanned_pages)
            .where(scanned_pages.c.page_id.in_(list(page_ids)))
            .values(retention_mode=mode)
        )


@dataclass(frozen=True)
class WorkByCode:
    work_code: str
    subject_code: str
    task_grade: int


async def work_by_code(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str
) -> WorkByCode | None:
    row = (
        await session.execute(
            sa.select(works.c.work_code, works.c.subject_code, works.c.task_grade).where(
                works.c.olympiad_id == olympiad_id, works.c.work_code == work_code
            )
        )
    ).first()
    return None if row is None else WorkByCode(row.work_code, row.subject_code, row.task_grade)


# --- the works the regional coordinator asked to re-check (§21): scoring's RecheckRequested lets
# them open those works' answer pages through the jury's short-lived, audited links

recheck_requests = sa.Table(
    "recheck_requests",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("requested_by", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)


async def grant_recheck_access(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    work_codes: Sequence[str],
    requested_by: str,
    at: dt.datetime,
) -> None:
    """Let the coordinator open these works' pages; a work requested before stays as it was."""
    if not work_codes:
        return
    await session.execute(
        pg_insert(recheck_requests)
        .values(
            [
                {
                    "olympiad_id": olympiad_id,
                    "work_code": code,
                    "subject_code": subject_code,
                    "requested_by": requested_by,
                    "received_at": at,
                }
                for code in work_codes
            ]
        )
        .on_conflict_do_nothing()
    )


async def recheck_access_granted(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str
) -> bool:
    found = await session.scalar(
        sa.select(recheck_requests.c.work_code).where(
            recheck_requests.c.olympiad_id == olympiad_id,
            recheck_requests.c.work_code == work_code,
        )
    )
    return found is not None
