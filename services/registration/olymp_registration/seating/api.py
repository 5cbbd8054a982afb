"""HTTP API of seating (§30–31): the organiser (the municipal coordinator) or the venue's
coordinator seats a venue's participants of a subject by a plan of rooms, at least a day before
the round; both read the seating and print the lists for the entrance and for each room."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow
from olymp_core.errors import ErrorMap
from olymp_registration.seating import documents, handlers
from olymp_registration.seating.domain import (
    InvalidSeatingPlan,
    RoomLayoutInUse,
    SeatingImpossible,
    SeatingNotFound,
    SeatingTooLate,
)
from olymp_registration.seating.schemas import SeatingCreate, SeatingRead

# §30: the venue's coordinator distributes the participants; the orgcommittee may do it for them.
_SEATERS = (Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR)
router = APIRouter(
    prefix="/olympiads",
    tags=["seating"],
    dependencies=[
        Depends(authorize(*_SEATERS, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code")))
    ],
)
Seater = Annotated[
    Principal, Depends(authorize(*_SEATERS, scope=ScopeRule(ScopeKind.VENUE, "venue")))
]

ERRORS: ErrorMap = {
    InvalidSeatingPlan: 422,
    SeatingImpossible: 422,
    SeatingTooLate: 409,
    RoomLayoutInUse: 409,
    SeatingNotFound: 404,
}

_SEATING = "/{olympiad_id}/subjects/{subject_code}/venues/{venue}/seating"
_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


@router.put(
    _SEATING,
    summary="Seat (or reseat) a venue's participants of a subject by a plan of rooms (§30)",
    description="Rooms by grade, one participant per desk, no neighbours (left, right, in front,"
    " behind) from one school; participants with special conditions (§12) only in the rooms"
    " chosen for them. Refused from the round's day on (the olympiad's time zone). A reseat keeps"
    " everyone whose desk is still right where they are. When no lawful arrangement exists,"
    " nobody is seated and `errors` says which room, which school, how many too many and what"
    " to do.",
)
async def seat_participants(
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    body: SeatingCreate,
    who: Seater,
    uow: Uow,
) -> SeatingRead:
    command = handlers.SeatParticipants(
        olympiad_id, subject_code, venue, tuple(r.to_domain() for r in body.rooms)
    )
    return SeatingRead.of(await handlers.seat_participants(command, uow, who))


@router.get(_SEATING, summary="A venue's seating in a subject, room by room")
async def get_seating(
    olympiad_id: uuid.UUID, subject_code: str, venue: str, who: Seater, uow: Uow
) -> SeatingRead:
    return SeatingRead.of(await handlers.get_seating(olympiad_id, subject_code, venue, uow))


@router.get(
    _SEATING + "/entrance.pdf",
    summary="The list for the entrance (§31): alphabetically, with room, row and desk",
    response_class=Response,
    responses=_PDF,
)
async def get_entrance_list(
    olympiad_id: uuid.UUID, subject_code: str, venue: str, who: Seater, uow: Uow
) -> Response:
    view = await handlers.get_seating(olympiad_id, subject_code, venue, uow)
    return _pdf(documents.entrance_list(view), f"seating-{subject_code}-entrance.pdf")


@router.get(
    _SEATING + "/rooms.pdf",
    summary="The lists for the rooms (§31): each room's plan of desks and its list",
    response_class=Response,
    responses=_PDF,
)
async def get_room_lists(
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    who: Seater,
    uow: Uow,
    room: Annotated[str | None, Query(description="One room only (its name)")] = None,
) -> Response:
    view = await handlers.get_seating(olympiad_id, subject_code, venue, uow)
    return _pdf(documents.room_lists(view, room), f"seating-{subject_code}-rooms.pdf")


def _pdf(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
