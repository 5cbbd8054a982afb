"""The coding service wired to its database, broker and HTTP API (§53, §60–65)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import uuid
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from openpyxl import load_workbook

from olymp_coding.domain import validate_code
from olymp_coding.handlers import code_work
from olymp_core.audit import audit_log
from olymp_core.auth import Role
from olymp_core.contracts.coding import WorkCoded, WorksDecoded, WorkWithdrawn
from olymp_core.contracts.registration import ParticipantCheckedIn, ParticipantRemoved
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked
from olymp_core.events import Event
from olymp_core.events.tables import outbox
from olymp_core.testing.events import eventually, publish_to_broker
from olymp_core.testing.service import ServiceHarness, running_service

pytestmark = pytest.mark.integration

AT = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest_asyncio.fixture(scope="module")
async def coding(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServiceHarness]:
    workdir: Path = tmp_path_factory.mktemp("coding")
    async with running_service("coding", workdir) as svc:
        yield svc


def checked_in(
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID | None = None,
    *,
    subject_code: str = "math",
    task_grade: int = 9,
    present: bool = True,
) -> ParticipantCheckedIn:
    return ParticipantCheckedIn(
        olympiad_id=olympiad_id,
        participant_id=participant_id or uuid.uuid4(),
        subject_code=subject_code,
        task_grade=task_grade,
        present=present,
        at=AT,
    )


def removed(olympiad_id: uuid.UUID, participant_id: uuid.UUID) -> ParticipantRemoved:
    return ParticipantRemoved(
        olympiad_id=olympiad_id,
        participant_id=participant_id,
        subject_code="math",
        reason="Удалён за использование телефона (акт № 3)",
        removed_at=AT,
    )


async def works(svc: ServiceHarness, olympiad_id: uuid.UUID, subject_code: str = "math") -> Any:
    response = await svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/{subject_code}/works",
        headers=svc.auth(Role.JURY_MEMBER),
    )
    assert response.status_code == 200, response.text
    return response.json()["works"]


async def in_outbox(
    svc: ServiceHarness, event: type[Event], olympiad_id: uuid.UUID
) -> list[dict[str, Any]]:
    async with svc.uows() as uow:
        payloads = await uow.session.scalars(
            sa.select(outbox.c.payload)
            .where(outbox.c.routing_key == event.routing_key())
            .order_by(outbox.c.id)
        )
        return [p for p in payloads if p["olympiad_id"] == str(olympiad_id)]


def decode_url(olympiad_id: uuid.UUID, grade: int = 9) -> str:
    return f"/olympiads/{olympiad_id}/subjects/math/grades/{grade}/decode"


async def test_p60_present_participant_gets_a_valid_code_and_work_coded(
    coding: ServiceHarness,
) -> None:
    olympiad = uuid.uuid4()
    await coding.deliver(checked_in(olympiad, task_grade=10))

    (work,) = await works(coding, olympiad)
    assert validate_code(work["work_code"]) == work["work_code"]
    assert work["grade"] == 10
    assert work["status"] == "unchecked"
    assert set(work) == {"work_code", "grade", "status", "status_label"}
    (event,) = await in_outbox(coding, WorkCoded, olympiad)
    assert event["work_code"] == work["work_code"]
    assert event["task_grade"] == 10


async def test_p60_absent_participant_gets_no_work(coding: ServiceHarness) -> None:
    olympiad = uuid.uuid4()
    await coding.deliver(checked_in(olympiad, present=False))

    assert await works(coding, olympiad) == []
    assert await in_outbox(coding, WorkCoded, olympiad) == []


async def test_p60_informatics_work_carries_the_registration_id(coding: ServiceHarness) -> None:
    olympiad, participant = uuid.uuid4(), uuid.uuid4()
    event = checked_in(olympiad, participant, subject_code="informatics")
    await coding.deliver(event)

    (work,) = await works(coding, olympiad, "informatics")
    assert work["work_code"] == str(participant)


async def test_repeated_check_in_codes_one_work(coding: ServiceHarness) -> None:
    olympiad, participant = uuid.uuid4(), uuid.uuid4()
    for _ in range(2):
        await coding.deliver(checked_in(olympiad, participant))

    assert len(await works(coding, olympiad)) == 1
    assert len(await in_outbox(coding, WorkCoded, olympiad)) == 1


class Replay:
    """A random source that gives the same draws again: each code it makes comes twice."""

    def __init__(self, values: Sequence[int]) -> None:
        self.values = list(values)
        self.drawn = 0

    def randrange(self, stop: int, /) -> int:
        value = self.values[self.drawn % len(self.values)] % stop
        self.drawn += 1
        return value


async def test_p60_a_drawn_code_already_issued_in_the_olympiad_is_drawn_again(
    coding: ServiceHarness,
) -> None:
    olympiad = uuid.uuid4()
    # six draws make a code; the source repeats the first code's draws, then moves on
    draws = [1, 2, 3, 4, 5, 6] * 2 + [6, 5, 4, 3, 2, 1]
    codes = []
    for _ in range(2):
        async with coding.uows() as uow:
            assignment = await code_work(
                uow,
                olympiad_id=olympiad,
                participant_id=uuid.uuid4(),
                subject_code="math",
                task_grade=9,
                rng=Replay(draws),
            )
            await uow.commit()
        assert assignment is not None
        codes.append(assignment.work_code)

    assert codes[0] != codes[1]
    assert sorted(w["work_code"] for w in await works(coding, olympiad)) == sorted(codes)


async def test_check_in_from_the_broker_is_consumed(coding: ServiceHarness) -> None:
    olympiad = uuid.uuid4()
    event = checked_in(olympiad)
    await publish_to_broker(event)
    found: list[Any] = []

    async def consumed() -> bool:
        found[:] = await works(coding, olympiad)
        return bool(found)

    await eventually(consumed, within_s=10)
    assert len(found) == 1


async def test_p53_removal_withdraws_the_coded_work(coding: ServiceHarness) -> None:
    olympiad, participant = uuid.uuid4(), uuid.uuid4()
    await coding.deliver(checked_in(olympiad, participant))
    await coding.deliver(removed(olympiad, participant))
    await coding.deliver(removed(olympiad, participant))

    (work,) = await works(coding, olympiad)
    assert work["status"] == "annulled"
    (withdrawn,) = await in_outbox(coding, WorkWithdrawn, olympiad)
    assert withdrawn["work_code"] == work["work_code"]
    assert withdrawn["reason"] == "Участник удалён с олимпиады по акту (п. 53)"


async def test_p53_removal_act_text_never_travels_beside_the_work_code(
    coding: ServiceHarness,
) -> None:
    olympiad, participant = uuid.uuid4(), uuid.uuid4()
    act_text = "Иванов П., 9Б, телефон"
    await coding.deliver(checked_in(olympiad, participant))
    event = removed(olympiad, participant).model_copy(update={"reason": act_text})
    await coding.deliver(event)

    (work,) = await works(coding, olympiad)
    (withdrawn,) = await in_outbox(coding, WorkWithdrawn, olympiad)
    assert act_text not in str(withdrawn)
    async with coding.uows() as uow:
        entries = (
            await uow.session.execute(
                sa.select(audit_log.c.payload).where(audit_log.c.action == "work.withdrawn")
            )
        ).scalars()
        mine = [p for p in entries if p["work_code"] == work["work_code"]]
    assert len(mine) == 1
    assert act_text not in str(mine)


async def test_p53_removal_before_check_in_means_no_work_is_ever_coded(
    coding: ServiceHarness,
) -> None:
    olympiad, participant = uuid.uuid4(), uuid.uuid4()
    await coding.deliver(removed(olympiad, participant))
    await coding.deliver(checked_in(olympiad, participant))

    assert await works(coding, olympiad) == []
    assert await in_outbox(coding, WorkCoded, olympiad) == []
    assert await in_outbox(coding, WorkWithdrawn, olympiad) == []


async def test_p53_removal_and_check_in_at_the_same_moment_never_leave_a_work_to_mark(
    coding: ServiceHarness,
) -> None:
    """The two events come on different queues and may be handled at once: whichever order
    their transactions take, the removed participant's work is never coded, or it is withdrawn."""
    olympiad = uuid.uuid4()
    participants = [uuid.uuid4() for _ in range(40)]
    for participant in participants:
        await asyncio.gather(
            coding.deliver(checked_in(olympiad, participant)),
            coding.deliver(removed(olympiad, participant)),
        )
    listed = await works(coding, olympiad)
    withdrawn = {e["work_code"] for e in await in_outbox(coding, WorkWithdrawn, olympiad)}
    for work in listed:
        assert work["status"] == "annulled" and work["work_code"] in withdrawn, work


