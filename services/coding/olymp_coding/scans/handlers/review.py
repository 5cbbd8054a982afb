"""Commands and queries on stored pages: the jury's links, title pages, a page's image, labels.

The manual queue's commands are in `queue`.

Every read of a page's image — by the jury through a link, by a coding officer — leaves an audit
entry in the same transaction that hands out the link or the bytes; so those reads are commands
and commit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from olymp_coding import store as coding_store
from olymp_coding.domain import validate_code
from olymp_coding.scans import store
from olymp_coding.scans.documents import label_sheets_pdf
from olymp_coding.scans.domain import (
    LinkRefused,
    OutOfScope,
    PageNotFound,
    SubjectNotCoded,
    UnknownWorkCode,
    upright_rotation,
)
from olymp_coding.scans.handlers.desk import ScanDesk
from olymp_coding.scans.store import KIND_ANSWER, KIND_TITLE, ScannedPage
from olymp_core.auth import Principal, Role, ScopeKind
from olymp_core.contracts.scoring import RecheckRequested
from olymp_core.db import UnitOfWork
from olymp_core.links import expiry
from olymp_core.storage import StorageCapabilityError
from olymp_core.subjects import subject

ROOMS_UNKNOWN = "не указана"


@dataclass(frozen=True)
class IssuePageLinks:
    olympiad_id: uuid.UUID
    work_code: str  # as typed


@dataclass(frozen=True)
class ReadSignedPage:
    olympiad_id: uuid.UUID
    page_id: uuid.UUID
    expires: int
    issued_to: str
    signature: str


@dataclass(frozen=True)
class ReadTitlePage:
    olympiad_id: uuid.UUID
    work_code: str  # as typed


@dataclass(frozen=True)
class ViewPage:
    olympiad_id: uuid.UUID
    page_id: uuid.UUID


@dataclass(frozen=True)
class PageLink:
    page_id: uuid.UUID
    sheet: int | None
    url: str
    expires_at: dt.datetime
    rotation: int  # degrees clockwise that stand the page upright (the scan itself is never turned)


@dataclass(frozen=True)
class PageImage:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class TitlePage:
    data: bytes
    content_type: str
    count: int  # how many title pages the work has; the latest is served


def subject_of(page: ScannedPage) -> str:
    # A queued page belongs to no work yet: the station's subject is all that is known of it.
    return page.subject_code or page.station_subject


def require_subject(who: Principal, subject_code: str, what: str) -> None:
    if not who.may_access(ScopeKind.SUBJECT, subject_code):
        raise OutOfScope(
            f"{what} относится к предмету «{subject(subject_code).name}», который вам не назначен. "
            "Обратитесь к сотруднику оргкомитета по кодированию этого предмета."
        )


async def known_work(uow: UnitOfWork, olympiad_id: uuid.UUID, typed_code: str) -> store.WorkByCode:
    code = validate_code(typed_code)  # MistypedCode: the check character caught a slip
    work = await store.work_by_code(uow.session, olympiad_id, code)
    if work is None:
        raise UnknownWorkCode(
            f"Шифр «{code}» не выдан ни одной работе этой олимпиады. Сверьте шифр с работой."
        )
    return work


def _signed_path(
    desk: ScanDesk, olympiad_id: uuid.UUID, page_id: uuid.UUID, expires: int, issued_to: str
) -> str:
    # The signature covers the olympiad, the page, the person and the expiry: a link cannot be
    # stretched, moved to another page or passed off as someone else's.
    signature = desk.links.sign(olympiad_id, page_id, issued_to, expires)
    query = urlencode({"expires": expires, "to": issued_to, "sig": signature})
    return f"/olympiads/{olympiad_id}/pages/{page_id}?{query}"


async def issue_page_links(
    command: IssuePageLinks, uow: UnitOfWork, actor: Principal, *, desk: ScanDesk
) -> list[PageLink]:
    """The answer pages of a work (never its title page), each with a short-lived link: for the
    jury, and for the regional coordinator the works they asked to re-check (§21)."""
    work = await known_work(uow, command.olympiad_id, command.work_code)
    if not actor.may_access(ScopeKind.SUBJECT, work.subject_code):
        raise OutOfScope(f"Работа {work.work_code} относится к предмету, который вам не назначен.")
    if actor.has_role(Role.APPEAL_MEMBER) and not actor.has_role(Role.JURY_MEMBER, Role.JURY_CHAIR):
        decoded = await coding_store.decoded_count(
            uow.session, command.olympiad_id, work.subject_code, work.task_grade
        )
        if decoded is None:
            raise OutOfScope(
                f"Работа {work.work_code} ещё не декодирована: апелляционная комиссия открывает "
                "работы после публикации предварительных результатов (п. 108)."
            )
    elif not actor.has_role(
        Role.JURY_MEMBER, Role.JURY_CHAIR
    ) and not await store.recheck_access_granted(uow.session, command.olympiad_id, work.work_code):
        # the regional coordinator: only the works they asked to re-check (§21)
        raise OutOfScope(
            f"Работа {work.work_code} не запрошена на перепроверку: региональный координатор "
            "открывает страницы только тех работ, которые он запросил на перепроверку (п. 21). "
            "Отправьте запрос на перепроверку этой работы."
        )
    links = await _answer_page_links(uow, command.olympiad_id, work.work_code, actor, desk)
    await uow.commit()
    return links


@dataclass(frozen=True)
class OwnWork:
    subject_code: str
    grade: int
    pages: list[PageLink]


async def participant_pages(
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    uow: UnitOfWork,
    actor: Principal,
    *,
    desk: ScanDesk,
) -> list[OwnWork]:
    """§91: a participant's own decoded works, answer pages only (never a title page), each
    with a short-lived link; no work code is given, so nothing links the person to a code."""
    found = await coding_store.decoded_works_of_participant(
        uow.session, olympiad_id, participant_id
    )
    works = [
        OwnWork(
            work.subject_code,
            work.task_grade,
            await _answer_page_links(uow, olympiad_id, work.work_code, actor, desk),
        )
        for work in found
        if not work.withdrawn
    ]
    await uow.commit()
    return works


async def _answer_page_links(
    uow: UnitOfWork, olympiad_id: uuid.UUID, work_code: str, actor: Principal, desk: ScanDesk
) -> list[PageLink]:
    """Links to a work's answer pages, each issue audited (the caller commits)."""
    pages = await store.pages_of_work(uow.session, olympiad_id, work_code, KIND_ANSWER)
    now = uow.clock.now()
    ttl = dt.timedelta(seconds=desk.link_ttl_s)
    expires_at, expires = now + ttl, expiry(now, desk.link_ttl_s)
    links = []
    for page in pages:
        try:
            url = await desk.objects.presigned_get_url(page.object_key, ttl)
            via = "presigned"
        except StorageCapabilityError:
            url = _signed_path(desk, olympiad_id, page.page_id, expires, actor.subject)
            via = "service"
        links.append(
            PageLink(page.page_id, page.sheet, url, expires_at, upright_rotation(page.orientation))
        )
        await uow.audit(
            actor=actor.subject,
            action="scan.page_link_issued",
            object_type="scanned_page",
            object_id=str(page.page_id),
            payload={"work_code": work_code, "via": via, "expires_at": expires_at.isoformat()},
        )
    return links


