"""HTTP API of the olympiad's set-up: the rounds with their briefing (§32) and the oral round
(§60), and the rosters of the jury (§21), the appeal commission (§102) and the orgcommittee with
each person's declared conflicts of interest (seed 000, §2). The venues and their rooms are
`PUT /olympiads/{id}/venues/{venue}` (`olymp_registration.api`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow
from olymp_core.errors import ErrorMap
from olymp_registration.setup import handlers
from olymp_registration.setup.domain import MemberNotFound, SetupRefused
from olymp_registration.setup.schemas import (
    MemberRead,
    MemberWrite,
    RosterList,
    RosterRead,
    RoundUpdate,
    ScheduleRead,
)

router = APIRouter(prefix="/olympiads", tags=["set-up"])

# §21: the organiser of the municipal stage approves the compositions and sets the schedule.
Organiser = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR))]
Reader = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR))]
# The jury chair reads the compositions of their own subject, declared conflicts included.
SubjectReader = Annotated[
    Principal,
    Depends(
        authorize(
            Role.MUNICIPAL_COORDINATOR,
            Role.COORDINATOR,
            Role.JURY_CHAIR,
            scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"),
        )
    ),
]

ERRORS: ErrorMap = {SetupRefused: 422, MemberNotFound: 404}

_MEMBER = "/{olympiad_id}/commissions/members/{member_id}"


@router.get(
    "/{olympiad_id}/schedule",
    summary="Every subject's rounds in local time with the briefing, and the rounds not yet set",
)
async def get_schedule(olympiad_id: uuid.UUID, who: Reader, uow: Uow) -> ScheduleRead:
    return ScheduleRead.of(await handlers.schedule(olympiad_id, uow))


@router.put(
    "/{olympiad_id}/subjects/{subject_code}/rounds/{round_code}",
    summary="Add a round of a scheduled subject (the oral round, §60) or change its times",
    description="Refused (422) with every broken rule: the end not after the start, the briefing"
    " not before the start (§32), rounds of the subject overlapping, a day outside the school"
    " year, the oral round not after the written one, the first round moved to another day.",
)
async def put_round(
    olympiad_id: uuid.UUID,
    subject_code: str,
    round_code: str,
    body: RoundUpdate,
    who: Organiser,
    uow: Uow,
) -> ScheduleRead:
    command = handlers.ScheduleRound(
        olympiad_id, subject_code, round_code, body.day, body.start, body.end, body.briefing
    )
    return ScheduleRead.of(await handlers.schedule_round(command, uow, who))


@router.get(
    "/{olympiad_id}/commissions",
    summary="The jury and the appeal commission of each subject and the orgcommittee, with"
    " what each lacks and the declared conflicts among the participants' schools",
)
async def get_rosters(olympiad_id: uuid.UUID, who: Reader, uow: Uow) -> RosterList:
    return RosterList(rosters=[RosterRead.of(r) for r in await handlers.rosters(olympiad_id, uow)])


@router.get(
    "/{olympiad_id}/subjects/{subject_code}/commissions",
    summary="The jury and the appeal commission of one subject with their declared conflicts",
    description="Also for the subject's jury chair, who keeps a flagged member away from what the"
    " coding does not hide.",
)
async def get_subject_rosters(
    olympiad_id: uuid.UUID, subject_code: str, who: SubjectReader, uow: Uow
) -> RosterList:
    found = await handlers.subject_rosters(olympiad_id, subject_code, uow)
    return RosterList(rosters=[RosterRead.of(r) for r in found])


@router.post(
    "/{olympiad_id}/commissions/members",
    status_code=201,
    summary="Add a person to a commission with the conflicts of interest they declared",
)
async def add_member(
    olympiad_id: uuid.UUID, body: MemberWrite, who: Organiser, uow: Uow
) -> MemberRead:
    command = handlers.AddMember(olympiad_id, body.to_domain())
    return MemberRead.of(await handlers.add_member(command, uow, who))


@router.put(_MEMBER, summary="Change a person's place, name, login or declared conflicts")
async def put_member(
    olympiad_id: uuid.UUID, member_id: uuid.UUID, body: MemberWrite, who: Organiser, uow: Uow
) -> MemberRead:
    command = handlers.UpdateMember(olympiad_id, member_id, body.to_domain())
    return MemberRead.of(await handlers.update_member(command, uow, who))


@router.delete(_MEMBER, status_code=204, summary="Take a person out of a commission")
async def delete_member(
    olympiad_id: uuid.UUID, member_id: uuid.UUID, who: Organiser, uow: Uow
) -> Response:
    await handlers.remove_member(handlers.RemoveMember(olympiad_id, member_id), uow, who)
    return Response(status_code=204)
