"""Creating an olympiad and importing the participants application, through the HTTP API."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from olymp_core.auth import Role
from olymp_core.testing.synthetic import (
    SyntheticParticipant,
    generate_participants,
    to_csv,
    to_xlsx,
)
from tests.integration.registration.conftest import Desk, olympiad_body

pytestmark = pytest.mark.integration


def expected(lines: list[SyntheticParticipant]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            p.surname,
            p.name,
            p.patronymic,
            p.grade,
            p.task_grade,
            p.school,
            p.subject_code,
            p.consent_to_publish,
        )
        for p in lines
    )


def registered(payloads: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            p["surname"],
            p["name"],
            p["patronymic"],
            p["grade"],
            p["task_grade"],
            p["school"],
            p["subject_code"],
            p["consent_to_publish"],
        )
        for p in payloads
    )


async def test_create_olympiad_derives_utc_round_instants_from_omsk_wall_clock(desk: Any) -> None:
    response = await desk.svc.client.post(
        "/olympiads",
        json={
            "title": "  Муниципальный этап ВсОШ  ",
            "school_year": "2025/26",
            "time_zone": "Asia/Omsk",
            "subjects": [
                {
                    "subject_code": "math",
                    "day": "2025-11-18",
                    "round_start": "10:00",
                    "round_end": "14:00",
                },
                {
                    "subject_code": "german",
                    "day": "2025-11-20",
                    "round_start": "09:30",
                    "round_end": "12:30",
                },
            ],
            "venues": [{"name": "Гимназия № 1", "rooms": [{"name": "Кабинет 5", "capacity": 15}]}],
        },
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub="orgcom-1"),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    olympiad_id = body["olympiad_id"]
    assert body["title"] == "Муниципальный этап ВсОШ"
    assert body["school_year"] == "2025/2026"
    math, german = body["subjects"]
    # Omsk is UTC+6 all year: 10:00 local is 04:00 UTC.
    assert (math["subject_name"], math["round_starts_at"], math["round_ends_at"]) == (
        "математика",
        "2025-11-18T04:00:00Z",
        "2025-11-18T08:00:00Z",
    )
    assert (german["day"], german["round_starts_at"]) == ("2025-11-20", "2025-11-20T03:30:00Z")
    assert body["venues"][0]["capacity"] == 15

    [created] = await desk.outbox_payloads("olympiad_created", olympiad_id)
    assert created["time_zone"] == "Asia/Omsk"
    assert created["subjects"][0] == {
        "subject_code": "math",
        "day": "2025-11-18",
        "round_starts_at": "2025-11-18T04:00:00Z",
        "round_ends_at": "2025-11-18T08:00:00Z",
    }
    [(actor, action, _)] = await desk.audit_entries(olympiad_id)
    assert (actor, action) == ("orgcom-1", "olympiad.created")

    read = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}", headers=desk.svc.auth(Role.OBSERVER)
    )
    assert read.status_code == 200
    assert read.json()["subjects"] == body["subjects"]


async def test_a_municipality_creates_its_olympiad_under_the_regions_id_once(desk: Any) -> None:
    # The municipal mirror receives the region's packages under the hub's olympiad id; the
    # municipality's olympiad carries that id, or its portal and mirror never meet.
    regional_id = str(uuid.uuid4())
    body = {
        "title": "Муниципальный этап ВсОШ, Тарский район",
        "school_year": "2025/2026",
        "time_zone": "Asia/Omsk",
        "olympiad_id": regional_id,
        "subjects": [
            {"subject_code": "math", "day": "2025-11-18", "round_start": "10:00",
             "round_end": "14:00"}
        ],
    }  # fmt: skip
    organiser = desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub="orgcom-tara")

    created = await desk.svc.client.post("/olympiads", json=body, headers=organiser)
    again = await desk.svc.client.post("/olympiads", json=body, headers=organiser)

    assert created.status_code == 201, created.text
    assert created.json()["olympiad_id"] == regional_id
    [event] = await desk.outbox_payloads("olympiad_created", regional_id)
    assert event["olympiad_id"] == regional_id
    assert again.status_code == 409, again.text
    assert "уже создана" in again.json()["detail"]
    assert len(await desk.outbox_payloads("olympiad_created", regional_id)) == 1


async def test_unknown_time_zone_is_refused_in_russian_and_nothing_is_stored(desk: Any) -> None:
    response = await desk.svc.client.post(
        "/olympiads",
        json={
            "title": "Муниципальный этап",
            "school_year": "2025/2026",
            "time_zone": "Asia/Omks",
            "subjects": [
                {
                    "subject_code": "math",
                    "day": "2025-11-18",
                    "round_start": "14:00",
                    "round_end": "10:00",
                }
            ],
        },
        headers=desk.svc.auth(Role.COORDINATOR),
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "Часовой пояс «Asia/Omks» не найден" in problem["detail"]
    # every broken rule at once, not only the first
    assert any("время окончания 10:00" in e for e in problem["errors"])


async def test_olympiad_routes_require_a_token_and_an_organiser_role(desk: Any) -> None:
    client, auth = desk.svc.client, desk.svc.auth
    assert (await client.post("/olympiads", json={})).status_code == 401
    refused = await client.post("/olympiads", json={}, headers=auth(Role.VENUE_COORDINATOR))
    assert refused.status_code == 403
    assert "Действие доступно только ролям" in refused.json()["detail"]
    missing = await client.get(
        "/olympiads/00000000-0000-0000-0000-000000000000", headers=auth(Role.JURY_MEMBER)
    )
    assert missing.status_code == 404
    assert "не найдена" in missing.json()["detail"]


async def test_import_csv_of_synthetic_application_registers_everyone_once(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=11, n=60, schools=6, subjects=["math", "physics", "biology"])

    response = await desk.import_file(olympiad_id, to_csv(lines))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] == 60
    assert len({p["participant_id"] for p in body["participants"]}) == 60
    events = await desk.outbox_payloads("participant_registered", olympiad_id)
    assert registered(events) == expected(lines)
    assert {e["participant_id"] for e in events} == {
        p["participant_id"] for p in body["participants"]
    }
    math = await desk.participants(olympiad_id, "math")
    assert len(math) == sum(1 for p in lines if p.subject_code == "math")
    assert {p["subject_code"] for p in math} == {"math"}
    entries = await desk.audit_entries(olympiad_id)
    [(actor, _, audit)] = [e for e in entries if e[1] == "participants.imported"]
    assert (actor, audit["imported"], audit["format"]) == ("mun-coordinator", 60, "csv")


async def test_import_xlsx_of_synthetic_application(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=29, n=55, schools=5, subjects=["math", "biology"])

    response = await desk.import_file(
        olympiad_id, to_xlsx(lines), "xlsx", Role.MUNICIPAL_COORDINATOR
    )

    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 55
    events = await desk.outbox_payloads("participant_registered", olympiad_id)
    assert registered(events) == expected(lines)
    # «ё» is kept exactly as written in the stored names
    stored = await desk.participants(olympiad_id)
    assert sorted(p["surname"] for p in stored) == sorted(p.surname for p in lines)


async def test_reimporting_the_same_people_is_an_error_per_row_not_a_duplicate(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=5, n=12, schools=2, subjects=["math"])
    assert (await desk.import_file(olympiad_id, to_csv(lines))).status_code == 200
    newcomer = generate_participants(seed=6, n=1, schools=1, subjects=["physics"])

    again = await desk.import_file(olympiad_id, to_csv([*lines[:3], *newcomer]))

    assert again.status_code == 422
    errors = again.json()["errors"]
    assert [e["row"] for e in errors] == [2, 3, 4]
    assert all("уже зарегистрирован" in e["message"] for e in errors)
    assert len(await desk.participants(olympiad_id)) == 12
    assert len(await desk.outbox_payloads("participant_registered", olympiad_id)) == 12


async def test_the_same_file_sent_again_is_answered_with_what_it_imported(desk: Any) -> None:
    """A retry after a lost answer (the first import committed, the answer never arrived) must
    not turn into «every row already registered»: the same bytes get the same answer."""
    olympiad_id = await desk.create_olympiad()
    data = to_csv(generate_participants(seed=8, n=9, schools=2, subjects=["math"]))
    first = await desk.import_file(olympiad_id, data)
    again = await desk.import_file(olympiad_id, data)
    assert (first.status_code, again.status_code) == (200, 200), again.text
    assert again.json() == first.json()
    assert len(await desk.participants(olympiad_id)) == 9
    assert len(await desk.outbox_payloads("participant_registered", olympiad_id)) == 9
    entries = await desk.audit_entries(olympiad_id)
    assert [e[1] for e in entries].count("participants.imported") == 1


def corrupt(data: bytes, changes: dict[int, dict[int, str]]) -> bytes:
    """The CSV with cells replaced: {file row number: {column index: new value}}."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    for number, cells in changes.items():
        for index, value in cells.items():
            rows[number - 1][index] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def test_import_with_bad_rows_stores_nothing_and_reports_every_row(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=17, n=50, schools=5, subjects=["math", "physics"])
    data = corrupt(
        to_csv(lines),
        {
            4: {3: "13"},  # grade outside 7–11
            9: {0: ""},  # no surname
            20: {6: "алхимия"},  # not a subject of the olympiad
            33: {8: "может быть"},  # consent neither yes nor no
        },
    )
    # a subject of §3 that this olympiad does not hold
    data = corrupt(data, {41: {6: "химия"}})

    response = await desk.import_file(olympiad_id, data)

    assert response.status_code == 422
    problem = response.json()
    assert "ни один участник не сохранён" in problem["detail"]
    by_row = {e["row"]: e for e in problem["errors"]}
    assert sorted(by_row) == [4, 9, 20, 33, 41]
    assert (by_row[4]["column"], by_row[4]["value"]) == ("Класс", "13")
    assert by_row[9]["column"] == "Фамилия"
    assert "алхимия" in by_row[20]["message"]
    assert by_row[33]["column"] == "Согласие на публикацию"
    assert "не включён в расписание" in by_row[41]["message"]
    assert await desk.participants(olympiad_id) == []
    assert await desk.outbox_payloads("participant_registered", olympiad_id) == []


