"""Informatics: the testing system's results imported instead of two markings (§43, §60, §67)."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.coding import WorkCoded, WorkWithdrawn
from olymp_core.contracts.publishing import ResultsPublished
from olymp_core.testing.service import ServiceHarness
from olymp_scoring.store import result_imports, works
from tests.integration.scoring.conftest import CHAIR, mark, outbox_payloads

pytestmark = pytest.mark.integration

INFORMATICS = "informatics"
GRADE = 9
CHECKED = "scoring.subject_grade_checked.v1"


def grade_base(olympiad_id: uuid.UUID, grade: int = GRADE) -> str:
    return f"/olympiads/{olympiad_id}/subjects/{INFORMATICS}/grades/{grade}"


def chair(svc: ServiceHarness) -> dict[str, str]:
    return svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: [INFORMATICS]})


async def informatics_grade(
    svc: ServiceHarness, olympiad_id: uuid.UUID, participants: int, grade: int = GRADE
) -> list[str]:
    """Works of present participants, as coding announces them: no code, the registration number
    (§60); and the criteria the chair sets from the testing system's tasks."""
    numbers = [str(uuid.uuid4()) for _ in range(participants)]
    for number in numbers:
        await svc.deliver(
            WorkCoded(
                olympiad_id=olympiad_id,
                work_code=number,
                subject_code=INFORMATICS,
                task_grade=grade,
            )
        )
    answer = await svc.client.put(
        grade_base(olympiad_id, grade) + "/scheme",
        json={
            "tasks": [{"number": n, "max_points": "100"} for n in (1, 2, 3)],
            "step": "1",
            "threshold": {"kind": "points", "value": "0"},
        },
        headers=chair(svc),
    )
    assert answer.status_code == 200, answer.text
    return numbers


