"""The observer's live state and room video, and the organiser's violation reports, in a real
headless Chromium in front of the real services: the live part refreshes itself under the CSP,
a recording of the observer's venue plays in the page's <video> from the portal's own address,
and axe finds no serious violation on these pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from olymp_cli.commands.video import RecordingTarget, upload_recording
from olymp_core.auth import Role, ScopeKind
from tests.integration.portal import test_observation_pages as pages
from tests.integration.portal.conftest import PASSWORD
from tests.integration.portal.suite import SUBJECT, serving
from tests.integration.portal.test_observation_pages import OBSERVER, ORGANISER, VENUE, Watched
from tests.support import media
from tests.support.accessibility import serious_violations
from tests.support.browser import sign_in, watched_page

pytestmark = pytest.mark.integration

# the same olympiad, observer and accounts as the page tests (a suite of this module's own)
clock = pages.clock
watched = pages.watched


@pytest_asyncio.fixture(scope="module")
async def portal_url(watched: Watched) -> AsyncIterator[str]:
    async with serving(watched.suite.portal.service.asgi) as url:
        yield url


async def signed_in(
    browser: Browser, portal_url: str, login: str, problems: list[str], *, for_axe: bool = False
) -> Page:
    """A browser of `login`'s own (see `tests.support.browser.watched_page`)."""
    page = await watched_page(browser, problems, for_axe=for_axe)
    await sign_in(page, portal_url, login, PASSWORD)
    return page


async def _recording(watched: Watched, tmp_path: Path) -> str:
    round_start = dt.datetime.combine(
        watched.today, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=6))
    )
    video = media.write_video(tmp_path / "кабинет-2.mp4", seconds=3, creation_time=round_start)
    registration = watched.suite["registration"]
    token = registration.auth(
        Role.VENUE_COORDINATOR, sub="venue-1", scopes={ScopeKind.VENUE: [VENUE]}
    )["Authorization"].removeprefix("Bearer ")
    uploaded = await upload_recording(
        registration.client,
        video,
        RecordingTarget(str(watched.olympiad_id), VENUE, "Кабинет 1", SUBJECT),
        token=token,
    )
    return str(uploaded.recording["recording_id"])


async def test_the_live_state_refreshes_itself_and_a_recording_plays(
    watched: Watched, portal_url: str, browser: Browser, tmp_path: Path
) -> None:
    recording_id = await _recording(watched, tmp_path)
    problems: list[str] = []
    page = await signed_in(browser, portal_url, OBSERVER, problems)
    live = f"{portal_url}/observer/{watched.olympiad_id}/live"
    video = f"{portal_url}/observer/{watched.olympiad_id}/video?play={recording_id}"
    try:
        await page.goto(f"{portal_url}/observer")
        async with page.expect_navigation():
            await page.click("text=Что происходит сейчас")
        assert page.url == live
        first = await page.locator("[aria-live=polite]").inner_text()
        assert "Регистрация участников на площадке" in await page.content()
        # htmx asks for the part again every 15 s and swaps it in: the time it was read changes
        await page.wait_for_function(
            "(first) => document.querySelector('[aria-live=polite]').innerText !== first",
            arg=first,
            timeout=25_000,
        )
        assert "Апелляции в порядке подачи" in await page.content()

        await page.goto(video)
        # the player reads the recording from the portal (media-src 'self'): its length is known
        duration = await page.wait_for_function(
            "() => { const v = document.querySelector('#player');"
            " return v.readyState >= 1 && v.duration > 0 ? v.duration : null; }",
            timeout=15_000,
        )
        assert 2.5 < await duration.json_value() < 3.5
    finally:
        await page.context.close()

    checker = await signed_in(browser, portal_url, OBSERVER, problems, for_axe=True)
    violations = {}
    try:
        for address in (live, video):
            await checker.goto(address)
            violations[address] = await serious_violations(checker)
    finally:
        await checker.context.close()
    assert {where: found for where, found in violations.items() if found} == {}
    assert problems == []


async def test_the_organisers_report_screens_pass_axe(
    watched: Watched, portal_url: str, browser: Browser
) -> None:
    registration = watched.suite["registration"]
    filed = await registration.client.post(
        f"/olympiads/{watched.olympiad_id}/violation-reports",
        json={
            "assignment_id": watched.assignments["round"],
            "text": "Кабинет 1: участникам раздали черновики без печати организатора.",
        },
        headers=registration.auth(Role.OBSERVER, sub=OBSERVER),
    )
    assert filed.status_code == 201, filed.text
    problems: list[str] = []
    checker = await signed_in(browser, portal_url, ORGANISER, problems, for_axe=True)
    report = f"{portal_url}/violations/{watched.olympiad_id}/{filed.json()['report_id']}"
    violations = {}
    try:
        for address in (f"{portal_url}/violations", report):
            await checker.goto(address)
            violations[address] = await serious_violations(checker)
    finally:
        await checker.context.close()
    assert {where: found for where, found in violations.items() if found} == {}
    assert problems == []
