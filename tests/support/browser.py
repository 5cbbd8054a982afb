"""Headless Chromium for the portal's browser tests: Debian's `chromium` (installed by
`scripts/bootstrap.sh`; no browser can be downloaded here) driven by Playwright for Python.

    async with chromium() as browser:
        page = await watched_page(browser, problems)
        await sign_in(page, portal_url, "jury-ivanova", PASSWORD)

A watched page records every script error and every Content-Security-Policy violation in
`problems`, which a test asserts empty: a page that works only without its CSP is a broken page.
axe is injected as a script of its own, so a page it checks must bypass the CSP (`for_axe`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, ViewportSize, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# the smallest screen the portal is made for (an office laptop)
LAPTOP: ViewportSize = {"width": 1366, "height": 768}


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is not installed: scripts/bootstrap.sh installs it"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def watched_page(
    browser: Browser,
    problems: list[str],
    *,
    for_axe: bool = False,
    viewport: ViewportSize | None = None,
    **context_options: Any,
) -> Page:
    """A page in a context of its own (Russian locale), its script errors and CSP violations
    recorded in `problems`; under the pages' CSP unless axe is to be let in (`for_axe`)."""
    context = await browser.new_context(
        locale="ru-RU", viewport=viewport or LAPTOP, bypass_csp=for_axe, **context_options
    )
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", console)
    return page


async def sign_in(page: Page, portal_url: str, login: str, password: str) -> None:
    """Through the sign-in form with the keyboard alone, as a person does (the login field has
    the focus when the page opens); fails if the portal refuses."""
    await page.goto(f"{portal_url}/login")
    await page.wait_for_function("document.activeElement?.id === 'login'")
    await page.keyboard.type(login)
    await page.keyboard.press("Tab")
    await page.keyboard.type(password)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "/login" not in page.url, await page.content()