def standings(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """A testing system's export: place, login, name, the tasks by letter, the total."""
    lines = ["Место;Логин;Участник;A;B;C;Сумма"]
    for place, (login, name, a, b, c) in enumerate(rows, start=1):
        total = sum(int(x or 0) for x in (a, b, c))
        lines.append(f"{place};{login};{name};{a};{b};{c};{total}")
    return ("\r\n".join(lines) + "\r\n").encode()


async def upload(
    svc: ServiceHarness,
    olympiad_id: uuid.UUID,
    body: bytes,
    *,
    file_format: str = "csv",
    headers: dict[str, str] | None = None,
    grade: int = GRADE,
) -> Any:
    return await svc.client.post(
        grade_base(olympiad_id, grade) + "/testing-results",
        params={"format": file_format, "file_name": f"standings.{file_format}"},
        content=body,
        headers=headers or chair(svc),
    )


async def statuses(svc: ServiceHarness, olympiad_id: uuid.UUID) -> dict[str, str]:
    async with svc.uows() as uow:
        rows = await uow.session.execute(
            sa.select(works.c.work_code, works.c.status).where(works.c.olympiad_id == olympiad_id)
        )
        return {row.work_code: row.status for row in rows}


async def audit_payloads(svc: ServiceHarness, olympiad_id: uuid.UUID) -> list[dict[str, Any]]:
    async with svc.uows() as uow:
        rows = await uow.session.scalars(
            sa.select(audit_log.c.payload)
            .where(
                audit_log.c.action == "results.imported",
                audit_log.c.object_id.startswith(str(olympiad_id)),
            )
            .order_by(audit_log.c.seq)
        )
        return list(rows)


async def test_p67_imported_results_settle_the_grade_and_announce_it_like_marked_ones(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    guseva, yolkin, mukhin = await informatics_grade(svc, olympiad_id, 3)
    assert set((await statuses(svc, olympiad_id)).values()) == {"awaiting_results"}
    file = standings(
        [
            (guseva, "Гусева Алёна Петровна", "100", "75", "40"),
            (yolkin.upper(), "Ёлкин Пётр Ильич", "100", "", ""),
            (mukhin, "Петров-Мухин Илья Андреевич", "60", "35", "0"),
        ]
    )

    answer = await upload(svc, olympiad_id, file)

    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["rows"] == 3
    assert found["announced"] is True
    assert found["progress"] == {
        "works_total": 3,
        "works_checked": 3,
        "works_annulled": 0,
        "all_checked": True,
    }
    assert found["ignored_columns"] == ["Место", "Участник"]
    (event,) = await outbox_payloads(svc, CHECKED, olympiad_id)
    assert event["subject_code"] == INFORMATICS
    assert event["task_max"] == {"1": "100", "2": "100", "3": "100"}
    scored = {w["work_code"]: (w["task_scores"], w["total"]) for w in event["works"]}
    assert scored == {
        guseva: ({"1": "100", "2": "75", "3": "40"}, "215"),
        yolkin: ({"1": "100", "2": "0", "3": "0"}, "100"),
        mukhin: ({"1": "60", "2": "35", "3": "0"}, "95"),
    }
    (entry,) = await audit_payloads(svc, olympiad_id)
    assert entry["changes"][guseva] == {"before": None, "after": {"1": "100", "2": "75", "3": "40"}}
    assert entry["file_name"] == "standings.csv"
    listed = await svc.client.get(grade_base(olympiad_id) + "/testing-results", headers=chair(svc))
    assert [(i["rows"], i["changed"], i["imported_by"]) for i in listed.json()["imports"]] == [
        (3, 3, CHAIR)
    ]


async def test_p67_a_bad_file_stores_nothing_and_names_each_line_and_column(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    guseva, yolkin = await informatics_grade(svc, olympiad_id, 2)
    stranger = str(uuid.uuid4())
    file = standings(
        [
            (guseva, "Гусева Алёна Петровна", "100", "175", "40"),
            (yolkin, "Ёлкин Пётр Ильич", "100", "0", "0"),
            (stranger, "Ёлкина Мария Сергеевна", "10", "0", "0"),
        ]
    )

    answer = await upload(svc, olympiad_id, file)

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"].endswith("results-file-rejected")
    assert problem["detail"].startswith("Файл не загружен, ни один балл не сохранён")
    assert [(e["line"], e["column"], e["header"]) for e in problem["errors"]] == [
        (2, "E", "B"),
        (4, "B", "Логин"),
    ]
    assert "больше максимума этого задания (100)" in problem["errors"][0]["message"]
    assert "нет среди работ по предмету «информатика», 9 класс" in problem["errors"][1]["message"]
    assert set((await statuses(svc, olympiad_id)).values()) == {"awaiting_results"}
    assert await outbox_payloads(svc, CHECKED, olympiad_id) == []
    assert await audit_payloads(svc, olympiad_id) == []
    async with svc.uows() as uow:
        kept = await uow.session.scalar(
            sa.select(sa.func.count())
            .select_from(result_imports)
            .where(result_imports.c.olympiad_id == olympiad_id)
        )
    assert kept == 0


async def test_p67_the_same_file_twice_is_one_import_and_a_corrected_file_replaces_with_audit(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    guseva, yolkin = await informatics_grade(svc, olympiad_id, 2)
    first = standings(
        [
            (guseva, "Гусева Алёна Петровна", "100", "75", "40"),
            (yolkin, "Ёлкин Пётр Ильич", "100", "0", "0"),
        ]
    )
    assert (await upload(svc, olympiad_id, first)).status_code == 200

    again = await upload(svc, olympiad_id, first)

    assert again.status_code == 200
    assert again.json()["import_id"] is None
    assert again.json()["changed"] == []
    assert again.json()["unchanged"] == 2
    assert len(await outbox_payloads(svc, CHECKED, olympiad_id)) == 1
    assert len(await audit_payloads(svc, olympiad_id)) == 1

    corrected = standings(
        [
            (guseva, "Гусева Алёна Петровна", "100", "75", "40"),
            (yolkin, "Ёлкин Пётр Ильич", "100", "20", "0"),
        ]
    )
    fixed = await upload(svc, olympiad_id, corrected)

    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["changed"] == [
        {
            "registration_number": yolkin,
            "task_scores_before": {"1": "100", "2": "0", "3": "0"},
            "task_scores_after": {"1": "100", "2": "20", "3": "0"},
        }
    ]
    _, entry = await audit_payloads(svc, olympiad_id)
    assert entry["changes"] == {
        yolkin: {
            "before": {"1": "100", "2": "0", "3": "0"},
            "after": {"1": "100", "2": "20", "3": "0"},
        }
    }
    first_event, second_event = await outbox_payloads(svc, CHECKED, olympiad_id)
    assert second_event["revision"] > first_event["revision"]
    assert {w["work_code"]: w["total"] for w in second_event["works"]}[yolkin] == "120"


async def test_p67_an_xlsx_export_imports_and_an_annulled_works_row_is_passed_over(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    guseva, removed = await informatics_grade(svc, olympiad_id, 2)
    await svc.deliver(WorkWithdrawn(olympiad_id=olympiad_id, work_code=removed, reason="акт"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Регистрационный номер", "Задача 1", "Задача 2", "Задача 3"])
    sheet.append([guseva, 100, 80, 0])
    sheet.append([removed, 10, 0, 0])
    out = io.BytesIO()
    book.save(out)

    answer = await upload(svc, olympiad_id, out.getvalue(), file_format="xlsx")

    assert answer.status_code == 200, answer.text
    assert answer.json()["annulled_rows"] == [removed]
    assert (await statuses(svc, olympiad_id)) == {guseva: "checked", removed: "annulled"}
    (event,) = await outbox_payloads(svc, CHECKED, olympiad_id)
    assert {w["work_code"]: w["annulled"] for w in event["works"]} == {
        guseva: False,
        removed: True,
    }


async def test_p69_informatics_works_are_never_marked_nor_handed_out_by_the_queue(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (number,) = await informatics_grade(svc, olympiad_id, 1)
    member = svc.auth(Role.JURY_MEMBER, sub="jury-a", scopes={ScopeKind.SUBJECT: [INFORMATICS]})

    claim = await svc.client.post(grade_base(olympiad_id) + "/claims", headers=member)
    marked = await mark(svc, olympiad_id, number, "jury-a", INFORMATICS, t1="1", t2="1", t3="1")

    assert claim.status_code == 204
    assert marked.status_code == 409
    assert "тестирующая система" in marked.json()["detail"]
    listed = await svc.client.get(f"/olympiads/{olympiad_id}/subject-grades", headers=chair(svc))
    (item,) = listed.json()["subject_grades"]
    assert item["checked_automatically"] is True


async def test_p60_a_late_work_reopens_the_grade_until_its_row_is_imported(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (guseva,) = await informatics_grade(svc, olympiad_id, 1)
    assert (await upload(svc, olympiad_id, standings([(guseva, "", "1", "2", "3")]))).is_success
    late = str(uuid.uuid4())
    await svc.deliver(
        WorkCoded(olympiad_id=olympiad_id, work_code=late, subject_code=INFORMATICS, task_grade=9)
    )

    incomplete = await upload(svc, olympiad_id, standings([(guseva, "", "1", "2", "3")]))
    complete = await upload(
        svc, olympiad_id, standings([(guseva, "", "1", "2", "3"), (late, "", "4", "5", "6")])
    )

    assert incomplete.status_code == 422
    assert late in incomplete.json()["errors"][0]["message"]
    assert complete.status_code == 200
    assert complete.json()["announced"] is True
    assert len(await outbox_payloads(svc, CHECKED, olympiad_id)) == 2


async def test_p120_after_the_final_table_a_file_that_changes_points_is_refused(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (guseva,) = await informatics_grade(svc, olympiad_id, 1)
    assert (await upload(svc, olympiad_id, standings([(guseva, "", "1", "2", "3")]))).is_success
    await svc.deliver(
        ResultsPublished(
            olympiad_id=olympiad_id,
            subject_code=INFORMATICS,
            grade=GRADE,
            stage="final",
            table_version=1,
        )
    )

    same = await upload(svc, olympiad_id, standings([(guseva, "", "1", "2", "3")]))
    changed = await upload(svc, olympiad_id, standings([(guseva, "", "1", "2", "4")]))

    assert same.status_code == 200
    assert changed.status_code == 409
    assert "п. 120" in changed.json()["detail"]


async def test_who_imports_the_chair_of_the_subject_or_the_organiser_and_only_informatics(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (guseva,) = await informatics_grade(svc, olympiad_id, 1)
    file = standings([(guseva, "", "1", "2", "3")])
    member = svc.auth(Role.JURY_MEMBER, sub="jury-a", scopes={ScopeKind.SUBJECT: [INFORMATICS]})
    other_chair = svc.auth(Role.JURY_CHAIR, sub="chair-x", scopes={ScopeKind.SUBJECT: ["math"]})
    organiser = svc.auth(Role.MUNICIPAL_COORDINATOR, sub="organiser-orlova")

    assert (await upload(svc, olympiad_id, file, headers=member)).status_code == 403
    assert (await upload(svc, olympiad_id, file, headers=other_chair)).status_code == 403
    assert (await upload(svc, olympiad_id, file, headers=organiser)).status_code == 200
    math = await svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/grades/{GRADE}/testing-results",
        content=file,
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR),
    )
    assert math.status_code == 409
    assert math.json()["type"].endswith("results-import-refused")


async def test_p72_the_checking_protocol_shows_the_testing_systems_points(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (guseva,) = await informatics_grade(svc, olympiad_id, 1)
    assert (await upload(svc, olympiad_id, standings([(guseva, "", "100", "75", "")]))).is_success

    answer = await svc.client.get(
        grade_base(olympiad_id) + "/protocols/checking.xlsx", headers=chair(svc)
    )

    assert answer.status_code == 200, answer.text
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [guseva, "2", "100", "тестирующая система: 75", "—", "—", "75", "75"] in values
    assert any(
        "проверены автоматической тестирующей системой (п. 43, 67)" in str(row[0])
        for row in values
        if row
    )
