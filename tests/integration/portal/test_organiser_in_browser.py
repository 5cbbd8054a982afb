"""The organiser's screens in a real headless Chromium at 1366×768, the portal served over HTTP in
front of the real registration: a file with errors is refused row by row, fixed and imported; a
grade is seated and a room's list printed; the room screen warns at 30 and 5 minutes before the
end (§44) on a clock the test moves. axe finds no serious violation, no page breaks its CSP, and
each screen is saved as a PNG beside the test's files."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from olymp_core.clock import local_instant
from olymp_core.testing.synthetic import to_csv
from tests.integration.portal import test_organiser_pages as pages
from tests.integration.portal.conftest import PASSWORD
from tests.integration.portal.suite import SUBJECT, TIME_ZONE, serving
from tests.integration.portal.test_organiser_pages import (
    ORGANISER,
    PEOPLE,
    ROOM_12,
    VENUE,
    Organised,
    broken_file,
    pdf_text,
)
from tests.support.accessibility import serious_violations
from tests.support.browser import LAPTOP, sign_in, watched_page

pytestmark = pytest.mark.integration

# the same suite and accounts as the page tests (a suite of this module's own)
clock = pages.clock
organised = pages.organised

MINUTE_MS = 60_000


@pytest_asyncio.fixture(scope="module")
async def portal_url(organised: Organised) -> AsyncIterator[str]:
    async with serving(organised.suite.portal.service.asgi) as url:
        yield url


async def signed_in(
    browser: Browser, portal_url: str, problems: list[str], *, for_axe: bool = False
) -> Page:
    """A browser of the organiser's own at 1366×768 (see `tests.support.browser.watched_page`)."""
    page = await watched_page(browser, problems, for_axe=for_axe, viewport=LAPTOP)
    await sign_in(page, portal_url, ORGANISER, PASSWORD)
    return page


async def test_p30_the_organiser_imports_fixes_seats_and_prints_a_room_list(
    organised: Organised, portal_url: str, browser: Browser, tmp_path: Path
) -> None:
    olympiad_id = await pages.new_olympiad(organised)
    broken = tmp_path / "заявка.csv"
    broken.write_bytes(broken_file(PEOPLE))
    problems: list[str] = []
    page = await signed_in(browser, portal_url, problems)
    addresses: dict[str, str] = {}
    try:
        await page.goto(f"{portal_url}/organiser")
        async with page.expect_navigation():
            await page.click("text=Загрузка заявки")
        await page.select_option("#olympiad", str(olympiad_id))
        await page.set_input_files("#file", str(broken))
        await page.focus("#file")
        await page.keyboard.press("Tab")  # to «Загрузить»
        await page.keyboard.press("Enter")
        errors = page.locator("table.import-errors tbody tr")
        await errors.first.wait_for()
        assert await errors.count() == 2
        first = await errors.nth(0).inner_text()
        assert "Класс «девятый» не распознан." in first and "Впишите число от 7 до 11" in first
        assert "Алхимия" in await errors.nth(1).inner_text()
        assert await page.locator("#olympiad").input_value() == str(olympiad_id)  # kept
        await page.screenshot(path=tmp_path / "import-errors.png", full_page=True)
        async with page.expect_download() as downloading:
            await page.click("text=Скачать список ошибок (CSV)")
        saved = await (await downloading.value).path()
        assert "девятый" in Path(saved).read_text(encoding="utf-8-sig")
        addresses["import"] = page.url

        fixed = tmp_path / "заявка исправленная.csv"
        fixed.write_bytes(to_csv(PEOPLE))
        await page.set_input_files("#file", str(fixed))
        await page.click("text=Загрузить")
        notice = page.locator("#import-result .notice")
        await notice.wait_for()
        assert "зарегистрировано участников — 8" in await notice.inner_text()
        await page.screenshot(path=tmp_path / "import-done.png", full_page=True)

        async with page.expect_navigation():
            await page.click("text=К рассадке")
        await page.select_option("#subject", SUBJECT)
        await page.select_option("#venue", VENUE)
        async with page.expect_navigation():
            await page.click("text=Показать")
        await page.select_option("#grade", "9")
        await page.check(f"input[name=room][value='{ROOM_12}']")
        async with page.expect_navigation():
            await page.click("button:has-text('Рассадить')")
        assert "Рассажены: 9 класс" in await page.locator(".notice").inner_text()
        assert await page.locator("td.desk:not(.empty)").count() == len(PEOPLE)
        await page.screenshot(path=tmp_path / "seating.png", full_page=True)
        addresses["seating"] = page.url

        link = page.locator(f"a:has-text('Список аудитории «{ROOM_12}» (PDF)')")
        async with page.context.expect_page() as opening:
            await link.click()
        opened = await opening.value
        assert "rooms.pdf" in opened.url and "room=" in opened.url
        printed = await page.context.request.get(opened.url)
        assert printed.headers["content-type"] == "application/pdf"
        body = await printed.body()
        assert body.startswith(b"%PDF")
        text = pdf_text(body)
        assert ROOM_12 in text and all(p.surname in text for p in PEOPLE)
        await opened.close()
        addresses["rounds"] = f"{portal_url}/organiser/{olympiad_id}/rounds"
    finally:
        await page.context.close()

    checker = await signed_in(browser, portal_url, problems, for_axe=True)
    violations = {}
    try:
        for name, address in addresses.items():
            await checker.goto(address)
            violations[name] = await serious_violations(checker)
            if name == "rounds":
                await checker.screenshot(path=tmp_path / "rounds.png", full_page=True)
    finally:
        await checker.context.close()
    assert {where: found for where, found in violations.items() if found} == {}
    assert problems == []


