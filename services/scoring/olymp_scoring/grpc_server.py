"""gRPC servicer of the scoring service: converts proto <-> domain, nothing else."""

from __future__ import annotations

import uuid
from typing import Any

import grpc

from olymp.scoring.v1 import scoring_pb2, scoring_pb2_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule
from olymp_core.db import UnitOfWorkFactory
from olymp_core.service import GrpcRegistrar
from olymp_scoring import handlers
from olymp_scoring.store import SubjectGradeKey

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
        key = SubjectGradeKey(olympiad_id, request.subject_code, request.grade)
        found = await handlers.progress(self._uows, key)
        return scoring_pb2.GetSubjectProgressResponse(
            works_total=found.total,
            works_checked=found.checked,
            works_annulled=found.annulled,
        )


def register(uows: UnitOfWorkFactory) -> GrpcRegistrar:
    """What `Service.grpc_services` takes: adds the servicer to a server."""

    def add(server: grpc.aio.Server) -> None:
        scoring_pb2_grpc.add_ScoringServiceServicer_to_server(ScoringServicer(uows), server)

    return add
