"""The venue's day through the HTTP API: the identity document by age on the round's day (§36–37),
the removal act as a PDF (§53, App. 14), and the works counted per room after the round (§141)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pytest

from olymp_core.auth import Role, ScopeKind
from tests.integration.registration.conftest import Desk

pytestmark = pytest.mark.integration

SCHOOL_1 = 'МБОУ "Усть-Ишимская СОШ № 1"'
GYMNASIUM = "Гимназия № 3"
ROOM = "Кабинет 8"
HALL = "Кабинет 9"
DAY_BEFORE = dt.datetime(2025, 11, 17, 4, 0, tzinfo=dt.UTC)
DURING_ROUND = dt.datetime(2025, 11, 18, 5, 30, tzinfo=dt.UTC)  # 11:30 in Omsk
AFTER_ROUND = dt.datetime(2025, 11, 18, 8, 5, tzinfo=dt.UTC)  # 14:05 in Omsk
BASIS = "набрал необходимое количество баллов на школьном этапе"
HEADER = (
    "Фамилия;Имя;Отчество;Класс;Образовательная организация;Предмет;Основание участия;"
    "Согласие на публикацию;Площадка проведения;Дата рождения"
)
# The round is on 18.11.2025: Ёлкин turns 14 that very day, Щукина the day after.
PEOPLE = (
    ("Ёлкин", "Фёдор", "Ильич", 8, "СОШ № 2", "18.11.2011"),
    ("Щукина", "Алёна", "Петровна", 8, "Лицей № 5", "19.11.2011"),
    ("Римская-Корсакова", "Варвара", "", 8, "СОШ № 7", ""),
    ("Артёмов", "Семён", "Сергеевич", 9, "СОШ № 2", "02.03.2010"),
    ("Белова", "Ксения", "Андреевна", 9, "Лицей № 5", "14.07.2010"),
    ("Зуев-Осипов", "Кирилл", "", 9, "СОШ № 7", "30.12.2010"),
)


def venue_coordinator(desk: Desk, venue: str = SCHOOL_1) -> dict[str, str]:
    return desk.svc.auth(
        Role.VENUE_COORDINATOR, sub="venue-ishim", scopes={ScopeKind.VENUE: [venue]}
    )


async def olympiad_seated(desk: Desk) -> tuple[str, dict[str, str]]:
    """Six participants of SCHOOL_1, seated in two rooms the day before; surname → id."""
    rooms = [
        {"name": ROOM, "capacity": 9, "rows": 3, "desks_per_row": 3},
        {"name": HALL, "capacity": 9, "rows": 3, "desks_per_row": 3},
    ]
    olympiad_id = await desk.create_olympiad(
        venues=[
            {"name": SCHOOL_1, "rooms": rooms},
            {"name": GYMNASIUM, "rooms": [{"name": "Кабинет 5", "capacity": 30}]},
        ]
    )
    lines = [
        f"{s};{n};{p};{g};{school};математика;{BASIS};да;{SCHOOL_1};{born}"
        for s, n, p, g, school, born in PEOPLE
    ]
    response = await desk.import_file(olympiad_id, "\r\n".join([HEADER, *lines]).encode())
    assert response.status_code == 200, response.text
    desk.clock.set(DAY_BEFORE)
    plan = {"rooms": [{"room": ROOM, "grades": [8]}, {"room": HALL, "grades": [9]}]}
    seated = await desk.svc.client.put(
        f"/olympiads/{olympiad_id}/subjects/math/venues/{SCHOOL_1}/seating",
        json=plan,
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert seated.status_code == 200, seated.text
    desk.clock.set(dt.datetime(2025, 11, 18, 3, 0, tzinfo=dt.UTC))
    ids = {p["surname"]: p["participant_id"] for p in await desk.participants(olympiad_id)}
    return olympiad_id, ids


async def check_in(
    desk: Desk, olympiad_id: str, participant_id: str, documents: list[str] | None
) -> Any:
    entry: dict[str, Any] = {"participant_id": participant_id, "present": True}
    if documents is not None:
        entry["documents"] = documents
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/check-in",
        json={"entries": [entry], "venue": SCHOOL_1},
        headers=venue_coordinator(desk),
    )


async def test_p36_the_application_gives_the_date_of_birth(desk: Desk) -> None:
    olympiad_id, _ = await olympiad_seated(desk)
    listed = {p["surname"]: p for p in await desk.participants(olympiad_id, "math")}
    assert listed["Ёлкин"]["birth_date"] == "2011-11-18"
    assert listed["Римская-Корсакова"]["birth_date"] is None
    events = await desk.outbox_payloads("participant_registered", olympiad_id)
    assert {e["surname"]: e["birth_date"] for e in events}["Щукина"] == "2011-11-19"


async def test_p36_on_the_fourteenth_birthday_a_passport_and_not_a_birth_certificate(
    desk: Desk,
) -> None:
    olympiad_id, ids = await olympiad_seated(desk)
    child = ["birth_certificate", "school_certificate"]

    refused = await check_in(desk, olympiad_id, ids["Ёлкин"], child)

    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["title"] == "Документ, удостоверяющий личность, не подходит"
    assert problem["detail"].startswith(
        "Ёлкин Фёдор Ильич: Участнику 14 лет на день тура 18.11.2025"
    )
    assert "Попросите паспорт" in problem["detail"]
    assert problem["participant_id"] == ids["Ёлкин"]
    assert await desk.outbox_payloads("participant_checked_in", olympiad_id) == []

    accepted = await check_in(desk, olympiad_id, ids["Ёлкин"], ["passport"])
    assert accepted.status_code == 200, accepted.text
    listed = {p["surname"]: p for p in await desk.participants(olympiad_id, "math")}
    assert listed["Ёлкин"]["marks"][0]["documents"] == ["passport"]


async def test_p36_a_day_before_fourteen_a_birth_certificate_with_a_school_certificate(
    desk: Desk,
) -> None:
    olympiad_id, ids = await olympiad_seated(desk)

    passport = await check_in(desk, olympiad_id, ids["Щукина"], ["passport"])
    alone = await check_in(desk, olympiad_id, ids["Щукина"], ["birth_certificate"])

    assert passport.status_code == alone.status_code == 422
    assert "13 лет" in passport.json()["detail"]
    assert "паспорт до 14 лет не выдаётся" in passport.json()["detail"]
    assert "не хватает: справка школьника с фотографией" in alone.json()["detail"]
    both = await check_in(
        desk, olympiad_id, ids["Щукина"], ["school_certificate", "birth_certificate"]
    )
    assert both.status_code == 200, both.text
    listed = {p["surname"]: p for p in await desk.participants(olympiad_id, "math")}
    assert listed["Щукина"]["marks"][0]["documents"] == ["birth_certificate", "school_certificate"]
    [(actor, action, audit)] = [
        e for e in await desk.audit_entries(f"{olympiad_id}/math") if e[1] != "seating.seated"
    ]
    assert (actor, action) == ("venue-ishim", "participants.checked_in")
    assert audit["documents"] == {ids["Щукина"]: ["birth_certificate", "school_certificate"]}


async def test_p37_without_a_date_of_birth_either_set_is_taken_but_not_half_of_one(
    desk: Desk,
) -> None:
    olympiad_id, ids = await olympiad_seated(desk)
    half = await check_in(desk, olympiad_id, ids["Римская-Корсакова"], ["school_certificate"])
    assert half.status_code == 422
    assert "дата рождения в заявке не указана" in half.json()["detail"]
    whole = await check_in(
        desk, olympiad_id, ids["Римская-Корсакова"], ["birth_certificate", "school_certificate"]
    )
    assert whole.status_code == 200, whole.text
    # a slip corrected: the passport was shown after all; the record changes, nothing is announced
    corrected = await check_in(desk, olympiad_id, ids["Римская-Корсакова"], ["passport"])
    assert corrected.status_code == 200, corrected.text
    listed = {p["surname"]: p for p in await desk.participants(olympiad_id, "math")}
    assert listed["Римская-Корсакова"]["marks"][0]["documents"] == ["passport"]
    assert len(await desk.outbox_payloads("participant_checked_in", olympiad_id)) == 1


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


async def remove(desk: Desk, olympiad_id: str, participant_id: str, **body: Any) -> Any:
    return await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/participants/{participant_id}/removal",
        json=body,
        headers=venue_coordinator(desk),
    )


def act_url(olympiad_id: str, participant_id: str) -> str:
    return f"/olympiads/{olympiad_id}/subjects/math/participants/{participant_id}/removal/act.pdf"


async def test_p53_the_removal_act_names_reason_time_room_and_signatories(desk: Desk) -> None:
    olympiad_id, ids = await olympiad_seated(desk)
    for surname in ("Артёмов", "Белова"):
        assert (await check_in(desk, olympiad_id, ids[surname], ["passport"])).status_code == 200
    desk.clock.set(DURING_ROUND)
    signatories = [
        {"role": "organiser_in_room", "name": "Ёлкина-Соловьёва А. П."},
        {"role": "organiser_in_room", "name": "Шестаков И. В."},
        {"role": "orgcommittee", "name": "Прохорова Л. Н."},
    ]

    first = await remove(
        desk,
        olympiad_id,
        ids["Артёмов"],
        reason="Пользовался мобильным телефоном во время тура",
        signatories=signatories,
    )
    second = await remove(desk, olympiad_id, ids["Белова"], reason="Списывала со шпаргалки")

    assert first.status_code == 200, first.text
    removal = first.json()["removal"]
    assert (removal["act_number"], removal["venue"], removal["room"]) == (1, SCHOOL_1, HALL)
    assert removal["signatories"] == signatories
    assert second.json()["removal"]["act_number"] == 2
    response = await desk.svc.client.get(
        act_url(olympiad_id, ids["Артёмов"]), headers=venue_coordinator(desk)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for expected in (
        "Акт об удалении участника олимпиады № 1",
        "Муниципальный этап ВсОШ, Усть-Ишимский район",
        "Математика, 18.11.2025",
        SCHOOL_1,
        f"Аудитория {HALL}",
        "Артёмов Семён Сергеевич",
        "Пользовался мобильным телефоном во время тура",
        "Время удаления 11:30 (Asia/Omsk)",
        "его работа аннулируется (п. 53)",
        "Организатор в аудитории: ____________________ / Ёлкина-Соловьёва А. П. /",
        "Организатор в аудитории: ____________________ / Шестаков И. В. /",
        "Член организационного комитета: ____________________ / Прохорова Л. Н. /",
    ):
        assert expected in text, expected
    assert "Белова" not in text
    # the second act names nobody: a blank line for each role, signed by hand
    blank = " ".join(
        pdf_text(
            (
                await desk.svc.client.get(
                    act_url(olympiad_id, ids["Белова"]), headers=venue_coordinator(desk)
                )
            ).content
        ).split()
    )
    assert "№ 2" in blank and "Списывала со шпаргалки" in blank
    assert "Член организационного комитета: ____________________ / ____________________ /" in blank
    [(_, action, audit)] = await desk.audit_entries(ids["Артёмов"])
    assert (action, audit["act_number"], audit["room"]) == ("participant.removed", 1, HALL)
    assert audit["signatories"] == signatories


async def test_p53_an_act_only_for_the_removed_and_only_at_their_venue(desk: Desk) -> None:
    olympiad_id, ids = await olympiad_seated(desk)
    assert (await check_in(desk, olympiad_id, ids["Белова"], ["passport"])).status_code == 200
    desk.clock.set(DURING_ROUND)
    none = await desk.svc.client.get(
        act_url(olympiad_id, ids["Белова"]), headers=venue_coordinator(desk)
    )
    assert none.status_code == 404
    assert "акта об удалении нет" in none.json()["detail"]
    removed = await remove(desk, olympiad_id, ids["Белова"], reason="Списывала", room=ROOM)
    assert removed.json()["removal"]["room"] == ROOM  # the organiser's word over the seating
    elsewhere = await desk.svc.client.get(
        act_url(olympiad_id, ids["Белова"]), headers=venue_coordinator(desk, GYMNASIUM)
    )
    assert elsewhere.status_code == 403


def works_url(olympiad_id: str, room: str | None = None) -> str:
    url = f"/olympiads/{olympiad_id}/subjects/math/venues/{SCHOOL_1}/works"
    return url if room is None else f"{url}/{room}"


async def test_p141_works_per_room_against_those_present_and_a_mismatch_explained(
    desk: Desk,
) -> None:
    olympiad_id, ids = await olympiad_seated(desk)
    for surname in ("Артёмов", "Белова", "Зуев-Осипов"):
        assert (await check_in(desk, olympiad_id, ids[surname], ["passport"])).status_code == 200
    assert (await check_in(desk, olympiad_id, ids["Ёлкин"], ["passport"])).status_code == 200
    desk.clock.set(DURING_ROUND)
    assert (await remove(desk, olympiad_id, ids["Белова"], reason="Списывала")).status_code == 200
    desk.clock.set(AFTER_ROUND)

    # grade 9 room: three present, one removed → two works expected
    short = await desk.svc.client.put(
        works_url(olympiad_id, HALL), json={"works": 3}, headers=venue_coordinator(desk)
    )
    assert short.status_code == 422
    assert short.json()["detail"] == (
        f"В аудитории «{HALL}» собрано 3 работы, а присутствуют 2 участника (явились и не "
        "удалены): работ на 1 больше. Пересчитайте работы и сверьте со списком аудитории (§141); "
        "если число верно, объясните расхождение в поле «Объяснение расхождения» и сохраните снова."
    )
    explained = await desk.svc.client.put(
        works_url(olympiad_id, HALL),
        json={"works": 3, "explanation": "Удалённая участница сдала работу до удаления"},
        headers=venue_coordinator(desk),
    )
    assert explained.status_code == 200, explained.text
    assert (explained.json()["present"], explained.json()["removed"]) == (2, 1)
    assert explained.json()["mismatch"] == 1
    matching = await desk.svc.client.put(
        works_url(olympiad_id, ROOM), json={"works": 1}, headers=venue_coordinator(desk)
    )
    assert matching.status_code == 200, matching.text

    read = await desk.svc.client.get(works_url(olympiad_id), headers=venue_coordinator(desk))
    assert read.status_code == 200, read.text
    rooms = {r["room"]: r for r in read.json()["rooms"]}
    assert (rooms[ROOM]["present"], rooms[ROOM]["works"], rooms[ROOM]["mismatch"]) == (1, 1, 0)
    assert rooms[HALL]["explanation"] == "Удалённая участница сдала работу до удаления"
    assert read.json()["unseated_present"] == 0
    counted = [
        e for e in await desk.audit_entries(f"{olympiad_id}/math") if e[1] == "works.counted"
    ]
    assert [(e[2]["room"], e[2]["works"], e[2]["present"]) for e in counted] == [
        (HALL, 3, 2),
        (ROOM, 1, 1),
    ]
    unknown = await desk.svc.client.put(
        works_url(olympiad_id, "Спортзал"), json={"works": 0}, headers=venue_coordinator(desk)
    )
    assert unknown.status_code == 422 and "нет аудитории «Спортзал»" in unknown.json()["detail"]
    other = await desk.svc.client.put(
        works_url(olympiad_id, ROOM), json={"works": 1}, headers=venue_coordinator(desk, GYMNASIUM)
    )
    assert other.status_code == 403


async def test_p141_a_room_counts_those_checked_in_at_its_venue_not_elsewhere(desk: Desk) -> None:
    """Seated in Кабинет 9 the day before, Зуев-Осипов came to the gymnasium and was checked in
    there: the school's room expects no work from him, the gymnasium counts him as present."""
    olympiad_id, ids = await olympiad_seated(desk)
    for surname in ("Артёмов", "Белова"):
        assert (await check_in(desk, olympiad_id, ids[surname], ["passport"])).status_code == 200
    elsewhere = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/math/check-in",
        json={
            "entries": [
                {"participant_id": ids["Зуев-Осипов"], "present": True, "documents": ["passport"]}
            ],
            "venue": GYMNASIUM,
        },
        headers=desk.svc.auth(  # at every venue
            Role.VENUE_COORDINATOR, sub="orgkomitet", scopes={ScopeKind.VENUE: ["*"]}
        ),
    )
    assert elsewhere.status_code == 200, elsewhere.text
    desk.clock.set(AFTER_ROUND)

    school = await desk.svc.client.get(works_url(olympiad_id), headers=venue_coordinator(desk))
    assert school.status_code == 200, school.text
    rooms = {r["room"]: r["present"] for r in school.json()["rooms"]}
    assert rooms == {ROOM: 0, HALL: 2}
    gymnasium = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/math/venues/{GYMNASIUM}/works",
        headers=venue_coordinator(desk, GYMNASIUM),
    )
    assert gymnasium.status_code == 200, gymnasium.text
    assert gymnasium.json()["unseated_present"] == 1
    counted = await desk.svc.client.put(
        works_url(olympiad_id, HALL), json={"works": 2}, headers=venue_coordinator(desk)
    )
    assert counted.status_code == 200, counted.text
    assert (counted.json()["present"], counted.json()["mismatch"]) == (2, 0)


async def test_p36_a_check_in_sent_without_documents_is_shown_as_document_not_checked(
    desk: Desk,
) -> None:
    """A client that sends no documents is still taken (older desks), but the venue sees how many
    entered with no document checked, where it counts the works, and the trail names them."""
    olympiad_id, ids = await olympiad_seated(desk)
    assert (await check_in(desk, olympiad_id, ids["Артёмов"], ["passport"])).status_code == 200
    unchecked = await check_in(desk, olympiad_id, ids["Белова"], None)
    assert unchecked.status_code == 200, unchecked.text
    desk.clock.set(AFTER_ROUND)

    read = await desk.svc.client.get(works_url(olympiad_id), headers=venue_coordinator(desk))
    assert read.status_code == 200, read.text
    assert read.json()["present_without_documents"] == 1
    assert {r["room"]: r["present"] for r in read.json()["rooms"]} == {ROOM: 0, HALL: 2}
    checked_in = [
        e[2]
        for e in await desk.audit_entries(f"{olympiad_id}/math")
        if e[1] == "participants.checked_in"
    ]
    assert [e["documents_not_checked"] for e in checked_in] == [[], [ids["Белова"]]]
