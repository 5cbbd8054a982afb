"""The venue's check-in screen over httpx (§36–37), against the real registration, coding,
scoring and publishing: the participants of the venue alphabetically (ё with е), a mark sent
with htmx swaps the row and the counts, and registration keeps it."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

import pypdfium2  # type: ignore[import-untyped]
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock, to_local
from olymp_core.testing.synthetic import SyntheticParticipant, to_csv
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import add_account, csrf_of
from tests.integration.portal.suite import (
    SUBJECT,
    TIME_ZONE,
    Suite,
    participant,
    running_suite,
    services_clock,
    signed_in,
)

pytestmark = pytest.mark.integration

VENUE = "МБОУ «Усть-Ишимская СОШ № 1»"
PEOPLE = [
    participant("Римская-Корсакова", "Варвара", "Петровна", "МБОУ «СОШ № 2»"),
    participant("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"),
    participant("Ельцов", "Иван", "Сергеевич", "МБОУ «Лицей»"),
    participant("Ёлкин", "Семён", "Ильич", "МБОУ «Лицей»"),
]


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Suite]:
    async with running_suite(tmp_path_factory.mktemp("venue"), clock) as found:
        grant = Grant(Role.VENUE_COORDINATOR, {ScopeKind.VENUE: frozenset({VENUE})})
        await add_account(found.portal, "venue-sidorova", grant, name="Сидорова Вера Ивановна")
        yield found


async def imported(suite: Suite) -> uuid.UUID:
    """An olympiad whose mathematics round is today, the application imported, nobody marked."""
    registration = suite["registration"]
    today = to_local(suite.clock.now(), TIME_ZONE).date()
    created = await registration.client.post(
        "/olympiads",
        json={
            "title": "Муниципальный этап ВсОШ 2026/27, Усть-Ишимский район",
            "school_year": "2026/2027",
            "time_zone": TIME_ZONE,
            "subjects": [
                {
                    "subject_code": SUBJECT,
                    "day": today.isoformat(),
                    "round_start": "10:00",
                    "round_end": "14:00",
                },
            ],
            "venues": [{"name": VENUE, "rooms": [{"name": "Кабинет 1", "capacity": 30}]}],
        },
        headers=registration.auth(Role.COORDINATOR),
    )
    assert created.status_code == 201, created.text
    olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    loaded = await registration.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=to_csv(PEOPLE),
        headers={"Content-Type": "text/csv", **registration.auth(Role.MUNICIPAL_COORDINATOR)},
    )
    assert loaded.status_code == 200, loaded.text
    return olympiad_id


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def names_in_order(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", n).strip() for n in re.findall(r'<th scope="row">(.*?)</th>', html)
    ]


async def test_p36_the_entrance_marks_arrivals_one_at_a_time(suite: Suite) -> None:
    olympiad_id = await imported(suite)
    page_url = f"/venue/{olympiad_id}/{SUBJECT}/check-in?venue={quote(VENUE)}"
    async with signed_in(suite, "venue-sidorova") as venue:
        page = await venue.get(page_url)
        assert page.status_code == 200, page.text
        assert [n.split(" ОУ")[0] for n in names_in_order(page.text)] == [
            "Ёлкин Семён Ильич",
            "Ёлкина Алёна Фёдоровна",
            "Ельцов Иван Сергеевич",
            "Римская-Корсакова Варвара Петровна",
        ]  # ё sorts as е: «Ёлкин» before «Ельцов», as the lists at the entrance are read
        assert "ещё не отмечены: <strong>4</strong>" in page.text
        rows = dict(re.findall(r'<tr id="a-([0-9a-f-]+)" data-name="([^"]+)"', page.text))
        yolkina = next(pid for pid, name in rows.items() if name == "елкина алена")
        varvara = next(pid for pid, name in rows.items() if name.startswith("римская"))
        csrf = csrf_of(page.text)
        form = {"csrf": csrf, "venue": VENUE}

        arrived = await venue.post(
            f"/venue/{olympiad_id}/{SUBJECT}/check-in/{yolkina}",
            data={**form, "present": "true", "documents": "passport"},
            headers={"HX-Request": "true"},
        )
        assert arrived.status_code == 200, arrived.text
        assert arrived.text.lstrip().startswith(f'<tr id="a-{yolkina}"')
        assert "явился" in arrived.text and 'class="mark-present"' in arrived.text
        assert 'id="counts" class="counts" aria-live="polite" hx-swap-oob="true"' in arrived.text
        assert "Явились: <strong>1</strong>" in arrived.text

        missing = await venue.post(
            f"/venue/{olympiad_id}/{SUBJECT}/check-in/{varvara}", data={**form, "present": "false"}
        )  # without htmx: the whole page comes back
        assert missing.status_code == 200
        assert "не явились: <strong>1</strong>" in missing.text

    listed = await suite["registration"].client.get(
        f"/olympiads/{olympiad_id}/participants",
        headers=suite["registration"].auth(Role.MUNICIPAL_COORDINATOR),
    )
    marks = {
        p["participant_id"]: [m["attendance"] for m in p["marks"]]
        for p in listed.json()["participants"]
    }
    assert marks[yolkina] == ["present"] and marks[varvara] == ["absent"]


ROOM = "Кабинет 1"
ORGANISERS = ("Ёлкина-Соловьёва А. П.", "Шестаков И. В.")
MEMBER = "Прохорова Л. Н."


def with_births(people: list[SyntheticParticipant], births: list[dt.date | None]) -> bytes:
    """The application with a «Дата рождения» column, as ДД.ММ.ГГГГ (empty: not given)."""
    lines = to_csv(people).decode("utf-8-sig").split("\r\n")
    cells = [f"{b:%d.%m.%Y}" if b else "" for b in births]
    rows = [f"{line};{cell}" for line, cell in zip(lines[1:], cells, strict=False)]
    return "\r\n".join([f"{lines[0]};Дата рождения", *rows]).encode()


def years_before(day: dt.date, years: int) -> dt.date:
    if (day.month, day.day) == (2, 29):
        day = day - dt.timedelta(days=1)  # a birthday the earlier year surely has
    return day.replace(year=day.year - years)


async def seated_with_births(
    suite: Suite,
    people: list[SyntheticParticipant] | None = None,
    ages: list[int | None] | None = None,
) -> tuple[uuid.UUID, dict[str, str], dt.date]:
    """Today's round, participants seated yesterday in one room, with dates of birth. By default
    PEOPLE: Ёлкин turns 14 today, Ёлкина turns 14 tomorrow, Ельцов is 15, Римская-Корсакова gave
    none; `ages` (None: not given) make everyone's birthday a month ago."""
    registration = suite["registration"]
    today = to_local(suite.clock.now(), TIME_ZONE).date()
    created = await registration.client.post(
        "/olympiads",
        json={
            "title": "Муниципальный этап ВсОШ 2026/27, Усть-Ишимский район",
            "school_year": "2026/2027",
            "time_zone": TIME_ZONE,
            "subjects": [
                {
                    "subject_code": SUBJECT,
                    "day": today.isoformat(),
                    "round_start": "00:00",
                    "round_end": "23:59",
                }
            ],
            "venues": [
                {
                    "name": VENUE,
                    "rooms": [{"name": ROOM, "capacity": 16, "rows": 4, "desks_per_row": 4}],
                }
            ],
        },
        headers=registration.auth(Role.COORDINATOR),
    )
    assert created.status_code == 201, created.text
    olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    births: list[dt.date | None] = [  # in the order of PEOPLE
        None,  # Римская-Корсакова
        years_before(today + dt.timedelta(days=1), 14),  # Ёлкина: 13 today
        years_before(today, 15),  # Ельцов
        years_before(today, 14),  # Ёлкин: 14 today
    ]
    if ages is not None:
        month_ago = today - dt.timedelta(days=30)
        births = [None if age is None else years_before(month_ago, age) for age in ages]
    loaded = await registration.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=with_births(people or PEOPLE, births),
        headers={"Content-Type": "text/csv", **registration.auth(Role.MUNICIPAL_COORDINATOR)},
    )
    assert loaded.status_code == 200, loaded.text
    now = suite.clock.now()
    suite.clock.set(now - dt.timedelta(days=1))  # §30: seated at least a day before
    try:
        seated = await registration.client.put(
            f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/venues/{VENUE}/seating",
            json={"rooms": [{"room": ROOM, "grades": [9]}]},
            headers=registration.auth(Role.MUNICIPAL_COORDINATOR),
        )
    finally:
        suite.clock.set(now)
    assert seated.status_code == 200, seated.text
    ids = {
        p["surname"] + " " + p["name"]: str(p["participant_id"])
        for p in loaded.json()["participants"]
    }
    return olympiad_id, ids, today


