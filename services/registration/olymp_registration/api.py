"""HTTP API of the registration service: olympiads and their venues, the participants import,
withdrawals, check-in, removal (seating: `olymp_registration.seating`)."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO, Annotated

from fastapi import APIRouter, Depends, Query, Request

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow, context
from olymp_core.errors import ErrorMap
from olymp_core.request_limits import body_limit
from olymp_registration import handlers
from olymp_registration.domain import (
    CheckInRefused,
    DayInFuture,
    DuplicateCheckInEntry,
    FileTooLarge,
    IdentityDocumentRefused,
    ImportConflict,
    ImportRejected,
    ImportTooSlow,
    InvalidEligibilityRules,
    InvalidOlympiad,
    OlympiadExists,
    OlympiadNotFound,
    ParticipantNotFound,
    RegistrationError,
    SubjectNotScheduled,
    UnknownVenue,
    Venue,
    VenueRequired,
    WithdrawalRefused,
)
from olymp_registration.schemas import (
    CheckInCreate,
    CheckInRead,
    EligibilityRead,
    EndWarningsUpdate,
    ImportResult,
    OlympiadCreate,
    OlympiadList,
    OlympiadRead,
    ParticipantList,
    ParticipantRead,
    PreviousAwardeesUpdate,
    RemovalCreate,
    ThresholdsUpdate,
    VenueRead,
    VenueUpdate,
    WithdrawalCreate,
)
from olymp_registration.settings import RegistrationSettings

router = APIRouter(prefix="/olympiads", tags=["registration"])

_ORGANISERS = (Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR)
# Venues do not import the region's application: only the organisers do.
_IMPORTERS = _ORGANISERS
_STAFF = tuple(role for role in Role if role not in (Role.PUBLIC, Role.PARTICIPANT))
_SUBJECT = ScopeRule(ScopeKind.SUBJECT, "subject_code")

Organiser = Annotated[Principal, Depends(authorize(*_ORGANISERS))]
Staff = Annotated[Principal, Depends(authorize(*_STAFF))]
Importer = Annotated[Principal, Depends(authorize(*_IMPORTERS))]
ListReader = Annotated[
    Principal,
    Depends(authorize(*_ORGANISERS, Role.VENUE_COORDINATOR, Role.CODING_OFFICER, scope=_SUBJECT)),
]
# §10: the organiser of the municipal stage sets who is admitted.
AdmissionSetter = Annotated[
    Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR, scope=_SUBJECT))
]
AdmissionReader = Annotated[Principal, Depends(authorize(*_IMPORTERS, scope=_SUBJECT))]
VenueCoordinator = Annotated[Principal, Depends(authorize(Role.VENUE_COORDINATOR, scope=_SUBJECT))]
Settings = Annotated[RegistrationSettings, Depends(context(RegistrationSettings))]

# VenueOutOfScope is a NotPermitted: 403 by the core's map.
ERRORS: ErrorMap = {
    RegistrationError: 422,
    InvalidOlympiad: 422,
    InvalidEligibilityRules: 422,
    ImportRejected: 422,
    ImportTooSlow: 422,
    DuplicateCheckInEntry: 422,
    IdentityDocumentRefused: 422,
    DayInFuture: 422,
    VenueRequired: 422,
    UnknownVenue: 422,
    CheckInRefused: 409,  # and RemovalRefused: the participant's state does not allow it
    WithdrawalRefused: 409,
    ImportConflict: 409,
    OlympiadNotFound: 404,
    OlympiadExists: 409,
    SubjectNotScheduled: 404,
    ParticipantNotFound: 404,
    FileTooLarge: 413,
}


@router.post("", status_code=201, summary="Create an olympiad: schedule and venues")
async def create_olympiad(
    body: OlympiadCreate, who: Organiser, uow: Uow, settings: Settings
) -> OlympiadRead:
    command = handlers.CreateOlympiad(
        title=body.title,
        school_year=body.school_year,
        time_zone=body.time_zone,
        subjects=tuple(s.to_domain() for s in body.subjects),
        venues=tuple(v.to_domain() for v in body.venues),
        municipality_id=body.municipality_id,
        olympiad_id=body.olympiad_id,
    )
    stored = await handlers.create_olympiad(
        command, uow, who, installation_municipality=settings.municipality_id
    )
    return OlympiadRead.of(stored)


@router.get("", summary="Every olympiad with its schedule and venues, the newest first")
async def list_olympiads(who: Staff, uow: Uow) -> OlympiadList:
    found = await handlers.list_olympiads(uow, who)
    return OlympiadList(olympiads=[OlympiadRead.of(s) for s in found])


@router.get("/{olympiad_id}", summary="An olympiad with its schedule and venues")
async def get_olympiad(olympiad_id: uuid.UUID, who: Staff, uow: Uow) -> OlympiadRead:
    return OlympiadRead.of(await handlers.get_olympiad(olympiad_id, uow))


@router.put(
    "/{olympiad_id}/subjects/{subject_code}/rounds/{round_code}/end-warnings",
    summary="Choose when a round's rooms are warned of its end: 30 and 5 minutes (§44) or 15 and 5"
    " (§133)",
    description="The room screen announces the time left at these moments.",
)
async def put_end_warnings(
    olympiad_id: uuid.UUID,
    subject_code: str,
    round_code: str,
    body: EndWarningsUpdate,
    who: Organiser,
    uow: Uow,
) -> OlympiadRead:
    command = handlers.SetEndWarnings(olympiad_id, subject_code, round_code, body.end_warnings)
    return OlympiadRead.of(await handlers.set_end_warnings(command, uow, who))


@router.put(
    "/{olympiad_id}/venues/{venue}",
    summary="Add a venue, or replace its address and rooms with their desk layouts",
    description="Refused (409) while it would take away a desk where a participant is seated:"
    " reseat those subjects first.",
)
async def put_venue(
    olympiad_id: uuid.UUID, venue: str, body: VenueUpdate, who: Organiser, uow: Uow
) -> VenueRead:
    rooms = tuple(r.to_domain() for r in body.rooms)
    command = handlers.UpdateVenue(olympiad_id, Venue(venue, rooms, body.address))
    return VenueRead.of(await handlers.update_venue(command, uow, who))


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
@body_limit(setting="max_import_bytes")
async def import_participants(
    olympiad_id: uuid.UUID,
    request: Request,
    who: Importer,
    uow: Uow,
    settings: Settings,
    file_format: Annotated[handlers.FileFormat, Query(alias="format")] = "csv",
) -> ImportResult:
    async with _spooled_body(request, settings.max_import_bytes) as source:
        command = handlers.ImportParticipants(olympiad_id, source, file_format)
        stored = await handlers.import_participants(
            command,
            uow,
            who,
            max_bytes=settings.max_import_bytes,
            parse_seconds=settings.import_parse_seconds,
        )
    return ImportResult(imported=len(stored), participants=[ParticipantRead.of(p) for p in stored])


# Small files stay in memory; a larger one goes to a temporary file as it arrives.
_SPOOL_IN_MEMORY = 1024 * 1024


@asynccontextmanager
async def _spooled_body(request: Request, max_bytes: int) -> AsyncIterator[IO[bytes]]:
    """The request body in a temporary file, refused (413) as soon as it is known to exceed
    `max_bytes`: by its declared length before a byte is read, else while it streams in. The
    file is removed on leaving."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise handlers.too_large(max_bytes)
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise handlers.too_large(max_bytes)
            if size > _SPOOL_IN_MEMORY:
                await asyncio.to_thread(spool.write, chunk)  # on disk past the threshold
            else:
                spool.write(chunk)
        yield spool


