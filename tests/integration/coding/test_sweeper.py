"""The sweeper codes the works whose check-in message was lost, asking registration over gRPC."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa

from olymp.registration.v1 import registration_pb2, registration_pb2_grpc
from olymp_core.auth import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    AuthInterceptor,
    Policy,
    Principal,
    Role,
    TokenVerifier,
    current_principal,
    generate_local_key,
)
from olymp_core.contracts.coding import WorkCoded
from olymp_core.contracts.registration import ParticipantCheckedIn, ParticipantRemoved
from olymp_core.events.tables import outbox
from olymp_core.grpc import build_server, stop_server
from olymp_core.testing.service import ServiceHarness, running_service

pytestmark = pytest.mark.integration

AT = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)
LIST_PRESENT = "/olymp.registration.v1.RegistrationService/ListPresentParticipants"


class PresentAtMath(registration_pb2_grpc.RegistrationServiceServicer):  # type: ignore[misc]
    """Registration's truth: who was present at mathematics in one olympiad."""

    def __init__(self, olympiad_id: uuid.UUID, present: Sequence[uuid.UUID]) -> None:
        self.olympiad_id = olympiad_id
        self.present = present
        self.callers: list[Principal] = []

    async def ListPresentParticipants(
        self,
        request: registration_pb2.ListPresentParticipantsRequest,
        context: grpc.aio.ServicerContext,
    ) -> registration_pb2.ListPresentParticipantsResponse:
        self.callers.append(current_principal())
        if request.olympiad_id != str(self.olympiad_id) or request.subject_code != "math":
            return registration_pb2.ListPresentParticipantsResponse()
        return registration_pb2.ListPresentParticipantsResponse(
            participants=[
                registration_pb2.PresentParticipant(
                    participant_id=str(participant), grade=8, task_grade=9
                )
                for participant in self.present
            ]
        )


async def registration_server(
    servicer: PresentAtMath, public_key_pem: str
) -> tuple[grpc.aio.Server, int]:
    verifier = TokenVerifier.from_public_key_pem(
        public_key_pem, issuer=DEFAULT_ISSUER, audience=DEFAULT_AUDIENCE
    )
    interceptor = AuthInterceptor(verifier, {LIST_PRESENT: Policy.of(Role.SERVICE)})
    server, port = build_server(
        port=0,
        host="127.0.0.1",
        interceptors=[interceptor],
        services=[
            lambda s: registration_pb2_grpc.add_RegistrationServiceServicer_to_server(servicer, s)
        ],
    )
    await server.start()
    return server, port


async def coded_participants(svc: ServiceHarness, olympiad_id: uuid.UUID) -> list[str]:
    response = await svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/math/codes", headers=svc.auth(Role.CODING_OFFICER)
    )
    assert response.status_code == 200, response.text
    return sorted(entry["participant_id"] for entry in response.json()["entries"])


async def work_coded_count(svc: ServiceHarness, olympiad_id: uuid.UUID) -> int:
    async with svc.uows() as uow:
        payloads = await uow.session.scalars(
            sa.select(outbox.c.payload).where(outbox.c.routing_key == WorkCoded.routing_key())
        )
        return sum(p["olympiad_id"] == str(olympiad_id) for p in payloads)


@pytest.fixture
def private_key(tmp_path: Path) -> Path:
    # The harness reuses an existing key, so the registration stub can trust it before start.
    return tmp_path / "keys" / "auth.pem"


@pytest.fixture
async def sweeping(
    tmp_path: Path, private_key: Path
) -> AsyncIterator[tuple[ServiceHarness, uuid.UUID, list[uuid.UUID], PresentAtMath]]:
    olympiad = uuid.uuid4()
    seen, lost, removed = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    servicer = PresentAtMath(olympiad, [seen, lost, removed])
    server, port = await registration_server(servicer, generate_local_key(private_key))
    try:
        async with running_service(
            "coding",
            tmp_path,
            registration_grpc=f"127.0.0.1:{port}",
            auth_local_private_key_file=private_key,
            sweep_interval_s=3600,
        ) as svc:
            yield svc, olympiad, [seen, lost, removed], servicer
    finally:
        await stop_server(server, grace=None)


async def test_sweeper_codes_the_work_whose_check_in_was_lost_exactly_once(
    sweeping: tuple[ServiceHarness, uuid.UUID, list[uuid.UUID], PresentAtMath],
) -> None:
    svc, olympiad, (seen, lost, removed), servicer = sweeping
    await svc.deliver(
        ParticipantCheckedIn(
            olympiad_id=olympiad,
            participant_id=seen,
            subject_code="math",
            task_grade=9,
            present=True,
            at=AT,
        ),
        ParticipantRemoved(
            olympiad_id=olympiad,
            participant_id=removed,
            subject_code="math",
            reason="Удалён с олимпиады (акт № 1)",
            removed_at=AT,
        ),
    )

    first = await svc.service.sweeper.run_once()
    second = await svc.service.sweeper.run_once()

    # The service's own periodic pass may have healed it first; either way, one work only.
    assert first["coding.lost_check_ins"] <= 1
    assert second["coding.lost_check_ins"] == 0
    assert await coded_participants(svc, olympiad) == sorted([str(seen), str(lost)])
    assert await work_coded_count(svc, olympiad) == 2
    assert servicer.callers, "the sweeper never asked registration"
    assert all(caller.has_role(Role.SERVICE) for caller in servicer.callers)
