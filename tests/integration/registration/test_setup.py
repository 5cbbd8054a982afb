"""The olympiad's set-up through the HTTP API: the oral round of German and French on its own day
(§60), the briefing before a round (§32), and the rosters of the jury (§21), the appeal
commission (§102) and the orgcommittee with the conflicts of interest each person declared."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.synthetic import generate_participants, to_csv
from tests.integration.registration.conftest import OLYMPIAD_DAY, Desk

pytestmark = pytest.mark.integration

ORGANISER = "mun-coordinator"
SECOND_DAY = "2025-11-19"


def german_olympiad() -> dict[str, Any]:
    subjects = [
        {
            "subject_code": code,
            "day": OLYMPIAD_DAY.isoformat(),
            "round_start": "10:00",
            "round_end": "14:00",
        }
        for code in ("math", "german")
    ]
    return {"subjects": subjects}


async def put_round(
    desk: Desk,
    olympiad_id: str,
    subject_code: str,
    round_code: str,
    role: Role = Role.MUNICIPAL_COORDINATOR,
    **body: Any,
) -> httpx.Response:
    return await desk.svc.client.put(
        f"/olympiads/{olympiad_id}/subjects/{subject_code}/rounds/{round_code}",
        json=body,
        headers=desk.svc.auth(role, sub=ORGANISER),
    )


async def schedule(desk: Desk, olympiad_id: str) -> dict[str, Any]:
    response = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/schedule", headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert response.status_code == 200, response.text
    return {s["subject_code"]: s for s in response.json()["subjects"]}


async def add_member(desk: Desk, olympiad_id: str, **body: Any) -> httpx.Response:
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/commissions/members",
        json=body,
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub=ORGANISER),
    )


async def rosters(desk: Desk, olympiad_id: str) -> dict[tuple[str, str | None], dict[str, Any]]:
    response = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/commissions", headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert response.status_code == 200, response.text
    return {(r["commission"], r["subject_code"]): r for r in response.json()["rosters"]}


JURY = [
    ("chair", "Ёлкина-Сафронова", "Алёна", "Петровна"),
    ("secretary", "Щербаков", "Фёдор", "Ильич"),
    ("member", "Ахмедова", "Гульнара", "Рашидовна"),
    ("member", "Зуев-Лапин", "Семён", "Аркадьевич"),
    ("member", "Королёва", "Дарья", "Сергеевна"),
]


async def test_p60_the_oral_round_is_added_on_the_second_day_with_its_own_briefing(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad(**german_olympiad())
    before = await schedule(desk, olympiad_id)
    assert [r["round_code"] for r in before["german"]["missing_rounds"]] == ["oral"]
    assert before["math"]["missing_rounds"] == []

    added = await put_round(
        desk,
        olympiad_id,
        "german",
        "oral",
        day=SECOND_DAY,
        start="10:30",
        end="13:00",
        briefing="10:00",
    )
    assert added.status_code == 200, added.text
    # §60, §121: the other services learn that German now ends on the second day (Omsk is UTC+6)
    [changed] = await desk.outbox_payloads("subject_schedule_changed", olympiad_id)
    assert changed["subject_code"] == "german"
    assert [
        (r["round_code"], r["day"], r["starts_at"], r["ends_at"]) for r in changed["rounds"]
    ] == [
        ("written", OLYMPIAD_DAY.isoformat(), "2025-11-18T04:00:00Z", "2025-11-18T08:00:00Z"),
        ("oral", SECOND_DAY, "2025-11-19T04:30:00Z", "2025-11-19T07:00:00Z"),
    ]
    german = (await schedule(desk, olympiad_id))["german"]
    assert [
        (r["round_code"], r["kind"], r["coded"], r["day"], r["briefing"], r["start"])
        for r in german["rounds"]
    ] == [
        ("written", "written", True, OLYMPIAD_DAY.isoformat(), None, "10:00:00"),
        ("oral", "oral", False, SECOND_DAY, "10:00:00", "10:30:00"),
    ]
    assert german["missing_rounds"] == []
    trail = await desk.audit_entries(f"{olympiad_id}/german/oral")
    assert trail == [
        (
            ORGANISER,
            "round.scheduled",
            {
                "day": SECOND_DAY,
                "starts_at": "10:30",
                "ends_at": "13:00",
                "briefing_at": "10:00",
                "added": True,
            },
        )
    ]
    # the rooms' end warnings read the same schedule
    olympiad = (
        await desk.svc.client.get(
            f"/olympiads/{olympiad_id}", headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR)
        )
    ).json()
    [german_read] = [s for s in olympiad["subjects"] if s["subject_code"] == "german"]
    assert [r["round_code"] for r in german_read["rounds"]] == ["written", "oral"]


async def test_p60_a_round_is_refused_with_every_reason_in_russian(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad(**german_olympiad())

    same_day = await put_round(
        desk,
        olympiad_id,
        "german",
        "oral",
        day=OLYMPIAD_DAY.isoformat(),
        start="13:00",
        end="12:00",
        briefing="13:30",
    )
    assert same_day.status_code == 422
    problems = same_day.json()["errors"]
    assert any("должно быть позже начала 13:00" in p for p in problems), problems
    assert any("во второй день" in p and "§60" in p for p in problems), problems
    assert any("Инструктаж" in p and "§32" in p for p in problems), problems

    overlap = await put_round(
        desk,
        olympiad_id,
        "german",
        "oral",
        day=OLYMPIAD_DAY.isoformat(),
        start="11:00",
        end="15:00",
    )
    assert any("пересекаются по времени" in p for p in overlap.json()["errors"])

    outside = await put_round(
        desk, olympiad_id, "german", "oral", day="2026-09-02", start="10:00", end="12:00"
    )
    assert outside.status_code == 422
    assert "не относится к учебному году" in outside.json()["detail"]

    no_oral = await put_round(
        desk, olympiad_id, "math", "oral", day=SECOND_DAY, start="10:00", end="12:00"
    )
    assert no_oral.status_code == 422
    assert "только по немецкому и французскому" in no_oral.json()["detail"]

    moved = await put_round(
        desk, olympiad_id, "math", "main", day=SECOND_DAY, start="10:00", end="12:00"
    )
    assert moved.status_code == 422
    assert "задан при создании олимпиады" in moved.json()["detail"]

    not_held = await put_round(
        desk, olympiad_id, "chemistry", "main", day=SECOND_DAY, start="10:00", end="12:00"
    )
    assert not_held.status_code == 404

    venue = await put_round(
        desk,
        olympiad_id,
        "german",
        "oral",
        Role.VENUE_COORDINATOR,
        day=SECOND_DAY,
        start="10:00",
        end="12:00",
    )
    assert venue.status_code == 403
    assert (await schedule(desk, olympiad_id))["german"]["missing_rounds"] != []
    # nothing refused is announced
    assert await desk.outbox_payloads("subject_schedule_changed", olympiad_id) == []


async def test_p32_the_round_starts_after_its_briefing_and_keeps_its_end_warnings(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    warned = await desk.svc.client.put(
        f"/olympiads/{olympiad_id}/subjects/math/rounds/main/end-warnings",
        json={"end_warnings": "15-5"},
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert warned.status_code == 200
    changed = await put_round(
        desk,
        olympiad_id,
        "math",
        "main",
        day=OLYMPIAD_DAY.isoformat(),
        start="10:20",
        end="14:20",
        briefing="10:00",
    )
    assert changed.status_code == 200, changed.text
    [math] = (await schedule(desk, olympiad_id))["math"]["rounds"]
    assert (math["briefing"], math["start"], math["end"], math["end_warnings"]) == (
        "10:00:00",
        "10:20:00",
        "14:20:00",
        "15-5",
    )
    cleared = await put_round(
        desk,
        olympiad_id,
        "math",
        "main",
        day=OLYMPIAD_DAY.isoformat(),
        start="10:20",
        end="14:20",
    )
    assert cleared.status_code == 200
    assert (await schedule(desk, olympiad_id))["math"]["rounds"][0]["briefing"] is None


async def test_p21_the_jury_is_incomplete_until_it_has_a_chair_a_secretary_and_five_people(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    empty = (await rosters(desk, olympiad_id))[("jury", "math")]
    assert empty["complete"] is False
    assert len(empty["warnings"]) == 3

    for number, (position, surname, name, patronymic) in enumerate(JURY[:4], start=1):
        added = await add_member(
            desk,
            olympiad_id,
            commission="jury",
            subject_code="math",
            position=position,
            surname=surname,
            name=name,
            patronymic=patronymic,
            login=f"jury-math-{number}",
        )
        assert added.status_code == 201, added.text
    four = (await rosters(desk, olympiad_id))[("jury", "math")]
    assert four["warnings"] == ["В жюри 4 человека, нужно не менее 5 (§21): добавьте ещё 1."]
    assert [m["position_label"] for m in four["members"]] == [
        "председатель",
        "секретарь",
        "член",
        "член",
    ]

    same_login = await add_member(
        desk,
        olympiad_id,
        commission="jury",
        subject_code="math",
        surname="Королёва",
        name="Дарья",
        login="jury-math-2",
    )
    assert same_login.status_code == 422
    assert "уже записан за Щербаков Фёдор Ильич" in same_login.json()["detail"]

    second_chair = await add_member(
        desk,
        olympiad_id,
        commission="jury",
        subject_code="math",
        position="chair",
        surname="Королёва",
        name="Дарья",
    )
    assert second_chair.status_code == 422
    assert "Ёлкина-Сафронова Алёна Петровна" in second_chair.json()["detail"]

    position, surname, name, patronymic = JURY[4]
    await add_member(
        desk,
        olympiad_id,
        commission="jury",
        subject_code="math",
        position=position,
        surname=surname,
        name=name,
        patronymic=patronymic,
    )
    complete = await rosters(desk, olympiad_id)
    assert complete[("jury", "math")]["complete"] is True
    assert complete[("jury", "math")]["warnings"] == []
    assert complete[("jury", "physics")]["complete"] is False  # each subject its own jury


async def test_p21_a_declared_school_among_the_participants_schools_is_flagged(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=61, n=12, schools=3, subjects=["math"])
    imported = await desk.import_file(olympiad_id, to_csv(lines))
    assert imported.status_code == 200, imported.text
    school = lines[0].school
    same_school = sum(1 for line in lines if line.school == school)
    # the declaration spells the quotes its own way
    declared = school.replace('"', "«", 1).replace('"', "»", 1)
    teacher = await add_member(
        desk,
        olympiad_id,
        commission="jury",
        subject_code="math",
        surname="Щербаков",
        name="Фёдор",
        conflicts=[
            {"kind": "works_there", "school": declared},
            {"kind": "relative_studies", "school": "МБОУ «Гимназия № 9»", "note": "сын, 9 класс"},
        ],
    )
    assert teacher.status_code == 201, teacher.text
    await add_member(
        desk,
        olympiad_id,
        commission="jury",
        subject_code="physics",
        surname="Ахмедова",
        name="Гульнара",
        conflicts=[{"kind": "works_there", "school": school}],
    )
    found = await rosters(desk, olympiad_id)
    [member] = found[("jury", "math")]["members"]
    assert [(c["kind_label"], c["school"], c["note"]) for c in member["conflicts"]] == [
        ("работает в школе", declared, ""),
        ("в школе учится родственник", "МБОУ «Гимназия № 9»", "сын, 9 класс"),
    ]
    assert len(member["flagged"]) == 1
    assert declared in member["flagged"][0] and f"{same_school} участ" in member["flagged"][0]
    # nobody of that school writes physics: nothing to flag there
    assert found[("jury", "physics")]["members"][0]["flagged"] == []
    trail = await desk.audit_entries(f"{olympiad_id}/{member['member_id']}")
    assert [action for _, action, _ in trail] == ["commission.member_added"]
    assert trail[0][2]["conflicts"][0]["school"] == declared


async def test_p102_an_odd_appeal_commission_is_recommended_not_required(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    people = [
        ("chair", "Лаптева", "Ирина"),
        ("member", "Ёжиков", "Пётр"),
        ("member", "Соколова-Нагорная", "Мария"),
        ("member", "Тимофеев", "Глеб"),
    ]
    ids = []
    for position, surname, name in people:
        added = await add_member(
            desk,
            olympiad_id,
            commission="appeal",
            subject_code="biology",
            position=position,
            surname=surname,
            name=name,
        )
        ids.append(added.json()["member_id"])
    four = (await rosters(desk, olympiad_id))[("appeal", "biology")]
    assert four["complete"] is True
    assert four["warnings"] == []
    assert "нечётное" in four["advice"][0] and "§102" in four["advice"][0]

    removed = await desk.svc.client.delete(
        f"/olympiads/{olympiad_id}/commissions/members/{ids[3]}",
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert removed.status_code == 204
    three = (await rosters(desk, olympiad_id))[("appeal", "biology")]
    assert (three["complete"], three["advice"]) == (True, [])

    secretary = await add_member(
        desk,
        olympiad_id,
        commission="appeal",
        subject_code="biology",
        position="secretary",
        surname="Тимофеев",
        name="Глеб",
    )
    assert secretary.status_code == 422


async def test_the_orgcommittee_is_one_for_the_olympiad_and_its_members_can_be_edited(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    with_subject = await add_member(
        desk,
        olympiad_id,
        commission="orgcommittee",
        subject_code="math",
        surname="Белова",
        name="Ольга",
    )
    assert with_subject.status_code == 422
    assert "Оргкомитет один на олимпиаду" in with_subject.json()["detail"]
    added = await add_member(
        desk,
        olympiad_id,
        commission="orgcommittee",
        surname="Белова",
        name="Ольга",
        position="chair",
    )
    member_id = added.json()["member_id"]
    edited = await desk.svc.client.put(
        f"/olympiads/{olympiad_id}/commissions/members/{member_id}",
        json={
            "commission": "orgcommittee",
            "position": "member",
            "surname": "Белова-Ёлкина",
            "name": "Ольга",
            "patronymic": "Игоревна",
            "login": "belova",
        },
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub=ORGANISER),
    )
    assert edited.status_code == 200, edited.text
    orgcommittee = (await rosters(desk, olympiad_id))[("orgcommittee", None)]
    assert [(m["full_name"], m["login"]) for m in orgcommittee["members"]] == [
        ("Белова-Ёлкина Ольга Игоревна", "belova")
    ]
    assert orgcommittee["warnings"] == ["Не назначен председатель (оргкомитет)."]
    refused = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/commissions/members",
        json={"commission": "orgcommittee", "surname": "Белова", "name": "Ольга"},
        headers=desk.svc.auth(Role.VENUE_COORDINATOR),
    )
    assert refused.status_code == 403
    missing = await desk.svc.client.delete(
        f"/olympiads/{olympiad_id}/commissions/members/{olympiad_id}",
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert missing.status_code == 404


async def test_p21_the_jury_chair_reads_the_declared_conflicts_of_their_own_subject_only(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    added = await add_member(
        desk,
        olympiad_id,
        commission="jury",
        subject_code="math",
        position="chair",
        surname="Ёлкина-Сафронова",
        name="Алёна",
        login="chair-elkina",
        conflicts=[{"kind": "relative_studies", "school": "МБОУ «Лицей»", "note": "сын"}],
    )
    assert added.status_code == 201, added.text
    chair = desk.svc.auth(Role.JURY_CHAIR, sub="chair-elkina", scopes={ScopeKind.SUBJECT: ["math"]})
    own = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/math/commissions", headers=chair
    )
    assert own.status_code == 200, own.text
    assert [(r["commission"], len(r["members"])) for r in own.json()["rosters"]] == [
        ("jury", 1),
        ("appeal", 0),
    ]
    [member] = own.json()["rosters"][0]["members"]
    assert member["conflicts"][0]["note"] == "сын"
    other = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/physics/commissions", headers=chair
    )
    assert other.status_code == 403
    everything = await desk.svc.client.get(f"/olympiads/{olympiad_id}/commissions", headers=chair)
    assert everything.status_code == 403
