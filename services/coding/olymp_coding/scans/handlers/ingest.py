"""Taking in one uploaded file: split, read each page's label, route, store, record.

Pages are examined in the desk's thread pool, a few at a time, so a 300-page PDF streams through
with a bounded number of rendered pages alive. Objects are stored as pages arrive; the rows are
written in one transaction at the end. A file that fails part-way (a corrupt page) is refused as a
whole: the objects it stored that no row refers to are removed again, so nothing is half-stored.

A long command: it commits its unit of work more than once, so that no transaction stays open
while the pages are examined.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from olymp_coding.scans import store
from olymp_coding.scans.domain import (
    REASON_OTHER_SUBJECT,
    CodeRead,
    Destination,
    Outcome,
    Page,
    Routing,
    content_hash,
    page_key,
    read_code,
    retain_until,
    route_page,
    split_document,
)
from olymp_coding.scans.handlers.desk import ScanDesk
from olymp_coding.scans.handlers.retention import MODE_OBJECT_LOCK, MODE_RECORDED
from olymp_coding.scans.store import KIND_ANSWER, KIND_TITLE, QUEUE_NONE, QUEUE_PENDING
from olymp_core.auth import Principal
from olymp_core.contracts.coding import PageScanned
from olymp_core.db import UnitOfWork

# pdfium is not thread-safe: every call into it (open, render, close) holds this lock.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class Upload:
    """One file from a scan station working on one subject."""

    olympiad_id: uuid.UUID
    subject_code: str
    filename: str
    data: bytes


@dataclass(frozen=True)
class PageOutcome:
    source_page: int
    outcome: Outcome
    page_id: uuid.UUID
    work_code: str | None
    sheet: int | None
    reason: str | None
    orientation: int


@dataclass(frozen=True)
class UploadReport:
    filename: str
    pages: tuple[PageOutcome, ...]


@dataclass(frozen=True)
class _Examined:
    page: Page
    digest: str
    read: CodeRead | None


def _open(data: bytes, filename: str) -> Iterator[Page]:
    with _PDFIUM:
        return split_document(data, filename)


def _next_page(pages: Iterator[Page]) -> Page | None:
    with _PDFIUM:
        return next(pages, None)


def _close(pages: Iterator[Page]) -> None:
    close = getattr(pages, "close", None)
    if close is not None:
        with _PDFIUM:
            close()


def _examine(page: Page) -> _Examined:
    return _Examined(page, content_hash(page.data), read_code(page))


def _route(
    read: CodeRead | None, station_subject: str, known: dict[str, store.KnownWork], prefix: str
) -> Routing:
    routing = route_page(read, prefix, known.keys())
    settled = routing.destination is not Destination.MANUAL and routing.work_code is not None
    if settled and known[str(routing.work_code)].subject_code != station_subject:
        return Routing(
            Destination.MANUAL,
            routing.work_code,
            routing.sheet,
            routing.title_page,
            REASON_OTHER_SUBJECT,
        )
    return routing


class _Intake:
    """The pages of one upload as they are stored, before their rows are written."""

    def __init__(
        self, desk: ScanDesk, upload: Upload, known: dict[str, store.KnownWork], uploaded_by: str
    ) -> None:
        self.desk, self.upload, self.known, self.uploaded_by = desk, upload, known, uploaded_by
        self.rows: list[dict[str, Any]] = []
        self.outcomes: list[tuple[str, PageOutcome]] = []  # (content hash, outcome)
        self.by_digest: dict[str, dict[str, Any]] = {}

    async def place(self, examined: _Examined) -> None:
        page, digest = examined.page, examined.digest
        orientation = examined.read.orientation if examined.read else 0
        earlier = self.by_digest.get(digest)
        if earlier is not None:  # the same page twice within one file
            self.outcomes.append((digest, _duplicate(page.number, earlier, orientation)))
            return
        upload = self.upload
        routing = _route(examined.read, upload.subject_code, self.known, self.desk.code_prefix)
        key = page_key(
            str(upload.olympiad_id), digest, page.extension, title_page=routing.title_page
        )
        await self.desk.objects.put(key, page.data, content_type=page.content_type)
        manual = routing.destination is Destination.MANUAL
        row: dict[str, Any] = {
            "page_id": uuid.uuid4(),
            "olympiad_id": upload.olympiad_id,
            "content_sha256": digest,
            "kind": KIND_TITLE if routing.title_page else KIND_ANSWER,
            "work_code": None if manual else routing.work_code,
            "subject_code": None if manual else upload.subject_code,
            "sheet": routing.sheet,
            "code_read": examined.read.work_code if examined.read else None,
            "object_key": key,
            "content_type": page.content_type,
            "station_subject": upload.subject_code,
            "source_file": upload.filename,
            "source_page": page.number,
            "orientation": orientation,
            "routing_reason": routing.reason,
            "queue_state": QUEUE_PENDING if manual else QUEUE_NONE,
            "uploaded_by": self.uploaded_by,
            "retention_mode": MODE_RECORDED,
        }
        self.rows.append(row)
        self.by_digest[digest] = row
        outcome = {
            Destination.WORK: Outcome.WORK,
            Destination.TITLE: Outcome.TITLE,
            Destination.MANUAL: Outcome.MANUAL,
        }[routing.destination]
        self.outcomes.append(
            (
                digest,
                PageOutcome(
                    source_page=page.number,
                    outcome=outcome,
                    page_id=row["page_id"],
                    work_code=routing.work_code,
                    sheet=routing.sheet,
                    reason=routing.reason,
                    orientation=orientation,
                ),
            )
        )


def _duplicate(
    number: int, row: dict[str, Any] | store.ScannedPage, orientation: int
) -> PageOutcome:
    fields = row if isinstance(row, dict) else vars(row)
    return PageOutcome(
        source_page=number,
        outcome=Outcome.DUPLICATE,
        page_id=fields["page_id"],
        work_code=fields["work_code"],
        sheet=fields["sheet"],
        reason=None,
        orientation=orientation,
    )


async def ingest(
    command: Upload, uow: UnitOfWork, actor: Principal, *, desk: ScanDesk
) -> UploadReport:
    """Take in one file; raises ScanError (Russian, names the file) and then stores nothing."""
    loop = asyncio.get_running_loop()
    known = await store.known_works(uow.session, command.olympiad_id)
    await uow.commit()  # ends the read: no transaction waits while the pages are examined
    pages = await loop.run_in_executor(desk.pool, _open, command.data, command.filename)
    intake = _Intake(desk, command, known, actor.subject)
    pending: deque[asyncio.Future[_Examined]] = deque()
    try:
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < desk.window:
                page = await loop.run_in_executor(desk.pool, _next_page, pages)
                if page is None:
                    exhausted = True
                else:
                    pending.append(loop.run_in_executor(desk.pool, _examine, page))
            if pending:
                await intake.place(await pending.popleft())
        return await _record(desk, uow, command, intake)
    except BaseException:
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await loop.run_in_executor(desk.pool, _close, pages)
        await uow.session.rollback()  # a failed write leaves the session unusable until then
        await _discard_unreferenced(desk, uow, command.olympiad_id, intake.rows)
        raise


async def _record(desk: ScanDesk, uow: UnitOfWork, upload: Upload, intake: _Intake) -> UploadReport:
    now = uow.clock.now()
    until = retain_until(now, desk.retention_years)
    for row in intake.rows:
        row["uploaded_at"] = now
        row["retain_until"] = until
    inserted = await store.insert_pages(uow.session, intake.rows)
    earlier = await store.pages_by_hash(
        uow.session,
        upload.olympiad_id,
        [row["content_sha256"] for row in intake.rows if row["content_sha256"] not in inserted],
    )
    outcomes = []
    for digest, outcome in intake.outcomes:
        if digest in earlier and outcome.outcome is not Outcome.DUPLICATE:
            outcome = _duplicate(outcome.source_page, earlier[digest], outcome.orientation)
        outcomes.append(outcome)
    for row in intake.rows:
        if row["content_sha256"] in inserted and row["kind"] == KIND_ANSWER and row["work_code"]:
            uow.publish(
                PageScanned(
                    olympiad_id=upload.olympiad_id,
                    work_code=row["work_code"],
                    subject_code=row["subject_code"],
                    page_id=row["page_id"],
                    sheet=row["sheet"],
                )
            )
    counts = {kind.value: sum(o.outcome is kind for o in outcomes) for kind in Outcome}
    await uow.audit(
        actor=intake.uploaded_by,
        action="scans.uploaded",
        object_type="scan_file",
        object_id=f"{upload.olympiad_id}/{upload.filename}",
        payload={"subject_code": upload.subject_code, "pages": len(outcomes), **counts},
    )
    await uow.commit()
    fresh = [row for row in intake.rows if row["content_sha256"] in inserted]
    if fresh:
        mode = await desk.retention.protect([row["object_key"] for row in fresh], until)
        if mode == MODE_OBJECT_LOCK:
            await store.set_retention_mode(uow.session, [row["page_id"] for row in fresh], mode)
            await uow.commit()
    return UploadReport(upload.filename, tuple(outcomes))


async def _discard_unreferenced(
    desk: ScanDesk, uow: UnitOfWork, olympiad_id: uuid.UUID, rows: list[dict[str, Any]]
) -> None:
    # An object whose hash already has a row belongs to an earlier upload and must stay.
    kept = await store.pages_by_hash(
        uow.session, olympiad_id, [row["content_sha256"] for row in rows]
    )
    for row in rows:
        if row["content_sha256"] not in kept:
            await desk.objects.delete(row["object_key"])
