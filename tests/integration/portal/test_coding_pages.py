"""The coding officer's pages over the real coding and registration services, run in-process with
the portal: the manual queue (strip, large page, suggestions, decisions and their undoing), the
decided pages, decoding behind its gate; htmx fragments, CSRF and role refusals."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
import pytest_asyncio

from olymp_coding.scans.domain import answer_payload, title_payload
from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.contracts.registration import ParticipantCheckedIn
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_portal.clients import Backends
from tests.support.scan_pages import encode, make_page_image, pdf_of

from .conftest import CODING, JURY_MATH, add_account, client_of, csrf_of, sign_in

pytestmark = pytest.mark.integration

# the services check a token's expiry against the machine's time: the portal's clock starts there
START = dt.datetime.now(dt.UTC).replace(microsecond=0)
HTMX = {"HX-Request": "true"}


@dataclass
class Suite:
    portal: ServiceHarness
    coding: ServiceHarness
    clock: ManualClock
    olympiad_id: uuid.UUID
    math: list[str]  # grade 9
    physics: list[str]

    @property
    def queue(self) -> str:
        return f"/coding/{self.olympiad_id}"


@pytest_asyncio.fixture(scope="module")
async def suite(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Suite]:
    """Coding, registration and the portal on one signing key, the portal calling the two in-process."""
    clock = ManualClock(START)
    workdir = tmp_path_factory.mktemp("coding-pages")  # one key pair for all three
    async with (
        running_service("coding", workdir, clock=clock) as coding,
        running_service("registration", workdir, clock=clock) as registration,
        running_service(
            "portal",
            workdir,
            clock=clock,
            auth_local_private_key_file=workdir / "keys" / "auth.pem",
        ) as portal,
    ):
        backends = next(c for c in portal.service.contexts if isinstance(c, Backends))
        for name, harness in (("coding", coding), ("registration", registration)):
            await backends.clients[name].aclose()
            backends.clients[name] = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=harness.service.asgi),
                base_url=f"http://{name}.test",
            )
        created = await registration.client.post(
            "/olympiads",
            json={
                "title": "Муниципальный этап ВсОШ, Тевризский район",
                "school_year": "2026/2027",
                "time_zone": "Asia/Omsk",
            },
            headers=registration.auth(Role.COORDINATOR),
        )
        assert created.status_code == 201, created.text
        olympiad_id = uuid.UUID(created.json()["olympiad_id"])
        for subject_code, count in (("math", 3), ("physics", 1)):
            for _ in range(count):
                await coding.deliver(
                    ParticipantCheckedIn(
                        olympiad_id=olympiad_id,
                        participant_id=uuid.uuid4(),
                        subject_code=subject_code,
                        task_grade=9,
                        present=True,
                        at=START,
                    )
                )
        codes = {}
        for subject_code in ("math", "physics"):
            listed = await coding.client.get(
                f"/olympiads/{olympiad_id}/subjects/{subject_code}/works",
                headers=coding.auth(Role.CODING_OFFICER),
            )
            codes[subject_code] = [w["work_code"] for w in listed.json()["works"]]
        await add_account(portal, "orlov-koder", CODING, name="Орлов-Кодеров Пётр Ильич")
        await add_account(portal, "jury-yozhikova", JURY_MATH, name="Ёжикова Алёна Фёдоровна")
        yield Suite(portal, coding, clock, olympiad_id, codes["math"], codes["physics"])


async def upload(suite: Suite, data: bytes, filename: str, subject_code: str = "math") -> None:
    response = await suite.coding.client.post(
        f"/olympiads/{suite.olympiad_id}/scans",
        params={"filename": filename, "subject_code": subject_code},
        content=data,
        headers=suite.coding.auth(Role.SCANNER),
    )
    assert response.status_code == 200, response.text


@pytest_asyncio.fixture(scope="module")
async def scanned(suite: Suite) -> dict[str, str]:
    """A packet whose second page lost its label, and a math title page fed at the physics station."""
    code = suite.math[0]
    await upload(
        suite,
        pdf_of(
            [
                make_page_image((answer_payload(code, 1),), seed=61),
                make_page_image((), seed=62),
                make_page_image((answer_payload(code, 3),), seed=63),
            ]
        ),
        "пакет-9.pdf",
    )
    await upload(
        suite,
        encode(make_page_image((title_payload(suite.math[1]),), seed=64)),
        "титул.jpg",
        subject_code="physics",
    )
    queued = await suite.coding.client.get(
        f"/olympiads/{suite.olympiad_id}/scans/manual",
        headers=suite.coding.auth(Role.CODING_OFFICER),
    )
    pages = queued.json()["pages"]
    return {
        "answer": next(p["page_id"] for p in pages if p["kind"] == "answer"),
        "title": next(p["page_id"] for p in pages if p["kind"] == "title"),
    }


@pytest_asyncio.fixture
async def officer(suite: Suite) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(suite.portal) as browser:
        signed = await sign_in(browser, "orlov-koder")
        assert signed.status_code == 303, signed.text
        yield browser


async def csrf(browser: httpx.AsyncClient, address: str) -> str:
    page = await browser.get(address)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def current_page(html: str) -> str | None:
    found = re.search(r'<figure id="current-page"[^>]*data-page="([^"]+)"', html)
    return found.group(1) if found else None


async def test_the_choice_leads_to_the_three_screens_of_each_olympiad(
    suite: Suite, officer: httpx.AsyncClient
) -> None:
    response = await officer.get("/coding")

    assert response.status_code == 200
    for address in ("", "/resolved", "/decoding"):
        assert f'href="{suite.queue}{address}"' in response.text
    assert "Тевризский район" in response.text


async def test_the_queue_shows_a_strip_title_pages_apart_and_one_page_large_with_suggestions(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    response = await officer.get(suite.queue)

    html = response.text
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "/static/js/coding.js" in html and "<script>" not in html and "style=" not in html
    assert 'id="queue-strip"' in html
    assert 'Листы ответов и страницы без наклейки <span class="count">(1)</span>' in html
    assert 'Титульные листы <span class="count">(1)</span>' in html
    assert current_page(html) == scanned["answer"]
    assert f"/coding/{suite.olympiad_id}/scans/{scanned['answer']}/thumbnail" in html
    # the page between two sheets of a work: that work first, the gap named
    assert f'name="suggested" value="{suite.math[0]}" data-key="1"' in html
    assert "не хватает листа 2" in html
    assert 'name="csrf"' in html and 'name="rotation" value="0"' in html
    assert '<dialog id="keys"' in html and "Черновик (ч)" in html

    title = await officer.get(suite.queue, params={"page": scanned["title"]})

    assert current_page(title.text) == scanned["title"]
    assert "Титульный лист: на нём личные данные участника" in title.text
    assert '<option value="title" selected>' in title.text


async def test_a_thumbnail_swaps_the_large_page_in_and_without_htmx_leads_to_the_queue(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    address = f"{suite.queue}/scans/{scanned['title']}"

    fragment = await officer.get(address, headers=HTMX)
    plain = await officer.get(address)

    assert fragment.status_code == 200
    assert fragment.text.startswith('<figure id="current-page"') and "<html" not in fragment.text
    assert current_page(fragment.text) == scanned["title"]
    assert (
        'id="queue-strip" class="coding-strip" aria-label="Страницы в очереди" hx-swap-oob="true"'
        in fragment.text
    )
    assert (
        plain.status_code == 303
        and plain.headers["location"] == f"{suite.queue}?page={scanned['title']}"
    )


async def test_the_page_and_its_thumbnail_come_through_the_portal(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    base = f"{suite.queue}/scans/{scanned['answer']}"

    large = await officer.get(f"{base}/image")
    small = await officer.get(f"{base}/thumbnail")

    assert large.status_code == 200 and large.headers["content-type"] == "image/png"
    assert large.headers["cache-control"] == "private, no-store"
    assert small.status_code == 200 and small.content[:3] == b"\xff\xd8\xff"
    assert small.headers["cache-control"] == "private, max-age=600"
    assert len(small.content) < len(large.content)


async def test_assign_refused_keeps_the_code_then_a_suggestion_assigns_and_can_be_taken_back(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    token = await csrf(officer, suite.queue)
    headers = {**HTMX, "X-CSRF-Token": token}
    address = f"{suite.queue}/scans/{scanned['answer']}/assignment"
    form = {"subject_code": "math", "kind": "answer", "rotation": "90"}

    refused = await officer.post(address, data={**form, "work_code": "НЕТ-ТАКОГО"}, headers=headers)

    assert refused.status_code == 422
    assert refused.text.startswith('<figure id="current-page"')
    assert current_page(refused.text) == scanned["answer"]
    assert 'value="НЕТ-ТАКОГО"' in refused.text and 'role="alert"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'name="rotation" value="90"' in refused.text  # the turn is kept too

    done = await officer.post(
        address, data={**form, "work_code": "", "suggested": suite.math[0]}, headers=headers
    )

    assert done.status_code == 200, done.text
    assert f"привязана к работе {suite.math[0]}" in done.text and 'role="status"' in done.text
    assert f"/scans/{scanned['answer']}/return" in done.text  # «Вернуть в очередь»
    assert current_page(done.text) == scanned["title"]  # on to the next page of the strip
    assert 'Листы ответов и страницы без наклейки <span class="count">(0)</span>' in done.text
    pages = await suite.coding.client.get(
        f"/olympiads/{suite.olympiad_id}/works/{suite.math[0]}/pages",
        headers=suite.coding.auth(Role.JURY_MEMBER),
    )
    rotations = {p["page_id"]: p["rotation"] for p in pages.json()["pages"]}
    assert rotations[scanned["answer"]] == 90

    back = await officer.post(f"{suite.queue}/scans/{scanned['answer']}/return", headers=headers)

    assert back.status_code == 200
    assert "возвращена в очередь" in back.text
    assert current_page(back.text) == scanned["answer"]


async def test_a_draft_leaves_the_queue_is_listed_as_decided_and_returns_from_the_list(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    token = await csrf(officer, suite.queue)

    drafted = await officer.post(
        f"{suite.queue}/scans/{scanned['answer']}/resolution",
        data={"resolution": "draft", "rotation": "0", "csrf": token},
    )

    assert drafted.status_code == 200 and "<html" in drafted.text  # without htmx: the whole screen
    assert "черновик (п. 45" in drafted.text
    assert current_page(drafted.text) != scanned["answer"]
    listed = await officer.get(f"{suite.queue}/resolved")
    assert listed.status_code == 200
    row = listed.text.split(f'id="resolved-{scanned["answer"]}"', 1)[1].split("</tr>", 1)[0]
    assert "черновик" in row and "Орлов-Кодеров Пётр Ильич" in row and "Вернуть в очередь" in row

    back = await officer.post(
        f"{suite.queue}/scans/{scanned['answer']}/return",
        data={"csrf": csrf_of(listed.text), "from_list": "1"},
    )
    twice = await officer.post(
        f"{suite.queue}/scans/{scanned['answer']}/return",
        data={"csrf": csrf_of(listed.text), "from_list": "1"},
    )

    assert back.status_code == 303
    assert back.headers["location"] == f"{suite.queue}?page={scanned['answer']}"
    assert twice.status_code == 422 and "и так в очереди" in twice.text


async def test_writes_without_the_csrf_token_are_refused_and_change_nothing(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    for address, form in (
        (f"/scans/{scanned['answer']}/assignment", {"work_code": suite.math[0]}),
        (f"/scans/{scanned['answer']}/resolution", {"resolution": "discarded"}),
        ("/decoding/math/9", {"confirmed": "yes"}),
    ):
        refused = await officer.post(suite.queue + address, data=form, headers=HTMX)
        assert refused.status_code == 403, address
        assert "Форма устарела" in refused.text
    queue = await officer.get(suite.queue)
    assert current_page(queue.text) == scanned["answer"]


async def test_other_roles_are_refused_every_coding_page(
    suite: Suite, scanned: dict[str, str]
) -> None:
    async with client_of(suite.portal) as browser:
        await sign_in(browser, "jury-yozhikova")
        token = csrf_of((await browser.get("/")).text)
        for address in (
            "/coding",
            suite.queue,
            f"{suite.queue}/resolved",
            f"{suite.queue}/decoding",
            f"{suite.queue}/scans/{scanned['answer']}/thumbnail",
        ):
            refused = await browser.get(address)
            assert refused.status_code == 403, address
            assert "Эта страница — для ролей" in refused.text
        posted = await browser.post(
            f"{suite.queue}/scans/{scanned['answer']}/resolution",
            data={"resolution": "draft", "csrf": token},
        )
        assert posted.status_code == 403


async def test_decoding_is_shown_closed_with_the_unchecked_codes_then_decodes_after_confirmation(
    suite: Suite, scanned: dict[str, str], officer: httpx.AsyncClient
) -> None:
    address = f"{suite.queue}/decoding"
    row = f"{address}/math/9"

    closed = await officer.get(address)

    assert closed.status_code == 200
    math_row = closed.text.split('id="grade-math-9"', 1)[1].split("</tr>", 1)[0]
    assert all(code in math_row for code in suite.math)
    assert '<button type="button" disabled' in math_row
    assert "не проверено работ — 3 из 3" in math_row
    assert "В очереди ручной привязки страниц этого предмета: 1" in math_row
    headers = {**HTMX, "X-CSRF-Token": csrf_of(closed.text)}
    refused = await officer.post(row, data={"confirmed": "yes"}, headers=headers)
    assert refused.status_code == 422
    assert refused.text.startswith('<tr id="grade-math-9">') and 'role="alert"' in refused.text

    await suite.coding.deliver(
        SubjectGradeChecked(
            olympiad_id=suite.olympiad_id,
            subject_code="math",
            grade=9,
            task_max={"1": Decimal(10)},
            works=tuple(
                ScoredWork(
                    work_code=code,
                    task_scores={"1": Decimal(7)},
                    total=Decimal(7),
                    max_total=Decimal(10),
                )
                for code in suite.math
            ),
        )
    )
    opened = await officer.get(address)
    assert "Декодировать…" in opened.text.split('id="grade-math-9"', 1)[1].split("</tr>", 1)[0]
    asking = await officer.post(row, data={}, headers=headers)
    cancelled = await officer.get(row, headers=HTMX)
    decoded = await officer.post(row, data={"confirmed": "yes"}, headers=headers)
    after = await officer.get(address)

    assert asking.status_code == 200 and "Да, декодировать" in asking.text
    assert 'name="confirmed" value="yes"' in asking.text
    assert cancelled.status_code == 200 and "Да, декодировать" not in cancelled.text
    assert decoded.status_code == 200, decoded.text
    assert "Декодировано работ: 3." in decoded.text
    done_row = after.text.split('id="grade-math-9"', 1)[1].split("</tr>", 1)[0]
    assert "Орлов-Кодеров Пётр Ильич" in done_row and "Декодировать" not in done_row
    physics_row = after.text.split('id="grade-physics-9"', 1)[1].split("</tr>", 1)[0]
    assert "disabled" in physics_row  # its own gate, still closed
