"""Heal lost check-ins: registration's list of present participants is the truth, the event a hint.

For every (olympiad, subject) coding has heard of, ask registration over gRPC who was present and
code the works that are missing, exactly as the check-in consumer would have.
"""

from __future__ import annotations

import random

from olymp_coding import handlers, store
from olymp_coding.clients import PresentParticipants, registration_client
from olymp_coding.settings import CodingSettings
from olymp_core.events import SweepJob
from olymp_core.runtime import Runtime


async def heal_lost_check_ins(
    runtime: Runtime[CodingSettings], present: PresentParticipants
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
                    prefix=runtime.settings.code_prefix,
                )
                healed += coded is not None
            await uow.commit()
    return healed


def lost_check_ins_job(runtime: Runtime[CodingSettings]) -> SweepJob:
    client = registration_client(runtime)

    async def run() -> int:
        return await heal_lost_check_ins(runtime, client)

    return SweepJob("coding.lost_check_ins", run)
