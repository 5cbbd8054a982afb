"""The organiser's import, seating and room screens over httpx, in front of the real registration:
an application refused row by row with nothing saved, then imported; a grade seated desk by desk
(§30) or the report when no arrangement exists; the lists printed through the portal (§31); the
room screen with the round's times and the warnings the organiser chose (§35, §44, §133)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pypdfium2  # type: ignore[import-untyped]
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock, local_instant, to_local
from olymp_core.testing.synthetic import SyntheticParticipant, to_csv, to_xlsx
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import ORGANISER_ANYWHERE, add_account, csrf_of
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

ORGANISER = "orgcom-vodkina"
VENUE_LOGIN = "venue-sidorova"
VENUE = "МБОУ «Усть-Ишимская СОШ № 1»"
ROOM_12 = "Кабинет 12"  # 3 rows of 4 desks
ROOM_14 = "Кабинет 14"  # 2 rows of 3 desks: too few for the grade
LYCEUM, SCHOOL_2, GYMNASIUM = "МБОУ «Лицей»", "МБОУ «СОШ № 2»", "МАОУ «Гимназия № 1»"
PEOPLE = [
    participant("Римская-Корсакова", "Варвара", "Петровна", SCHOOL_2),
    participant("Ёлкина", "Алёна", "Фёдоровна", LYCEUM),
    participant("Ельцов", "Иван", "Сергеевич", LYCEUM),
    participant("Ёлкин", "Семён", "Ильич", LYCEUM),
    participant("Щукина", "Дарья", "Олеговна", SCHOOL_2),
    participant("Петров-Водкин", "Кузьма", "Сергеевич", GYMNASIUM),
    participant("Соловьёва", "Анастасия", "Игоревна", GYMNASIUM),
    participant("Шаймухаметов", "Ильдар", "Рашитович", SCHOOL_2),
]


@dataclass
class Organised:
    suite: Suite
    round_day: dt.date


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def organised(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Organised]:
    workdir = tmp_path_factory.mktemp("organiser")
    async with running_suite(workdir, clock, backends=("registration",)) as suite:
        await add_account(
            suite.portal,
            ORGANISER,
            ORGANISER_ANYWHERE,
            name="Петрова-Водкина Ольга Ёсифовна",
        )
        venue_grant = Grant(Role.VENUE_COORDINATOR, {ScopeKind.VENUE: frozenset({VENUE})})
        await add_account(suite.portal, VENUE_LOGIN, venue_grant, name="Сидорова Вера Ивановна")
        # two days ahead: seating closes at the midnight before the round (§30)
        day = to_local(clock.now(), TIME_ZONE).date() + dt.timedelta(days=2)
        yield Organised(suite, day)


async def new_olympiad(organised: Organised) -> uuid.UUID:
    registration = organised.suite["registration"]
    created = await registration.client.post(
        "/olympiads",
        json={
            "title": f"Муниципальный этап ВсОШ, Усть-Ишимский район ({uuid.uuid4().hex[:6]})",
            "school_year": "2026/2027",
            "time_zone": TIME_ZONE,
            "subjects": [
                {
                    "subject_code": SUBJECT,
                    "day": organised.round_day.isoformat(),
                    "round_start": "10:00",
                    "round_end": "14:00",
                }
            ],
            "venues": [
                {
                    "name": VENUE,
                    "rooms": [
                        {"name": ROOM_12, "capacity": 12, "rows": 3, "desks_per_row": 4},
                        {"name": ROOM_14, "capacity": 6, "rows": 2, "desks_per_row": 3},
                        {"name": "Актовый зал", "capacity": 80},
                    ],
                }
            ],
        },
        headers=registration.auth(Role.COORDINATOR),
    )
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["olympiad_id"])


async def registered(organised: Organised, olympiad_id: uuid.UUID) -> list[str]:
    registration = organised.suite["registration"]
    listed = await registration.client.get(
        f"/olympiads/{olympiad_id}/participants",
        headers=registration.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert listed.status_code == 200, listed.text
    return sorted(p["surname"] for p in listed.json()["participants"])


async def imported(organised: Organised) -> uuid.UUID:
    """An olympiad whose application is in (through registration's API: the setup of a test)."""
    olympiad_id = await new_olympiad(organised)
    registration = organised.suite["registration"]
    loaded = await registration.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=to_csv(PEOPLE),
        headers={"Content-Type": "text/csv", **registration.auth(Role.MUNICIPAL_COORDINATOR)},
    )
    assert loaded.status_code == 200, loaded.text
    return olympiad_id


