"""The regional coordinator's grid of municipalities by package in a real headless Chromium, in
front of a real regional hub and a municipality's mirror: when the mirror confirms receipt and
completeness (§25), the grid's cell changes by itself — htmx polls the grid alone — with no reload
of the page; axe finds no serious violation on the grid, which runs under its CSP."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from olymp_core.testing.events import eventually
from tests.integration.materials.test_packages_api import (
    PASSWORD,
    TASKS_AT,
    learn_olympiad,
    olympiad_created,
    upload,
)
from tests.integration.portal.conftest import PASSWORD as ACCOUNT_PASSWORD
from tests.integration.portal.conftest import csrf_of
from tests.integration.portal.suite import serving, signed_in
from tests.integration.portal.test_materials_pages import region
from tests.support.accessibility import serious_violations

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = os.environ.get("OLYMP_PORTAL_SCREENSHOTS")
# the grid polls every 15 s: two rounds of it, and the hub's own delay, are plenty
CELL_CHANGES_WITHIN_MS = 45_000


@pytest_asyncio.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is not installed: scripts/bootstrap.sh installs it"
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def coordinator_at(
    browser: Browser, portal_url: str, problems: list[str], *, for_axe: bool = False
) -> Page:
    context = await browser.new_context(locale="ru-RU", bypass_csp=for_axe)
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", console)
    await page.goto(f"{portal_url}/login")
    await page.wait_for_function("document.activeElement?.id === 'login'")
    await page.keyboard.type("region-petrova")
    await page.keyboard.press("Tab")
    await page.keyboard.type(ACCOUNT_PASSWORD)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "/login" not in page.url, await page.content()
    return page


async def test_p25_the_grid_changes_by_itself_when_a_mirror_confirms_receipt(
    browser: Browser, tmp_path: Path
) -> None:
    olympiad_id = uuid.uuid4()
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    async with region(tmp_path) as found:
        await learn_olympiad(found.hub, olympiad_created(olympiad_id, "math"))
        await learn_olympiad(found.mirror, olympiad_created(olympiad_id, "math"))
        uploaded = await upload(found.hub, olympiad_id, "tasks", password=PASSWORD)
        assert uploaded.status_code == 201, uploaded.text
        package_id = uploaded.json()["package_id"]
        grid = f"/materials/{olympiad_id}/grid"
        found.clock.set(TASKS_AT)
        async with signed_in(found.regional, "region-petrova") as coordinator:

            async def key_delivered() -> bool:
                page = await coordinator.get(grid, headers={"HX-Request": "true"})
                return "ключ доставлен" in page.text

            await eventually(key_delivered)

        problems: list[str] = []
        async with serving(found.regional.portal.service.asgi) as portal_url:
            page = await coordinator_at(browser, portal_url, problems)
            navigations: list[str] = []
            try:
                await page.goto(f"{portal_url}{grid}")
                page.on(
                    "framenavigated",
                    lambda frame: (
                        navigations.append(frame.url) if frame == page.main_frame else None
                    ),
                )
                tara = page.locator(
                    "table.materials-grid tr", has=page.locator("th", has_text="tara")
                )
                cell = tara.locator("td").first
                await expect(cell).to_have_text(re.compile("ключ доставлен"))
                await page.screenshot(path=str(shots / "materials-grid-before.png"), full_page=True)

                async with signed_in(found.municipal, "tara-organiser") as organiser:
                    packages = f"/materials/{olympiad_id}/packages"
                    csrf = csrf_of((await organiser.get(packages)).text)
                    confirmed = await organiser.post(
                        f"{packages}/{package_id}/receipt", data={"csrf": csrf, "complete": "true"}
                    )
                    assert confirmed.status_code == 303, confirmed.text

                await expect(cell).to_have_text(
                    re.compile("получение подтверждено"), timeout=CELL_CHANGES_WITHIN_MS
                )
                assert navigations == []  # htmx swapped the grid: the page was never reloaded
                await page.screenshot(path=str(shots / "materials-grid-after.png"), full_page=True)
            finally:
                await page.context.close()

            checker = await coordinator_at(browser, portal_url, problems, for_axe=True)
            try:
                await checker.goto(f"{portal_url}{grid}")
                violations = await serious_violations(checker)
            finally:
                await checker.context.close()
        assert violations == []
        assert problems == []