@router.get("/{olympiad_id}/participants", summary="Registered participants, by subject")
async def list_participants(
    olympiad_id: uuid.UUID,
    who: ListReader,
    uow: Uow,
    subject_code: str | None = None,
) -> ParticipantList:
    """A caller limited to venues sees those marked at their venues and those not marked yet."""
    found = await handlers.list_participants(olympiad_id, subject_code, uow, who)
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
    uow: Uow,
) -> CheckInRead:
    command = handlers.CheckIn(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        entries=tuple(
            handlers.CheckInEntry(
                e.participant_id,
                e.present,
                None if e.documents is None else frozenset(e.documents),
            )
            for e in body.entries
        ),
        day=body.day,
        venue=body.venue,
    )
    result = await handlers.check_in_participants(command, uow, who)
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
    uow: Uow,
) -> ParticipantRead:
    command = handlers.RemoveParticipant(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        participant_id=participant_id,
        reason=body.reason,
        day=body.day,
        room=body.room,
        signatories=tuple(s.to_domain() for s in body.signatories),
    )
    stored = await handlers.remove_participant(command, uow, who)
    return ParticipantRead.of(stored)


@router.post(
    "/{olympiad_id}/subjects/{subject_code}/participants/{participant_id}/withdrawal",
    summary="Withdraw an application before the round: the participant's desk is freed",
    description="Before the round's day only (the olympiad's time zone); on the day an absence"
    " is marked at check-in (§36). The same withdrawal sent again is answered as before.",
)
async def withdraw_participant(
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    body: WithdrawalCreate,
    who: Importer,
    uow: Uow,
) -> ParticipantRead:
    command = handlers.WithdrawParticipant(olympiad_id, subject_code, participant_id, body.reason)
    return ParticipantRead.of(await handlers.withdraw_participant(command, uow, who))


