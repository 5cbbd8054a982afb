"""HTTP API of the venue's day after check-in: the removal act as a PDF (§53, App. 14) and the
works counted per room after the round (§141)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow
from olymp_core.errors import ErrorMap
from olymp_registration.venue_day import documents, handlers
from olymp_registration.venue_day.domain import RemovalActNotFound, WorksCountRefused
from olymp_registration.venue_day.schemas import RoomCountRead, VenueCountsRead, WorksCountCreate

_SUBJECT = ScopeRule(ScopeKind.SUBJECT, "subject_code")
router = APIRouter(prefix="/olympiads", tags=["venue day"])
# The venue's coordinator acts at their venue; the orgcommittee reads and corrects any.
VenueStaff = Annotated[
    Principal,
    Depends(authorize(Role.VENUE_COORDINATOR, Role.MUNICIPAL_COORDINATOR, scope=_SUBJECT)),
]

ERRORS: ErrorMap = {WorksCountRefused: 422, RemovalActNotFound: 404}

_WORKS = "/{olympiad_id}/subjects/{subject_code}/venues/{venue}/works"
_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


@router.get(
    "/{olympiad_id}/subjects/{subject_code}/participants/{participant_id}/removal/act.pdf",
    summary="The removal act (§53, App. 14): number, reason, time, room, signatories",
    response_class=Response,
    responses=_PDF,
)
async def get_removal_act(
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    who: VenueStaff,
    uow: Uow,
) -> Response:
    act = await handlers.removal_act(olympiad_id, subject_code, participant_id, uow, who)
    number = act.removal.act_number or "draft"
    filename = f"removal-act-{number}-{subject_code}.pdf"
    return Response(
        documents.removal_act_pdf(act),
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.get(_WORKS, summary="Works per room after the round (§141) against those present")
async def get_works(
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    who: VenueStaff,
    uow: Uow,
    day: Annotated[dt.date | None, Query(description="Round day; by default today")] = None,
) -> VenueCountsRead:
    found = await handlers.venue_counts(olympiad_id, subject_code, venue, day, uow, who)
    return VenueCountsRead.of(found)


@router.put(
    _WORKS + "/{room}",
    summary="Record the works a room handed over (§141)",
    description="Checked against those checked in present that day, seated in the room and not"
    " removed; a different number is refused unless `explanation` says why. A recount replaces"
    " the earlier one; both stay in the audit trail.",
)
async def put_works(
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    room: str,
    body: WorksCountCreate,
    who: VenueStaff,
    uow: Uow,
) -> RoomCountRead:
    command = handlers.CountWorks(
        olympiad_id, subject_code, venue, room, body.works, body.explanation, body.day
    )
    return RoomCountRead.of(await handlers.count_works(command, uow, who))
