"""The staff portal in a real headless Chromium (Debian's, driven by Playwright), against the whole
suite started as a user starts it: the jury marks with the keyboard only, the second member sees
nothing of the first's marks, a discrepancy goes to a third member, the coding officer assigns a
page from the manual queue, the chair annuls a work, and axe finds no serious violation on any
page. The pages run under their real Content-Security-Policy; a violation fails the test."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright

from olymp_cli.demo.client import SuiteClient
from olymp_cli.demo.run import DEMO_PASSWORD, ensure_demo_accounts, run_day
from olymp_cli.suite import PRIVATE_KEY, Layout
from olymp_coding.scans.domain import answer_payload
from olymp_core.auth import Role, ScopeKind, TokenIssuer
from olymp_core.settings import SERVICES
from tests.support.accessibility import serious_violations
from tests.support.cli import olymp_command
from tests.support.scan_pages import encode, make_page_image

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARKED_BY_FIRST = 10
# where to keep the screens (a person looks at them); by default the test's own temporary folder
SHOTS = os.environ.get("OLYMP_PORTAL_SCREENSHOTS")


@dataclass
class Day:
    layout: Layout
    olympiad_id: str
    grade: int
    works: list[str]
    torn_page_code: str  # the work whose page lost its label: the coding officer assigns it

    @property
    def portal(self) -> str:
        return self.layout.base_url("portal")

    @property
    def marking(self) -> str:
        return f"{self.portal}/marking/{self.olympiad_id}/math/{self.grade}"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def day(running_suite: Layout, tmp_path_factory: pytest.TempPathFactory) -> Day:
    """A day stopped before marking: mathematics coded, criteria set, scans of one grade uploaded."""
    report = await run_day(
        running_suite,
        participants=60,
        schools=8,
        seed=31,
        say=lambda _: None,
        subjects=("math",),
        until="coded",
    )
    await ensure_demo_accounts(running_suite)
    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    suite = SuiteClient({s: running_suite.base_url(s) for s in SERVICES}, issuer)
    try:
        oid = report.olympiad_id
        grades = await suite.json(
            "GET", "scoring", f"/olympiads/{oid}/subject-grades", role=Role.JURY_CHAIR
        )
        largest = max(grades["subject_grades"], key=lambda g: g["works_total"])
        grade = int(largest["grade"])
        listed = await suite.json(
            "GET",
            "scoring",
            f"/olympiads/{oid}/subjects/math/grades/{grade}/works",
            role=Role.JURY_CHAIR,
        )
        works = [w["work_code"] for w in listed["works"] if w["status"] == "awaiting_marks"]
        assert len(works) > MARKED_BY_FIRST, f"grade {grade} has only {len(works)} works"
        folder = tmp_path_factory.mktemp("scans")
        for index, code in enumerate(works[1:], start=1):
            page = make_page_image((answer_payload(code, 1),))
            (folder / f"{index:03}.jpg").write_bytes(encode(page))
        (folder / "000.jpg").write_bytes(encode(make_page_image(())))  # its label torn off
        scanner = issuer.issue("scan-station-1", [Role.SCANNER])
        uploaded = await asyncio.to_thread(
            olymp_command,
            "scan", "upload", str(folder), "--olympiad", oid, "--subject", "math",
            "--url", running_suite.base_url("coding"), "--token", scanner,
        )  # fmt: skip
        assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
    finally:
        await suite.close()
    return Day(running_suite, oid, grade, works, torn_page_code=works[0])


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM.exists(), (
        "Debian's chromium is not installed: scripts/bootstrap.sh installs it (apt-get install "
        "chromium); the browser tests never skip"
    )
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


class Person:
    """One person at their own browser (own cookies), with every CSP violation recorded."""

    def __init__(self, context: BrowserContext, page: Page, shots: Path) -> None:
        self.context = context
        self.page = page
        self.shots = shots
        self.violations: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.violations.append(f"script error: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text} (at {message.location})")

    async def sign_in(self, day: Day, login: str) -> None:
        """With the keyboard: the login field has the focus; Tab to the password; Enter."""
        await self.page.goto(f"{day.portal}/login")
        await self.page.wait_for_function("document.activeElement?.id === 'login'")
        await self.page.keyboard.type(login)
        await self.page.keyboard.press("Tab")
        await self.page.keyboard.type(DEMO_PASSWORD)
        async with self.page.expect_navigation():
            await self.page.keyboard.press("Enter")
        await self.page.wait_for_load_state()
        assert "/login" not in self.page.url, await self.page.content()

    async def shot(self, name: str) -> None:
        await self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


class People:
    """The people of a test, each at a browser of their own; their CSP violations end the test."""

    def __init__(self, browser: Browser, shots: Path) -> None:
        self.browser = browser
        self.shots = shots
        self.opened: list[Person] = []

    async def sign_in(self, day: Day, login: str) -> Person:
        context = await self.browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="ru-RU"
        )
        person = Person(context, await context.new_page(), self.shots)
        self.opened.append(person)
        await person.sign_in(day, login)
        return person


@pytest_asyncio.fixture(loop_scope="session")
async def people(browser: Browser, tmp_path: Path) -> AsyncIterator[People]:
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    found = People(browser, shots)
    yield found
    for person in found.opened:
        await person.context.close()
    assert [v for person in found.opened for v in person.violations] == []


async def open_next(page: Page) -> None:
    """Enter on «Открыть следующую работу», which has the focus once the page is loaded."""
    await page.wait_for_function("document.activeElement?.matches('button.primary')")
    await page.keyboard.press("Enter")
    await page.wait_for_selector(".work")


async def current_work(page: Page) -> str:
    return str(await page.locator(".work").get_attribute("data-work"))


async def mark_with_keys(page: Page, points: list[str]) -> str:
    """Type each task's points (the first field has the focus; Tab between), Enter saves."""
    code = await current_work(page)
    for index, value in enumerate(points):
        if index:
            await page.keyboard.press("Tab")
        await page.keyboard.type(value)
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "code => !document.querySelector('.work') || document.querySelector('.work').dataset.work !== code",
        arg=code,
    )
    return code


