"""gRPC GetSubjectProgress: what the coding service asks before decoding (§61)."""

from __future__ import annotations

import uuid

import grpc
import pytest

from olymp.scoring.v1 import scoring_pb2, scoring_pb2_grpc
from olymp_core.auth import Role, ScopeKind, bearer_metadata
from olymp_core.testing.service import ServiceHarness
from tests.integration.scoring.conftest import GRADE, SUBJECT, code_works, set_scheme

pytestmark = pytest.mark.integration


def token(svc: ServiceHarness, role: Role, **kwargs: object) -> str:
    return svc.auth(role, **kwargs)["Authorization"].removeprefix("Bearer ")  # type: ignore[arg-type]


async def test_p61_progress_over_grpc_and_denied_without_a_token(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-401", "M9-402")
    request = scoring_pb2.GetSubjectProgressRequest(
        olympiad_id=str(olympiad_id), subject_code=SUBJECT, grade=GRADE
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{svc.service.grpc_port}") as channel:
        stub = scoring_pb2_grpc.ScoringServiceStub(channel)
        found = await stub.GetSubjectProgress(
            request, metadata=bearer_metadata(token(svc, Role.SERVICE))
        )
        assert (found.works_total, found.works_checked, found.works_annulled) == (2, 0, 0)

        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.GetSubjectProgress(request)
        assert anonymous.value.code() is grpc.StatusCode.UNAUTHENTICATED

        other_subject = token(svc, Role.CODING_OFFICER, scopes={ScopeKind.SUBJECT: ["physics"]})
        with pytest.raises(grpc.aio.AioRpcError) as scoped:
            await stub.GetSubjectProgress(request, metadata=bearer_metadata(other_subject))
        assert scoped.value.code() is grpc.StatusCode.PERMISSION_DENIED

        bad = scoring_pb2.GetSubjectProgressRequest(olympiad_id="x", subject_code=SUBJECT, grade=1)
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.GetSubjectProgress(bad, metadata=bearer_metadata(token(svc, Role.SERVICE)))
        assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT
