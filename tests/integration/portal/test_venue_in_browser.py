"""The venue's check-in in a real headless Chromium, the portal served over HTTP in front of the
real services: the venue coordinator checks in ten participants by typing the first letters of
each surname, tabbing to the button of the document their age asks for (§36) and pressing Enter;
registration keeps each mark with its document. axe finds no serious violation on the check-in,
removal and works screens, and no page breaks its Content-Security-Policy."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from olymp_core.auth import Role
from tests.integration.portal import test_venue_pages as pages
from tests.integration.portal.conftest import PASSWORD
from tests.integration.portal.suite import SUBJECT, Suite, participant, serving
from tests.integration.portal.test_venue_pages import VENUE, seated_with_births
from tests.support.accessibility import serious_violations
from tests.support.browser import sign_in, watched_page

pytestmark = pytest.mark.integration

# the same services and venue coordinator as the page tests (a suite of this module's own)
clock = pages.clock
suite = pages.suite

# where to keep the screens (a person looks at them); by default the test's own temporary folder
SHOTS = os.environ.get("OLYMP_PORTAL_SCREENSHOTS")

# ten arrivals, typed by the first letters of the surname; ages on the round's day (None: the
# application gave no date of birth, so either set is offered and the passport comes first)
ARRIVALS = [
    ("Ёлкин-Петров", "Семён", 15, "Ёлкин-"),
    ("Ёлкина", "Алёна", 13, "Ёлкина"),
    ("Ельцова", "Дарья", 13, "Ельц"),
    ("Щукин", "Артём", 16, "Щук"),
    ("Щёголева", "Варвара", 14, "Щёг"),
    ("Римская-Корсакова", "Полина", None, "Римс"),
    ("Абрамов", "Фёдор", 16, "Абр"),
    ("Жуков", "Илья", 13, "Жук"),
    ("Мамин-Сибиряк", "Пётр", 15, "Мами"),
    ("Осипова", "Ксения", 14, "Осип"),
]
SCHOOLS = ("МБОУ «СОШ № 2»", "МБОУ «Лицей»", "МБОУ «Гимназия № 3»", "МБОУ «СОШ № 7»")


@pytest_asyncio.fixture(scope="module")
async def portal_url(suite: Suite) -> AsyncIterator[str]:
    async with serving(suite.portal.service.asgi) as url:
        yield url


async def signed_in(
    browser: Browser, portal_url: str, problems: list[str], *, for_axe: bool = False
) -> Page:
    """The venue coordinator at a tablet-sized browser of their own, signed in from the keyboard
    (see `tests.support.browser.watched_page`)."""
    page = await watched_page(
        browser, problems, for_axe=for_axe, viewport={"width": 1280, "height": 800}
    )
    await sign_in(page, portal_url, "venue-sidorova", PASSWORD)
    return page


async def test_p36_the_venue_checks_in_ten_by_typing_surnames(
    suite: Suite, portal_url: str, browser: Browser, tmp_path: Path
) -> None:
    people = [
        participant(surname, name, "", SCHOOLS[i % len(SCHOOLS)])
        for i, (surname, name, _, _) in enumerate(ARRIVALS)
    ]
    olympiad_id, ids, _ = await seated_with_births(
        suite, people, [age for _, _, age, _ in ARRIVALS]
    )
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    check_in = f"{portal_url}/venue/{olympiad_id}/{SUBJECT}/check-in?venue={quote(VENUE)}"
    problems: list[str] = []
    page = await signed_in(browser, portal_url, problems)
    try:
        await page.goto(check_in)
        await page.wait_for_function("document.activeElement?.id === 'search'")
        await page.screenshot(path=str(shots / "venue-check-in.png"), full_page=True)
        for surname, name, _, typed in ARRIVALS:
            await page.keyboard.press("/")  # back to the search, its text selected
            await page.keyboard.type(typed)  # replaces what was there
            row = page.locator(f"#a-{ids[surname + ' ' + name]}")
            assert await row.is_visible()
            assert await page.locator("table.check-in tbody tr:visible").count() == 1, typed
            await page.keyboard.press("Tab")  # to the first button of the one row left
            focused = await page.evaluate("document.activeElement.textContent")
            assert focused.startswith("Явился"), (typed, focused)
            await page.keyboard.press("Enter")
            await expect(row).to_have_class("mark-present", timeout=15_000)
        counts = await page.locator("#counts").inner_text()
        assert counts.startswith("Явились: 10"), counts
        await page.keyboard.press("/")
        await page.keyboard.press("Escape")  # every row again, each with its document
        await page.screenshot(path=str(shots / "venue-check-in-done.png"), full_page=True)
        await page.goto(
            f"{portal_url}/venue/{olympiad_id}/{SUBJECT}/removal/"
            f"{ids['Абрамов Фёдор']}?venue={quote(VENUE)}"
        )
        await page.screenshot(path=str(shots / "venue-removal.png"), full_page=True)
        works = f"{portal_url}/venue/{olympiad_id}/{SUBJECT}/works?venue={quote(VENUE)}"
        await page.goto(works)
        await page.screenshot(path=str(shots / "venue-works.png"), full_page=True)
    finally:
        await page.context.close()

    listed = await suite["registration"].client.get(
        f"/olympiads/{olympiad_id}/participants",
        headers=suite["registration"].auth(Role.MUNICIPAL_COORDINATOR),
    )
    documents = {
        p["surname"]: [m["documents"] for m in p["marks"]] for p in listed.json()["participants"]
    }
    child = ["birth_certificate", "school_certificate"]
    expected = {
        surname: [child if age is not None and age < 14 else ["passport"]]
        for surname, _, age, _ in ARRIVALS
    }
    assert documents == expected

    checker = await signed_in(browser, portal_url, problems, for_axe=True)
    violations = {}
    try:
        removal = (
            f"{portal_url}/venue/{olympiad_id}/{SUBJECT}/removal/"
            f"{ids['Абрамов Фёдор']}?venue={quote(VENUE)}"
        )
        for address in (check_in, removal, works):
            await checker.goto(address)
            violations[address] = await serious_violations(checker)
    finally:
        await checker.context.close()
    assert {where: found for where, found in violations.items() if found} == {}
    assert problems == []
