"""HTTP API of the registration service: olympiads, the participants import, check-in, removal."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.problems import Problem
from olymp_core.service import Runtime
from olymp_registration import handlers
from olymp_registration.schemas import (
    CheckInCreate,
    CheckInRead,
    ImportResult,
    OlympiadCreate,
    OlympiadRead,
    ParticipantList,
    ParticipantRead,
    RemovalCreate,
)
from olymp_registration.settings import RegistrationSettings

router = APIRouter(prefix="/olympiads", tags=["registration"])

_ORGANISERS = (Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR)
# Venues do not import the region's application: only the organisers do.
_IMPORTERS = _ORGANISERS
_STAFF = tuple(role for role in Role if role is not Role.PUBLIC)
_SUBJECT = ScopeRule(ScopeKind.SUBJECT, "subject_code")

Organiser = Annotated[Principal, Depends(authorize(*_ORGANISERS))]
Staff = Annotated[Principal, Depends(authorize(*_STAFF))]
Importer = Annotated[Principal, Depends(authorize(*_IMPORTERS))]
ListReader = Annotated[
    Principal,
    Depends(authorize(*_ORGANISERS, Role.VENUE_COORDINATOR, Role.CODING_OFFICER, scope=_SUBJECT)),
]
VenueCoordinator = Annotated[Principal, Depends(authorize(Role.VENUE_COORDINATOR, scope=_SUBJECT))]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@router.post("", status_code=201, summary="Create an olympiad: schedule and venues")
async def create_olympiad(
    body: OlympiadCreate, who: Organiser, runtime: RuntimeDep
) -> OlympiadRead:
    command = handlers.CreateOlympiad(
        title=body.title,
        school_year=body.school_year,
        time_zone=body.time_zone,
        subjects=tuple(s.to_domain() for s in body.subjects),
        venues=tuple(v.to_domain() for v in body.venues),
        actor=who.subject,
    )
    async with runtime.uows() as uow:
        stored = await handlers.create_olympiad(command, uow)
    return OlympiadRead.of(stored)


@router.get("/{olympiad_id}", summary="An olympiad with its schedule and venues")
async def get_olympiad(olympiad_id: uuid.UUID, who: Staff, runtime: RuntimeDep) -> OlympiadRead:
    async with runtime.uows() as uow:
        stored = await handlers.get_olympiad(olympiad_id, uow)
    return OlympiadRead.of(stored)


@router.post(
    "/{olympiad_id}/participants/import",
    summary="Import the participants application (CSV or XLSX), all rows or none",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    },
)
async def import_participants(
    olympiad_id: uuid.UUID,
    request: Request,
    who: Importer,
    runtime: RuntimeDep,
    file_format: Annotated[handlers.FileFormat, Query(alias="format")] = "csv",
) -> ImportResult:
    settings = runtime.settings
    limit = settings.max_import_bytes if isinstance(settings, RegistrationSettings) else 0
    data = await request.body()
    if limit and len(data) > limit:
        raise Problem(
            f"Файл больше {limit // (1024 * 1024)} МБ: разделите его на несколько файлов, "
            "например по предметам.",
            status=413,
            type_="file-too-large",
            title="Файл слишком большой",
        )
    command = handlers.ImportParticipants(olympiad_id, data, file_format, who.subject)
    async with runtime.uows() as uow:
        stored = await handlers.import_participants(command, uow)
    return ImportResult(imported=len(stored), participants=[ParticipantRead.of(p) for p in stored])


@router.get("/{olympiad_id}/participants", summary="Registered participants, by subject")
async def list_participants(
    olympiad_id: uuid.UUID,
    who: ListReader,
    runtime: RuntimeDep,
    subject_code: str | None = None,
) -> ParticipantList:
    """A caller limited to venues sees those marked at their venues and those not marked yet."""
    scope = handlers.VenueScope.of(who)
    async with runtime.uows() as uow:
        found = await handlers.list_participants(olympiad_id, subject_code, uow, scope)
    return ParticipantList(count=len(found), participants=[ParticipantRead.of(p) for p in found])


@router.post(
    "/{olympiad_id}/subjects/{subject_code}/check-in",
    summary="Day-of registration (§36): present or absent, for a list of participants",
)
async def check_in(
    olympiad_id: uuid.UUID,
    subject_code: str,
    body: CheckInCreate,
    who: VenueCoordinator,
    runtime: RuntimeDep,
) -> CheckInRead:
    command = handlers.CheckIn(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        entries=tuple(handlers.CheckInEntry(e.participant_id, e.present) for e in body.entries),
        actor=who.subject,
        day=body.day,
        venue=body.venue,
        scope=handlers.VenueScope.of(who),
    )
    async with runtime.uows() as uow:
        result = await handlers.check_in_participants(command, uow)
    return CheckInRead(present=result.present, absent=result.absent)


@router.post(
    "/{olympiad_id}/subjects/{subject_code}/participants/{participant_id}/removal",
    summary="Removal of a violator with an act (§53): the work is annulled",
)
async def remove_participant(
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    body: RemovalCreate,
    who: VenueCoordinator,
    runtime: RuntimeDep,
) -> ParticipantRead:
    command = handlers.RemoveParticipant(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        participant_id=participant_id,
        reason=body.reason,
        actor=who.subject,
        day=body.day,
        scope=handlers.VenueScope.of(who),
    )
    async with runtime.uows() as uow:
        stored = await handlers.remove_participant(command, uow)
    return ParticipantRead.of(stored)