async def test_p62_code_table_is_for_the_coding_officer_only_and_audited(
    coding: ServiceHarness,
) -> None:
    olympiad, participant = uuid.uuid4(), uuid.uuid4()
    await coding.deliver(checked_in(olympiad, participant))
    url = f"/olympiads/{olympiad}/subjects/math/codes"

    anonymous = await coding.client.get(url)
    jury = await coding.client.get(url, headers=coding.auth(Role.JURY_MEMBER))
    chair = await coding.client.get(url, headers=coding.auth(Role.JURY_CHAIR))
    officer = await coding.client.get(
        url, headers=coding.auth(Role.CODING_OFFICER, sub="officer-7")
    )

    assert anonymous.status_code == 401
    assert jury.status_code == 403
    assert chair.status_code == 403
    assert officer.status_code == 200, officer.text
    (entry,) = officer.json()["entries"]
    assert entry["participant_id"] == str(participant)
    assert entry["grade"] == 9
    async with coding.uows() as uow:
        reads = (
            await uow.session.execute(
                sa.select(audit_log.c.actor).where(
                    audit_log.c.action == "code_table.read",
                    audit_log.c.object_id == f"{olympiad}/math",
                )
            )
        ).all()
    assert [row.actor for row in reads] == ["officer-7"]


async def test_unknown_subject_is_not_found(coding: ServiceHarness) -> None:
    response = await coding.client.get(
        f"/olympiads/{uuid.uuid4()}/subjects/alchemy/works",
        headers=coding.auth(Role.CODING_OFFICER),
    )
    assert response.status_code == 404
    assert "alchemy" in response.json()["detail"]


