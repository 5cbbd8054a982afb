"""The organiser's set-up screens over httpx, in front of the real registration: the oral round of
German added on its own day with its briefing (§32, §60), a venue's rooms with rows × desks, and
the jury's roster warning until it is complete (§21) with a declared conflict of interest flagged
(seed 000, §2); every refused form comes back with what was typed."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest

from olymp_core.auth import Role
from olymp_core.clock import ManualClock, to_local
from olymp_core.testing.synthetic import to_csv
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

ORGANISER = "orgcom-lapteva"
VENUE = "МБОУ «Усть-Ишимская СОШ № 1»"
LYCEUM, SCHOOL_2 = "МБОУ «Лицей»", "МБОУ «СОШ № 2»"
PEOPLE = [
    participant("Ёлкина", "Алёна", "Фёдоровна", LYCEUM),
    participant("Римская-Корсакова", "Варвара", "Петровна", SCHOOL_2),
    participant("Щукин", "Семён", "Ильич", LYCEUM),
]
JURY = [
    ("chair", "Ёлкина-Сафронова", "Алёна", "Петровна", LYCEUM),
    ("secretary", "Щербаков", "Фёдор", "Ильич", ""),
    ("member", "Ахмедова", "Гульнара", "Рашидовна", ""),
    ("member", "Зуев-Лапин", "Семён", "Аркадьевич", ""),
    ("member", "Королёва", "Дарья", "Сергеевна", ""),
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
    workdir = tmp_path_factory.mktemp("setup")
    async with running_suite(workdir, clock, backends=("registration",)) as suite:
        await add_account(
            suite.portal, ORGANISER, ORGANISER_ANYWHERE, name="Лаптева Ирина Семёновна"
        )
        day = to_local(clock.now(), TIME_ZONE).date() + dt.timedelta(days=2)
        yield Organised(suite, day)


def school_year(day: dt.date) -> str:
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{first + 1}"


async def new_olympiad(organised: Organised, *, with_people: bool = False) -> uuid.UUID:
    registration = organised.suite["registration"]
    created = await registration.client.post(
        "/olympiads",
        json={
            "title": f"Муниципальный этап ВсОШ, Усть-Ишимский район ({uuid.uuid4().hex[:6]})",
            "school_year": school_year(organised.round_day),
            "time_zone": TIME_ZONE,
            "subjects": [
                {
                    "subject_code": code,
                    "day": organised.round_day.isoformat(),
                    "round_start": "10:00",
                    "round_end": "14:00",
                }
                for code in (SUBJECT, "german")
            ],
            "venues": [
                {
                    "name": VENUE,
                    "rooms": [
                        {"name": "Кабинет 12", "capacity": 12, "rows": 3, "desks_per_row": 4}
                    ],
                }
            ],
        },
        headers=registration.auth(Role.COORDINATOR),
    )
    assert created.status_code == 201, created.text
    olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    if with_people:
        loaded = await registration.client.post(
            f"/olympiads/{olympiad_id}/participants/import",
            params={"format": "csv"},
            content=to_csv(PEOPLE),
            headers={"Content-Type": "text/csv", **registration.auth(Role.MUNICIPAL_COORDINATOR)},
        )
        assert loaded.status_code == 200, loaded.text
    return olympiad_id


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, start: str, end: str = "</section>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


async def follow(browser: httpx.AsyncClient, sent: httpx.Response) -> str:
    assert sent.status_code == 303, sent.text
    shown = await browser.get(sent.headers["location"])
    assert shown.status_code == 200, shown.text
    return shown.text


async def test_p60_the_oral_round_is_set_on_the_second_day_and_a_refusal_keeps_the_form(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    day = organised.round_day
    async with signed_in(organised.suite, ORGANISER) as browser:
        menu = await browser.get("/organiser")
        assert f'href="/organiser/{olympiad_id}/setup"' in menu.text
        assert f'href="/organiser/{olympiad_id}/setup/commissions"' in menu.text
        page = await browser.get(f"/organiser/{olympiad_id}/setup")
        assert page.status_code == 200, page.text
        table = text_of(section(page.text, '<table class="grid setup-rounds">', "</table>"))
        assert "Немецкий язык письменный тур" in table
        assert "устный тур не назначен" in table
        assert f"{day:%d.%m.%Y} не указан 10:00 — 14:00 шифруется" in table

        refused = await browser.post(
            f"/organiser/{olympiad_id}/setup/rounds",
            data={
                "csrf": csrf_of(page.text),
                "slot": "german/oral",
                "day": day.isoformat(),
                "start": "13:00",
                "end": "12:00",
                "briefing": "12:30",
            },
        )
        assert refused.status_code == 422
        problems = text_of(section(refused.text, 'id="round-problems"', "</div>"))
        assert "Тур не сохранён." in problems
        assert "во второй день" in problems and "должно быть позже начала 13:00" in problems
        form = section(refused.text, 'id="round-form"', "</form>")
        assert '<option value="german/oral" selected>' in form
        for typed in (day.isoformat(), "13:00", "12:00", "12:30"):
            assert f'value="{typed}"' in form

        second = (day + dt.timedelta(days=1)).isoformat()
        saved = await browser.post(
            f"/organiser/{olympiad_id}/setup/rounds",
            data={
                "csrf": csrf_of(page.text),
                "slot": "german/oral",
                "day": second,
                "start": "10:30",
                "end": "12:30",
                "briefing": "10:00",
            },
        )
        shown = text_of(await follow(browser, saved))
        next_day = day + dt.timedelta(days=1)
        assert f"Тур сохранён: {next_day:%d.%m.%Y}, 10:30–12:30." in shown
        assert (
            f"устный тур {next_day:%d.%m.%Y} 10:00 10:30 — 12:30 без кодирования: свои ID" in shown
        )

        editing = await browser.get(f"/organiser/{olympiad_id}/setup?edit=german%2Foral")
        form = section(editing.text, 'id="round-form"', "</form>")
        assert '<option value="german/oral" selected>' in form
        assert 'value="10:30"' in form and 'value="10:00"' in form


async def test_a_venue_is_added_with_rows_and_desks_and_a_refusal_keeps_its_rooms(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    name = "МБОУ «Ложниковская СОШ»"
    async with signed_in(organised.suite, ORGANISER) as browser:
        page = await browser.get(f"/organiser/{olympiad_id}/setup/venues")
        assert page.status_code == 200, page.text
        assert "3 × 4" in text_of(page.text)
        rooms = {
            "room_name": ["Кабинет 5", "Спортзал", ""],
            "room_rows": ["4", "", ""],
            "room_desks": ["5", "", ""],
            "room_capacity": ["", "сорок", ""],
        }
        refused = await browser.post(
            f"/organiser/{olympiad_id}/setup/venues",
            data={"csrf": csrf_of(page.text), "name": name, "address": "с. Ложниково", **rooms},
        )
        assert refused.status_code == 422
        assert "число мест «сорок» — впишите цифрами" in text_of(refused.text)
        form = section(refused.text, 'id="venue-form"', "</form>")
        for typed in (name, "с. Ложниково", "Кабинет 5", "Спортзал", "сорок"):
            assert f'value="{html.escape(typed)}"' in form, typed

        rooms["room_capacity"] = ["", "40", ""]
        rooms["room_rows"][1], rooms["room_desks"][1] = "5", "7"
        mismatch = await browser.post(
            f"/organiser/{olympiad_id}/setup/venues",
            data={"csrf": csrf_of(page.text), "name": name, **rooms},
        )
        assert mismatch.status_code == 422  # registration's rule: one participant per desk
        assert "это 35 мест, а вместимость указана 40" in text_of(mismatch.text)

        rooms["room_capacity"] = ["", "", ""]
        saved = await browser.post(
            f"/organiser/{olympiad_id}/setup/venues",
            data={"csrf": csrf_of(page.text), "name": name, **rooms},
        )
        shown = await follow(browser, saved)
        card = text_of(section(shown, f">{html.escape(name)}</h2>"))
        assert "Кабинет 5 4 × 5 20" in card and "Спортзал 5 × 7 35" in card

        editing = await browser.get(f"/organiser/{olympiad_id}/setup/venues?edit={quote(name)}")
        form = section(editing.text, 'id="venue-form"', "</form>")
        assert "readonly" in form and 'value="Кабинет 5"' in form and 'value="35"' in form


async def test_p21_the_jury_roster_warns_until_complete_and_flags_a_declared_school(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised, with_people=True)
    url = f"/organiser/{olympiad_id}/setup/commissions"
    async with signed_in(organised.suite, ORGANISER) as browser:
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        assert "Жюри: математика" in text_of(section(page.text, 'id="roster-h"', "</h2>"))
        assert "Не назначен председатель (жюри)." in text_of(page.text)
        csrf = csrf_of(page.text)

        for position, surname, name, patronymic, school in JURY[:4]:
            sent = await browser.post(
                f"{url}/members",
                data={
                    "csrf": csrf,
                    "roster": "jury/math",
                    "position": position,
                    "surname": surname,
                    "name": name,
                    "patronymic": patronymic,
                    "works_at": school,
                    "relatives_at": "",
                },
            )
            shown = await follow(browser, sent)
        warning = text_of(section(shown, 'id="roster-warning">', "</div>"))
        assert warning == (
            "Состав неполный. В жюри 4 человека, нужно не менее 5 (§21): добавьте ещё 1."
        )
        members = text_of(section(shown, '<table class="grid roster-members">', "</table>"))
        assert "Ёлкина-Сафронова Алёна Петровна председатель" in members
        assert f"работает в школе: {LYCEUM}" in members
        assert (
            f"Внимание: работает в школе {LYCEUM}, а из этой школы по предмету заявлено "
            "2 участника." in members
        )

        second_chair = await browser.post(
            f"{url}/members",
            data={
                "csrf": csrf,
                "roster": "jury/math",
                "position": "chair",
                "surname": "Королёва",
                "name": "Дарья",
                "patronymic": "Сергеевна",
                "relatives_at": "МБОУ «СОШ № 2»; дочь, 8 класс",
            },
        )
        assert second_chair.status_code == 422
        assert "Председатель в составе «жюри» уже назначен" in text_of(second_chair.text)
        form = section(second_chair.text, 'id="member-form"', "</form>")
        assert 'value="Королёва"' in form and "МБОУ «СОШ № 2»; дочь, 8 класс</textarea>" in form
        assert '<option value="chair" selected>' in form

        sent = await browser.post(
            f"{url}/members",
            data={
                "csrf": csrf,
                "roster": "jury/math",
                "position": "member",
                "surname": "Королёва",
                "name": "Дарья",
                "patronymic": "Сергеевна",
                "relatives_at": "МБОУ «СОШ № 2»; дочь, 8 класс",
            },
        )
        complete = await follow(browser, sent)
        assert 'id="roster-warning"' not in complete
        assert "Состав полный." in text_of(section(complete, 'id="roster-h"', "</section>"))
        assert "в школе учится родственник: МБОУ «СОШ № 2» (дочь, 8 класс)" in text_of(complete)

        member_id = re.search(
            r"edit=([0-9a-f-]{36})#member-form\">Изменить<span class=\"sr-only\">: "
            r"Королёва",
            complete,
        )
        assert member_id, "no link to change a member"
        editing = await browser.get(f"{url}?roster=jury%2Fmath&edit={member_id[1]}")
        form = section(editing.text, 'id="member-form"', "</form>")
        assert f'name="member_id" value="{member_id[1]}"' in form
        assert "МБОУ «СОШ № 2»; дочь, 8 класс</textarea>" in form

        removed = await browser.post(
            f"{url}/members/{member_id[1]}/delete",
            data={"csrf": csrf, "roster": "jury/math", "full_name": "Королёва Дарья Сергеевна"},
        )
        after = await follow(browser, removed)
        assert "Королёва Дарья Сергеевна исключён(а) из состава." in text_of(after)
        assert 'id="roster-warning"' in after


async def test_p102_an_even_appeal_commission_is_complete_with_the_odd_number_advised(
    organised: Organised,
) -> None:
    olympiad_id = await new_olympiad(organised)
    url = f"/organiser/{olympiad_id}/setup/commissions"
    async with signed_in(organised.suite, ORGANISER) as browser:
        page = await browser.get(f"{url}?roster=appeal%2Fgerman")
        assert "Апелляционная комиссия: немецкий язык" in text_of(page.text)
        for position, surname in (
            ("chair", "Лаптева"),
            ("member", "Ёжиков"),
            ("member", "Соколова-Нагорная"),
            ("member", "Тимофеев"),
        ):
            sent = await browser.post(
                f"{url}/members",
                data={
                    "csrf": csrf_of(page.text),
                    "roster": "appeal/german",
                    "position": position,
                    "surname": surname,
                    "name": "Мария",
                },
            )
            shown = await follow(browser, sent)
        roster = text_of(section(shown, 'id="roster-h"', "</section>"))
        assert "Состав полный." in roster
        assert "рекомендуется нечётное число (§102)" in roster