async def read_signed_page(
    command: ReadSignedPage, uow: UnitOfWork, *, desk: ScanDesk
) -> PageImage:
    """The bytes behind a service-signed link; a title page is never served this way.

    Nobody signs in to open a link: the audit names the person the link was issued to.
    """
    if not desk.links.valid(
        command.signature,
        command.olympiad_id,
        command.page_id,
        command.issued_to,
        expires=command.expires,
        now=uow.clock.now(),
    ):
        raise LinkRefused(
            "Ссылка на страницу недействительна или её срок истёк. "
            "Откройте список страниц работы заново, чтобы получить новую ссылку."
        )
    page = await store.page(uow.session, command.olympiad_id, command.page_id)
    if page is None or not page.for_jury:
        raise PageNotFound("Страница не найдена.")
    data = await desk.objects.get(page.object_key)
    await uow.audit(
        actor=command.issued_to,
        action="scan.page_read",
        object_type="scanned_page",
        object_id=str(command.page_id),
        payload={"work_code": page.work_code, "via": "service"},
    )
    await uow.commit()
    return PageImage(data, page.content_type)


async def read_title_page(
    command: ReadTitlePage, uow: UnitOfWork, actor: Principal, *, desk: ScanDesk
) -> TitlePage:
    """The latest title page of a work (coding role only), and how many are stored."""
    work = await known_work(uow, command.olympiad_id, command.work_code)
    require_subject(actor, work.subject_code, f"Работа {work.work_code}")
    titles = await store.pages_of_work(uow.session, command.olympiad_id, work.work_code, KIND_TITLE)
    if not titles:
        raise PageNotFound(f"Титульный лист работы {work.work_code} ещё не отсканирован.")
    latest = max(titles, key=lambda page: page.uploaded_at)
    data = await desk.objects.get(latest.object_key)
    await uow.audit(
        actor=actor.subject,
        action="scan.title_read",
        object_type="scanned_page",
        object_id=str(latest.page_id),
        payload={"work_code": work.work_code},
    )
    await uow.commit()
    return TitlePage(data, latest.content_type, len(titles))


async def view_page(
    command: ViewPage, uow: UnitOfWork, actor: Principal, *, desk: ScanDesk
) -> PageImage:
    """Any stored page of the officer's subjects, for settling the manual queue."""
    page = await store.page(uow.session, command.olympiad_id, command.page_id)
    if page is None:
        raise PageNotFound(f"Страница {command.page_id} не найдена среди загруженных сканов.")
    require_subject(actor, subject_of(page), f"Страница {command.page_id}")
    data = await desk.objects.get(page.object_key)
    await uow.audit(
        actor=actor.subject,
        action="scan.page_viewed",
        object_type="scanned_page",
        object_id=str(command.page_id),
        payload={"kind": page.kind, "queue_state": page.queue_state},
    )
    await uow.commit()
    return PageImage(data, page.content_type)


async def label_sheets(
    olympiad_id: uuid.UUID, subject_code: str, grade: int | None, uow: UnitOfWork
) -> bytes:
    """Label sheets for the subject's coded works, grade by grade (coding knows no rooms)."""
    found = subject(subject_code)
    if not found.coded:
        raise SubjectNotCoded(
            f"Работы по предмету «{found.name}» не шифруются (п. 60): "
            "наклейки с шифрами не печатаются, используются номера регистрации."
        )
    works = [
        (work.work_code, work.task_grade)
        for work in await coding_store.works_of(uow.session, olympiad_id, subject_code, grade)
        if work.coded and not work.withdrawn
    ]
    # FontMissing (503) when the machine has no Cyrillic font
    return await asyncio.to_thread(label_sheets_pdf, ROOMS_UNKNOWN, found.name, works)


async def on_recheck_requested(event: RecheckRequested, uow: UnitOfWork) -> None:
    """The regional coordinator asked scoring for these works' re-check (§21): they may now open
    the works' answer pages. Never commits: the consumer does, with the inbox row."""
    await store.grant_recheck_access(
        uow.session,
        event.olympiad_id,
        event.subject_code,
        event.work_codes,
        event.requested_by,
        uow.clock.now(),
    )
