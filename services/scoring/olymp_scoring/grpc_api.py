"""gRPC of the scoring service: converts proto <-> domain, nothing else."""

from __future__ import annotations

import uuid
from typing import Any

import grpc

from olymp.scoring.v1 import scoring_pb2, scoring_pb2_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule
from olymp_core.db import UnitOfWorkFactory
from olymp_core.grpc import GrpcApi
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import handlers

SERVICE = "/olymp.scoring.v1.ScoringService/"

POLICIES: dict[str, Policy] = {
    SERVICE + "GetSubjectProgress": Policy.of(
        Role.SERVICE,
        Role.CODING_OFFICER,
        Role.JURY_CHAIR,
        Role.OBSERVER,
        scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"),
    ),
}


class ScoringServicer:
    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self._uows = uows

    async def GetSubjectProgress(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            olympiad_id = uuid.UUID(request.olympiad_id)
        except ValueError:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"Идентификатор олимпиады «{request.olympiad_id}» некорректен: укажите UUID.",
            )
        key = SubjectGrade(olympiad_id, request.subject_code, request.grade)
        async with self._uows() as uow:
            found = await handlers.progress(key, uow)
        return scoring_pb2.GetSubjectProgressResponse(
            works_total=found.total,
            works_checked=found.checked,
            works_annulled=found.annulled,
        )


def grpc_api(uows: UnitOfWorkFactory) -> GrpcApi:
    servicer = ScoringServicer(uows)
    return GrpcApi(
        services=[
            lambda server: scoring_pb2_grpc.add_ScoringServiceServicer_to_server(servicer, server)
        ],
        policies=POLICIES,
    )
