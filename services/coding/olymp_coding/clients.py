"""Calls to other services: registration's list of who was present (gRPC)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import grpc

from olymp.registration.v1 import registration_pb2, registration_pb2_grpc
from olymp_coding.settings import CodingSettings
from olymp_core.auth import AuthSettings, Role, bearer_metadata
from olymp_core.runtime import Runtime

log = logging.getLogger("olymp.coding.clients")


@dataclass(frozen=True)
class PresentParticipant:
    participant_id: uuid.UUID
    task_grade: int


PresentParticipants = Callable[[uuid.UUID, str], Awaitable[Sequence[PresentParticipant]]]


def registration_client(runtime: Runtime[CodingSettings]) -> PresentParticipants:
    """Asks registration's `ListPresentParticipants`, with a service token when a key is configured."""
    settings = runtime.settings

    def metadata() -> tuple[tuple[str, str], ...]:
        if settings.auth_local_private_key_file is None:
            return ()
        issuer = AuthSettings(
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            local_private_key_file=settings.auth_local_private_key_file,
        ).build_issuer(runtime.clock)
        return bearer_metadata(issuer.issue(settings.service_name, [Role.SERVICE]))

    async def present(olympiad_id: uuid.UUID, subject_code: str) -> list[PresentParticipant]:
        async with grpc.aio.insecure_channel(settings.registration_grpc) as channel:
            stub = registration_pb2_grpc.RegistrationServiceStub(channel)
            response = await stub.ListPresentParticipants(
                registration_pb2.ListPresentParticipantsRequest(
                    olympiad_id=str(olympiad_id), subject_code=subject_code
                ),
                metadata=metadata(),
                timeout=settings.registration_grpc_timeout_s,
            )
        participants = []
        for item in response.participants:
            try:
                participant_id = uuid.UUID(item.participant_id)
            except ValueError:
                log.warning("registration sent an invalid participant id; skipped")
                continue
            participants.append(PresentParticipant(participant_id, int(item.task_grade)))
        return participants

    return present
