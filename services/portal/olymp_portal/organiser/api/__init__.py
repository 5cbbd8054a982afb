"""The organiser's screens: the participants' access codes (`codes`), the import of applications
(`imports`), seating (`seating`), the rounds and the room's board (`room`), the set-up of rounds
and venues (`setup`) and of the commissions (`rosters`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from olymp_core.auth import Role, authorize
from olymp_portal.organiser.api import codes, imports, room, rosters, seating, setup

router = APIRouter(dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False)
for screens in (
    codes.router,
    imports.router,
    seating.router,
    room.router,
    setup.router,
    rosters.router,
):
    router.include_router(screens)
