"""Admission (§10) through the HTTP API: the organiser sets thresholds and last year's awardees,
and the application's import refuses, all rows or none, every row they do not admit, naming row,
column and remedy; pupils in family education or self-education (§9) are admitted."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.synthetic import SyntheticParticipant, generate_participants
from olymp_core.testing.synthetic import to_csv as synthetic_csv
from tests.integration.registration.conftest import Desk

pytestmark = pytest.mark.integration

SCORE = "Баллы школьного этапа"
FORM = "Форма обучения"
SCHOOL = "Образовательная организация"


def application(lines: list[SyntheticParticipant], extra: dict[int, dict[str, str]]) -> bytes:
    rows = list(csv.reader(io.StringIO(synthetic_csv(lines).decode("utf-8-sig")), delimiter=";"))
    header = [*rows[0], SCORE, FORM]
    body = []
    for index, row in enumerate(rows[1:]):
        values = dict(zip(header, [*row, "", ""], strict=True))
        values.update(extra.get(index, {}))
        body.append([values[column] for column in header])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([header, *body])
    return buffer.getvalue().encode("utf-8-sig")


def organiser(desk: Desk) -> dict[str, str]:
    return desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub="orgcom-admission")


def math_lines() -> list[SyntheticParticipant]:
    """Twelve math applications of grades 8 and 9, by score, plus one of last year's awardees."""
    pool = generate_participants(seed=77, n=300, schools=4, subjects=["math"])
    by_score = [
        line
        for line in pool
        if line.grade == line.task_grade
        and line.grade in (8, 9)
        and line.eligibility == "school_stage_score"
    ][:12]
    awardee = next(
        line
        for line in pool
        if line.grade == line.task_grade == 9 and line.eligibility == "previous_year_awardee"
    )
    return [*by_score, awardee]


async def set_rules(desk: Desk, olympiad_id: str, awardee: SyntheticParticipant) -> None:
    base = f"/olympiads/{olympiad_id}/subjects/math/eligibility"
    thresholds = await desk.svc.client.put(
        base + "/thresholds",
        json={"thresholds": [{"grade": 8, "min_score": "20"}, {"grade": 9, "min_score": 24.5}]},
        headers=organiser(desk),
    )
    assert thresholds.status_code == 200, thresholds.text
    awardees = await desk.svc.client.put(
        base + "/previous-awardees",
        json={
            "awardees": [
                {
                    "surname": awardee.surname.replace("ё", "е"),
                    "name": awardee.name,
                    "patronymic": awardee.patronymic,
                    "grade": awardee.grade - 1,
                    "school": awardee.school,
                    "status": "prize_winner",
                }
            ]
        },
        headers=organiser(desk),
    )
    assert awardees.status_code == 200, awardees.text


def scores_for(lines: list[SyntheticParticipant]) -> dict[int, dict[str, str]]:
    return {
        i: {SCORE: "30,5" if line.grade == 9 else "20"}
        for i, line in enumerate(lines)
        if line.eligibility == "school_stage_score"
    }


async def test_p10_rows_the_organiser_does_not_admit_are_refused_by_row_and_column(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = math_lines()
    await set_rules(desk, olympiad_id, lines[-1])
    extra = scores_for(lines)
    nine = next(i for i, line in enumerate(lines) if line.grade == 9)
    extra[0] = {SCORE: "19,5"} if lines[0].grade == 8 else {SCORE: "24"}
    extra[1] = {SCORE: ""}
    stranger = SyntheticParticipant(
        **{
            **lines[nine].__dict__,
            "surname": "Семёнова-Тян-Шанская",
            "name": "Фёкла",
            "eligibility": "previous_year_awardee",
        }
    )

    refused = await desk.import_file(olympiad_id, application([*lines, stranger], extra))

    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [(e["row"], e["column"], e["kind"]) for e in errors] == [
        (2, SCORE, "below_threshold"),
        (3, SCORE, "missing_value"),
        (len(lines) + 2, "Основание участия", "not_an_awardee"),
    ]
    assert errors[0]["message"].startswith(f"{lines[0].surname} {lines[0].name}")
    assert "установленного организатором" in errors[0]["message"]
    assert await desk.participants(olympiad_id, "math") == []  # all rows or none

    extra[0], extra[1] = scores_for(lines)[0], scores_for(lines)[1]
    accepted = await desk.import_file(olympiad_id, application(lines, extra))

    assert accepted.status_code == 200, accepted.text
    stored = {p["surname"] + p["name"]: p for p in await desk.participants(olympiad_id, "math")}
    first = stored[lines[0].surname + lines[0].name]
    assert first["school_stage_score"] == ("30.50" if lines[0].grade == 9 else "20.00")
    assert stored[lines[-1].surname + lines[-1].name]["eligibility"] == "previous_year_awardee"


async def test_p9_family_education_and_self_education_pupils_are_admitted(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = math_lines()[:3]
    extra = {
        0: {SCHOOL: "семейное образование"},
        1: {SCHOOL: "", FORM: "самообразование"},
    }

    response = await desk.import_file(olympiad_id, application(lines, extra))

    assert response.status_code == 200, response.text
    read = {p["name"]: p for p in response.json()["participants"]}
    assert (read[lines[0].name]["school"], read[lines[0].name]["education_form"]) == (
        "семейное образование",
        "family",
    )
    assert (read[lines[1].name]["school"], read[lines[1].name]["education_form"]) == (
        "самообразование",
        "self",
    )
    assert read[lines[2].name]["education_form"] == "school"


async def test_p10_only_the_organiser_sets_who_is_admitted(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    url = f"/olympiads/{olympiad_id}/subjects/math/eligibility"
    body: dict[str, Any] = {"thresholds": [{"grade": 7, "min_score": 15}]}
    regional = desk.svc.auth(Role.COORDINATOR, sub="region")
    physics = desk.svc.auth(
        Role.MUNICIPAL_COORDINATOR, sub="orgcom-physics", scopes={ScopeKind.SUBJECT: ["physics"]}
    )

    assert (
        await desk.svc.client.put(url + "/thresholds", json=body, headers=regional)
    ).status_code == 403
    assert (
        await desk.svc.client.put(url + "/thresholds", json=body, headers=physics)
    ).status_code == 403
    bad = await desk.svc.client.put(
        url + "/thresholds",
        json={"thresholds": [{"grade": 6, "min_score": 10}]},
        headers=organiser(desk),
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        "Проходной балл по предмету «математика» задан для 6 класса: муниципальный этап "
        "проводится для 7–11 классов."
    ]
    assert (
        await desk.svc.client.put(url + "/thresholds", json=body, headers=organiser(desk))
    ).is_success
    read = await desk.svc.client.get(url, headers=regional)
    assert read.status_code == 200
    assert read.json() == {
        "subject_code": "math",
        "subject_name": "математика",
        "thresholds": [{"grade": 7, "min_score": "15.00"}],
        "previous_awardees": [],
    }
    [(actor, action, _)] = await desk.audit_entries(f"{olympiad_id}/math")
    assert (actor, action) == ("orgcom-admission", "eligibility.thresholds_set")
