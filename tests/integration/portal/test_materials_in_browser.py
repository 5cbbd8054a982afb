"""The regional coordinator's grid of municipalities by package in a real headless Chromium, in
front of a real regional hub and a municipality's mirror: when the mirror confirms receipt and
completeness (§25), the grid's cell changes by itself — htmx polls the grid alone — with no reload
of the page; axe finds no serious violation on the grid, which runs under its CSP."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

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
from tests.support.browser import sign_in, watched_page

pytestmark = pytest.mark.integration

SHOTS = os.environ.get("OLYMP_PORTAL_SCREENSHOTS")
# the grid polls every 15 s: two rounds of it, and the hub's own delay, are plenty
CELL_CHANGES_WITHIN_MS = 45_000


async def coordinator_at(
    browser: Browser, portal_url: str, problems: list[str], *, for_axe: bool = False
) -> Page:
    page = await watched_page(browser, problems, for_axe=for_axe)
    await sign_in(page, portal_url, "region-petrova", ACCOUNT_PASSWORD)
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
