"""Commands and queries on stored pages: the manual queue, the jury's links, title pages, labels.

Every read of a page's image — by the jury through a link, by a coding officer — leaves an audit
entry in the same transaction that hands out the link or the bytes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_coding import scan_store, store
from olymp_coding.domain import validate_code
from olymp_coding.labels import label_sheets_pdf
from olymp_coding.page_links import signed_path, verify
from olymp_coding.retention import MODE_OBJECT_LOCK, retain_until
from olymp_coding.scan_store import KIND_ANSWER, KIND_TITLE, QUEUE_PENDING, ScannedPage
from olymp_coding.scanning import page_key
from olymp_coding.scans.desk import ScanDesk
from olymp_coding.scans.errors import (
    LinkRefused,
    OutOfScope,
    PageAlreadyAssigned,
    PageNotFound,
    UnknownWorkCode,
    WrongSubject,
)
from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.coding import PageScanned
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.storage import StorageCapabilityError
from olymp_core.subjects import subject

ROOMS_UNKNOWN = "не указана"


def _subject_of(page: ScannedPage) -> str:
    # A queued page belongs to no work yet: the station's subject is all that is known of it.
    return page.subject_code or page.station_subject


def _require_subject(who: Principal, subject_code: str, what: str) -> None:
    if not who.may_access(ScopeKind.SUBJECT, subject_code):
        raise OutOfScope(
            f"{what} относится к предмету «{subject(subject_code).name}», который вам не назначен. "
            "Обратитесь к сотруднику оргкомитета по кодированию этого предмета."
        )


async def manual_queue(
    uow: UnitOfWork, olympiad_id: uuid.UUID, who: Principal
) -> list[ScannedPage]:
    """The queued pages of the subjects the officer is assigned to."""
    pages = await scan_store.manual_queue(uow.session, olympiad_id)
    return [page for page in pages if who.may_access(ScopeKind.SUBJECT, _subject_of(page))]


@dataclass(frozen=True)
class Assignment:
    olympiad_id: uuid.UUID
    page_id: uuid.UUID
    work_code: str  # as typed; checked here
    subject_code: str  # the subject the officer believes the work is in
    kind: str  # answer or title
    who: Principal


async def _known_work(
    uow: UnitOfWork, olympiad_id: uuid.UUID, typed_code: str
) -> scan_store.WorkByCode:
    code = validate_code(typed_code)  # MistypedCode: the check character caught a slip
    work = await scan_store.work_by_code(uow.session, olympiad_id, code)
    if work is None:
        raise UnknownWorkCode(
            f"Шифр «{code}» не выдан ни одной работе этой олимпиады. Сверьте шифр с работой."
        )
    return work


async def assign_page(desk: ScanDesk, uows: UnitOfWorkFactory, command: Assignment) -> ScannedPage:
    """Settle a page from the manual queue on a work (and say whether it is a title page)."""
    moved_from: str | None = None
    async with uows() as uow:
        page = await scan_store.page(
            uow.session, command.olympiad_id, command.page_id, for_update=True
        )
        if page is None:
            raise PageNotFound(f"Страница {command.page_id} не найдена среди загруженных сканов.")
        _require_subject(command.who, _subject_of(page), f"Страница {command.page_id}")
        if page.queue_state != QUEUE_PENDING:
            raise PageAlreadyAssigned(
                f"Страница {command.page_id} уже отнесена к работе {page.work_code}; "
                "повторная привязка не нужна."
            )
        work = await _known_work(uow, command.olympiad_id, command.work_code)
        if work.subject_code != command.subject_code:
            raise WrongSubject(
                f"Шифр «{work.work_code}» относится к предмету «{subject(work.subject_code).name}», "
                f"а указан предмет «{subject(command.subject_code).name}». "
                "Проверьте шифр и предмет работы."
            )
        _require_subject(command.who, work.subject_code, f"Работа {work.work_code}")
        digest = page.object_key.rsplit("/", 1)[-1].split(".", 1)
        key = page_key(
            str(command.olympiad_id), digest[0], digest[1], title_page=command.kind == KIND_TITLE
        )
        if key != page.object_key:
            # A title page must not stay under the scans prefix, nor an answer page under titles.
            data = await desk.store.get(page.object_key)
            await desk.store.put(key, data, content_type=page.content_type)
            moved_from = page.object_key
        await scan_store.resolve(
            uow.session,
            page.page_id,
            work_code=work.work_code,
            subject_code=work.subject_code,
            kind=command.kind,
            object_key=key,
            at=uow.clock.now(),
            by=command.who.subject,
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
            actor=command.who.subject,
            action="scan.page_assigned",
            object_type="scanned_page",
            object_id=str(page.page_id),
            payload={
                "work_code": work.work_code,
                "kind": command.kind,
                "reason": page.routing_reason,
            },
        )
        await uow.commit()
        resolved = await scan_store.page(uow.session, command.olympiad_id, command.page_id)
    assert resolved is not None
    if moved_from is not None:
        until = max(resolved.retain_until, retain_until(uows.clock.now(), desk.retention_years))
        if await desk.retention.protect([key], until) != MODE_OBJECT_LOCK:
            await desk.store.delete(moved_from)  # a locked original stays until its date
    return resolved


@dataclass(frozen=True)
class PageLink:
    page_id: uuid.UUID
    sheet: int | None
    url: str
    expires_at: dt.datetime


async def work_page_links(
    desk: ScanDesk, uows: UnitOfWorkFactory, olympiad_id: uuid.UUID, typed_code: str, who: Principal
) -> list[PageLink]:
    """The answer pages of a work (never its title page), each with a short-lived link."""
    async with uows() as uow:
        work = await _known_work(uow, olympiad_id, typed_code)
        if not who.may_access(ScopeKind.SUBJECT, work.subject_code):
            raise OutOfScope(
                f"Работа {work.work_code} относится к предмету, который вам не назначен."
            )
        pages = await scan_store.pages_of_work(
            uow.session, olympiad_id, work.work_code, KIND_ANSWER
        )
        ttl = dt.timedelta(seconds=desk.link_ttl_s)
        expires_at = uow.clock.now() + ttl
        links = []
        for page in pages:
            try:
                url = await desk.store.presigned_get_url(page.object_key, ttl)
                via = "presigned"
            except StorageCapabilityError:
                url = signed_path(
                    desk.link_secret, olympiad_id, page.page_id, expires_at, who.subject
                )
                via = "service"
            links.append(PageLink(page.page_id, page.sheet, url, expires_at))
            await uow.audit(
                actor=who.subject,
                action="scan.page_link_issued",
                object_type="scanned_page",
                object_id=str(page.page_id),
                payload={
                    "work_code": work.work_code,
                    "via": via,
                    "expires_at": expires_at.isoformat(),
                },
            )
        await uow.commit()
    return links


async def read_signed_page(
    desk: ScanDesk,
    uows: UnitOfWorkFactory,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    *,
    expires: int,
    issued_to: str,
    sig: str,
) -> tuple[bytes, str]:
    """The bytes behind a service-signed link; a title page is never served this way."""
    async with uows() as uow:
        if not verify(
            desk.link_secret, olympiad_id, page_id, expires, issued_to, sig, uow.clock.now()
        ):
            raise LinkRefused(
                "Ссылка на страницу недействительна или её срок истёк. "
                "Откройте список страниц работы заново, чтобы получить новую ссылку."
            )
        page = await scan_store.page(uow.session, olympiad_id, page_id)
        if page is None or not page.for_jury:
            raise PageNotFound("Страница не найдена.")
        data = await desk.store.get(page.object_key)
        await uow.audit(
            actor=issued_to,
            action="scan.page_read",
            object_type="scanned_page",
            object_id=str(page_id),
            payload={"work_code": page.work_code, "via": "service"},
        )
        await uow.commit()
    return data, page.content_type


async def title_page(
    desk: ScanDesk, uows: UnitOfWorkFactory, olympiad_id: uuid.UUID, typed_code: str, who: Principal
) -> tuple[bytes, str, int]:
    """The latest title page of a work (coding role only), and how many are stored."""
    async with uows() as uow:
        work = await _known_work(uow, olympiad_id, typed_code)
        _require_subject(who, work.subject_code, f"Работа {work.work_code}")
        titles = await scan_store.pages_of_work(
            uow.session, olympiad_id, work.work_code, KIND_TITLE
        )
        if not titles:
            raise PageNotFound(f"Титульный лист работы {work.work_code} ещё не отсканирован.")
        latest = max(titles, key=lambda page: page.uploaded_at)
        data = await desk.store.get(latest.object_key)
        await uow.audit(
            actor=who.subject,
            action="scan.title_read",
            object_type="scanned_page",
            object_id=str(latest.page_id),
            payload={"work_code": work.work_code},
        )
        await uow.commit()
    return data, latest.content_type, len(titles)


async def officer_page(
    desk: ScanDesk,
    uows: UnitOfWorkFactory,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    who: Principal,
) -> tuple[bytes, str]:
    """Any stored page of the officer's subjects, for settling the manual queue."""
    async with uows() as uow:
        page = await scan_store.page(uow.session, olympiad_id, page_id)
        if page is None:
            raise PageNotFound(f"Страница {page_id} не найдена среди загруженных сканов.")
        _require_subject(who, _subject_of(page), f"Страница {page_id}")
        data = await desk.store.get(page.object_key)
        await uow.audit(
            actor=who.subject,
            action="scan.page_viewed",
            object_type="scanned_page",
            object_id=str(page_id),
            payload={"kind": page.kind, "queue_state": page.queue_state},
        )
        await uow.commit()
    return data, page.content_type


async def label_sheets(
    uow: UnitOfWork, olympiad_id: uuid.UUID, subject_code: str, grade: int | None
) -> bytes:
    """Label sheets for the subject's coded works, grade by grade (coding knows no rooms)."""
    works = [
        (work.work_code, work.task_grade)
        for work in await store.works_of(uow.session, olympiad_id, subject_code, grade)
        if work.coded and not work.withdrawn
    ]
    return await asyncio.to_thread(
        label_sheets_pdf, ROOMS_UNKNOWN, subject(subject_code).name, works
    )