async def test_import_of_a_file_that_is_not_a_table_is_refused(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    response = await desk.import_file(olympiad_id, b"%PDF-1.7 not a table", "xlsx")
    assert response.status_code == 422
    assert "XLSX" in response.json()["errors"][0]["message"]


async def test_import_and_listing_are_closed_to_other_roles(desk: Any) -> None:
    olympiad_id = await desk.create_olympiad()
    data = to_csv(generate_participants(seed=3, n=2, schools=1, subjects=["math"]))
    assert (await desk.import_file(olympiad_id, data, role=Role.OBSERVER)).status_code == 403
    # a venue runs its own day, it does not load the region's application
    by_venue = await desk.import_file(olympiad_id, data, role=Role.VENUE_COORDINATOR)
    assert by_venue.status_code == 403
    assert await desk.participants(olympiad_id) == []
    no_token = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/participants/import", content=data
    )
    assert no_token.status_code == 401
    listing = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/participants", headers=desk.svc.auth(Role.JURY_MEMBER)
    )
    assert listing.status_code == 403
    coding = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/participants", headers=desk.svc.auth(Role.CODING_OFFICER)
    )
    assert coding.status_code == 200


@pytest.mark.parametrize("field", ["title", "venue", "room"])
async def test_a_nul_character_in_any_text_is_a_clear_422_and_nothing_is_stored(
    desk: Desk, field: str
) -> None:
    """PostgreSQL cannot store U+0000 in text; every service answers that once, centrally."""
    body = olympiad_body()
    if field == "title":
        body["title"] = "Олимпиада\x00"
    if field == "venue":
        body["venues"][0]["name"] = "Школа\x00"
    if field == "room":
        body["venues"][0]["rooms"][0]["name"] = "Каб\x00"
    headers = desk.svc.auth(Role.COORDINATOR)
    before = await olympiads_stored(desk)

    refused = await desk.svc.client.post("/olympiads", json=body, headers=headers)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/text-not-storable")
    assert "уберите его" in refused.json()["detail"]
    assert await olympiads_stored(desk) == before


async def olympiads_stored(desk: Desk) -> int:
    async with desk.svc.uows() as uow:
        return int(
            (await uow.session.execute(sa.text("SELECT count(*) FROM olympiads"))).scalar_one()
        )
