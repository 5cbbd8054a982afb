"""gRPC servicer of `olymp.registration.v1.RegistrationService`: proto <-> handlers, nothing else."""

from __future__ import annotations

import uuid
from typing import Any, Final, NoReturn

import grpc

from olymp.registration.v1 import registration_pb2 as pb
from olymp.registration.v1 import registration_pb2_grpc as pb_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule
from olymp_core.db import UnitOfWorkFactory
from olymp_core.problems import Problem
from olymp_registration import handlers

_SERVICE: Final = "/olymp.registration.v1.RegistrationService/"
_READER_ROLES: Final = (Role.SERVICE, Role.COORDINATOR, Role.CODING_OFFICER)

POLICIES: Final[dict[str, Policy]] = {
    _SERVICE + "GetOlympiad": Policy.of(*_READER_ROLES),
    # A coding officer of one subject does not learn who sat the others.
    _SERVICE + "ListPresentParticipants": Policy.of(
        *_READER_ROLES, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code")
    ),
}

_STATUS_BY_HTTP: Final = {
    404: grpc.StatusCode.NOT_FOUND,
    409: grpc.StatusCode.FAILED_PRECONDITION,
    422: grpc.StatusCode.INVALID_ARGUMENT,
}


class RegistrationServicer(pb_grpc.RegistrationServiceServicer):  # type: ignore[misc]
    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self._uows = uows

    async def GetOlympiad(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        olympiad_id = await _olympiad_id(request.olympiad_id, context)
        try:
            async with self._uows() as uow:
                stored = await handlers.get_olympiad(olympiad_id, uow)
        except Problem as problem:
            await _abort(context, problem)
        olympiad = stored.olympiad
        return pb.GetOlympiadResponse(
            olympiad_id=str(stored.olympiad_id),
            title=olympiad.title,
            time_zone=olympiad.time_zone,
            subjects=[s.subject_code for s in olympiad.subjects],
        )

    async def ListPresentParticipants(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        olympiad_id = await _olympiad_id(request.olympiad_id, context)
        try:
            async with self._uows() as uow:
                present = await handlers.present_participants(
                    olympiad_id, request.subject_code, uow
                )
        except Problem as problem:
            await _abort(context, problem)
        return pb.ListPresentParticipantsResponse(
            participants=[
                pb.PresentParticipant(
                    participant_id=str(participant_id), grade=grade, task_grade=task_grade
                )
                for participant_id, grade, task_grade in present
            ]
        )


async def _olympiad_id(text: str, context: grpc.aio.ServicerContext) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"Идентификатор олимпиады «{text}» не является UUID: проверьте его.",
        )
        raise  # abort raises; this keeps the type checker aware of it


async def _abort(context: grpc.aio.ServicerContext, problem: Problem) -> NoReturn:
    await context.abort(
        _STATUS_BY_HTTP.get(problem.status, grpc.StatusCode.UNKNOWN), problem.detail
    )
    raise problem  # abort raises; this keeps the type checker aware of it


def register(server: grpc.aio.Server, *, uows: UnitOfWorkFactory) -> None:
    """Add the registration servicer to `server` (bind `uows` with functools.partial)."""
    pb_grpc.add_RegistrationServiceServicer_to_server(RegistrationServicer(uows), server)
