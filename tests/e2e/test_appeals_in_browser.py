"""Participants and the appeal commission in a real headless Chromium, against the whole suite
started as a user starts it, after a full demo day of mathematics (its four appeals decided, the
window still open): the organiser issues a participant's access code and prints the slip; the
participant opens their work and files an appeal on two tasks; the commission of four holds the
hearing, votes two against two and its chair decides (§102, §107); the participant sees the
decision; axe finds no serious violation on these pages."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page

from olymp_cli.demo.client import SuiteClient
from olymp_cli.demo.day import COMMISSION
from olymp_cli.demo.run import DEMO_PASSWORD, ensure_demo_accounts, run_day
from olymp_cli.suite import PRIVATE_KEY, Layout
from olymp_core.auth import Role, ScopeKind, TokenIssuer
from olymp_core.settings import SERVICES
from tests.support.accessibility import serious_violations
from tests.support.browser import chromium, sign_in, watched_page

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("OLYMP_PORTAL_SCREENSHOTS")
STATEMENT = (
    "Прошу пересмотреть задания 1 и 2: в первом ответ верен, во втором учтён не весь ход решения."
)


@dataclass
class AppealDay:
    layout: Layout
    olympiad_id: str
    participant_id: str  # checked, decoded, not appealed yet: the one who appeals here
    task_one: Decimal  # their points for task 1 now

    @property
    def portal(self) -> str:
        return self.layout.base_url("portal")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def day(running_suite: Layout) -> AppealDay:
    report = await run_day(
        running_suite,
        participants=36,
        schools=6,
        seed=41,
        say=lambda _: None,
        subjects=("math",),
        scans=True,
    )
    await ensure_demo_accounts(running_suite)
    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    suite = SuiteClient({s: running_suite.base_url(s) for s in SERVICES}, issuer)
    oid = report.olympiad_id
    try:
        appealed = await suite.json(
            "GET", "appeals", f"/olympiads/{oid}/appeals", role=Role.APPEAL_MEMBER
        )
        taken = {a["participant_id"] for a in appealed["items"]}
        codes = await suite.json(
            "GET", "coding", f"/olympiads/{oid}/subjects/math/codes", role=Role.CODING_OFFICER
        )
        for entry in sorted(codes["entries"], key=lambda e: str(e["participant_id"])):
            pid = str(entry["participant_id"])
            if pid in taken:
                continue
            pinned = issuer.issue(pid, [Role.PARTICIPANT], {ScopeKind.PARTICIPANT: [pid]})
            own = await suite.json(
                "GET", "appeals", f"/olympiads/{oid}/participants/{pid}/works",
                headers={"Authorization": f"Bearer {pinned}"},
            )  # fmt: skip
            works = [w for w in own["works"] if not w["annulled"]]
            if works and Decimal(works[0]["task_scores"]["1"]) < Decimal(works[0]["task_max"]["1"]):
                return AppealDay(running_suite, oid, pid, Decimal(works[0]["task_scores"]["1"]))
    finally:
        await suite.close()
    raise AssertionError("no checked work of the demo day is left to appeal")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


class Desk:
    """People at browsers of their own; script errors and CSP violations fail the test."""

    def __init__(self, browser: Browser, shots: Path) -> None:
        self.browser = browser
        self.shots = shots
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    async def open(self, *, bypass_csp: bool = False) -> Page:
        page = await watched_page(self.browser, self.problems, for_axe=bypass_csp)
        self.contexts.append(page.context)
        return page

    async def staff(self, day: AppealDay, login: str, *, bypass_csp: bool = False) -> Page:
        page = await self.open(bypass_csp=bypass_csp)
        await sign_in(page, day.portal, login, DEMO_PASSWORD)
        return page

    async def shot(self, page: Page, name: str) -> None:
        await page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


@pytest_asyncio.fixture(loop_scope="session")
async def desk(browser: Browser, tmp_path: Path) -> AsyncIterator[Desk]:
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    found = Desk(browser, shots)
    yield found
    for context in found.contexts:
        await context.close()
    assert found.problems == []


async def issue_code(desk: Desk, day: AppealDay) -> str:
    organiser = await desk.staff(day, "organiser-ustishim")
    await organiser.goto(f"{day.portal}/organiser/{day.olympiad_id}/codes")
    await organiser.check(f"#c-{day.participant_id}")
    async with organiser.expect_navigation():
        await organiser.click("text=Выдать коды отмеченным")
    [code] = await organiser.locator(".slip .code").all_inner_texts()
    await desk.shot(organiser, "organiser-slips")
    return code


async def test_a_participant_appeals_online_and_the_commission_decides_two_against_two(
    day: AppealDay, desk: Desk
) -> None:
    code = await issue_code(desk, day)

    # the participant, on their own phone-sized screen: the code as typed off the slip
    participant = await desk.open()
    await participant.set_viewport_size({"width": 414, "height": 896})
    await participant.goto(f"{day.portal}/login/code")
    await participant.wait_for_function("document.activeElement?.id === 'code'")
    await participant.keyboard.type(code.lower().replace("-", " "))
    async with participant.expect_navigation():
        await participant.keyboard.press("Enter")
    assert participant.url.endswith("/participant")
    section = participant.locator("section.participant-subject").first
    assert "Математика" in await section.locator("h2").inner_text()
    pages = section.locator("ol.own-pages img")
    assert await pages.count() >= 1  # their own answer sheets, scanned on the day
    assert await pages.first.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    assert await participant.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # the criteria the work was checked by, released at 12:00 of the demo day (§24, §91)
    criteria = section.locator("a[href='/participant/criteria/math']")
    downloaded = await participant.request.get(
        day.portal + str(await criteria.get_attribute("href"))
    )
    assert downloaded.ok, await downloaded.text()
    with zipfile.ZipFile(io.BytesIO(await downloaded.body())) as unpacked:
        assert "math_criteria_9.pdf" in unpacked.namelist()  # unpacked: no password asked
    await section.locator("input[name=tasks][value='1']").check()
    await section.locator("input[name=tasks][value='2']").check()
    await section.locator("textarea[name=statement]").fill(STATEMENT)
    await desk.shot(participant, "participant-appeal-form")
    async with participant.expect_navigation():
        await section.locator("button[type=submit]").click()
    assert "Заявление на апелляцию принято" in await participant.locator(".notice").inner_text()
    assert "по заданиям № 1, 2" in await participant.content()

    chair, second, third, fourth = COMMISSION
    raised = str(day.task_one + 1)
    hearing = ""
    for member, outcome in (
        (chair, "raise"),
        (second, "raise"),
        (third, "reject"),
        (fourth, "reject"),
    ):
        page = await desk.staff(day, member)
        await page.goto(f"{day.portal}/commission/{day.olympiad_id}/math")
        link = page.locator("table.grid tbody tr a").last  # filed last: this participant's
        async with page.expect_navigation():
            await link.click()
        hearing = page.url
        assert STATEMENT in await page.locator("blockquote.statement").inner_text()
        # the criteria before the commission (§108)
        assert await page.locator(f"a[href='/commission/{day.olympiad_id}/criteria/math']").count()
        if member == chair:
            assert await page.locator("figure.page img").count() >= 1  # the checked work (§108)
            await page.check("input[name=attendance][value=present]")
            await page.check("input[name=identity_checked]")
            async with page.expect_navigation():
                await page.click("text=Отметить явку")
        await page.check(f"input[name=outcome][value={outcome}]")
        if outcome == "raise":
            await page.fill("#score-1", raised.replace(".", ","))
            await page.fill("#score-2", "")
        async with page.expect_navigation():
            await page.click("text=Проголосовать")
        assert "Голос учтён" in await page.locator(".notice").inner_text(), await page.content()

    page = await desk.staff(day, chair)
    await page.goto(hearing)
    await desk.shot(page, "commission-hearing")
    async with page.expect_navigation():
        await page.click("text=Подвести итог голосования")
    decided = await page.locator(".notice").inner_text()
    assert "Решение принято: удовлетворить апелляцию с повышением количества баллов" in decided
    await page.goto(hearing + "?projector=1")
    await desk.shot(page, "commission-projector")

    await participant.reload()
    text = await participant.locator("section.participant-subject").first.inner_text()
    assert "апелляция удовлетворена с повышением количества баллов" in text
    await desk.shot(participant, "participant-decision")

    checker = await desk.staff(day, chair, bypass_csp=True)
    found: dict[str, list[str]] = {}
    for address in (f"/commission/{day.olympiad_id}/math", hearing.removeprefix(day.portal)):
        await checker.goto(day.portal + address)
        if violations := await serious_violations(checker):
            found[address] = violations
    organiser = await desk.staff(day, "organiser-ustishim", bypass_csp=True)
    await organiser.goto(f"{day.portal}/organiser/{day.olympiad_id}/codes")
    if violations := await serious_violations(organiser):
        found["organiser codes"] = violations
    visitor = await desk.open(bypass_csp=True)
    await visitor.goto(f"{day.portal}/login/code")
    if violations := await serious_violations(visitor):
        found["/login/code"] = violations
    await visitor.fill("#code", code)
    async with visitor.expect_navigation():
        await visitor.press("#code", "Enter")
    if violations := await serious_violations(visitor):
        found["/participant"] = violations
    assert found == {}, found