def row_of(html: str, participant_id: str) -> str:
    found = re.search(rf'<tr id="a-{participant_id}".*?</tr>', html, re.S)
    assert found is not None, participant_id
    return found.group(0)


async def test_p36_the_screen_asks_each_participant_for_the_document_of_their_age(
    suite: Suite,
) -> None:
    olympiad_id, ids, _ = await seated_with_births(suite)
    page_url = f"/venue/{olympiad_id}/{SUBJECT}/check-in?venue={quote(VENUE)}"
    async with signed_in(suite, "venue-sidorova") as venue:
        page = await venue.get(page_url)
        assert page.status_code == 200, page.text
        fourteen = row_of(page.text, ids["Ёлкин Семён"])
        assert "(14 лет)" in fourteen and "Явился: паспорт" in fourteen
        assert "свидетельство и справка" not in fourteen
        thirteen = row_of(page.text, ids["Ёлкина Алёна"])
        assert "(13 лет)" in thirteen
        assert "свидетельство о рождении и справка школьника с фотографией" in thirteen
        assert "Явился: паспорт" not in thirteen
        unknown = row_of(page.text, ids["Римская-Корсакова Варвара"])
        assert "дата рождения не указана" in unknown
        assert "Явился: паспорт" in unknown and "Явился: свидетельство и справка" in unknown

        form = {"csrf": csrf_of(page.text), "venue": VENUE, "present": "true"}
        wrong = await venue.post(
            f"/venue/{olympiad_id}/{SUBJECT}/check-in/{ids['Ёлкин Семён']}",
            data={**form, "documents": "birth_certificate school_certificate"},
            headers={"HX-Request": "true"},
        )  # a stale page or a forged form: registration refuses, the row says why
        assert "Попросите паспорт" in wrong.text and "не отмечен" in wrong.text
        right = await venue.post(
            f"/venue/{olympiad_id}/{SUBJECT}/check-in/{ids['Ёлкина Алёна']}",
            data={**form, "documents": "birth_certificate school_certificate"},
            headers={"HX-Request": "true"},
        )
        assert right.status_code == 200, right.text
        assert "явился" in right.text
        assert "свидетельство о рождении и справка школьника с фотографией" in right.text
        assert "Удалить с актом" in right.text