PETROV_SAYS = "Задание 1: ответ без обоснования — 0 баллов."


async def annotate(page: Page) -> bool:
    """With the mouse, as on paper: a tick, and a box with a note; then a comment. False when
    the work has no scanned page to mark on. The focus goes back to the first task."""
    figure = page.locator("figure.page:not([hidden])")
    if not await figure.count():
        return False
    await figure.locator("img").evaluate("img => img.decode()")  # its size is the page's
    await page.click("button[data-tool=tick]")
    place = await figure.bounding_box()
    assert place is not None
    # near the top of the page: the part of a tall scan that is on the screen without scrolling
    await page.mouse.click(place["x"] + place["width"] * 0.3, place["y"] + place["height"] * 0.15)
    await page.click("button[data-tool=box]")
    await page.mouse.move(place["x"] + place["width"] * 0.5, place["y"] + place["height"] * 0.1)
    await page.mouse.down()
    await page.mouse.move(place["x"] + place["width"] * 0.6, place["y"] + place["height"] * 0.15)
    await page.mouse.move(place["x"] + place["width"] * 0.7, place["y"] + place["height"] * 0.2)
    await page.mouse.up()
    await page.wait_for_selector("#note-dialog[open]")
    await page.keyboard.type("нет обоснования")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "() => document.querySelectorAll('figure.page:not([hidden]) .ann.mine').length === 2"
    )
    await page.keyboard.press("Escape")  # the tool is put down; the work stays
    await page.fill("#comment", PETROV_SAYS)
    kept = json.loads(await page.locator("#annotations").input_value())
    assert [a["kind"] for a in kept] == ["tick", "box"]
    tick, box = kept
    assert abs(tick["x"] - 0.3) < 0.02 and abs(tick["y"] - 0.15) < 0.02, tick
    assert abs(box["width"] - 0.2) < 0.02 and box["text"] == "нет обоснования", box
    assert await page.locator("figure.page:not([hidden]) .ann.mine").count() == 2
    await page.locator("#task-1").focus()
    return True


