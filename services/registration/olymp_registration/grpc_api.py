"""gRPC of the registration service (`olymp.registration.v1.RegistrationService`): converts
proto <-> handlers, and a refusal to the gRPC status matching its HTTP status, nothing else."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

import grpc

from olymp.registration.v1 import registration_pb2 as pb
from olymp.registration.v1 import registration_pb2_grpc as pb_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.errors import CORE_ERRORS, DomainError, status_of
from olymp_core.grpc import GrpcApi
from olymp_registration import handlers
from olymp_registration.api import ERRORS

_SERVICE: Final = "/olymp.registration.v1.RegistrationService/"
_READER_ROLES: Final = (Role.SERVICE, Role.COORDINATOR, Role.CODING_OFFICER)

POLICIES: Final[dict[str, Policy]] = {
    _SERVICE + "GetOlympiad": Policy.of(*_READER_ROLES),
    # A coding officer of one subject does not learn who sat the others.
    _SERVICE + "ListPresentParticipants": Policy.of(
        *_READER_ROLES, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code")
    ),
}

_STATUSES: Final = {**CORE_ERRORS, **ERRORS}
_CODE_BY_HTTP: Final = {
    404: grpc.StatusCode.NOT_FOUND,
    409: grpc.StatusCode.FAILED_PRECONDITION,
    422: grpc.StatusCode.INVALID_ARGUMENT,
}


class RegistrationServicer(pb_grpc.RegistrationServiceServicer):  # type: ignore[misc]
    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self._uows = uows

    async def GetOlympiad(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        olympiad_id = await _olympiad_id(request.olympiad_id, context)
        async with self._unit_of_work(context) as uow:
            stored = await handlers.get_olympiad(olympiad_id, uow)
        olympiad = stored.olympiad
        return pb.GetOlympiadResponse(
            olympiad_id=str(stored.olympiad_id),
            title=olympiad.title,
            time_zone=olympiad.time_zone,
            subjects=[s.subject_code for s in olympiad.subjects],
        )

    async def ListPresentParticipants(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        olympiad_id = await _olympiad_id(request.olympiad_id, context)
        async with self._unit_of_work(context) as uow:
            present = await handlers.present_participants(olympiad_id, request.subject_code, uow)
        return pb.ListPresentParticipantsResponse(
            participants=[
                pb.PresentParticipant(
                    participant_id=str(participant_id), grade=grade, task_grade=task_grade
                )
                for participant_id, grade, task_grade in present
            ]
        )

    @asynccontextmanager
    async def _unit_of_work(self, context: grpc.aio.ServicerContext) -> AsyncIterator[UnitOfWork]:
        """A unit of work whose refusals end the call with the matching gRPC status."""
        try:
            async with self._uows() as uow:
                yield uow
        except DomainError as error:
            code = _CODE_BY_HTTP.get(status_of(error, _STATUSES) or 500, grpc.StatusCode.UNKNOWN)
            await context.abort(code, error.detail)
            raise  # abort raises; this keeps the type checker aware of it


async def _olympiad_id(text: str, context: grpc.aio.ServicerContext) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"Идентификатор олимпиады «{text}» не является UUID: проверьте его.",
        )
        raise  # abort raises; this keeps the type checker aware of it


def grpc_api(uows: UnitOfWorkFactory) -> GrpcApi:
    servicer = RegistrationServicer(uows)
    return GrpcApi(
        services=[
            lambda server: pb_grpc.add_RegistrationServiceServicer_to_server(servicer, server)
        ],
        policies=POLICIES,
    )