async def test_p44_the_room_screen_warns_30_and_5_minutes_before_the_end(
    organised: Organised, portal_url: str, browser: Browser, tmp_path: Path
) -> None:
    olympiad_id = await pages.new_olympiad(organised)
    ends_at = local_instant(organised.round_day, dt.time(14, 0), TIME_ZONE)
    problems: list[str] = []
    page = await signed_in(browser, portal_url, problems)
    try:
        # the board's clock: the real time at loading (the portal's), then moved by the test
        await page.clock.install(time=dt.datetime.now(dt.UTC))
        address = f"{portal_url}/organiser/{olympiad_id}/room?" + urlencode(
            {"subject": SUBJECT, "room": ROOM_12}
        )
        await page.goto(address)
        left, warning = page.locator("#left"), page.locator("#warning")
        assert (await left.inner_text()).startswith("До начала:")
        assert await warning.is_hidden()

        async def move_to(before_end: dt.timedelta) -> None:
            now = dt.datetime.fromtimestamp(await page.evaluate("Date.now()") / 1000, dt.UTC)
            await page.clock.fast_forward(int((ends_at - before_end - now).total_seconds() * 1000))
            await page.clock.run_for(1000)  # one tick at the new time

        await move_to(dt.timedelta(minutes=31))
        assert await left.inner_text() == "Осталось 31 мин"
        assert await warning.is_hidden()
        await move_to(dt.timedelta(minutes=30))
        assert await warning.inner_text() == (
            "Осталось 30 минут до окончания. Проверьте работу тщательно."
        )
        await page.screenshot(path=tmp_path / "room-30.png")
        await move_to(dt.timedelta(minutes=29, seconds=30))  # an announcement, read for a minute
        assert "30 минут" in await warning.inner_text()
        # then the board says the time left again: 12 minutes are not «30 минут»
        await move_to(dt.timedelta(minutes=12))
        assert await left.inner_text() == "Осталось 12 мин"
        assert await warning.is_hidden()
        assert "30 минут" not in await page.locator(".room-screen").inner_text()
        await move_to(dt.timedelta(minutes=5))
        assert await warning.inner_text() == (
            "Осталось 5 минут до окончания. Проверьте работу тщательно."
        )
        await page.screenshot(path=tmp_path / "room-5.png")
        await move_to(dt.timedelta(minutes=3))
        assert await left.inner_text() == "Осталось 3 мин"
        assert await warning.is_hidden()
        await move_to(dt.timedelta(seconds=-1))
        assert await left.inner_text() == "Время вышло: сдайте работы и черновики"
        assert await warning.is_hidden()
    finally:
        await page.context.close()

    checker = await signed_in(browser, portal_url, problems, for_axe=True)
    try:
        await checker.goto(address)
        assert await serious_violations(checker) == []
    finally:
        await checker.context.close()
    assert problems == []