async def test_the_jury_marks_with_the_keyboard_blind_and_a_third_member_settles_a_dispute(
    day: Day, people: People
) -> None:
    first = await people.sign_in(day, "jury-ivanova")
    page = first.page
    await page.goto(day.marking)
    await first.shot("marking-queue")
    await open_next(page)
    await first.shot("marking-work")
    # the page keys: PageDown leaves the first page, ? opens the list of keys, Esc closes it
    await page.keyboard.press("Escape")  # out of the field (it had the focus)
    assert await current_work(page)  # Esc in a field only leaves the field
    await page.keyboard.press("r")
    await page.keyboard.press("+")
    await page.keyboard.press("?")
    assert await page.locator("#keys").is_visible()
    await page.keyboard.press("Escape")
    assert not await page.locator("#keys").is_visible()
    await page.locator("#task-1").focus()  # back to the first task (Tab from the top would do)
    # an invalid mark is refused at its field and what was typed stays
    refused_code = await current_work(page)
    for index, value in enumerate(["11", "2", "3", "4", "5"]):
        if index:
            await page.keyboard.press("Tab")
        await page.keyboard.type(value)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#task-1-error")
    assert await current_work(page) == refused_code
    assert "от 0 до 10" in await page.locator("#task-1-error").inner_text()
    assert await page.locator("#task-2").input_value() == "2"
    assert await page.evaluate("document.activeElement.id") == "task-1"
    await first.shot("marking-refused")
    # the same marks as every other work of hers (10 each), so a dispute is about task 1 alone
    for index in range(5):
        if index:
            await page.keyboard.press("Tab")
        await page.keyboard.press("Control+A")
        await page.keyboard.type("10")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "code => document.querySelector('.work')?.dataset.work !== code", arg=refused_code
    )
    marked = {refused_code}
    while len(marked) < MARKED_BY_FIRST:
        marked.add(await mark_with_keys(page, ["10", "10", "10", "10", "10"]))
    assert len(marked) == MARKED_BY_FIRST  # ten different works, each taken from the queue
    # Esc outside a field gives the work back
    held = await current_work(page)
    await page.locator("h1").click()
    await page.keyboard.press("Escape")
    await page.wait_for_url(day.marking)
    # given back: her line of the progress holds no work now
    assert held not in await page.locator("#progress").inner_text()

    second = await people.sign_in(day, "jury-petrov")
    page2 = second.page
    await page2.goto(day.marking)
    await open_next(page2)
    disputed = None
    annotated = set()
    for _ in range(len(day.works)):
        code = await current_work(page2)
        # blind (§69): nothing of the first member's marks or name on the second member's screen
        html = await page2.content()
        assert "jury-ivanova" not in html and "Иванова" not in html
        assert await page2.locator(".ann.theirs, #rounds-annotations").count() == 0
        values = [await page2.locator(f"#task-{n}").input_value() for n in range(1, 6)]
        assert values == [""] * 5
        if await annotate(page2):
            annotated.add(code)
            if len(annotated) == 1:
                await second.shot("marking-annotations")
        await mark_with_keys(page2, ["0", "10", "10", "10", "10"])
        if code in marked:
            disputed = code
            break
    assert disputed is not None and annotated, "the second member marked no work with pages"
    await second.shot("marking-second-member")

    third = await people.sign_in(day, "jury-kuzmina")
    page3 = third.page
    await page3.goto(day.marking)
    await open_next(page3)
    # the disputed work comes first, with task 1 only (§73)
    assert await current_work(page3) == disputed
    assert "третья проверка" in await page3.locator("p.meta").inner_text()
    assert await page3.locator("input[name^=task-]").count() == 1
    # the third member sees the earlier rounds of that task, labelled (§73)
    earlier = await page3.locator("table.rounds").inner_text()
    assert "1-я проверка" in earlier and "2-я проверка" in earlier
    assert "Иванова Елена Андреевна" in earlier and "Петров Сергей Николаевич" in earlier
    if disputed in annotated:
        # the second round's marks on the scan and its comment, labelled; none from the first
        assert await page3.locator(".ann.theirs.round-2").count() == 2
        assert await page3.locator(".ann.theirs.round-1").count() == 0
        assert PETROV_SAYS in await page3.locator("blockquote.round-comment").inner_text()
        await page3.locator("input[data-round='2']").uncheck()
        assert not await page3.locator(".ann.theirs.round-2").first.is_visible()
        await page3.locator("input[data-round='2']").check()
        await page3.locator("#task-1").focus()
    await third.shot("marking-third-member")
    await mark_with_keys(page3, ["5"])

    chair = await people.sign_in(day, "chair-smirnova")
    await chair.page.goto(f"{day.portal}/chair/{day.olympiad_id}/math/{day.grade}")
    row = chair.page.locator(f"#work-{disputed}")
    checked = await row.inner_text()
    assert "проверена" in checked and "Кузьмина-Ветрова Ольга Ильинична" in checked
    # the chair opens the work: three rounds, labelled, and the second's marks on the scan
    async with chair.page.expect_navigation():
        await row.get_by_role("link", name=disputed).click()
    assert "3-я проверка" in await chair.page.locator("table.rounds").inner_text()
    if disputed in annotated:
        assert await chair.page.locator(".ann.theirs.round-2").count() == 2
        assert PETROV_SAYS in await chair.page.locator("blockquote.round-comment").inner_text()
    await chair.shot("chair-work")
    assert await chair.page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    ), "the chair's view of a work is wider than the screen"


