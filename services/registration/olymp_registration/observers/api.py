"""HTTP API of public observation (§18–19): accreditation and assignments by the organiser (the
municipal coordinator), the public schedule, an observer's own assignments, violation reports
with attachments and the organiser's decisions.

An observer is the person whose token's subject is the login the organiser recorded at
accreditation; the observer's portal account (or OIDC identity) carries that login.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import CurrentRuntime, Uow
from olymp_core.errors import ErrorMap
from olymp_core.request_limits import body_limit
from olymp_core.storage import ObjectStore
from olymp_registration.observers import handlers
from olymp_registration.observers.domain import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    AssignmentNotFound,
    AttachmentNotFound,
    AttachmentTooLarge,
    ObserverConflict,
    ObserverError,
    ObserverNotFound,
    ReportNotFound,
)
from olymp_registration.observers.schemas import (
    AssignmentCreate,
    AssignmentRead,
    AttachmentRead,
    CheckInCountList,
    DecisionCreate,
    ObservationList,
    ObservationRead,
    ObserverCreate,
    ObserverList,
    ObserverRead,
    ObserverScheduleRead,
    ReportCreate,
    ReportList,
    ReportRead,
)

router = APIRouter(tags=["observers"])

# §19: the organiser of the municipal stage accredits, assigns and decides on reports
Organiser = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR))]
Observer = Annotated[Principal, Depends(authorize(Role.OBSERVER))]
# the organiser reads every report, an observer only their own (the handler tells them apart)
ReportReader = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR, Role.OBSERVER))]
Public = Annotated[Principal, Depends(authorize(Role.PUBLIC))]
# counts, no names: observers watch check-in (§18) beside those who run it; a venue coordinator
# reads their own venues only, an observer those assigned (the handler checks)
CountReader = Annotated[
    Principal,
    Depends(
        authorize(
            Role.COORDINATOR,
            Role.MUNICIPAL_COORDINATOR,
            Role.VENUE_COORDINATOR,
            Role.OBSERVER,
            scope=ScopeRule(ScopeKind.VENUE, "venue"),
        )
    ),
]


async def _objects(runtime: CurrentRuntime) -> ObjectStore:
    return runtime.objects


Objects = Annotated[ObjectStore, Depends(_objects)]

# Merged into the service's map in `main.build`. ReportTooLate, ReportRefused, AttachmentRefused,
# InvalidObserver and InvalidAssignment are ObserverErrors (422); ReportDecided is a conflict;
# an observer not accredited under their login is NotPermitted (403 by the core's map).
ERRORS: ErrorMap = {
    ObserverError: 422,
    ObserverConflict: 409,
    ObserverNotFound: 404,
    AssignmentNotFound: 404,
    ReportNotFound: 404,
    AttachmentNotFound: 404,
    AttachmentTooLarge: 413,
}

_OBSERVERS = "/olympiads/{olympiad_id}/observers"
_REPORTS = "/olympiads/{olympiad_id}/violation-reports"


@router.post(
    _OBSERVERS,
    status_code=201,
    summary="Accredit a public observer: identity document, certificate, login (§18)",
)
async def accredit(
    olympiad_id: uuid.UUID, body: ObserverCreate, who: Organiser, uow: Uow
) -> ObserverRead:
    command = handlers.AccreditObserver(
        olympiad_id=olympiad_id,
        full_name=body.full_name,
        identity_document=body.identity_document,
        certificate_number=body.certificate_number,
        certificate_date=body.certificate_date,
        login=body.login,
    )
    return ObserverRead.of(await handlers.accredit_observer(command, uow, who))


@router.get(_OBSERVERS, summary="The olympiad's accredited observers with their assignments")
async def list_observers(olympiad_id: uuid.UUID, who: Organiser, uow: Uow) -> ObserverList:
    found = await handlers.list_observers(olympiad_id, uow)
    return ObserverList(observers=[ObserverRead.of(view) for view in found])


@router.post(
    _OBSERVERS + "/{observer_id}/assignments",
    status_code=201,
    summary="Assign an observer to a procedure (round, checking, analysis and show, appeals) on "
    "a date at a place",
)
async def assign(
    olympiad_id: uuid.UUID, observer_id: uuid.UUID, body: AssignmentCreate, who: Organiser, uow: Uow
) -> AssignmentRead:
    command = handlers.AssignObserver(
        olympiad_id=olympiad_id,
        observer_id=observer_id,
        procedure=body.procedure,
        day=body.date,
        venue=body.venue,
        subject_code=body.subject_code,
    )
    return AssignmentRead.of(await handlers.assign_observer(command, uow, who))


@router.delete(
    _OBSERVERS + "/{observer_id}/assignments/{assignment_id}",
    status_code=204,
    summary="Take an assignment back (refused once a violation report is filed about it)",
)
async def cancel_assignment(
    olympiad_id: uuid.UUID, observer_id: uuid.UUID, assignment_id: uuid.UUID, who: Organiser,
    uow: Uow,
) -> Response:  # fmt: skip
    await handlers.cancel_assignment(olympiad_id, observer_id, assignment_id, uow, who)
    return Response(status_code=204)


@router.get(
    "/olympiads/{olympiad_id}/observer-schedule",
    summary="The schedule of public observation, as the olympiad's public page shows it: "
    "procedure, date, place and how many observe — no names, no documents",
)
async def observer_schedule(olympiad_id: uuid.UUID, who: Public, uow: Uow) -> ObserverScheduleRead:
    return ObserverScheduleRead.of(await handlers.public_schedule(olympiad_id, uow))


@router.get(
    "/observers/me",
    summary="The signed-in observer's accreditations and assignments, in every olympiad",
)
async def my_observations(who: Observer, uow: Uow) -> ObservationList:
    found = await handlers.my_observations(uow, who)
    return ObservationList(observations=[ObservationRead.of(item) for item in found])


@router.post(
    _REPORTS,
    status_code=201,
    summary="File a violation report about one's own assignment, until the end of the third "
    "day after it in the olympiad's time zone (§19)",
)
async def file_report(
    olympiad_id: uuid.UUID, body: ReportCreate, who: Observer, uow: Uow
) -> ReportRead:
    command = handlers.FileReport(olympiad_id, body.assignment_id, body.text)
    return ReportRead.of(await handlers.file_report(command, uow, who))


@router.post(
    _REPORTS + "/{report_id}/attachments",
    status_code=201,
    summary=f"Attach a file to one's own report while its three days last "
    f"(up to {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MiB: JPEG, PNG, PDF, text, MP4)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {kind: {"schema": {"type": "string"}} for kind in ATTACHMENT_TYPES},
        }
    },
)
@body_limit(ATTACHMENT_MAX_BYTES)
async def add_attachment(
    olympiad_id: uuid.UUID,
    report_id: uuid.UUID,
    request: Request,
    who: Observer,
    uow: Uow,
    objects: Objects,
    response: Response,
    file_name: Annotated[str, Query(max_length=400, description="The file's own name")],
) -> AttachmentRead:
    command = handlers.AddAttachment(
        olympiad_id=olympiad_id,
        report_id=report_id,
        file_name=file_name,
        content_type=request.headers.get("content-type", ""),
        data=await request.body(),
    )
    attachment, new = await handlers.add_attachment(command, uow, who, objects=objects)
    if not new:
        response.status_code = 200
    return AttachmentRead.of(attachment)


@router.get(
    _REPORTS, summary="Violation reports: every one for the organiser, one's own for an observer"
)
async def list_reports(olympiad_id: uuid.UUID, who: ReportReader, uow: Uow) -> ReportList:
    found = await handlers.list_reports(olympiad_id, uow, who)
    return ReportList(reports=[ReportRead.of(view) for view in found])


@router.get(_REPORTS + "/{report_id}", summary="One violation report with its attachments")
async def get_report(
    olympiad_id: uuid.UUID, report_id: uuid.UUID, who: ReportReader, uow: Uow
) -> ReportRead:
    return ReportRead.of(await handlers.get_report(olympiad_id, report_id, uow, who))


@router.get(
    _REPORTS + "/{report_id}/attachments/{attachment_id}",
    summary="An attachment's file, for the organiser and the report's author (audited)",
    response_class=StreamingResponse,
)
async def read_attachment(
    olympiad_id: uuid.UUID,
    report_id: uuid.UUID,
    attachment_id: uuid.UUID,
    who: ReportReader,
    uow: Uow,
    objects: Objects,
) -> StreamingResponse:
    attachment, body = await handlers.open_attachment(
        olympiad_id, report_id, attachment_id, uow, who, objects=objects
    )
    return StreamingResponse(
        body,
        media_type=attachment.content_type,
        headers={
            "Content-Length": str(attachment.size),
            # never shown inline by the organiser's browser: an observer chose the bytes
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.file_name)}",
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    _REPORTS + "/{report_id}/decision",
    summary="The organiser's decision on a violation report (§19), recorded once",
)
async def decide(
    olympiad_id: uuid.UUID, report_id: uuid.UUID, body: DecisionCreate, who: Organiser, uow: Uow
) -> ReportRead:
    command = handlers.DecideReport(olympiad_id, report_id, body.outcome, body.decision)
    return ReportRead.of(await handlers.decide_report(command, uow, who))


@router.get(
    "/olympiads/{olympiad_id}/check-in-counts",
    summary="How many are expected, present, absent and removed at a venue on a round day, per "
    "subject: counts only, for observers (§18) and those who run the check-in",
)
async def check_in_counts(
    olympiad_id: uuid.UUID, who: CountReader, uow: Uow, venue: str, day: dt.date
) -> CheckInCountList:
    found = await handlers.check_in_counts_at(olympiad_id, venue, day, uow, who)
    return CheckInCountList.of(venue, day, found)
