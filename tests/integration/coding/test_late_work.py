"""A work coded after its subject and grade was decoded («Holds on the day», M3).

A participant checked in late (or whose check-in the sweeper healed) gets a work after the coding
officer decoded the subject and grade. Before, the work was coded, marked and announced by scoring,
but never decoded: `decode` answered the first result again, no `WorksDecoded` named the
participant, and the score never met a name in publishing's tables. Now the officer's decoding
covers the subject and grade: the late work is decoded as soon as scoring reports it checked, and
until then the officer's decode call is refused, naming the work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.coding import WorkCoded, WorksDecoded
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ParticipantCheckedIn,
    ParticipantRegistered,
)
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked
from olymp_core.events import Event
from olymp_core.events.tables import outbox
from olymp_core.testing.service import ServiceHarness, running_service

pytestmark = pytest.mark.integration

AT = dt.datetime(2025, 11, 20, 5, 0, tzinfo=dt.UTC)


@pytest_asyncio.fixture(scope="module")
async def coding(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServiceHarness]:
    async with running_service("coding", tmp_path_factory.mktemp("coding-late")) as svc:
        yield svc


def checked_in(olympiad_id: uuid.UUID, participant_id: uuid.UUID) -> ParticipantCheckedIn:
    return ParticipantCheckedIn(
        olympiad_id=olympiad_id,
        participant_id=participant_id,
        subject_code="math",
        task_grade=9,
        present=True,
        at=AT,
    )


def all_checked(olympiad_id: uuid.UUID, totals: dict[str, int]) -> SubjectGradeChecked:
    """Scoring's announcement that every work of math, grade 9 is checked, with its total."""
    return SubjectGradeChecked(
        olympiad_id=olympiad_id,
        subject_code="math",
        grade=9,
        task_max={"1": Decimal(50)},
        works=tuple(
            ScoredWork(
                work_code=code,
                task_scores={"1": Decimal(total)},
                total=Decimal(total),
                max_total=Decimal(50),
            )
            for code, total in totals.items()
        ),
    )


async def outbox_of(
    svc: ServiceHarness, event: type[Event], olympiad_id: uuid.UUID
) -> list[dict[str, Any]]:
    async with svc.uows() as uow:
        payloads = await uow.session.scalars(
            sa.select(outbox.c.payload)
            .where(outbox.c.routing_key == event.routing_key())
            .order_by(outbox.c.id)
        )
        return [dict(p) for p in payloads if p["olympiad_id"] == str(olympiad_id)]


async def codes_of(svc: ServiceHarness, olympiad_id: uuid.UUID) -> dict[str, str]:
    """participant id -> work code, from the sealed table (the coding officer's read)."""
    response = await svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/math/codes", headers=svc.auth(Role.CODING_OFFICER)
    )
    assert response.status_code == 200, response.text
    return {e["participant_id"]: e["work_code"] for e in response.json()["entries"]}


def decode_url(olympiad_id: uuid.UUID) -> str:
    return f"/olympiads/{olympiad_id}/subjects/math/grades/9/decode"


async def decoded_then_late(
    coding: ServiceHarness, olympiad: uuid.UUID, on_time: Sequence[uuid.UUID], late: uuid.UUID
) -> dict[str, str]:
    """The on-time works checked and decoded by the officer, then `late` checked in."""
    await coding.deliver(*(checked_in(olympiad, p) for p in on_time))
    codes = await codes_of(coding, olympiad)
    await coding.deliver(all_checked(olympiad, {code: 30 for code in codes.values()}))
    first = await coding.client.post(decode_url(olympiad), headers=coding.auth(Role.JURY_CHAIR))
    assert first.json() == {"decoded": len(on_time)}, first.text
    await coding.deliver(checked_in(olympiad, late))
    return await codes_of(coding, olympiad)


