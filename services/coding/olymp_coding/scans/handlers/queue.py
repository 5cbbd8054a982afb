"""The coding officer's manual queue: what waits, which works each page most likely belongs to, and
the officer's decisions — assign to a work, a draft (§45), discard — each taken back by returning
the page to the queue, an assigned page only until its subject and grade is decoded (§65).

Every decision and every return is audited with who made it; the page row keeps the latest
decision, who and when.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from PIL import Image

from olymp_coding import store as coding_store
from olymp_coding.scans import store
from olymp_coding.scans.domain import (
    FilePage,
    GradeDecoded,
    PageAlreadyAssigned,
    PageNotFound,
    PageNotQueued,
    PageNotReturnable,
    Resolution,
    Suggestion,
    WorkPages,
    WrongSubject,
    orientation_of,
    page_key,
    retain_until,
    suggest_works,
)
from olymp_coding.scans.handlers.desk import ScanDesk
from olymp_coding.scans.handlers.retention import MODE_OBJECT_LOCK
from olymp_coding.scans.handlers.review import (
    PageImage,
    ViewPage,
    known_work,
    require_subject,
    subject_of,
)
from olymp_coding.scans.store import (
    KIND_ANSWER,
    KIND_TITLE,
    QUEUE_PENDING,
    QUEUE_RESOLVED,
    ScannedPage,
)
from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.coding import PageScanned
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject

THUMBNAIL_WIDTH: Final = 240
_THUMBNAIL_QUALITY: Final = 70
RESOLVED_SHOWN: Final = 200  # the latest decisions listed for taking back


@dataclass(frozen=True)
class AssignPage:
    olympiad_id: uuid.UUID
    page_id: uuid.UUID
    work_code: str  # as typed; checked here
    subject_code: str  # the subject the officer believes the work is in
    kind: str  # answer or title
    rotation: int = 0  # degrees clockwise the officer turned the page to read it upright


@dataclass(frozen=True)
class SetPageAside:
    """Mark a queued page a draft (§45) or discard it: it goes to no work."""

    olympiad_id: uuid.UUID
    page_id: uuid.UUID
    resolution: Resolution  # DRAFT or DISCARDED
    rotation: int = 0


@dataclass(frozen=True)
class ReturnPage:
    olympiad_id: uuid.UUID
    page_id: uuid.UUID


@dataclass(frozen=True)
class QueuedPage:
    page: ScannedPage
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True)
class SettledPage:
    """A page decided in the queue, and whether the decision can still be taken back."""

    page: ScannedPage
    grade: int | None  # the work's task grade, for an assigned page
    returnable: bool
    why_not: str | None  # Russian, when it cannot


def _visible(who: Principal, page: ScannedPage) -> bool:
    return who.may_access(ScopeKind.SUBJECT, subject_of(page))


async def manual_queue(olympiad_id: uuid.UUID, uow: UnitOfWork, who: Principal) -> list[QueuedPage]:
    """The queued pages of the officer's subjects, in the order they were scanned, each with the
    works it most likely belongs to."""
    session = uow.session
    pages = [p for p in await store.manual_queue(session, olympiad_id) if _visible(who, p)]
    if not pages:
        return []
    open_works = await _open_works(uow, olympiad_id, {p.station_subject for p in pages})
    uploads = {(p.source_file, p.uploaded_at) for p in pages}
    neighbours: dict[tuple[str, object], list[FilePage]] = defaultdict(list)
    for found in await store.upload_pages(session, olympiad_id, uploads):
        neighbours[(found.source_file, found.uploaded_at)].append(
            FilePage(found.source_page, found.work_code, found.sheet, found.kind == KIND_TITLE)
        )
    return [
        QueuedPage(
            page,
            tuple(
                suggest_works(
                    position=page.source_page,
                    title_page=page.kind == KIND_TITLE,
                    file_pages=neighbours[(page.source_file, page.uploaded_at)],
                    works=open_works[page.station_subject],
                )
            ),
        )
        for page in pages
    ]


async def _open_works(
    uow: UnitOfWork, olympiad_id: uuid.UUID, subjects: set[str]
) -> dict[str, dict[str, WorkPages]]:
    """Per subject, the works that may still take a page, with what is settled on each."""
    session = uow.session
    decoded = await coding_store.decodings_of(session, olympiad_id)
    found: dict[str, dict[str, WorkPages]] = {}
    for subject_code in subjects:
        settled = await store.settled_pages_of_subject(session, olympiad_id, subject_code)
        works: dict[str, WorkPages] = {}
        for work in await coding_store.works_of(session, olympiad_id, subject_code):
            if not work.coded or work.withdrawn or (subject_code, work.task_grade) in decoded:
                continue
            pages = settled.get(work.work_code)
            works[work.work_code] = (
                WorkPages(work.work_code, pages.sheets, pages.answer_pages, pages.title_pages)
                if pages
                else WorkPages(work.work_code)
            )
        found[subject_code] = works
    return found


async def resolved_pages(
    olympiad_id: uuid.UUID, uow: UnitOfWork, who: Principal
) -> list[SettledPage]:
    """The latest pages decided in the queue (of the officer's subjects), with whether each can
    still go back to the queue."""
    session = uow.session
    pages = [
        p
        for p in await store.resolved_pages(session, olympiad_id, RESOLVED_SHOWN)
        if _visible(who, p)
    ]
    codes = {p.work_code for p in pages if p.work_code}
    works = await store.known_works(session, olympiad_id, codes)
    decoded = await coding_store.decodings_of(session, olympiad_id)
    settled = []
    for page in pages:
        work = works.get(page.work_code) if page.work_code else None
        grade = work.task_grade if work else None
        if work is not None and (work.subject_code, work.task_grade) in decoded:
            settled.append(SettledPage(page, grade, False, _decoded_text(work, page.work_code)))
        else:
            settled.append(SettledPage(page, grade, True, None))
    return settled


def _decoded_text(work: store.KnownWork | store.WorkByCode, work_code: str | None) -> str:
    return (
        f"Работы {work.task_grade} класса по предмету «{subject(work.subject_code).name}» уже "
        f"декодированы (п. 65): страницы работы {work_code} больше не меняются. Если страница "
        "отнесена к работе ошибочно, сообщите председателю жюри."
    )


async def _page_for_update(
    uow: UnitOfWork, olympiad_id: uuid.UUID, page_id: uuid.UUID
) -> ScannedPage:
    page = await store.page(uow.session, olympiad_id, page_id, for_update=True)
    if page is None:
        raise PageNotFound(f"Страница {page_id} не найдена среди загруженных сканов.")
    return page


def _require_queued(page: ScannedPage) -> None:
    if page.queue_state == QUEUE_PENDING:
        return
    if page.work_code is not None:
        raise PageAlreadyAssigned(
            f"Страница {page.page_id} уже отнесена к работе {page.work_code}; "
            "повторная привязка не нужна."
        )
    label = Resolution(page.resolution).label if page.resolution else "разобрана"
    raise PageNotQueued(
        f"Страница {page.page_id} уже не в очереди: {label}. Чтобы решить иначе, "
        "сначала верните её в очередь."
    )


async def _require_not_decoded(
    uow: UnitOfWork, olympiad_id: uuid.UUID, work: store.WorkByCode
) -> None:
    """Wait for a decoding of the work's grade under way, then refuse if it is decoded."""
    session = uow.session
    await coding_store.lock_grade(session, olympiad_id, work.subject_code, work.task_grade)
    decoded = await coding_store.decoded_count(
        session, olympiad_id, work.subject_code, work.task_grade
    )
    if decoded is not None:
        raise GradeDecoded(_decoded_text(work, work.work_code))


async def assign_page(
    command: AssignPage, uow: UnitOfWork, actor: Principal, *, desk: ScanDesk
) -> ScannedPage:
    """Settle a page from the manual queue on a work (and say whether it is a title page)."""
    moved_from: str | None = None
    page = await _page_for_update(uow, command.olympiad_id, command.page_id)
    require_subject(actor, subject_of(page), f"Страница {command.page_id}")
    _require_queued(page)
    work = await known_work(uow, command.olympiad_id, command.work_code)
    if work.subject_code != command.subject_code:
        raise WrongSubject(
            f"Шифр «{work.work_code}» относится к предмету «{subject(work.subject_code).name}», "
            f"а указан предмет «{subject(command.subject_code).name}». "
            "Проверьте шифр и предмет работы."
        )
    require_subject(actor, work.subject_code, f"Работа {work.work_code}")
    await _require_not_decoded(uow, command.olympiad_id, work)
    digest = page.object_key.rsplit("/", 1)[-1].split(".", 1)
    key = page_key(
        str(command.olympiad_id), digest[0], digest[1], title_page=command.kind == KIND_TITLE
    )
    if key != page.object_key:
        # A title page must not stay under the scans prefix, nor an answer page under titles.
        data = await desk.objects.get(page.object_key)
        await desk.objects.put(key, data, content_type=page.content_type)
        moved_from = page.object_key
    await store.resolve(
        uow.session,
        page.page_id,
        work_code=work.work_code,
        subject_code=work.subject_code,
        kind=command.kind,
        object_key=key,
        orientation=orientation_of(command.rotation),
        at=uow.clock.now(),
        by=actor.subject,
    )
    if command.kind == KIND_ANSWER:
        uow.publish(
            PageScanned(
                olympiad_id=command.olympiad_id,
                work_code=work.work_code,
                subject_code=work.subject_code,
                page_id=page.page_id,
                sheet=page.sheet,
            )
        )
    await uow.audit(
        actor=actor.subject,
        action="scan.page_assigned",
        object_type="scanned_page",
        object_id=str(page.page_id),
        payload={
            "work_code": work.work_code,
            "kind": command.kind,
            "reason": page.routing_reason,
            "rotation": command.rotation,
        },
    )
    await uow.commit()
    resolved = await store.page(uow.session, command.olympiad_id, command.page_id)
    assert resolved is not None
    if moved_from is not None:
        until = max(resolved.retain_until, retain_until(uow.clock.now(), desk.retention_years))
        if await desk.retention.protect([key], until) != MODE_OBJECT_LOCK:
            await desk.objects.delete(moved_from)  # a locked original stays until its date
    return resolved


_ASIDE_ACTIONS = {
    Resolution.DRAFT: "scan.page_drafted",
    Resolution.DISCARDED: "scan.page_discarded",
}


async def set_page_aside(command: SetPageAside, uow: UnitOfWork, actor: Principal) -> ScannedPage:
    """A draft (§45: never checked, never coded) or a page of no work: out of the queue, on no work.

    Its object stays where it lies (a title page's under titles/): no path of the jury reaches a
    page without a work.
    """
    action = _ASIDE_ACTIONS.get(command.resolution)
    if action is None:
        raise ValueError(f"{command.resolution} is not a decision that sets a page aside")
    page = await _page_for_update(uow, command.olympiad_id, command.page_id)
    require_subject(actor, subject_of(page), f"Страница {command.page_id}")
    _require_queued(page)
    await store.set_aside(
        uow.session,
        page.page_id,
        resolution=command.resolution.value,
        orientation=orientation_of(command.rotation),
        at=uow.clock.now(),
        by=actor.subject,
    )
    await uow.audit(
        actor=actor.subject,
        action=action,
        object_type="scanned_page",
        object_id=str(page.page_id),
        payload={"kind": page.kind, "reason": page.routing_reason, "rotation": command.rotation},
    )
    await uow.commit()
    return await _reread(uow, command.olympiad_id, command.page_id)


async def return_page(command: ReturnPage, uow: UnitOfWork, actor: Principal) -> ScannedPage:
    """Take back the queue's decision on a page: it waits in the queue again, on no work.

    Refused for an assigned page once its subject and grade is decoded, and for a page that was
    never decided in the queue (one routed by its label is not the officer's to move).
    """
    page = await _page_for_update(uow, command.olympiad_id, command.page_id)
    require_subject(actor, subject_of(page), f"Страница {command.page_id}")
    if page.queue_state != QUEUE_RESOLVED:
        state = (
            "она и так в очереди"
            if page.queue_state == QUEUE_PENDING
            else f"она отнесена к работе {page.work_code} по наклейке, а не в очереди"
        )
        raise PageNotReturnable(f"Страницу {page.page_id} нельзя вернуть в очередь: {state}.")
    if page.resolution == Resolution.ASSIGNED and page.work_code is not None:
        work = await store.work_by_code(uow.session, command.olympiad_id, page.work_code)
        if work is not None:
            await _require_not_decoded(uow, command.olympiad_id, work)
    await store.return_to_queue(uow.session, page.page_id)
    await uow.audit(
        actor=actor.subject,
        action="scan.page_returned",
        object_type="scanned_page",
        object_id=str(page.page_id),
        payload={
            "resolution": page.resolution,
            "work_code": page.work_code,
            "decided_by": page.resolved_by,
        },
    )
    await uow.commit()
    return await _reread(uow, command.olympiad_id, command.page_id)


async def _reread(uow: UnitOfWork, olympiad_id: uuid.UUID, page_id: uuid.UUID) -> ScannedPage:
    found = await store.page(uow.session, olympiad_id, page_id)
    assert found is not None
    return found


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as opened:
        if opened.format == "JPEG":
            opened.draft("L", (THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * opened.height // opened.width))
        gray = opened.convert("L")
    gray.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 4))
    out = io.BytesIO()
    gray.save(out, format="JPEG", quality=_THUMBNAIL_QUALITY)
    return out.getvalue()


async def page_thumbnail(
    command: ViewPage, uow: UnitOfWork, actor: Principal, *, desk: ScanDesk
) -> PageImage:
    """A small JPEG of a stored page of the officer's subjects, for the queue's strip (audited)."""
    page = await store.page(uow.session, command.olympiad_id, command.page_id)
    if page is None:
        raise PageNotFound(f"Страница {command.page_id} не найдена среди загруженных сканов.")
    require_subject(actor, subject_of(page), f"Страница {command.page_id}")
    data = await desk.objects.get(page.object_key)
    small = await asyncio.get_running_loop().run_in_executor(desk.pool, _thumbnail, data)
    await uow.audit(
        actor=actor.subject,
        action="scan.page_viewed",
        object_type="scanned_page",
        object_id=str(command.page_id),
        payload={"kind": page.kind, "queue_state": page.queue_state, "size": "thumbnail"},
    )
    await uow.commit()
    return PageImage(small, "image/jpeg")
