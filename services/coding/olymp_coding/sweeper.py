"""Heal lost check-ins: registration's list of present participants is the truth, the event a hint.

For every (olympiad, subject) coding has heard of, ask registration over gRPC who was present and
code the works that are missing, exactly as the check-in consumer would have.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import grpc

from olymp.registration.v1 import registration_pb2, registration_pb2_grpc
from olymp_coding import handlers, store
from olymp_coding.settings import CodingSettings
from olymp_core.auth import AuthSettings, Role, bearer_metadata
from olymp_core.events import SweepJob
from olymp_core.service import Runtime

log = logging.getLogger("olymp.coding.sweeper")

LIST_PRESENT = "/olymp.registration.v1.RegistrationService/ListPresentParticipants"


@dataclass(frozen=True)
class PresentParticipant:
    participant_id: uuid.UUID
    task_grade: int


PresentParticipants = Callable[[uuid.UUID, str], Awaitable[Sequence[PresentParticipant]]]


def registration_client(runtime: Runtime, settings: CodingSettings) -> PresentParticipants:
    """Asks registration's `ListPresentParticipants`, with a service token when a key is configured."""

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


async def heal_lost_check_ins(
    runtime: Runtime, present: PresentParticipants, *, prefix: str = ""
) -> int:
    """Code every missing work of a present participant; returns how many were coded."""
    async with runtime.uows() as uow:
        subjects = await store.seen_subjects(uow.session)
    rng = random.SystemRandom()
    healed = 0
    for olympiad_id, subject_code in subjects:
        participants = await present(olympiad_id, subject_code)
        async with runtime.uows() as uow:
            for participant in participants:
                coded = await handlers.code_work(
                    uow,
                    olympiad_id=olympiad_id,
                    participant_id=participant.participant_id,
                    subject_code=subject_code,
                    task_grade=participant.task_grade,
                    rng=rng,
                    prefix=prefix,
                )
                healed += coded is not None
            await uow.commit()
    return healed


def lost_check_ins_job(runtime: Runtime, settings: CodingSettings) -> SweepJob:
    client = registration_client(runtime, settings)

    async def run() -> int:
        return await heal_lost_check_ins(runtime, client, prefix=settings.code_prefix)

    return SweepJob("coding.lost_check_ins", run)