async def test_the_coding_officer_assigns_a_page_from_the_manual_queue(
    day: Day, people: People
) -> None:
    officer = await people.sign_in(day, "coding-orlov")
    page = officer.page
    await page.goto(f"{day.portal}/coding/{day.olympiad_id}")
    cards = page.locator("figure.queued")
    assert await cards.count() == 1
    await officer.shot("coding-queue")
    field = cards.first.locator("input[name=work_code]")
    await field.focus()
    await page.keyboard.type("НЕТ-ТАКОГО")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("figure.queued [role=alert]")
    assert await field.input_value() == "НЕТ-ТАКОГО"  # a refusal keeps what was typed
    await field.fill(day.torn_page_code)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("figure.queued [role=status]")
    assert day.torn_page_code in await cards.first.inner_text()


async def test_the_chair_annuls_a_work_with_its_reason(day: Day, people: People) -> None:
    chair = await people.sign_in(day, "chair-smirnova")
    page = chair.page
    await page.goto(f"{day.portal}/chair/{day.olympiad_id}/math/{day.grade}")
    await chair.shot("chair-overview")
    target = day.works[-1]
    row = page.locator(f"#work-{target}")
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await row.locator("select").select_option("identifying_marks")
    await row.locator("button").click()
    await page.wait_for_function(
        "code => document.querySelector('#work-' + code)?.innerText.includes('аннулирована')",
        arg=target,
    )
    listed = await page.locator(f"#work-{target}").inner_text()
    assert "п. 47, 52, 68" in listed
    # the criteria: as set, and refused once works are marked, with what was typed kept
    await page.goto(f"{day.portal}/chair/{day.olympiad_id}/math/{day.grade}/scheme")
    assert [await page.locator(f"#max-{n}").input_value() for n in range(1, 6)] == ["10"] * 5
    await page.locator("#max-1").fill("20")
    async with page.expect_navigation():
        await page.locator("#max-1").press("Enter")
    assert "уже оцениваются" in await page.locator("#scheme-error").inner_text()
    assert await page.locator("#max-1").input_value() == "20"
    await chair.shot("chair-scheme-refused")


async def test_axe_finds_no_serious_violation_on_any_page(day: Day, browser: Browser) -> None:
    pages = every_page(day)
    found: dict[str, list[str]] = {}
    for login, addresses in pages.items():
        # axe is injected as a script of its own: this context alone lets it past the CSP
        context = await browser.new_context(
            bypass_csp=True, viewport={"width": 1366, "height": 768}
        )
        page = await context.new_page()
        try:
            await sign_in_quickly(page, day, login)
            for address in addresses:
                await page.goto(day.portal + address)
                result = await serious_violations(page)
                if result:
                    found[f"{login} {address}"] = result
        finally:
            await context.close()
    assert found == {}, found