async def test_p53_the_venue_removes_with_an_act_and_prints_it(suite: Suite) -> None:
    olympiad_id, ids, today = await seated_with_births(suite)
    violator = ids["Ельцов Иван"]
    base = f"/venue/{olympiad_id}/{SUBJECT}"
    async with signed_in(suite, "venue-sidorova") as venue:
        page = await venue.get(f"{base}/check-in?venue={quote(VENUE)}")
        csrf = csrf_of(page.text)
        marked = await venue.post(
            f"{base}/check-in/{violator}",
            data={"csrf": csrf, "venue": VENUE, "present": "true", "documents": "passport"},
        )
        assert marked.status_code == 200, marked.text
        form_page = await venue.get(f"{base}/removal/{violator}?venue={quote(VENUE)}")
        assert form_page.status_code == 200, form_page.text
        assert f'name="room" value="{ROOM}"' in form_page.text  # from the seating

        empty = await venue.post(
            f"{base}/removal/{violator}",
            data={
                "csrf": csrf,
                "venue": VENUE,
                "reason": " ",
                "room": ROOM,
                "organiser": ORGANISERS[0],
                "member": MEMBER,
            },
        )
        assert empty.status_code == 422
        assert "Не указана причина удаления" in empty.text
        assert f'value="{ORGANISERS[0]}"' in empty.text  # what was typed stays

        removed = await venue.post(
            f"{base}/removal/{violator}",
            data={
                "csrf": csrf,
                "venue": VENUE,
                "reason": "Пользовался мобильным телефоном",
                "room": ROOM,
                "organiser": list(ORGANISERS),
                "member": [MEMBER],
            },
        )
        assert removed.status_code == 303, removed.text
        back = await venue.get(removed.headers["location"])
        assert "Участник удалён, его работа аннулирована" in back.text
        assert "Акт № 1 — открыть и распечатать (PDF)" in back.text
        act = await venue.get(f"{base}/removal/{violator}/act.pdf")
    assert act.status_code == 200
    assert act.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(act.content).split())
    assert "Акт об удалении участника олимпиады № 1" in text
    assert f"Математика, {today:%d.%m.%Y}" in text
    assert "Ельцов Иван Сергеевич" in text and "Пользовался мобильным телефоном" in text
    assert f"Аудитория {ROOM}" in text
    for name in ORGANISERS:
        assert f"Организатор в аудитории: ____________________ / {name} /" in text
    assert f"Член организационного комитета: ____________________ / {MEMBER} /" in text


