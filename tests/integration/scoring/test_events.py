"""Events consumed by scoring: removal (§53), appeal decisions (§112, §116)."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role
from olymp_core.contracts.appeals import AppealDecided, AppealOutcome
from olymp_core.contracts.coding import WorkWithdrawn
from olymp_core.contracts.publishing import ResultsPublished
from olymp_core.events import PoisonMessage
from olymp_core.testing.service import ServiceHarness
from tests.integration.scoring.conftest import (
    CHAIR,
    GRADE,
    SUBJECT,
    base,
    code_works,
    mark,
    outbox_payloads,
    set_scheme,
)

pytestmark = pytest.mark.integration


def appeal(
    olympiad_id: uuid.UUID, code: str, outcome: AppealOutcome, **scores: str
) -> AppealDecided:
    return AppealDecided(
        appeal_id=uuid.uuid4(),
        olympiad_id=olympiad_id,
        subject_code=SUBJECT,
        grade=GRADE,
        work_code=code,
        outcome=outcome,
        new_task_scores={k.removeprefix("t"): Decimal(v) for k, v in scores.items()},
    )


async def checked_work(svc: ServiceHarness, olympiad_id: uuid.UUID, code: str) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, code)
    await mark(svc, olympiad_id, code, "jury-a", t1="4", t2="6")
    await mark(svc, olympiad_id, code, "jury-b", t1="4", t2="6")


async def test_p53_a_withdrawn_work_is_annulled_with_the_removal_reason(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-301", "M9-399")
    await svc.deliver(
        WorkWithdrawn(olympiad_id=olympiad_id, work_code="M9-301", reason="акт удаления № 3")
    )
    listed = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR)
    )
    work = {w["work_code"]: w for w in listed.json()["works"]}["M9-301"]
    assert work["status"] == "annulled"
    assert work["annulment_reason"] == "removed_from_venue"
    await mark(svc, olympiad_id, "M9-399", "jury-a", t1="3", t2="4")
    await mark(svc, olympiad_id, "M9-399", "jury-b", t1="3", t2="4")
    (event,) = await outbox_payloads(svc, "scoring.subject_grade_checked.v1", olympiad_id)
    assert {w["work_code"]: w["annulled"] for w in event["works"]} == {
        "M9-301": True,
        "M9-399": False,
    }
    async with svc.uows() as uow:
        removal = await uow.session.scalar(
            sa.select(audit_log.c.payload).where(
                audit_log.c.object_id == f"{olympiad_id}/M9-301",
                audit_log.c.action == "work.annulled",
            )
        )
    assert removal is not None
    assert removal["removal"] == "акт удаления № 3"


async def test_p53_a_withdrawal_before_coding_annuls_the_work_when_it_is_coded(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await svc.deliver(WorkWithdrawn(olympiad_id=olympiad_id, work_code="M9-302", reason="акт"))
    await code_works(svc, olympiad_id, "M9-302")
    progress = await svc.client.get(
        base(olympiad_id) + "/progress", headers=svc.auth(Role.JURY_CHAIR)
    )
    assert progress.json()["works_annulled"] == 1


async def test_p53_a_withdrawal_and_its_work_arriving_at_the_same_moment_annul_the_work(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    """They come on different queues and may be handled at once: whichever transaction commits
    first, the work ends annulled (never a work to mark with its withdrawal kept forever)."""
    codes = [f"M9-4{n:02d}" for n in range(30)]
    for code in codes:
        await asyncio.gather(
            code_works(svc, olympiad_id, code),
            svc.deliver(WorkWithdrawn(olympiad_id=olympiad_id, work_code=code, reason="акт")),
        )
    progress = await svc.client.get(
        base(olympiad_id) + "/progress", headers=svc.auth(Role.JURY_CHAIR)
    )
    assert progress.json()["works_annulled"] == len(codes)


async def test_p61_a_removal_that_overtakes_the_first_work_announces_nothing_early(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    """The first work of a subject and grade arrives already annulled (its withdrawal came first):
    one annulled work is not a checked subject, so nothing is announced until a work is checked
    and every work that arrives is done — criteria set or not."""
    checked = "scoring.subject_grade_checked.v1"
    await svc.deliver(WorkWithdrawn(olympiad_id=olympiad_id, work_code="M9-311", reason="акт"))
    await set_scheme(svc, olympiad_id)  # the chair may set the criteria before any work arrives
    await code_works(svc, olympiad_id, "M9-311")
    assert await outbox_payloads(svc, checked, olympiad_id) == []

    await code_works(svc, olympiad_id, "M9-312")
    assert await outbox_payloads(svc, checked, olympiad_id) == []
    await mark(svc, olympiad_id, "M9-312", "jury-a", t1="3", t2="4")
    await mark(svc, olympiad_id, "M9-312", "jury-b", t1="3", t2="4")
    [announced] = await outbox_payloads(svc, checked, olympiad_id)
    assert sorted(w["work_code"] for w in announced["works"]) == ["M9-311", "M9-312"]


async def test_p112_a_raising_decision_rescores_the_work(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await checked_work(svc, olympiad_id, "M9-303")
    await svc.deliver(appeal(olympiad_id, "M9-303", AppealOutcome.RAISE, t2="8.5"))
    (rescored,) = await outbox_payloads(svc, "scoring.work_rescored.v1", olympiad_id)
    assert rescored["work"]["task_scores"] == {"1": "4", "2": "8.5"}
    assert rescored["work"]["total"] == "12.5"
    listed = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR)
    )
    assert listed.json()["works"][0]["total"] == "12.5"
    async with svc.uows() as uow:
        actions = list(
            await uow.session.scalars(
                sa.select(audit_log.c.action).where(
                    audit_log.c.object_id == f"{olympiad_id}/M9-303"
                )
            )
        )
    assert "work.appeal_applied" in actions


async def test_p112_a_rejected_appeal_keeps_the_score_and_publishes_nothing(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await checked_work(svc, olympiad_id, "M9-304")
    await svc.deliver(appeal(olympiad_id, "M9-304", AppealOutcome.REJECT))
    assert await outbox_payloads(svc, "scoring.work_rescored.v1", olympiad_id) == []


async def test_p112_a_raise_that_lowers_a_task_is_dead_lettered(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await checked_work(svc, olympiad_id, "M9-305")
    with pytest.raises(PoisonMessage, match="понижает"):
        await svc.deliver(appeal(olympiad_id, "M9-305", AppealOutcome.RAISE, t1="2"))


def annulment(svc: ServiceHarness, olympiad_id: uuid.UUID, code: str) -> Any:
    return svc.client.post(
        f"/olympiads/{olympiad_id}/works/{code}/annulment",
        json={"reason": "violation_before_approval"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR),
    )


async def test_p119_annulment_and_appeals_after_the_preliminary_are_numbered_in_order(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    """Every statement of a subject and grade's results carries the next revision, so publishing
    keeps the newest per work whichever message it reads first."""
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-401", "M9-402")
    for member in ("jury-a", "jury-b"):
        await mark(svc, olympiad_id, "M9-401", member, t1="4", t2="6")
        await mark(svc, olympiad_id, "M9-402", member, t1="5", t2="5")
    await svc.deliver(appeal(olympiad_id, "M9-401", AppealOutcome.RAISE, t2="8.5"))
    annulled = await annulment(svc, olympiad_id, "M9-402")
    assert annulled.status_code == 200, annulled.text

    checked = await outbox_payloads(svc, "scoring.subject_grade_checked.v1", olympiad_id)
    (rescored,) = await outbox_payloads(svc, "scoring.work_rescored.v1", olympiad_id)
    assert [c["revision"] for c in checked] == [1, 3]
    assert rescored["revision"] == 2
    latest = {work["work_code"]: work for work in checked[-1]["works"]}
    assert latest["M9-402"]["annulled"] is True
    assert latest["M9-401"]["total"] == "12.5"  # the appeal, committed before, is in it


async def test_p119_no_annulment_once_the_final_table_is_published(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await checked_work(svc, olympiad_id, "M9-501")
    preliminary = ResultsPublished(
        olympiad_id=olympiad_id,
        subject_code=SUBJECT,
        grade=GRADE,
        stage="preliminary",
        table_version=1,
    )
    await svc.deliver(preliminary)
    final = ResultsPublished(
        olympiad_id=olympiad_id, subject_code=SUBJECT, grade=GRADE, stage="final", table_version=2
    )
    await svc.deliver(final)

    refused = await annulment(svc, olympiad_id, "M9-501")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["title"] == "Итоговые результаты уже утверждены"
    assert "M9-501" in problem["detail"] and "п. 120" in problem["detail"]
    listed = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR)
    )
    assert listed.json()["works"][0]["status"] == "checked"
    assert len(await outbox_payloads(svc, "scoring.subject_grade_checked.v1", olympiad_id)) == 1


async def test_p120_a_correction_changes_the_final_scores_and_is_announced_with_its_reason(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await checked_work(svc, olympiad_id, "M9-601")  # 4 + 6, announced (revision 1)
    url = f"/olympiads/{olympiad_id}/works/M9-601/correction"
    body = {
        "task_scores": {"2": "7.5"},
        "reason": "балл за задание 2 перенесён из бланка с ошибкой",
    }

    member = svc.auth(Role.JURY_MEMBER, sub="jury-a")
    assert (await svc.client.post(url, json=body, headers=member)).status_code == 403
    off_scale = {**body, "task_scores": {"2": "10.3"}}
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR, sub="komitet")
    assert (await svc.client.post(url, json=off_scale, headers=organiser)).status_code == 422

    corrected = await svc.client.post(url, json=body, headers=organiser)
    assert corrected.status_code == 200, corrected.text
    answer = corrected.json()
    assert (answer["changed"], answer["total_before"], answer["total_after"]) == (
        True,
        "10",
        "11.5",
    )
    assert answer["task_scores_after"] == {"1": "4", "2": "7.5"}
    again = await svc.client.post(url, json=body, headers=organiser)
    assert again.json()["changed"] is False

    checked = await outbox_payloads(svc, "scoring.subject_grade_checked.v1", olympiad_id)
    assert [c["revision"] for c in checked] == [1, 2]
    assert checked[1]["correction"] == {
        "work_code": "M9-601",
        "reason": body["reason"],
        "corrected_by": "komitet",
    }
    assert checked[1]["works"][0]["total"] == "11.5"
    async with svc.uows() as uow:
        entry = (
            await uow.session.execute(
                sa.select(audit_log.c.payload).where(
                    audit_log.c.object_id == f"{olympiad_id}/M9-601",
                    audit_log.c.action == "work.corrected",
                )
            )
        ).scalar_one()
    assert (entry["before"], entry["after"]) == ({"1": "4", "2": "6"}, {"1": "4", "2": "7.5"})
    assert entry["reason"] == body["reason"]


async def test_p120_only_a_checked_work_is_corrected(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-602")
    refused = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-602/correction",
        json={"task_scores": {"1": "3"}, "reason": "ошибка переноса баллов"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR),
    )
    assert refused.status_code == 409
    assert "ожидает проверки" in refused.json()["detail"]
