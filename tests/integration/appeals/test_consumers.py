"""The events appeals consumes, delivered through the real broker: decoding, scores, rescoring."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from olymp_appeals import store
from olymp_core.clock import local_instant
from olymp_core.contracts.coding import DecodedWork, WorksDecoded
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked, WorkRescored
from olymp_core.testing.events import eventually
from olymp_core.testing.events import publish_to_broker as publish

from .conftest import TASK_MAX, ZONE, Olympiad

pytestmark = pytest.mark.integration


def scored(work_code: str, first_task: str) -> ScoredWork:
    scores = {"1": Decimal(first_task), "2": Decimal(2), "3": Decimal(0)}
    return ScoredWork(
        work_code=work_code,
        task_scores=scores,
        total=sum(scores.values(), Decimal(0)),
        max_total=Decimal(30),
    )


async def test_decoded_and_scored_work_becomes_appealable_and_follows_rescoring(
    olympiad: Olympiad,
) -> None:
    participant_id = uuid.uuid4()
    common = {"olympiad_id": olympiad.olympiad_id, "subject_code": "math", "grade": 9}
    # Decoding may overtake the scores: the work is appealable only once both arrived.
    await publish(
        WorksDecoded(
            **common, works=(DecodedWork(work_code="M9-777", participant_id=participant_id),)
        ),
        SubjectGradeChecked(**common, task_max=TASK_MAX, works=(scored("M9-777", "4"),)),
    )

    async def first_task_is(score: str) -> bool:
        async with olympiad.appeals.svc.uows() as uow:
            work = await store.get_work(uow.session, olympiad.olympiad_id, "math", "M9-777")
        return (
            work is not None
            and work.participant_id == participant_id
            and work.task_scores is not None
            and work.task_scores["1"] == Decimal(score)
        )

    await eventually(lambda: first_task_is("4"))
    await publish(WorkRescored(**common, appeal_id=uuid.uuid4(), work=scored("M9-777", "7")))
    await eventually(lambda: first_task_is("7"))

    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(9), ZONE))
    await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    filed = await olympiad.file(participant_id, [1])
    assert filed.status_code == 201, filed.text
    assert "M9-777" not in filed.text
