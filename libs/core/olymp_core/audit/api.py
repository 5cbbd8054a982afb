"""The audit trail, read over HTTP: the same two routes in every service, for those who oversee.

    GET /audit          entries, filtered (action prefix, object, time) and paged by seq
    GET /audit/verify   whether the service's chain is intact, or where it breaks

`Service` mounts `audit_router(name)` beside the operations router, so no service declares it.

Who reads: the public observer (§18 of the OTM: present at every procedure, checking and appeals
included; the objectivity plan's public observation), the organiser — the municipal coordinator,
who decides on an observer's report (§19) and monitors objectivity — and the regional
coordinator, who stands for the regional organiser and its supervisors (§16). The jury chair is
not admitted: the trail covers every subject while the chair's remit is one, and those who check
works are among the people the trail oversees. Participants and the public read nothing here. The
entries name works by code and people by login, never a participant's identity (the services
write them so).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from olymp_core.audit.chain import AuditEntry, BreakReason, VerifyResult
from olymp_core.audit.trail import AuditQuery, read_entries, read_head, verify
from olymp_core.auth import Principal, Role, authorize
from olymp_core.dependencies import CurrentClock, Uow

READERS = (Role.OBSERVER, Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR)
MAX_PAGE = 500
_MAX_SEQ = 2**63 - 1  # the column is a bigint: a larger cursor is a wrong request, not a crash
_TEXT_LIMIT = 200

Reader = Annotated[Principal, Depends(authorize(*READERS))]


def _plausible(instant: dt.datetime | None) -> dt.datetime | None:
    # far-off years overflow when moved to UTC; no olympiad is recorded outside these
    if instant is not None and not 2000 <= instant.year <= 2200:
        raise ValueError("укажите момент между 2000 и 2200 годом, с часовым поясом")
    return instant


Instant = Annotated[AwareDatetime | None, AfterValidator(_plausible)]


class AuditEntryRead(BaseModel):
    """One entry with its chain link: `hash` covers `prev_hash` and the entry's content."""

    seq: int
    at: dt.datetime
    actor: str = Field(description="Who acted: a login, or `system` for the service itself")
    action: str = Field(description="What happened, e.g. `work.marked`, `package_key_accessed`")
    object_type: str
    object_id: str
    payload: dict[str, Any]
    prev_hash: str = Field(description="The previous entry's hash (64 zeros before the first)")
    hash: str = Field(description="SHA-256 of `prev_hash` and the canonical JSON of the entry")
    hash_matches: bool = Field(
        description="Whether the entry's content, as stored now, still gives its `hash`; "
        "`GET /audit/verify` checks the links between entries as well"
    )

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        return cls(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            payload=dict(entry.payload),
            prev_hash=entry.prev_hash,
            hash=entry.hash,
            hash_matches=entry.expected_hash() == entry.hash,
        )


class AuditPage(BaseModel):
    service: str
    entries: list[AuditEntryRead]
    head_seq: int | None = Field(description="The last seq of the trail (None: the head is gone)")
    next_cursor: int | None = Field(
        description="Pass as `cursor` for the next page; None when this page is the last"
    )


class AuditVerifyRead(BaseModel):
    service: str
    intact: bool
    entries_checked: int = Field(description="Entries found intact before any break")
    first_bad_seq: int | None = Field(description="Where the chain breaks")
    reason: BreakReason | None
    problem: str | None = Field(description="The break, for operators (English)")
    summary: str = Field(description="The verdict as an observer reads it (Russian)")
    checked_at: dt.datetime

    @classmethod
    def of(cls, service: str, result: VerifyResult, checked_at: dt.datetime) -> AuditVerifyRead:
        return cls(
            service=service,
            intact=result.ok,
            entries_checked=result.entries_checked,
            first_bad_seq=result.first_bad_seq,
            reason=result.reason,
            problem=result.problem,
            summary=verdict_text(result),
            checked_at=checked_at,
        )


_BREAKS = {
    BreakReason.CHANGED: "запись № {seq} изменена после внесения",
    BreakReason.REMOVED: "запись № {seq} удалена (и, возможно, следующие за ней)",
    BreakReason.OUT_OF_ORDER: "запись № {seq} стоит не на своём месте",
    BreakReason.HEAD_MISSING: "удалена отметка о последней записи журнала",
    BreakReason.UNCOVERED: "записи начиная с № {seq} добавлены в обход журнала",
}


def verdict_text(result: VerifyResult) -> str:
    """The verdict in Russian: intact with the count, or the first break."""
    if result.ok:
        return f"Цепочка записей цела: проверено записей — {result.entries_checked}."
    what = _BREAKS.get(result.reason or BreakReason.CHANGED, _BREAKS[BreakReason.CHANGED])
    intact = (result.first_bad_seq or 1) - 1
    before = f"Записи № 1–{intact} целы. " if intact > 0 else ""
    return (
        f"Цепочка записей нарушена: {what.format(seq=result.first_bad_seq)}. {before}"
        "Сообщите организатору олимпиады и оператору системы."
    )


def audit_router(service: str) -> APIRouter:
    """The two read-only routes of `service`'s audit trail."""
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get(
        "",
        summary="Entries of the audit trail with their chain links, filtered and paged by seq",
        description=(
            "Newest first unless `order=asc`. Filters combine: `action` is a prefix "
            "(`work.` gives every work entry), `since` is inclusive and `until` exclusive. "
            "For the next page pass `next_cursor` as `cursor`, with the same filters."
        ),
    )
    async def list_entries(
        who: Reader,
        uow: Uow,
        action: Annotated[
            str | None, Query(max_length=_TEXT_LIMIT, description="A prefix of the action")
        ] = None,
        object_type: Annotated[str | None, Query(max_length=_TEXT_LIMIT)] = None,
        object_id: Annotated[str | None, Query(max_length=_TEXT_LIMIT)] = None,
        since: Annotated[Instant, Query(description="From this instant (with its zone)")] = None,
        until: Annotated[Instant, Query(description="Before this instant (with its zone)")] = None,
        cursor: Annotated[int | None, Query(ge=0, le=_MAX_SEQ)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        order: Literal["desc", "asc"] = "desc",
    ) -> AuditPage:
        query = AuditQuery(
            action_prefix=action,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
            after=cursor,
            limit=limit + 1,  # one more than asked: whether another page follows
            newest_first=order == "desc",
        )
        found = await read_entries(uow.session, query)
        head = await read_head(uow.session)
        page = found[:limit]
        return AuditPage(
            service=service,
            entries=[AuditEntryRead.of(entry) for entry in page],
            head_seq=None if head is None else head.seq,
            next_cursor=page[-1].seq if len(found) > limit else None,
        )

    @router.get(
        "/verify",
        summary="Whether the audit trail is intact: every entry recomputed and linked, or the "
        "first entry that was changed or removed",
    )
    async def verify_trail(who: Reader, uow: Uow, clock: CurrentClock) -> AuditVerifyRead:
        result = await verify(uow.session)
        return AuditVerifyRead.of(service, result, clock.now())

    return router