# a laptop of the jury room, and a tablet held either way (a member reading on the sofa)
SCREENS: dict[str, ViewportSize] = {
    "1366×768": {"width": 1366, "height": 768},
    "планшет 1024×768": {"width": 1024, "height": 768},
    "планшет 768×1024": {"width": 768, "height": 1024},
}


async def test_every_page_fits_a_laptop_and_a_tablet_without_sideways_scrolling(
    day: Day, browser: Browser
) -> None:
    """Nothing wider than the screen, and every button and field can be reached on it."""
    found: dict[str, str] = {}
    for screen, size in SCREENS.items():
        touch = screen.startswith("планшет")
        for login, addresses in every_page(day).items():
            context = await browser.new_context(viewport=size, has_touch=touch, is_mobile=touch)
            page = await context.new_page()
            try:
                await sign_in_quickly(page, day, login)
                for address in addresses:
                    await page.goto(day.portal + address)
                    wide = await page.evaluate(
                        "() => [document.documentElement.scrollWidth, window.innerWidth,"
                        " Array.from(document.querySelectorAll('button, input, select, textarea, a'))"
                        ".filter(e => e.offsetParent !== null && e.type !== 'hidden')"
                        # the skip link waits off the screen until it has the focus
                        ".filter(e => !e.matches('a.skip, .sr-only, .sr-only *'))"
                        ".filter(e => { const r = e.getBoundingClientRect();"
                        " return r.right > window.innerWidth + 1 || r.left < -1; })"
                        ".map(e => e.outerHTML.slice(0, 80))]"
                    )
                    scroll_width, width, outside = wide
                    if scroll_width > width or outside:
                        found[f"{screen} {login} {address}"] = f"{scroll_width}>{width} {outside}"
            finally:
                await context.close()
    assert found == {}, found


async def sign_in_quickly(page: Page, day: Day, login: str) -> None:
    await page.goto(f"{day.portal}/login")
    await page.fill("#login", login)
    await page.fill("#password", DEMO_PASSWORD)
    await page.press("#password", "Enter")
    await page.wait_for_load_state()


def every_page(day: Day) -> dict[str, list[str]]:
    """Each person's pages, by their address in the portal."""
    return {
        "jury-ivanova": [
            "/login",
            "/",
            "/marking",
            day.marking.removeprefix(day.portal),
            # the work screen: the address of any work opens the one the queue gives her
            day.marking.removeprefix(day.portal) + f"/works/{day.works[0]}",
        ],
        "chair-smirnova": [
            "/chair",
            f"/chair/{day.olympiad_id}/math/{day.grade}",
            f"/chair/{day.olympiad_id}/math/{day.grade}/scheme",
            f"/chair/{day.olympiad_id}/math/{day.grade}/results",
            f"/chair/{day.olympiad_id}/math/{day.grade}/works/{day.works[1]}",
        ],
        "coding-orlov": [
            "/coding",
            f"/coding/{day.olympiad_id}",
            f"/coding/{day.olympiad_id}/resolved",
            f"/coding/{day.olympiad_id}/decoding",
        ],
        "jury-yolkina": ["/role"],
    }