def broken_file(people: list[SyntheticParticipant]) -> bytes:
    """The application with a grade written in words (row 3) and an unknown subject (row 5)."""
    text = to_csv(people).decode("utf-8-sig")
    lines = text.split("\r\n")
    lines[2] = lines[2].replace(";9;9;", ";девятый;9;", 1)
    lines[4] = lines[4].replace(";математика;", ";Алхимия;", 1)
    return "\r\n".join(lines).encode("utf-8-sig")


def cells(table_html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", table_html, re.S)
    found = []
    for row in rows:
        parts = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        found.append([html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in parts])
    return found


async def test_p21_a_refused_application_lists_each_row_error_and_saves_nobody(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    async with signed_in(organised.suite, ORGANISER) as browser:
        form = await browser.get(f"/organiser/import?olympiad={olympiad_id}")
        assert form.status_code == 200, form.text
        assert f'<option value="{olympiad_id}" selected>' in form.text
        assert 'hx-indicator="#import-progress"' in form.text
        assert 'enctype="multipart/form-data"' in form.text
        sent = await browser.post(
            "/organiser/import",
            data={"csrf": csrf_of(form.text), "olympiad": str(olympiad_id)},
            files={"file": ("заявка Усть-Ишим.csv", broken_file(PEOPLE), "text/csv")},
        )
        assert sent.status_code == 422, sent.text
        # what was chosen stays: the olympiad selected, the file named
        assert f'<option value="{olympiad_id}" selected>' in sent.text
        assert "«заявка Усть-Ишим.csv» не загружен, ни один участник не сохранён" in sent.text
        table = sent.text.split('<table class="grid import-errors">')[1].split("</table>")[0]
        header, *rows = cells(table)
        assert header == ["Строка", "Столбец", "Значение", "Что не так", "Что сделать"]
        by_row = {r[0]: r for r in rows}
        assert set(by_row) == {"3", "5"}
        assert by_row["3"][1:4] == ["Класс", "девятый", "Класс «девятый» не распознан."]
        assert by_row["3"][4].startswith("Впишите число от 7 до 11")
        assert by_row["5"][1:3] == ["Предмет", "Алхимия"]
        assert by_row["5"][4].startswith("Впишите один из предметов")
        assert await registered(organised, olympiad_id) == []  # nothing half-imported

        link = re.search(
            r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" download="([^"]+)"', sent.text
        )
        assert link, "no link to the errors as a CSV"
        assert html.unescape(link[2]) == "ошибки — заявка Усть-Ишим.csv"
        download = base64.b64decode(link[1])
        assert download.startswith("\ufeff".encode())  # Excel reads it as UTF-8
        table_rows = list(csv.reader(io.StringIO(download.decode("utf-8-sig")), delimiter=";"))
        assert table_rows[0] == ["Строка", "Столбец", "Значение", "Что не так", "Что сделать"]
        assert table_rows[1] == [
            "3",
            "Класс",
            "девятый",
            "Класс «девятый» не распознан.",
            by_row["3"][4],
        ]
        assert [r[:3] for r in table_rows[1:]] == [
            ["3", "Класс", "девятый"],
            ["5", "Предмет", "Алхимия"],
        ]


async def test_p21_the_fixed_application_is_imported_whole_and_htmx_gets_the_result_only(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    async with signed_in(organised.suite, ORGANISER) as browser:
        form = await browser.get("/organiser/import")
        assert 'option value="" selected' not in form.text  # nothing chosen yet
        sent = await browser.post(
            "/organiser/import",
            data={"csrf": csrf_of(form.text), "olympiad": str(olympiad_id)},
            files={"file": ("заявка.csv", to_csv(PEOPLE), "text/csv")},
            headers={"HX-Request": "true"},
        )
        assert sent.status_code == 200, sent.text
        assert "<html" not in sent.text  # the partial htmx swaps in
        assert (
            "«заявка.csv» загружен: зарегистрировано участников — <strong>8</strong>" in sent.text
        )
        assert f'href="/organiser/{olympiad_id}/seating"' in sent.text
        assert len(await registered(organised, olympiad_id)) == len(PEOPLE)

        no_file = await browser.post(
            "/organiser/import",
            data={"csrf": csrf_of(form.text), "olympiad": str(olympiad_id)},
            headers={"HX-Request": "true"},
        )
        assert no_file.status_code == 422
        assert "Выберите файл заявки" in no_file.text


def seating_url(olympiad_id: uuid.UUID, **query: str) -> str:
    return f"/organiser/{olympiad_id}/seating?" + urlencode(
        {"subject": SUBJECT, "venue": VENUE, **query}
    )


def desk_grid(page: str, room: str) -> list[list[tuple[str, str] | None]]:
    """The room's desks from the board backwards, each line from the left: (name, school)."""
    section = re.split(rf'<h3 id="r-\d+">{re.escape(room)} — ', page)[1].split("</table>")[0]
    lines = []
    for line in re.findall(r"<tr><th scope=\"row\">.*?</tr>", section, re.S):
        desks = []
        for cell in re.findall(r'<td class="desk[^"]*">(.*?)</td>', line, re.S):
            who = re.search(r'<span class="who">(.*?)</span>', cell)
            school = re.search(r'<span class="school">(.*?)</span>', cell)
            desks.append(
                (html.unescape(who[1]), html.unescape(school[1])) if who and school else None
            )
        lines.append(desks)
    return lines


async def test_p30_a_grade_is_seated_and_each_neighbour_school_shows_on_the_plan(
    organised: Organised,
) -> None:
    olympiad_id = await imported(organised)
    async with signed_in(organised.suite, ORGANISER) as browser:
        page = await browser.get(seating_url(olympiad_id))
        assert page.status_code == 200, page.text
        assert "Рассадки по этому предмету на площадке ещё нет." in page.text
        assert '<option value="9">9 класс — участников: 8</option>' in page.text
        assert "Актовый зал" not in page.text.split('class="seat-form"')[1]  # no desk layout
        seated = await browser.post(
            f"/organiser/{olympiad_id}/seating",
            data={
                "csrf": csrf_of(page.text),
                "subject": SUBJECT,
                "venue": VENUE,
                "grade": "9",
                "room": ROOM_12,
            },
        )
        assert seated.status_code == 303, seated.text
        shown = await browser.get(seated.headers["location"])
        assert "Рассажены: 9 класс. Всего на площадке рассажено участников — 8." in shown.text
        assert '<option value="9" selected>' in shown.text  # the form as the grade was seated
        assert re.search(r'value="Кабинет 12" id="room-\d+"\s+checked', shown.text)
        grid = desk_grid(shown.text, ROOM_12)
        assert len(grid) == 4 and all(len(line) == 3 for line in grid)  # 4 desks deep, 3 rows
        people = [d for line in grid for d in line if d]
        assert len(people) == 8 and sum(d is None for line in grid for d in line) == 4
        assert {school for _, school in people} == {LYCEUM, SCHOOL_2, GYMNASIUM}
        assert "Римская-Корсакова В. П." in {name for name, _ in people}
        for d, line in enumerate(grid):
            for r, here in enumerate(line):
                beside = [line[r + 1]] if r + 1 < len(line) else []
                behind = [grid[d + 1][r]] if d + 1 < len(grid) else []
                for other in beside + behind:
                    assert not (here and other and here[1] == other[1]), (here, other)
        q = "subject=math&amp;venue=" + quote(VENUE, safe="")
        assert f'href="/organiser/{olympiad_id}/seating/entrance.pdf?{q}"' in shown.text
        assert f"rooms.pdf?{q}&amp;room={quote(ROOM_12, safe='')}" in shown.text


async def test_p30_with_too_few_desks_the_report_says_so_and_the_choice_stays(
    organised: Organised,
) -> None:
    olympiad_id = await imported(organised)
    async with signed_in(organised.suite, ORGANISER) as browser:
        page = await browser.get(seating_url(olympiad_id))
        refused = await browser.post(
            f"/organiser/{olympiad_id}/seating",
            data={
                "csrf": csrf_of(page.text),
                "subject": SUBJECT,
                "venue": VENUE,
                "grade": "9",
                "room": ROOM_14,
            },
        )
        assert refused.status_code == 422, refused.text
        report = refused.text.split('id="seating-refusal"')[1].split("</div>")[0]
        assert "Рассадка не проведена, никто не пересажен." in report
        assert "9 класс: 8 участников" in report and "не хватает 2 мест" in report
        assert re.search(r'value="Кабинет 14" id="room-\d+"\s+checked', refused.text)
        assert '<option value="9" selected>' in refused.text
        assert "Рассадки по этому предмету на площадке ещё нет." in refused.text


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


async def test_p31_the_room_list_and_the_entrance_list_print_through_the_portal(
    organised: Organised,
) -> None:
    olympiad_id = await imported(organised)
    registration = organised.suite["registration"]
    seated = await registration.client.put(
        f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/venues/{VENUE}/seating",
        json={"rooms": [{"room": ROOM_12, "grades": [9]}]},
        headers=registration.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert seated.status_code == 200, seated.text
    query = {"subject": SUBJECT, "venue": VENUE}
    async with signed_in(organised.suite, ORGANISER) as browser:
        room = await browser.get(
            f"/organiser/{olympiad_id}/seating/rooms.pdf?" + urlencode({**query, "room": ROOM_12})
        )
        assert room.status_code == 200, room.text
        assert room.headers["content-type"] == "application/pdf"
        assert room.headers["content-disposition"].startswith("inline;")
        assert room.content.startswith(b"%PDF")
        text = pdf_text(room.content)
        assert ROOM_12 in text
        for p in PEOPLE:
            assert p.surname in text, p.surname
        entrance = await browser.get(
            f"/organiser/{olympiad_id}/seating/entrance.pdf?" + urlencode(query)
        )
        assert entrance.status_code == 200 and entrance.content.startswith(b"%PDF")
        assert "Щукина" in pdf_text(entrance.content)

    async with signed_in(organised.suite, VENUE_LOGIN) as venue:
        refused = await venue.get(f"/organiser/{olympiad_id}/seating/rooms.pdf?" + urlencode(query))
        assert refused.status_code == 403
        assert "Муниципальный координатор" in refused.text or "роли" in refused.text


async def test_p35_the_room_screen_shows_the_round_on_the_board_and_ticks_by_a_served_script(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    address = f"/organiser/{olympiad_id}/room?" + urlencode({"subject": SUBJECT, "room": ROOM_12})
    async with signed_in(organised.suite, ORGANISER) as browser:
        screen = await browser.get(address)
    assert screen.status_code == 200, screen.text
    assert '<dd id="starts">10:00</dd>' in screen.text
    assert '<dd id="ends">14:00</dd>' in screen.text
    assert "Математика" in screen.text and "· Кабинет 12" in screen.text
    assert organised.round_day.strftime("%d.%m.%Y") in screen.text
    ends_at = local_instant(organised.round_day, dt.time(14, 0), TIME_ZONE)
    assert f'data-ends-at="{ends_at.isoformat()}"' in screen.text
    assert 'data-warnings="30,5"' in screen.text and "(§44)" in screen.text
    assert 'data-time-zone="Asia/Omsk"' in screen.text
    assert re.search(r'data-now="\d{4}-\d\d-\d\dT[\d:.]+\+00:00"', screen.text)
    assert re.findall(r"<script[^>]*>", screen.text) == [
        re.search(r'<script src="/static/js/room\.js\?v=\w+" defer>', screen.text)[0]  # type: ignore[index]
    ]  # no inline script: the CSP allows none
    assert "script-src 'self'" in screen.headers["content-security-policy"]
    assert screen.headers["cache-control"] == "no-store"
    async with signed_in(organised.suite, VENUE_LOGIN) as venue:
        assert (await venue.get(address)).status_code == 200  # the venue's board, too


async def test_p133_the_organiser_chooses_15_and_5_minutes_for_a_round(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    async with signed_in(organised.suite, ORGANISER) as browser:
        rounds = await browser.get(f"/organiser/{olympiad_id}/rounds")
        assert rounds.status_code == 200, rounds.text
        assert (
            '<option value="30-5" selected>за 30 и за 5 минут до окончания (§44)</option>'
            in rounds.text
        )
        assert "10:00 — 14:00" in rounds.text
        chosen = await browser.post(
            f"/organiser/{olympiad_id}/rounds/{SUBJECT}/main/end-warnings",
            data={"csrf": csrf_of(rounds.text), "end_warnings": "15-5"},
        )
        assert chosen.status_code == 303
        after = await browser.get(chosen.headers["location"])
        assert "Предупреждения сохранены: за 15 и за 5 минут до окончания (§133)." in after.text
        assert '<option value="15-5" selected>' in after.text
        screen = await browser.get(f"/organiser/{olympiad_id}/room?subject={SUBJECT}")
        assert 'data-warnings="15,5"' in screen.text and "(§133)" in screen.text
        odd = await browser.post(
            f"/organiser/{olympiad_id}/rounds/{SUBJECT}/main/end-warnings",
            data={"csrf": csrf_of(rounds.text), "end_warnings": "20-5"},
        )
        assert odd.status_code == 303
        assert '<option value="15-5" selected>' in (await browser.get(odd.headers["location"])).text


async def test_p21_an_xlsx_application_is_read_as_a_workbook(organised: Organised) -> None:
    olympiad_id = await new_olympiad(organised)
    async with signed_in(organised.suite, ORGANISER) as browser:
        form = await browser.get(f"/organiser/import?olympiad={olympiad_id}")
        sent = await browser.post(
            "/organiser/import",
            data={"csrf": csrf_of(form.text), "olympiad": str(olympiad_id)},
            files={"file": ("Заявка.XLSX", to_xlsx(PEOPLE[:3]), "application/octet-stream")},
        )
    assert sent.status_code == 200, sent.text
    assert "зарегистрировано участников — <strong>3</strong>" in sent.text
    assert await registered(organised, olympiad_id) == ["Ёлкина", "Ельцов", "Римская-Корсакова"]