_ELIGIBILITY = "/{olympiad_id}/subjects/{subject_code}/eligibility"


@router.get(
    _ELIGIBILITY,
    summary="Who is admitted in a subject (§10): thresholds by grade, last year's awardees",
)
async def get_eligibility(
    olympiad_id: uuid.UUID, subject_code: str, who: AdmissionReader, uow: Uow
) -> EligibilityRead:
    rules = await handlers.get_eligibility(olympiad_id, subject_code, uow)
    return EligibilityRead.of(subject_code, rules)


@router.put(
    _ELIGIBILITY + "/thresholds",
    summary="Set the least school-stage score that admits, per grade (§10); replaces the set",
    description="A later import refuses, row by row, a participant admitted by score whose score"
    " is missing or below the threshold of the grade whose tasks they do (§11). A subject with no"
    " thresholds is not checked.",
)
async def put_thresholds(
    olympiad_id: uuid.UUID,
    subject_code: str,
    body: ThresholdsUpdate,
    who: AdmissionSetter,
    uow: Uow,
) -> EligibilityRead:
    command = handlers.SetThresholds(
        olympiad_id, subject_code, {t.grade: t.min_score for t in body.thresholds}
    )
    return EligibilityRead.of(subject_code, await handlers.set_thresholds(command, uow, who))


@router.put(
    _ELIGIBILITY + "/previous-awardees",
    summary="Set last year's winners and prize-winners of the subject (§10); replaces the list",
    description="A later import refuses a participant admitted as last year's awardee who is not"
    " on the list (by surname, name and patronymic, in the grade after the one listed). A subject"
    " with no list is not checked.",
)
async def put_previous_awardees(
    olympiad_id: uuid.UUID,
    subject_code: str,
    body: PreviousAwardeesUpdate,
    who: AdmissionSetter,
    uow: Uow,
) -> EligibilityRead:
    command = handlers.SetPreviousAwardees(
        olympiad_id, subject_code, tuple(a.to_domain() for a in body.awardees)
    )
    rules = await handlers.set_previous_awardees(command, uow, who)
    return EligibilityRead.of(subject_code, rules)