async def test_the_coding_officer_turns_assigns_takes_back_drafts_and_sees_the_decoding_gate(
    day: Day, people: People, browser: Browser
) -> None:
    """Keyboard only: r turns the page, 1 takes the first suggestion (its turn reaches the jury's
    link), u (г) gives it back, x (ч) marks a draft (§45); the decoding gate names what is
    unchecked; axe finds no serious violation on the three screens."""
    import httpx  # the coding service's API, to scan a packet and to read the jury's link

    from tests.support.scan_pages import pdf_of

    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    coding = day.layout.base_url("coding")
    code = day.works[2]  # its sheet 1 is scanned already; sheets 2 and 4 come now, 3 lost its label
    packet = pdf_of(
        [
            make_page_image((answer_payload(code, 2),), seed=72),
            make_page_image((), seed=73),
            make_page_image((answer_payload(code, 4),), seed=74),
        ]
    )
    async with httpx.AsyncClient(base_url=coding, timeout=60) as api:
        scanned = await api.post(
            f"/olympiads/{day.olympiad_id}/scans",
            params={"filename": "пакет-кабинет-12.pdf", "subject_code": "math"},
            content=packet,
            headers={"Authorization": "Bearer " + issuer.issue("scan-station-2", [Role.SCANNER])},
        )
        assert scanned.status_code == 200, scanned.text
        torn = next(p["page_id"] for p in scanned.json()["pages"] if p["outcome"] == "manual")

        officer = await people.sign_in(day, "coding-orlov")
        page = officer.page
        await page.goto(f"{day.portal}/coding/{day.olympiad_id}?page={torn}")
        current = page.locator("#current-page")
        assert await current.get_attribute("data-page") == torn
        first = current.locator("button[data-key='1']")
        assert await first.get_attribute("value") == code
        assert "не хватает листа 3" in await current.inner_text()
        await page.wait_for_function("document.activeElement?.name === 'work_code'")
        await page.keyboard.press("Escape")  # out of the code field: the keys are commands now
        await page.keyboard.press("r")
        assert "rot-90" in (
            await current.locator("[data-role=page-image]").get_attribute("class") or ""
        )
        await page.keyboard.press("?")
        assert await page.locator("#keys").is_visible()
        await page.keyboard.press("Escape")
        await officer.shot("coding-queue-turned")
        await page.keyboard.press("1")
        await page.wait_for_selector("#current-page [role=status]")
        assert f"к работе {code}" in await page.locator("#current-page [role=status]").inner_text()
        jury = {
            "Authorization": "Bearer "
            + issuer.issue("jury-check", [Role.JURY_CHAIR], {ScopeKind.SUBJECT: ["math"]})
        }
        links = await api.get(f"/olympiads/{day.olympiad_id}/works/{code}/pages", headers=jury)
        turned = {p["page_id"]: p["rotation"] for p in links.json()["pages"]}
        assert turned[torn] == 90  # the jury's viewer is told how to stand it upright
        await officer.shot("coding-assigned")

        await page.keyboard.press("Escape")
        await page.keyboard.press("u")  # г on a Russian layout: take it back, large again
        await page.wait_for_function(
            "id => document.querySelector('#current-page')?.dataset.page === id", arg=torn
        )
        assert "возвращена в очередь" in await page.locator("#current-page").inner_text()
        links = await api.get(f"/olympiads/{day.olympiad_id}/works/{code}/pages", headers=jury)
        assert torn not in {p["page_id"] for p in links.json()["pages"]}
        await page.keyboard.press("Escape")
        await page.keyboard.press("x")  # ч on a Russian layout
        await page.wait_for_function(
            "() => document.querySelector('#current-page [role=status]')"
            "?.innerText.includes('черновик')"
        )

    await page.goto(f"{day.portal}/coding/{day.olympiad_id}/resolved")
    row = page.locator(f"#resolved-{torn}")
    assert "черновик" in await row.inner_text()
    await page.goto(f"{day.portal}/coding/{day.olympiad_id}/decoding")
    gate = page.locator(f"#grade-math-{day.grade}")
    assert await gate.locator("button[disabled]").count() == 1
    assert "п. 61" in await gate.inner_text()
    await officer.shot("coding-decoding")

    context = await browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768})
    found: dict[str, list[str]] = {}
    try:
        checker = await context.new_page()
        await checker.goto(f"{day.portal}/login")
        await checker.fill("#login", "coding-orlov")
        await checker.fill("#password", DEMO_PASSWORD)
        await checker.press("#password", "Enter")
        await checker.wait_for_load_state()
        for address in (
            f"/coding/{day.olympiad_id}?page={torn}",
            f"/coding/{day.olympiad_id}/resolved",
            f"/coding/{day.olympiad_id}/decoding",
        ):
            await checker.goto(day.portal + address)
            result = await serious_violations(checker)
            if result:
                found[address] = result
    finally:
        await context.close()
    assert found == {}, found