async def test_p61_decoding_refused_until_every_work_is_checked_or_annulled(
    coding: ServiceHarness,
) -> None:
    olympiad = uuid.uuid4()
    ids = [uuid.uuid4(), uuid.uuid4()]
    for participant in ids:
        await coding.deliver(checked_in(olympiad, participant))
    await coding.deliver(checked_in(olympiad, task_grade=10))
    codes = [w["work_code"] for w in await works(coding, olympiad) if w["grade"] == 9]
    chair = coding.auth(Role.JURY_CHAIR)

    before = await coding.client.post(decode_url(olympiad), headers=chair)
    await coding.deliver(grade_checked(olympiad, codes[:1]))
    partly = await coding.client.post(decode_url(olympiad), headers=chair)
    by_jury_member = await coding.client.post(
        decode_url(olympiad), headers=coding.auth(Role.JURY_MEMBER)
    )

    assert before.status_code == 409
    assert before.headers["content-type"].startswith("application/problem+json")
    assert "п. 61" in before.json()["detail"]
    assert partly.status_code == 409
    assert partly.json()["unchecked_codes"] == codes[1:]
    assert by_jury_member.status_code == 403
    assert await in_outbox(coding, WorksDecoded, olympiad) == []

    await coding.deliver(
        grade_checked(olympiad, codes[:1], annulled=codes[1:]),
    )
    first = await coding.client.post(decode_url(olympiad), headers=chair)
    again = await coding.client.post(decode_url(olympiad), headers=coding.auth(Role.CODING_OFFICER))

    assert first.status_code == 200, first.text
    assert first.json() == {"decoded": 2}
    assert again.json() == {"decoded": 2}
    (decoded,) = await in_outbox(coding, WorksDecoded, olympiad)
    assert decoded["grade"] == 9
    assert {w["participant_id"] for w in decoded["works"]} == {str(p) for p in ids}
    grade_10 = await coding.client.post(decode_url(olympiad, 10), headers=chair)
    assert grade_10.status_code == 409


def grade_checked(
    olympiad_id: uuid.UUID, checked: Sequence[str], annulled: Sequence[str] = ()
) -> SubjectGradeChecked:
    scored = [
        ScoredWork(
            work_code=code, task_scores={"1": Decimal(5)}, total=Decimal(5), max_total=Decimal(10)
        )
        for code in checked
    ] + [
        ScoredWork(
            work_code=code,
            task_scores={},
            total=None,
            max_total=Decimal(10),
            annulled=True,
            annulment_reason="Работа содержит пометки, раскрывающие авторство (п. 47)",
        )
        for code in annulled
    ]
    return SubjectGradeChecked(
        olympiad_id=olympiad_id,
        subject_code="math",
        grade=9,
        task_max={"1": Decimal(10)},
        works=tuple(scored),
    )


async def test_p64_jury_table_is_an_xlsx_of_codes_without_participants(
    coding: ServiceHarness,
) -> None:
    olympiad = uuid.uuid4()
    participants = [uuid.uuid4() for _ in range(3)]
    for participant in participants:
        await coding.deliver(checked_in(olympiad, participant))
    await coding.deliver(removed(olympiad, participants[0]))
    kept = sorted(
        w["work_code"] for w in await works(coding, olympiad) if w["status"] != "annulled"
    )

    response = await coding.client.get(
        f"/olympiads/{olympiad}/subjects/math/grades/9/jury-table.xlsx",
        headers=coding.auth(Role.JURY_MEMBER),
    )

    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Шифр", "Класс (параллель)", "Предмет")
    assert rows[1:] == [(code, 9, "математика") for code in kept]
    cells = " ".join(str(cell) for row in rows for cell in row)
    assert not any(str(participant) in cells for participant in participants)
