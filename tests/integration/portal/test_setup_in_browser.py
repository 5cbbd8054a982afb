"""The organiser's set-up screens in a real headless Chromium at 1366×768 in front of the real
registration: the organiser fills the jury of mathematics from the keyboard and the warning stays
until the fifth person makes the composition complete (§21), a declared school of the
participants is flagged; the oral round of German is set on its own day (§60). axe finds no
serious violation on the rounds, venues and roster screens, no page breaks its CSP, and each
screen is saved as a PNG beside the test's files."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from tests.integration.portal import test_setup_pages as pages
from tests.integration.portal.conftest import PASSWORD
from tests.integration.portal.suite import serving
from tests.integration.portal.test_setup_pages import JURY, LYCEUM, ORGANISER, Organised
from tests.support.accessibility import serious_violations
from tests.support.browser import LAPTOP, sign_in, watched_page

pytestmark = pytest.mark.integration

# the same suite and accounts as the page tests (a suite of this module's own)
clock = pages.clock
organised = pages.organised


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


async def type_member(page: Page, position: str, surname: str, name: str, school: str) -> None:
    """The form filled from the keyboard: focus moves with Tab, the form is sent with Enter."""
    await page.select_option("#m-position", position)
    await page.focus("#m-surname")
    await page.keyboard.type(surname)
    await page.keyboard.press("Tab")
    await page.keyboard.type(name)
    await page.focus("#m-works")
    await page.keyboard.type(school)
    await page.focus("#m-surname")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")


async def test_p21_the_organiser_fills_the_jury_and_the_warning_goes_when_it_is_complete(
    organised: Organised, portal_url: str, browser: Browser, tmp_path: Path
) -> None:
    olympiad_id = await pages.new_olympiad(organised, with_people=True)
    problems: list[str] = []
    page = await signed_in(browser, portal_url, problems)
    addresses: dict[str, str] = {}
    try:
        await page.goto(f"{portal_url}/organiser")
        async with page.expect_navigation():
            await page.click(f"a[href='/organiser/{olympiad_id}/setup/commissions']")
        assert "Жюри: математика" in await page.locator("#roster-h").inner_text()
        warning = page.locator("#roster-warning")
        for position, surname, name, _, school in JURY[:4]:
            await type_member(page, position, surname, name, school)
            assert await warning.is_visible()
        assert "добавьте ещё 1" in await warning.inner_text()
        flag = page.locator(".conflict-flag")
        assert await flag.count() == 1
        assert f"работает в школе {LYCEUM}, а из этой школы" in await flag.inner_text()
        await page.screenshot(path=tmp_path / "roster-incomplete.png", full_page=True)

        position, surname, name, _, school = JURY[4]
        await type_member(page, position, surname, name, school)
        assert await warning.count() == 0
        assert await page.locator("#roster-complete").inner_text() == "Состав полный."
        assert await page.locator(".roster-members tbody tr").count() == len(JURY)
        await page.screenshot(path=tmp_path / "roster-complete.png", full_page=True)
        addresses["rosters"] = page.url

        async with page.expect_navigation():
            await page.click("nav.setup-nav >> text=Предметы, дни и туры")
        async with page.expect_navigation():
            await page.click("text=Назначить: немецкий язык, устный тур")
        second_day = organised.round_day + dt.timedelta(days=1)
        await page.fill("#day", second_day.isoformat())
        await page.fill("#briefing", "10:00")
        await page.fill("#start", "10:30")
        await page.fill("#end", "12:30")
        async with page.expect_navigation():
            await page.click("button:has-text('Сохранить тур')")
        assert "Тур сохранён" in await page.locator(".notice").inner_text()
        await page.screenshot(path=tmp_path / "setup-rounds.png", full_page=True)
        addresses["rounds"] = page.url

        async with page.expect_navigation():
            await page.click("nav.setup-nav >> text=Площадки и аудитории")
        await page.fill("#room-name-1", "Кабинет 14")
        await page.fill("#room-rows-1", "два")
        await page.fill("#room-desks-1", "3")
        await page.fill("#venue-name", "МБОУ «Ложниковская СОШ»")
        async with page.expect_navigation():
            await page.click("button:has-text('Сохранить площадку')")
        assert await page.locator("#venue-problems").is_visible()
        assert await page.locator("#room-rows-1").input_value() == "два"  # nothing typed lost
        await page.screenshot(path=tmp_path / "setup-venues.png", full_page=True)
        addresses["venues"] = page.url
    finally:
        await page.context.close()

    checker = await signed_in(browser, portal_url, problems, for_axe=True)
    violations = {}
    try:
        for where, address in addresses.items():
            await checker.goto(address)
            violations[where] = await serious_violations(checker)
    finally:
        await checker.context.close()
    assert {where: found for where, found in violations.items() if found} == {}
    assert problems == []