async def test_p141_works_per_room_and_a_mismatch_needs_an_explanation(suite: Suite) -> None:
    olympiad_id, ids, _ = await seated_with_births(suite)
    base = f"/venue/{olympiad_id}/{SUBJECT}"
    async with signed_in(suite, "venue-sidorova") as venue:
        page = await venue.get(f"{base}/check-in?venue={quote(VENUE)}")
        csrf = csrf_of(page.text)
        for who, documents in (("Ельцов Иван", "passport"), ("Ёлкин Семён", "passport")):
            marked = await venue.post(
                f"{base}/check-in/{ids[who]}",
                data={"csrf": csrf, "venue": VENUE, "present": "true", "documents": documents},
            )
            assert marked.status_code == 200, marked.text
        screen = await venue.get(f"{base}/works?venue={quote(VENUE)}")
        assert screen.status_code == 200, screen.text
        assert "не сдано" in screen.text
        data = {"csrf": csrf, "venue": VENUE, "room": ROOM}
        short = await venue.post(f"{base}/works", data={**data, "works": "1"})
        assert short.status_code == 422
        assert "собрано 1 работа, а присутствуют 2 участника" in short.text
        assert 'value="1"' in short.text and 'aria-invalid="true"' in short.text
        explained = await venue.post(
            f"{base}/works",
            data={**data, "works": "1", "explanation": "Ельцов ушёл по болезни, работа не сдана"},
        )
        assert explained.status_code == 303, explained.text
        after = await venue.get(explained.headers["location"])
    assert "расхождение: -1" in after.text
    assert "Ельцов ушёл по болезни, работа не сдана" in after.text
    assert "Документ не отмечен" not in after.text

    # a desk that sends no documents: taken, and the venue is told where it counts the works
    registration = suite["registration"]
    unchecked = await registration.client.post(
        f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/check-in",
        json={
            "entries": [{"participant_id": ids["Римская-Корсакова Варвара"], "present": True}],
            "venue": VENUE,
        },
        headers=registration.auth(Role.VENUE_COORDINATOR, scopes={ScopeKind.VENUE: [VENUE]}),
    )
    assert unchecked.status_code == 200, unchecked.text
    async with signed_in(suite, "venue-sidorova") as venue:
        screen = await venue.get(f"{base}/works?venue={quote(VENUE)}")
    assert "Документ не отмечен: 1" in screen.text
