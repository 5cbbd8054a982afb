"""Seating (§30–31) through the HTTP API: rooms with desk layouts, seating a day before the round
in the olympiad's zone, the report when no arrangement exists, withdrawals and reseats, the lists
for the entrance and the rooms as PDF, and who may do what."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.synthetic import generate_participants, to_csv
from olymp_registration.domain.text import comparison_key
from tests.integration.registration.conftest import Desk

pytestmark = pytest.mark.integration

SCHOOL_1 = 'МБОУ "Усть-Ишимская СОШ № 1"'
GYMNASIUM = "Гимназия № 3"
# The round is on 18.11.2025, 10:00 in Omsk (UTC+6).
DAY_BEFORE = dt.datetime(2025, 11, 17, 4, 0, tzinfo=dt.UTC)  # 10:00 in Omsk
LAST_MINUTE = dt.datetime(2025, 11, 17, 17, 59, tzinfo=dt.UTC)  # 23:59 in Omsk on the 17th
JUST_AFTER_MIDNIGHT = dt.datetime(2025, 11, 17, 18, 1, tzinfo=dt.UTC)  # 00:01 on the 18th
SPECIAL_ROOM = "Кабинет 1 (первый этаж)"


def rooms_body() -> list[dict[str, Any]]:
    rooms = [
        {"name": f"Кабинет {grade}", "capacity": 30, "rows": 5, "desks_per_row": 6}
        for grade in range(7, 12)
    ]
    rooms.append({"name": SPECIAL_ROOM, "capacity": 6, "rows": 3, "desks_per_row": 2})
    rooms.append({"name": "Актовый зал", "capacity": 80})  # no layout: cannot be planned
    return rooms


def plan_body() -> dict[str, Any]:
    rooms: list[dict[str, Any]] = [
        {"room": f"Кабинет {grade}", "grades": [grade]} for grade in range(7, 12)
    ]
    rooms.append({"room": SPECIAL_ROOM, "grades": [7, 8, 9, 10, 11], "special_conditions": True})
    return {"rooms": rooms}


def organiser(desk: Desk) -> dict[str, str]:
    return desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub="orgcom-seating")


def seating_url(olympiad_id: str, venue: str = SCHOOL_1) -> str:
    return f"/olympiads/{olympiad_id}/subjects/math/venues/{venue}/seating"


async def olympiad_with_participants(desk: Desk, n: int = 90, seed: int = 30) -> str:
    olympiad_id = await desk.create_olympiad(
        venues=[
            {"name": SCHOOL_1, "address": "с. Усть-Ишим, ул. Школьная, 1", "rooms": rooms_body()},
            {"name": GYMNASIUM, "rooms": [{"name": "Кабинет 5", "capacity": 30}]},
        ]
    )
    lines = generate_participants(seed=seed, n=n, schools=6, subjects=["math"])
    response = await desk.import_file(olympiad_id, to_csv(lines))
    assert response.status_code == 200, response.text
    return olympiad_id


async def seat(desk: Desk, olympiad_id: str, body: dict[str, Any] | None = None) -> Any:
    return await desk.svc.client.put(
        seating_url(olympiad_id), json=body or plan_body(), headers=organiser(desk)
    )


def seats_of(seating: dict[str, Any]) -> dict[str, tuple[str, int, int]]:
    return {
        s["participant_id"]: (room["room"], s["row"], s["desk"])
        for room in seating["rooms"]
        for s in room["seats"]
    }


def neighbours_of_one_school(seating: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for room in seating["rooms"]:
        at = {(s["row"], s["desk"]): s for s in room["seats"]}
        for (row, number), s in at.items():
            for other in (at.get((row + 1, number)), at.get((row, number + 1))):
                if other is not None and other["school"] == s["school"]:
                    found.append((s["participant_id"], other["participant_id"]))
    return found


async def test_p30_organiser_seats_the_venue_by_grade_a_day_before_with_no_neighbours(
    desk: Desk,
) -> None:
    olympiad_id = await olympiad_with_participants(desk)
    desk.clock.set(DAY_BEFORE)

    response = await seat(desk, olympiad_id)

    assert response.status_code == 200, response.text
    seating = response.json()
    everyone = await desk.participants(olympiad_id, "math")
    by_id = {p["participant_id"]: p for p in everyone}
    placed = seats_of(seating)
    assert sorted(placed) == sorted(by_id)
    assert len(set(placed.values())) == len(placed)  # one participant per desk (§40)
    for pid, (room, _, _) in placed.items():
        if by_id[pid]["special_conditions"]:
            assert room == SPECIAL_ROOM  # §12: only in the room chosen for them
        else:
            assert room == f"Кабинет {by_id[pid]['grade']}"  # rooms by grade (§30)
    assert any(by_id[pid]["special_conditions"] for pid in placed)
    assert neighbours_of_one_school(seating) == []
    assert (seating["version"], seating["seated"], seating["added"]) == (1, 90, 90)
    assert (seating["round_day"], seating["last_seating_day"]) == ("2025-11-18", "2025-11-17")
    assert seating["not_seated"] == []

    again = await seat(desk, olympiad_id)  # the same plan and people: nothing changes
    assert again.status_code == 200
    assert again.json()["version"] == 1 and seats_of(again.json()) == placed
    read = await desk.svc.client.get(seating_url(olympiad_id), headers=organiser(desk))
    assert read.status_code == 200 and seats_of(read.json()) == placed
    [(actor, action, audit)] = await desk.audit_entries(f"{olympiad_id}/math/{SCHOOL_1}")
    assert (actor, action, audit["version"], audit["seated"]) == (
        "orgcom-seating",
        "seating.seated",
        1,
        90,
    )


async def test_p30_seating_closes_at_midnight_before_the_round_in_the_olympiads_zone(
    desk: Desk,
) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=30)
    desk.clock.set(LAST_MINUTE)
    assert (await seat(desk, olympiad_id)).status_code == 200

    desk.clock.set(JUST_AFTER_MIDNIGHT)
    late = await seat(desk, olympiad_id)

    assert late.status_code == 409
    problem = late.json()
    assert problem["type"].endswith("seating-too-late")
    assert problem["detail"].startswith(
        "Рассадка по предмету «математика» проводится не позднее чем за один день до тура "
        "(§30): тур 18.11.2025, последний день рассадки 17.11.2025, а сегодня 18.11.2025 по "
        "времени олимпиады (Asia/Omsk)."
    )


async def test_p30_no_arrangement_is_reported_by_room_and_school_and_nothing_is_seated(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad(venues=[{"name": SCHOOL_1, "rooms": rooms_body()}])
    crowd = [
        line
        for line in generate_participants(seed=5, n=400, schools=1, subjects=["math"])
        if line.grade == 7 and not line.special_conditions
    ][:16]
    assert (await desk.import_file(olympiad_id, to_csv(crowd))).status_code == 200
    desk.clock.set(DAY_BEFORE)

    response = await seat(desk, olympiad_id, {"rooms": [{"room": "Кабинет 7", "grades": [7]}]})

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("seating-impossible")
    assert problem["errors"] == [
        f"{crowd[0].school}: 16 участников в аудитории «Кабинет 7» (7 класс, 30 парт), а так, "
        "чтобы соседи слева, справа, спереди и сзади были из разных школ (§30), можно посадить не "
        "больше 15 участников одной школы: лишних 1. Добавьте в план для этих классов "
        "аудиторию не меньше чем на 2 парты (или столько парт в выбранные аудитории): участники "
        "одной школы сидят через парту."
    ]
    unseated = await desk.svc.client.get(seating_url(olympiad_id), headers=organiser(desk))
    assert unseated.status_code == 404
    assert "ещё не рассажены" in unseated.json()["detail"]


async def test_p30_a_plan_naming_a_room_without_desks_or_unknown_is_refused(desk: Desk) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=10)
    desk.clock.set(DAY_BEFORE)

    response = await seat(
        desk,
        olympiad_id,
        {"rooms": [{"room": "Актовый зал", "grades": [7]}, {"room": "Кабинет 40", "grades": [8]}]},
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0].startswith("У аудитории «Актовый зал» не указана расстановка парт")
    assert errors[1].startswith(f"На площадке «{SCHOOL_1}» нет аудитории «Кабинет 40»")


async def test_p30_a_reseat_after_a_withdrawal_and_a_late_application_moves_nobody(
    desk: Desk,
) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=60)
    desk.clock.set(DAY_BEFORE)
    before = seats_of((await seat(desk, olympiad_id)).json())
    gone = sorted(before)[0]

    withdrawn = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/participants/{gone}/withdrawal",
        json={"reason": "Заявление родителей (законных представителей)"},
        headers=organiser(desk),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawal"]["reason"].startswith("Заявление родителей")
    late_lines = [
        line
        for line in generate_participants(seed=99, n=40, schools=3, subjects=["math"])
        if not line.special_conditions
    ][:2]
    assert (await desk.import_file(olympiad_id, to_csv(late_lines))).status_code == 200
    read = (await desk.svc.client.get(seating_url(olympiad_id), headers=organiser(desk))).json()
    assert gone not in seats_of(read)  # the desk is free at once
    assert sorted(p["surname"] for p in read["not_seated"]) == sorted(
        line.surname for line in late_lines
    )

    after = (await seat(desk, olympiad_id)).json()

    assert (after["version"], after["moved"], after["added"], after["released"]) == (2, 0, 2, 0)
    now = seats_of(after)
    assert all(now[pid] == place for pid, place in before.items() if pid != gone)
    assert len(now) == 61 and after["not_seated"] == []
    assert neighbours_of_one_school(after) == []


async def test_withdrawal_is_refused_on_the_round_day(desk: Desk) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=5)
    someone = (await desk.participants(olympiad_id, "math"))[0]["participant_id"]

    response = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/participants/{someone}/withdrawal",
        json={"reason": "Болезнь"},
        headers=organiser(desk),
    )

    assert response.status_code == 409
    assert "можно отозвать до дня тура (18.11.2025)" in response.json()["detail"]


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


async def test_p31_lists_for_the_entrance_and_each_room_print_in_cyrillic(desk: Desk) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=60, seed=31)
    desk.clock.set(DAY_BEFORE)
    seating = (await seat(desk, olympiad_id)).json()
    everyone = {p["participant_id"]: p for p in await desk.participants(olympiad_id, "math")}

    entrance = await desk.svc.client.get(
        seating_url(olympiad_id) + "/entrance.pdf", headers=organiser(desk)
    )

    assert entrance.status_code == 200
    assert entrance.headers["content-type"] == "application/pdf"
    text = pdf_text(entrance.content)
    assert "Список распределения участников по аудиториям" in text
    assert f"Математика, 18.11.2025: {SCHOOL_1}" in text
    placed = seats_of(seating)
    for pid, (room, _, _) in placed.items():
        assert everyone[pid]["surname"] in text and room in text
    # alphabetical (ё read as е), numbered, each with room, row and desk
    ordered = sorted(
        placed,
        key=lambda pid: (
            comparison_key(everyone[pid]["surname"]),
            comparison_key(everyone[pid]["name"]),
            comparison_key(everyone[pid]["patronymic"]),
            everyone[pid]["surname"],
            everyone[pid]["name"],
        ),
    )
    lines = " ".join(text.split())
    for number, pid in enumerate(ordered, start=1):
        p = everyone[pid]
        room, row, desk_number = placed[pid]
        line = f"{number} {p['surname']} {p['name']} {p['patronymic']} {p['grade']} {room} {row}"
        assert f"{line} {desk_number} " in lines
    assert any("ё" in everyone[pid]["surname"].lower() for pid in placed)
    assert any("-" in everyone[pid]["surname"] for pid in placed)

    room = next(r for r in seating["rooms"] if r["seats"] and not r["special_conditions"])
    plans = await desk.svc.client.get(
        seating_url(olympiad_id) + "/rooms.pdf",
        params={"room": room["room"]},
        headers=organiser(desk),
    )
    assert plans.status_code == 200
    plan_text = pdf_text(plans.content)
    assert f"Аудитория «{room['room']}» — {room['grades'][0]} класс" in plan_text
    assert "Ряд 1" in plan_text and "Ряд 5" in plan_text
    for s in room["seats"]:
        assert f"{s['surname']} {s['name'][0]}." in plan_text
        assert f"{s['surname']} {s['name']} {s['patronymic']}".strip() in plan_text
    others = [r["room"] for r in seating["rooms"] if r["room"] != room["room"]]
    assert not any(f"«{name}»" in plan_text for name in others)
    unknown = await desk.svc.client.get(
        seating_url(olympiad_id) + "/rooms.pdf",
        params={"room": "Спортзал"},
        headers=organiser(desk),
    )
    assert unknown.status_code == 404


async def test_p30_venue_coordinator_seats_and_reads_only_their_venue(desk: Desk) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=20)
    desk.clock.set(DAY_BEFORE)
    own = desk.svc.auth(Role.VENUE_COORDINATOR, sub="venue-1", scopes={ScopeKind.VENUE: [SCHOOL_1]})
    other = desk.svc.auth(
        Role.VENUE_COORDINATOR, sub="venue-3", scopes={ScopeKind.VENUE: [GYMNASIUM]}
    )
    physics_only = desk.svc.auth(
        Role.MUNICIPAL_COORDINATOR, sub="orgcom-physics", scopes={ScopeKind.SUBJECT: ["physics"]}
    )
    regional = desk.svc.auth(Role.COORDINATOR, sub="region")
    url = seating_url(olympiad_id)

    assert (await desk.svc.client.put(url, json=plan_body(), headers=other)).status_code == 403
    assert (await desk.svc.client.put(url, json=plan_body(), headers=regional)).status_code == 403
    assert (
        await desk.svc.client.put(url, json=plan_body(), headers=physics_only)
    ).status_code == 403
    seated = await desk.svc.client.put(url, json=plan_body(), headers=own)
    assert seated.status_code == 200, seated.text
    assert seated.json()["seated_by"] == "venue-1"
    assert (await desk.svc.client.get(url, headers=own)).status_code == 200
    assert (await desk.svc.client.get(url + "/entrance.pdf", headers=other)).status_code == 403
    someone = seated.json()["rooms"][0]["seats"][0]["participant_id"]
    withdrawal = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/participants/{someone}/withdrawal",
        json={"reason": "Болезнь"},
        headers=own,
    )
    assert withdrawal.status_code == 403


async def test_p40_a_venue_keeps_the_desks_where_participants_are_seated(desk: Desk) -> None:
    olympiad_id = await olympiad_with_participants(desk, n=40)
    desk.clock.set(DAY_BEFORE)
    seating = (await seat(desk, olympiad_id)).json()
    crowded = max(seating["rooms"], key=lambda r: max((s["desk"] for s in r["seats"]), default=0))
    venue_url = f"/olympiads/{olympiad_id}/venues/{SCHOOL_1}"
    smaller = [
        {**r, "capacity": 5, "rows": 5, "desks_per_row": 1} if r["name"] == crowded["room"] else r
        for r in rooms_body()
    ]

    refused = await desk.svc.client.put(venue_url, json={"rooms": smaller}, headers=organiser(desk))

    assert refused.status_code == 409
    assert f"«{crowded['room']}»: математика" in refused.json()["detail"]
    larger = [*rooms_body(), {"name": "Кабинет 15", "capacity": 24, "rows": 4, "desks_per_row": 6}]
    accepted = await desk.svc.client.put(
        venue_url,
        json={"address": "с. Усть-Ишим, ул. Школьная, 1", "rooms": larger},
        headers=organiser(desk),
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["rooms"][-1] == {
        "name": "Кабинет 15",
        "capacity": 24,
        "rows": 4,
        "desks_per_row": 6,
    }
    read = await desk.svc.client.get(f"/olympiads/{olympiad_id}", headers=organiser(desk))
    [venue] = [v for v in read.json()["venues"] if v["name"] == SCHOOL_1]
    assert venue["capacity"] == 30 * 5 + 6 + 80 + 24
    counts = Counter(r["rows"] is None for r in venue["rooms"])
    assert counts == {False: 7, True: 1}