async def test_m3_a_work_coded_after_decoding_is_decoded_once_it_is_checked(
    coding: ServiceHarness,
) -> None:
    olympiad = uuid.uuid4()
    on_time, late = [uuid.uuid4(), uuid.uuid4()], uuid.uuid4()
    codes = await decoded_then_late(coding, olympiad, on_time, late)
    late_code = codes[str(late)]
    assert len(await outbox_of(coding, WorkCoded, olympiad)) == 3

    # the officer asks again while the late work is not checked: refused, naming the work
    waiting = await coding.client.post(decode_url(olympiad), headers=coding.auth(Role.JURY_CHAIR))
    assert waiting.status_code == 409
    assert waiting.json()["unchecked_codes"] == [late_code]
    assert "будут декодированы сами" in waiting.json()["detail"]
    assert len(await outbox_of(coding, WorksDecoded, olympiad)) == 1

    # scoring reopened the grade, the jury checked the late work, scoring announces all three
    await coding.deliver(all_checked(olympiad, {code: 30 for code in codes.values()}))

    first, again = await outbox_of(coding, WorksDecoded, olympiad)
    assert {w["participant_id"] for w in first["works"]} == {str(p) for p in on_time}
    assert {(w["participant_id"], w["work_code"]) for w in again["works"]} == set(codes.items())
    async with coding.uows() as uow:
        entries = (
            await uow.session.execute(
                sa.select(audit_log.c.actor, audit_log.c.payload)
                .where(
                    audit_log.c.action == "works.decoded",
                    audit_log.c.object_id == f"{olympiad}/math/9",
                )
                .order_by(audit_log.c.seq)
            )
        ).all()
    assert [(actor, payload.get("coded_after_decoding")) for actor, payload in entries] == [
        ("tester", None),
        ("coding", 1),
    ]
    # the officer's call now answers the whole decoding, and announces nothing more
    settled = await coding.client.post(decode_url(olympiad), headers=coding.auth(Role.JURY_CHAIR))
    assert settled.json() == {"decoded": 3}
    await coding.deliver(all_checked(olympiad, {code: 30 for code in codes.values()}))
    assert len(await outbox_of(coding, WorksDecoded, olympiad)) == 2


async def test_m3_the_late_work_reaches_the_results_table(
    coding: ServiceHarness, tmp_path: Path
) -> None:
    """Coding's events, as publishing receives them, put the late participant in the table."""
    olympiad = uuid.uuid4()
    people = {uuid.uuid4(): "Абрамов", uuid.uuid4(): "Борисова", uuid.uuid4(): "Волков"}
    on_time, late = list(people)[:2], list(people)[2]
    codes = await decoded_then_late(coding, olympiad, on_time, late)
    totals = {codes[str(p)]: total for p, total in zip(people, (40, 30, 45), strict=True)}
    await coding.deliver(all_checked(olympiad, totals))
    first, again = [
        WorksDecoded.model_validate(p) for p in await outbox_of(coding, WorksDecoded, olympiad)
    ]

    async with running_service("publishing", tmp_path / "publishing") as publishing:
        await publishing.deliver(
            OlympiadCreated(olympiad_id=olympiad, title="ВсОШ", time_zone="Asia/Omsk", subjects=()),
            *(
                ParticipantRegistered(
                    olympiad_id=olympiad,
                    participant_id=p,
                    subject_code="math",
                    surname=surname,
                    name="Иван",
                    patronymic="",
                    grade=9,
                    task_grade=9,
                    school="МБОУ «СОШ № 1»",
                    consent_to_publish=True,
                )
                for p, surname in people.items()
            ),
            # what publishing had when the officer decoded: two works, their scores
            first,
            all_checked(olympiad, {codes[str(p)]: totals[codes[str(p)]] for p in on_time}),
            # then scoring's second announcement and coding's decoding of the late work
            all_checked(olympiad, totals),
            again,
        )
        chair = publishing.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
        table_url = f"/olympiads/{olympiad}/subjects/math/grades/9/final"
        submitted = await publishing.client.post(table_url + "/submission", headers=chair)
        assert submitted.status_code == 201, submitted.text
        organiser = publishing.auth(Role.MUNICIPAL_COORDINATOR)
        final = await publishing.client.post(table_url, headers=organiser)
        assert final.status_code == 201, final.text
        table = await publishing.client.get(f"/results/{olympiad}/math/9")
        assert table.status_code == 200, table.text
        rows = table.json()["rows"]

    assert [(r["participant"].split()[0], r["total"]) for r in rows] == [
        ("Волков", "45"),
        ("Абрамов", "40"),
        ("Борисова", "30"),
    ]
