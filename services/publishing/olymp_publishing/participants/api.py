"""The participant's own places (§91): for a token pinned to that participant only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow
from olymp_publishing.participants import handlers
from olymp_publishing.participants.schemas import OwnPlaceRead, OwnPlaces

router = APIRouter(prefix="/olympiads/{olympiad_id}/participants", tags=["participants"])
Participant = Annotated[
    Principal,
    Depends(
        authorize(
            Role.PARTICIPANT,
            scope=ScopeRule(ScopeKind.PARTICIPANT, "participant_id", required=True),
        )
    ),
]


@router.get(
    "/{participant_id}/places",
    summary="The participant's own place and status in the latest published table of each subject",
)
async def own_places(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, who: Participant, uow: Uow
) -> OwnPlaces:
    found = await handlers.places_of(olympiad_id, participant_id, uow)
    return OwnPlaces(places=[OwnPlaceRead(**vars(place)) for place in found])
