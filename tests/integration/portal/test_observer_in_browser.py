"""The observer's screens in a real headless Chromium, the portal served over HTTP in front of the
real registration and scoring services: the observer files a report with a photo from the
keyboard, browses the audit trail and checks a service's chain; axe finds no serious violation
on these pages, and no page breaks its Content-Security-Policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from tests.integration.portal import test_observer_pages as pages
from tests.integration.portal.conftest import PASSWORD
from tests.integration.portal.suite import serving
from tests.integration.portal.test_observer_pages import OBSERVER, PNG, Observed
from tests.support.accessibility import serious_violations
from tests.support.browser import sign_in, watched_page

pytestmark = pytest.mark.integration

# the same olympiad, observer and accounts as the page tests (a suite of this module's own)
clock = pages.clock
observed = pages.observed


@pytest_asyncio.fixture(scope="module")
async def portal_url(observed: Observed) -> AsyncIterator[str]:
    async with serving(observed.suite.portal.service.asgi) as url:
        yield url


async def signed_in(
    browser: Browser, portal_url: str, problems: list[str], *, for_axe: bool = False
) -> Page:
    """A browser of the observer's own (see `tests.support.browser.watched_page`)."""
    page = await watched_page(browser, problems, for_axe=for_axe)
    await sign_in(page, portal_url, OBSERVER, PASSWORD)
    return page


async def test_the_observer_reports_a_violation_and_checks_the_trail(
    observed: Observed, portal_url: str, browser: Browser, tmp_path: Path
) -> None:
    problems: list[str] = []
    page = await signed_in(browser, portal_url, problems)
    try:
        await page.goto(f"{portal_url}/observer")
        async with page.expect_navigation():
            await page.click("text=Сообщить о нарушении")
        report_form = page.url
        photo = tmp_path / "кабинет 12.png"
        photo.write_bytes(PNG)
        await page.focus("#text")
        await page.keyboard.type("Дежурный в кабинете 12 отвечал участникам на вопросы по задачам.")
        await page.set_input_files("#files", str(photo))
        await page.keyboard.press("Tab")  # to the file input
        await page.keyboard.press("Tab")  # to «Направить организатору»
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        notice = await page.locator(".notice").first.inner_text()
        assert "направлено организатору" in notice and "«кабинет 12.png»" in notice
        assert "кабинет 12.png" in await page.locator("table").last.inner_text()

        await page.goto(f"{portal_url}/observer/audit?service=registration")
        assert await page.locator("text=violation_report.filed").count() == 1
        assert await page.locator("text=✓ продолжает").count() >= 1
        check = "button[aria-label='Проверить целостность: Регистрация, площадки, наблюдатели']"
        await page.focus(check)
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        verdict = await page.locator("#verdict-registration").inner_text()
        assert verdict.startswith("цела — Цепочка записей цела"), verdict
        verified = page.url
    finally:
        await page.context.close()

    checker = await signed_in(browser, portal_url, problems, for_axe=True)
    violations = {}
    try:
        for address in (f"{portal_url}/observer", report_form, verified):
            await checker.goto(address)
            violations[address] = await serious_violations(checker)
    finally:
        await checker.context.close()
    assert {where: found for where, found in violations.items() if found} == {}
    assert problems == []