async def test_the_chair_rules_on_a_tie_at_the_quota_boundary_and_submits_the_final_table(
    day: Day, people: People, browser: Browser
) -> None:
    """Another grade of the day, marked through scoring so that the quota boundary cuts through
    a group of equal totals, then decoded: with the keyboard alone the chair rules on the group
    (a choice, a confirmation, Enter; htmx swaps the ties and unblocks the submission) and hands
    the final table to the organiser (§117, §121); axe finds no serious violation there."""
    from olymp_cli.demo.client import until

    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    suite = SuiteClient({s: day.layout.base_url(s) for s in SERVICES}, issuer)
    oid = day.olympiad_id
    try:
        listed = await suite.json(
            "GET", "scoring", f"/olympiads/{oid}/subject-grades", role=Role.JURY_CHAIR
        )
        others = [g for g in listed["subject_grades"] if int(g["grade"]) != day.grade]
        grade = int(max(others, key=lambda g: g["works_total"])["grade"])
        path = f"/olympiads/{oid}/subjects/math/grades/{grade}"
        works = await suite.json("GET", "scoring", path + "/works", role=Role.JURY_CHAIR)
        codes = sorted(w["work_code"] for w in works["works"] if w["status"] != "annulled")
        quota = len(codes) * 45 // 100  # the default quota: 45 % of those ranked, rounded down
        assert quota >= 2, f"grade {grade} has {len(codes)} works: too few for a tie"
        # one winner at 48, then `quota` works at 35,5 for the quota - 1 places left
        top, tie, rest = ["10", "10", "10", "10", "8"], ["10", "10", "10", "5.5", "0"], ["2"] * 5
        for index, code in enumerate(codes):
            marks = top if index == 0 else tie if index <= quota else rest
            for member in ("jury-sokolov", "jury-yolkina"):
                await suite.json(
                    "POST", "scoring", f"/olympiads/{oid}/works/{code}/marks",
                    json={"task_scores": {str(n): p for n, p in enumerate(marks, start=1)}},
                    role=Role.JURY_MEMBER, sub=member,
                )  # fmt: skip

        async def decoded() -> bool:
            answer = await suite.call(
                "POST", "coding", f"/olympiads/{oid}/subjects/math/grades/{grade}/decode",
                role=Role.CODING_OFFICER, expect=(200, 409),
            )  # fmt: skip
            return answer.status_code == 200

        await until(decoded, f"decoding of grade {grade}", within_s=60)

        async def published() -> bool:
            answer = await suite.call(
                "GET", "publishing", f"/results/{oid}/math/{grade}",
                params={"stage": "preliminary"}, expect=(200, 404),
            )  # fmt: skip
            return answer.status_code == 200

        await until(published, f"the preliminary table of grade {grade}", within_s=60)
    finally:
        await suite.close()

    chair = await people.sign_in(day, "chair-smirnova")
    page = chair.page
    results = f"{day.portal}/chair/{oid}/math/{grade}/results"
    await page.goto(results)
    group = page.locator("article.tie")
    assert await group.count() == 1
    assert "Сумма баллов 35,5" in await group.inner_text()
    assert await group.locator("tbody tr").count() == quota
    assert await page.locator("#final-submit").is_disabled()
    await chair.shot("chair-results-tie")
    # the first choice («призёр»), Space; Tab to the confirmation, Space; Tab to the button, Enter
    await group.locator("input[type=radio]").first.focus()
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("article.tie .decision")
    assert "статус «призёр»" in await page.locator("article.tie .decision").inner_text()
    assert await page.locator("#final-submit").is_enabled()  # swapped in out of band
    await chair.shot("chair-results-ruled")
    await page.locator("#final-confirm").focus()
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert page.url == results + "?submitted=1"
    submitted = await page.locator("#final").inner_text()
    assert "передана организатору на утверждение" in submitted
    assert "Смирнова Татьяна Викторовна" in submitted
    await chair.shot("chair-results-submitted")

    context = await browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768})
    found: dict[str, list[str]] = {}
    try:
        checker = await context.new_page()
        await checker.goto(f"{day.portal}/login")
        await checker.fill("#login", "chair-smirnova")
        await checker.fill("#password", DEMO_PASSWORD)
        await checker.press("#password", "Enter")
        await checker.wait_for_load_state()
        for address in (f"/chair/{oid}/math/{grade}/results", f"/chair/{oid}/math/{grade}"):
            await checker.goto(day.portal + address)
            result = await serious_violations(checker)
            if result:
                found[address] = result
    finally:
        await context.close()
    assert found == {}, found
