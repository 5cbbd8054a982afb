"""Taking in one uploaded file: split, read each page's label, store, route, record.

Pages are examined in the desk's thread pool, a few at a time, so a 300-page PDF streams through
with a bounded number of rendered pages alive. Objects are stored as pages arrive (a page's key
depends on its label only); then one transaction looks up the works whose codes were read, routes
every page and writes the rows, the events and the upload's audit entry. No transaction is open
while pages are examined. A file that fails part-way (a corrupt page) is refused as a whole: the
objects it stored that no row refers to are removed again, so nothing is half-stored.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from olymp_coding.scans import store
from olymp_coding.scans.domain import (
    REASON_OTHER_SUBJECT,
    CodeRead,
    Destination,
    LabelKind,
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
    # The file the upload was spooled to (the route's), or its bytes: read page by page from here.
    source: Path | bytes


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


def _open(source: Path | bytes, filename: str) -> Iterator[Page]:
    with _PDFIUM:
        return split_document(source, filename)


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


@dataclass(frozen=True)
class _Stored:
    """A page of the upload, its object stored (or the same page earlier in the file)."""

    number: int
    digest: str
    read: CodeRead | None
    key: str
    content_type: str
    repeats: bool  # the same bytes came earlier in this file


class _Intake:
    """The pages of one upload as they are stored, before their rows are written."""

    def __init__(self, desk: ScanDesk, upload: Upload) -> None:
        self.desk, self.upload = desk, upload
        self.pages: list[_Stored] = []
        self._digests: set[str] = set()

    @property
    def stored_keys(self) -> dict[str, str]:
        """Content hash -> object key of every object this upload stored."""
        return {page.digest: page.key for page in self.pages if not page.repeats}

    @property
    def codes_read(self) -> set[str]:
        return {page.read.work_code for page in self.pages if page.read is not None}

    async def place(self, examined: _Examined) -> None:
        page, digest, read = examined.page, examined.digest, examined.read
        repeats = digest in self._digests
        # Where the object lies depends on the label alone: a title page (it carries the name,
        # §63) is kept under its own prefix even when it waits for a person.
        title_page = read is not None and read.kind is LabelKind.TITLE
        key = page_key(str(self.upload.olympiad_id), digest, page.extension, title_page=title_page)
        if not repeats:
            await self.desk.objects.put(key, page.data, content_type=page.content_type)
            self._digests.add(digest)
        self.pages.append(_Stored(page.number, digest, read, key, page.content_type, repeats))

    def settle(
        self, known: dict[str, store.KnownWork], uploaded_by: str
    ) -> tuple[list[dict[str, Any]], list[tuple[str, PageOutcome]]]:
        """Each page routed: the rows to insert and the (content hash, outcome) of every page."""
        upload = self.upload
        rows: list[dict[str, Any]] = []
        outcomes: list[tuple[str, PageOutcome]] = []
        first: dict[str, dict[str, Any]] = {}
        for page in self.pages:
            read = page.read
            orientation = read.orientation if read else 0
            if page.repeats:  # the same page twice within one file
                outcomes.append(
                    (page.digest, _duplicate(page.number, first[page.digest], orientation))
                )
                continue
            routing = _route(read, upload.subject_code, known, self.desk.code_prefix)
            manual = routing.destination is Destination.MANUAL
            row: dict[str, Any] = {
                "page_id": uuid.uuid4(),
                "olympiad_id": upload.olympiad_id,
                "content_sha256": page.digest,
                "kind": KIND_TITLE if routing.title_page else KIND_ANSWER,
                "work_code": None if manual else routing.work_code,
                "subject_code": None if manual else upload.subject_code,
                "sheet": routing.sheet,
                "code_read": read.work_code if read else None,
                "object_key": page.key,
                "content_type": page.content_type,
                "station_subject": upload.subject_code,
                "source_file": upload.filename,
                "source_page": page.number,
                "orientation": orientation,
                "routing_reason": routing.reason,
                "queue_state": QUEUE_PENDING if manual else QUEUE_NONE,
                "uploaded_by": uploaded_by,
                "retention_mode": MODE_RECORDED,
            }
            rows.append(row)
            first[page.digest] = row
            outcome = PageOutcome(
                source_page=page.number,
                outcome=_OUTCOMES[routing.destination],
                page_id=row["page_id"],
                work_code=routing.work_code,
                sheet=routing.sheet,
                reason=routing.reason,
                orientation=orientation,
            )
            outcomes.append((page.digest, outcome))
        return rows, outcomes


_OUTCOMES = {
    Destination.WORK: Outcome.WORK,
    Destination.TITLE: Outcome.TITLE,
    Destination.MANUAL: Outcome.MANUAL,
}


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
    pages = await loop.run_in_executor(desk.pool, _open, command.source, command.filename)
    intake = _Intake(desk, command)
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
        return await _record(desk, uow, command, intake, actor.subject)
    except BaseException:
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await loop.run_in_executor(desk.pool, _close, pages)
        await uow.session.rollback()  # a failed write leaves the session unusable until then
        await _discard_unreferenced(desk, uow, command.olympiad_id, intake.stored_keys)
        raise


async def _record(
    desk: ScanDesk, uow: UnitOfWork, upload: Upload, intake: _Intake, uploaded_by: str
) -> UploadReport:
    # One transaction for the whole upload: its works, its rows, its events and its audit entry.
    known = await store.known_works(uow.session, upload.olympiad_id, intake.codes_read)
    rows, settled = intake.settle(known, uploaded_by)
    now = uow.clock.now()
    until = retain_until(now, desk.retention_years)
    for row in rows:
        row["uploaded_at"] = now
        row["retain_until"] = until
    inserted = await store.insert_pages(uow.session, rows)
    earlier = await store.pages_by_hash(
        uow.session,
        upload.olympiad_id,
        [row["content_sha256"] for row in rows if row["content_sha256"] not in inserted],
    )
    outcomes = []
    for digest, outcome in settled:
        if digest in earlier and outcome.outcome is not Outcome.DUPLICATE:
            outcome = _duplicate(outcome.source_page, earlier[digest], outcome.orientation)
        outcomes.append(outcome)
    for row in rows:
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
        actor=uploaded_by,
        action="scans.uploaded",
        object_type="scan_file",
        object_id=f"{upload.olympiad_id}/{upload.filename}",
        payload={"subject_code": upload.subject_code, "pages": len(outcomes), **counts},
    )
    await uow.commit()
    fresh = [row for row in rows if row["content_sha256"] in inserted]
    if fresh:
        mode = await desk.retention.protect([row["object_key"] for row in fresh], until)
        if mode == MODE_OBJECT_LOCK:
            await store.set_retention_mode(uow.session, [row["page_id"] for row in fresh], mode)
            await uow.commit()
    return UploadReport(upload.filename, tuple(outcomes))


async def _discard_unreferenced(
    desk: ScanDesk, uow: UnitOfWork, olympiad_id: uuid.UUID, stored: dict[str, str]
) -> None:
    # An object whose hash already has a row belongs to an earlier upload and must stay.
    kept = await store.pages_by_hash(uow.session, olympiad_id, list(stored))
    for digest, key in stored.items():
        if digest not in kept:
            await desk.objects.delete(key)
