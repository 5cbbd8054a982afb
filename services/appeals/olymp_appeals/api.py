"""HTTP API of the appeals service: analysis and show with the filing window, commission, filing,
hearing, votes, decision."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from olymp_appeals import handlers
from olymp_appeals.domain import (
    AlreadyFiled,
    AppealNotFound,
    AppealRuleError,
    AttendanceNotRecorded,
    CommissionFrozen,
    CommissionNotSet,
    DecisionFinal,
    HearingAfterVoting,
    NotDecidedYet,
    OlympiadUnknown,
    ShowSchedule,
    WindowNotSet,
    WorkingDayCalendar,
    WorkNotAppealable,
)
from olymp_appeals.schemas import (
    AppealCreate,
    AppealList,
    AppealRead,
    AppealWindowRead,
    CommissionRead,
    CommissionUpdate,
    DecisionRead,
    HearingCreate,
    HearingRead,
    MemberVoteRead,
    ParticipantAppealCreate,
    ParticipantAppealRead,
    ParticipantWorkRead,
    ParticipantWorks,
    ScheduleList,
    ShowScheduleUpdate,
    SubjectScheduleRead,
    VoteCreate,
    VoteRead,
)
from olymp_core import protocol_documents
from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow, context
from olymp_core.errors import ErrorMap

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["appeals"])
# what the olympiad's public page shows: no token needed
public_router = APIRouter(
    prefix="/olympiads/{olympiad_id}",
    tags=["appeals"],
    dependencies=[Depends(authorize(Role.PUBLIC))],
)

_SUBJECT = ScopeRule(ScopeKind.SUBJECT, "subject_code")

# the organiser (§4: the municipal authority) schedules the analysis and the show (§82, §87) and
# forms the commission (§102); the regional coordinator does not act for a municipality
Organiser = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR, scope=_SUBJECT))]
Registrar = Annotated[Principal, Depends(authorize(Role.APPEAL_MEMBER, Role.JURY_CHAIR))]
AppealMember = Annotated[Principal, Depends(authorize(Role.APPEAL_MEMBER))]
# the protocol's readers: the commission signs it, the organiser and the jury chair act on it
ProtocolReader = Annotated[
    Principal,
    Depends(
        authorize(Role.APPEAL_MEMBER, Role.MUNICIPAL_COORDINATOR, Role.JURY_CHAIR, scope=_SUBJECT)
    ),
]
# a participant signed in with their access code: pinned to themselves, on every route
Participant = Annotated[
    Principal,
    Depends(
        authorize(
            Role.PARTICIPANT,
            scope=ScopeRule(ScopeKind.PARTICIPANT, "participant_id", required=True),
        )
    ),
]
Reader = Annotated[
    Principal,
    Depends(authorize(Role.APPEAL_MEMBER, Role.JURY_CHAIR, Role.OBSERVER, scope=_SUBJECT)),
]
Calendar = Annotated[WorkingDayCalendar, Depends(context(WorkingDayCalendar))]

ERRORS: ErrorMap = {
    AppealRuleError: 422,
    AppealNotFound: 404,
    DecisionFinal: 409,
    CommissionNotSet: 409,
    CommissionFrozen: 409,
    WindowNotSet: 409,
    OlympiadUnknown: 409,
    WorkNotAppealable: 409,
    AlreadyFiled: 409,
    AttendanceNotRecorded: 409,
    HearingAfterVoting: 409,
    NotDecidedYet: 409,
}


@router.put(
    "/subjects/{subject_code}/analysis-and-show",
    summary="Schedule the analysis of tasks and the show of works; returns the filing window (§96)",
)
async def set_show_schedule(
    olympiad_id: uuid.UUID,
    subject_code: str,
    body: ShowScheduleUpdate,
    who: Organiser,
    uow: Uow,
    calendar: Calendar,
) -> AppealWindowRead:
    schedule = ShowSchedule(body.analysis.procedure(), body.show.procedure())
    command = handlers.SetShowSchedule(olympiad_id, subject_code, schedule)
    window = await handlers.set_show_schedule(command, uow, who, calendar=calendar)
    return AppealWindowRead(
        opens_at=window.opens_at, deadline=window.deadline, time_zone=window.time_zone
    )


@public_router.get(
    "/schedule",
    summary="The analysis, show and appeal window of each subject, as the public reads them",
)
async def read_schedule(olympiad_id: uuid.UUID, uow: Uow) -> ScheduleList:
    windows = await handlers.public_schedule(olympiad_id, uow)
    return ScheduleList(
        subjects=[SubjectScheduleRead.of(code, window) for code, window in windows.items()]
    )


@router.put(
    "/subjects/{subject_code}/commission",
    summary="Set the appeal commission's listed members and chair (§102)",
)
async def set_commission(
    olympiad_id: uuid.UUID, subject_code: str, body: CommissionUpdate, who: Organiser, uow: Uow
) -> CommissionRead:
    command = handlers.SetCommission(olympiad_id, subject_code, tuple(body.members), body.chair)
    commission = await handlers.set_commission(command, uow, who)
    return CommissionRead(
        members=list(commission.members),
        chair=commission.chair,
        majority=commission.majority,
        odd=commission.odd,
    )


@router.post(
    "/appeals",
    status_code=status.HTTP_201_CREATED,
    summary="Register a participant's written appeal (§96–98); filed now, by the clock",
)
async def file_appeal(
    olympiad_id: uuid.UUID, body: AppealCreate, who: Registrar, uow: Uow
) -> AppealRead:
    command = handlers.FileAppeal(
        olympiad_id,
        body.participant_id,
        body.subject_code,
        tuple(body.tasks),
        body.statement,
        body.review_without_participant,
    )
    row = await handlers.register_appeal(command, uow, who)
    return AppealRead.of(row)


@router.get("/appeals", summary="Appeals of the olympiad, optionally of one subject")
async def list_appeals(
    olympiad_id: uuid.UUID,
    who: Reader,
    uow: Uow,
    subject_code: Annotated[str | None, Query()] = None,
) -> AppealList:
    rows = await handlers.appeals_of(olympiad_id, subject_code, uow)
    return AppealList(items=[AppealRead.of(row) for row in rows])


@router.get(
    "/appeals/{appeal_id}",
    summary="The hearing of an appeal for the commission's listed members (§103–108)",
)
async def read_hearing(
    olympiad_id: uuid.UUID, appeal_id: uuid.UUID, who: AppealMember, uow: Uow
) -> HearingRead:
    found = await handlers.hearing_view(olympiad_id, appeal_id, uow, who)
    work = found.work
    return HearingRead(
        appeal=AppealRead.of(found.appeal),
        participant_name=found.person.full_name if found.person else "",
        school=found.person.school if found.person else "",
        work_code=found.appeal.work_code,
        task_scores=dict(work.task_scores or {}) if work else {},
        task_max=dict(work.task_max or {}) if work else {},
        annulled=bool(work and work.annulled),
        commission_members=list(found.commission.members),
        commission_chair=found.commission.chair,
        majority=found.commission.majority,
        votes=[
            MemberVoteRead(
                member_id=vote.member_id,
                outcome=vote.outcome,
                new_task_scores=dict(vote.new_task_scores),
            )
            for vote in found.votes
        ],
        decided_at=found.appeal.decided_at,
    )


@router.post(
    "/appeals/{appeal_id}/hearing",
    summary="Record whether the participant attended the hearing (§109–110)",
)
async def record_hearing(
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    body: HearingCreate,
    who: AppealMember,
    uow: Uow,
) -> AppealRead:
    command = handlers.RecordHearing(
        olympiad_id, appeal_id, body.participant_present, body.valid_reason_documented
    )
    row = await handlers.record_hearing(command, uow, who)
    return AppealRead.of(row)


@router.post(
    "/appeals/{appeal_id}/votes",
    status_code=status.HTTP_201_CREATED,
    summary="A listed member votes for a motion (§106, §112); voting again replaces the vote",
)
async def cast_vote(
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    body: VoteCreate,
    who: AppealMember,
    uow: Uow,
) -> VoteRead:
    command = handlers.CastVote(olympiad_id, appeal_id, body.outcome, body.new_task_scores)
    motion = await handlers.cast_vote(command, uow, who)
    return VoteRead(
        member_id=who.subject,
        outcome=body.outcome,
        new_task_scores={str(n): s for n, s in motion.new_scores},
    )


@router.post(
    "/appeals/{appeal_id}/decision",
    summary=(
        "The commission's chair counts the votes and closes them (§106–107, §110, §112); "
        "the decision is final (§114)"
    ),
)
async def decide(
    olympiad_id: uuid.UUID, appeal_id: uuid.UUID, who: AppealMember, uow: Uow
) -> DecisionRead:
    decision = await handlers.decide(handlers.DecideAppeal(olympiad_id, appeal_id), uow, who)
    return DecisionRead.of(appeal_id, decision)


@router.get(
    "/participants/{participant_id}/works",
    summary="The participant's own checked works, points per task, appeal and its decision",
)
async def participant_works(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, who: Participant, uow: Uow
) -> ParticipantWorks:
    found = await handlers.participant_view(olympiad_id, participant_id, uow)
    return ParticipantWorks(
        participant_id=participant_id,
        olympiad_title=found.olympiad_title,
        time_zone=found.time_zone,
        works=[
            ParticipantWorkRead(
                subject_code=item.subject_code,
                grade=item.work.grade,
                task_scores={k: v for k, v in (item.work.task_scores or {}).items()},
                task_max={k: v for k, v in (item.work.task_max or {}).items()},
                total=sum((item.work.task_scores or {}).values(), Decimal(0)),
                annulled=item.work.annulled,
                schedule=(
                    SubjectScheduleRead.of(item.subject_code, item.window) if item.window else None
                ),
                appeal=ParticipantAppealRead.of(item.appeal) if item.appeal else None,
            )
            for item in found.subjects
        ],
    )


@router.post(
    "/participants/{participant_id}/appeals",
    status_code=status.HTTP_201_CREATED,
    summary="The participant files their own appeal online (§96–98, §101, §105)",
)
async def file_own_appeal(
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: ParticipantAppealCreate,
    who: Participant,
    uow: Uow,
) -> ParticipantAppealRead:
    command = handlers.FileAppeal(
        olympiad_id,
        participant_id,
        body.subject_code,
        tuple(body.tasks),
        body.statement,
        body.review_without_participant,
    )
    row = await handlers.register_appeal(command, uow, who)
    return ParticipantAppealRead.of(row)


@router.get(
    "/appeals/{appeal_id}/protocol.{extension}",
    summary="The appeal protocol (App. 9, §115) of a decided appeal, PDF or XLSX",
    response_class=Response,
    responses={200: {"content": {m: {} for m in protocol_documents.FORMATS.values()}}},
)
async def appeal_protocol(
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    extension: Literal["pdf", "xlsx"],
    who: ProtocolReader,
    uow: Uow,
) -> Response:
    copy = await handlers.protocol_copy(olympiad_id, appeal_id, extension, uow, who)
    return Response(
        copy.data,
        media_type=protocol_documents.FORMATS[extension],
        headers={
            "Content-Disposition": f'attachment; filename="{copy.filename}"',
            "Cache-Control": "no-store",
        },
    )
