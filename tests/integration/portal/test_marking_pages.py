"""The jury's marking pages over httpx, against the real registration, coding and scoring: each page
and htmx part (status, what it says, its fields), the blind rule, CSRF, roles and signing out."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest

from olymp_coding.scans.domain import answer_payload
from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import PASSWORD, add_account, client_of, csrf_of
from tests.integration.portal.suite import (
    Olympiad,
    Suite,
    new_olympiad,
    participant,
    running_suite,
    services_clock,
    signed_in,
)
from tests.support.scan_pages import encode, make_page_image

pytestmark = pytest.mark.integration

MATH = {ScopeKind.SUBJECT: frozenset({"math"})}
JURY = {
    "jury-ivanova": "Иванова Елена Андреевна",
    "jury-petrov": "Петров Сергей Николаевич",
    "jury-kuzmina": "Кузьмина-Ветрова Ольга Ильинична",
}
PEOPLE = (
    participant("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"),
    participant("Ёлкин", "Семён", "Ильич", "МБОУ «Лицей»"),
    participant("Римская-Корсакова", "Варвара", "Петровна", "МБОУ «СОШ № 2»"),
)
HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Suite]:
    async with running_suite(tmp_path_factory.mktemp("marking-suite"), clock) as found:
        for login, name in JURY.items():
            await add_account(found.portal, login, Grant(Role.JURY_MEMBER, MATH), name=name)
        await add_account(
            found.portal, "coding-orlov", Grant(Role.CODING_OFFICER), name="Орлов Денис Юрьевич"
        )
        yield found


@pytest.fixture
async def olympiad(suite: Suite) -> Olympiad:
    """Three works of mathematics, grade 9, with the criteria set: 5 tasks of 10, step 0,5."""
    found = await new_olympiad(suite, PEOPLE)
    await found.set_scheme()
    return found


async def csrf_from(browser: httpx.AsyncClient, page: str) -> str:
    return csrf_of((await browser.get(page)).text)


async def open_next(browser: httpx.AsyncClient, olympiad: Olympiad) -> str:
    """«Открыть следующую работу»: the work the queue gives, from the redirect's address."""
    csrf = await csrf_from(browser, olympiad.marking)
    opened = await browser.post(olympiad.marking + "/next", data={"csrf": csrf})
    assert opened.status_code == 303, opened.text
    location = opened.headers["location"]
    assert location.startswith(olympiad.marking + "/works/"), location
    return location.rsplit("/", 1)[-1]


def field_value(html: str, name: str) -> str:
    found = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', html, re.S)
    assert found, f"no field {name}"
    return found.group(1)


async def test_signed_out_the_pages_send_to_sign_in_and_back(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with client_of(suite.portal) as browser:
        page = await browser.get(olympiad.marking)
        assert page.status_code == 303
        assert page.headers["location"].startswith(f"/login?next={quote(olympiad.marking)}&why=")
        # htmx (the progress panel's refresh) is sent to the page it was on, by HX-Redirect
        panel = await browser.get(
            olympiad.marking + "/progress",
            headers={**HX, "HX-Current-URL": f"http://portal.test{olympiad.marking}"},
        )
        assert panel.status_code == 204
        assert panel.headers["hx-redirect"].startswith(f"/login?next={quote(olympiad.marking)}")
        signed = await sign_in_next(browser, "jury-ivanova", olympiad.marking)
        assert signed.headers["location"] == olympiad.marking


async def sign_in_next(browser: httpx.AsyncClient, login: str, target: str) -> httpx.Response:
    form = await browser.get("/login", params={"next": target})
    return await browser.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf": csrf_of(form.text), "next": target},
    )


async def test_the_marking_pages_are_the_jurys_alone(suite: Suite, olympiad: Olympiad) -> None:
    async with signed_in(suite, "coding-orlov") as browser:
        for address in ("/marking", olympiad.marking, olympiad.marking + "/progress"):
            refused = await browser.get(address)
            assert refused.status_code == 403, address
            assert "Эта страница — для ролей: член жюри, председатель жюри" in refused.text
        csrf = await csrf_from(browser, "/")
        taken = await browser.post(olympiad.marking + "/next", data={"csrf": csrf})
        assert taken.status_code == 403


async def test_the_subject_appears_once_its_criteria_are_set(suite: Suite) -> None:
    fresh = await new_olympiad(suite, PEOPLE)
    async with signed_in(suite, "jury-ivanova") as browser:
        before = await browser.get("/marking")
        assert before.status_code == 200
        assert f'href="{fresh.marking}"' not in before.text
        await fresh.set_scheme()
        after = await browser.get("/marking")
    assert f'href="{fresh.marking}"' in after.text
    row = after.text.split(f'href="{fresh.marking}"')[0].rsplit("<tr>", 1)[1]
    assert "<td>математика</td>" in row and "<td>9</td>" in row and "0 из 3" in row
    assert "Перейти к проверке" in after.text


async def test_the_queue_page_and_its_progress_panel(suite: Suite, olympiad: Olympiad) -> None:
    await olympiad.mark(olympiad.codes[0], "jury-petrov", ["1"] * 5)
    async with signed_in(suite, "jury-ivanova") as browser:
        page = await browser.get(olympiad.marking)
        assert page.status_code == 200
        html = page.text
        assert html.startswith("<!doctype html>") and '<html lang="ru">' in html
        assert "Проверка работ: математика, 9 класс" in html
        assert re.search(
            r'<button type="submit" class="primary" autofocus>Открыть следующую работу', html
        )
        assert f'action="{olympiad.marking}/next"' in html and csrf_of(html)
        assert f'hx-get="{olympiad.marking}/progress" hx-trigger="every 30s"' in html

        code = await open_next(browser, olympiad)
        csrf = await csrf_from(browser, olympiad.marking)
        saved = await browser.post(
            f"{olympiad.marking}/works/{code}", data={"csrf": csrf, **points(["2"] * 5)}
        )
        assert saved.status_code == 303
        panel = await browser.get(olympiad.marking + "/progress", headers=HX)
    assert panel.status_code == 200
    assert panel.text.lstrip().startswith('<section id="progress"') and "<html" not in panel.text
    # checked: only a work with both marks (1 and 2 differ by less than the threshold), which is
    # Petrov's work if the queue gave her that one
    both = 1 if code == olympiad.codes[0] else 0
    assert f"Проверено {both} из 3" in panel.text
    # her own line only (§69): not the other member who marked, nor the tasks' discrepancies
    line = re.search(r"<tbody>(.*?)</tbody>", panel.text, re.S)
    assert line is not None
    assert "Иванова Елена Андреевна" in line.group(1) and ">1<" in line.group(1)
    assert "Петров" not in panel.text and "Задания: расхождения" not in panel.text


def points(values: list[str]) -> dict[str, str]:
    return {f"task-{n}": value for n, value in enumerate(values, start=1)}


async def test_next_opens_the_work_the_queue_gives_and_its_page_has_the_fields(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with signed_in(suite, "jury-ivanova") as browser:
        without_token = await browser.post(olympiad.marking + "/next")
        assert without_token.status_code == 403
        assert "Форма устарела" in without_token.text
        csrf = await csrf_from(browser, olympiad.marking)
        # htmx follows a redirect only by HX-Redirect (a 303 would be swapped into the page)
        by_htmx = await browser.post(
            olympiad.marking + "/next", headers={**HX, "X-CSRF-Token": csrf}
        )
        assert by_htmx.status_code == 204
        held = by_htmx.headers["hx-redirect"]
        assert held.startswith(olympiad.marking + "/works/")
        code = held.rsplit("/", 1)[-1]
        assert code in olympiad.codes
        # asked again, the queue answers the work she holds
        assert await open_next(browser, olympiad) == code

        page = await browser.get(held)
        other = next(c for c in olympiad.codes if c != code)
        elsewhere = await browser.get(f"{olympiad.marking}/works/{other}")
    assert page.status_code == 200
    html = page.text
    assert f'<div class="work" data-work="{code}">' in html
    assert "независимая проверка (п. 69)" in html and "третья проверка" not in html
    for n in range(1, 6):
        assert (
            f'<label for="task-{n}">Задание {n} <span class="max">(0–10, шаг 0,5)</span></label>'
            in html
        )
        field = re.search(rf'<input id="task-{n}"[^>]*>', html, re.S)
        assert field is not None
        assert 'inputmode="decimal"' in field.group(0) and 'value=""' in field.group(0)
        assert re.search(r'data-max="10(\.0+)?" data-step="0\.50?"', field.group(0))
        assert ("autofocus" in field.group(0)) is (n == 1)
    assert f'action="{olympiad.marking}/works/{code}"' in html
    assert f'action="{olympiad.marking}/works/{code}/release"' in html
    assert "/static/js/marking.js" in html and '<dialog id="keys"' in html
    assert "Страницы этой работы ещё не загружены" in html  # nothing scanned in this olympiad
    # the address of another work opens the one the server gave her
    assert elsewhere.status_code == 303 and elsewhere.headers["location"] == held


async def test_a_refused_marking_keeps_what_was_typed_and_names_the_field(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with signed_in(suite, "jury-ivanova") as browser:
        code = await open_next(browser, olympiad)
        address = f"{olympiad.marking}/works/{code}"
        csrf = await csrf_from(browser, address)
        typed = points(["11", "2,5", "abc", "", "3"])
        not_numbers = await browser.post(address, data={"csrf": csrf, **typed})
        assert not_numbers.status_code == 422
        html = not_numbers.text
        assert "Баллы не записаны: исправьте отмеченные поля." in html
        assert "Балл за задание 3 — не число: «abc»" in html
        assert "Укажите балл за задание 4." in html
        assert [field_value(html, f"task-{n}") for n in range(1, 6)] == [
            "11",
            "2,5",
            "abc",
            "",
            "3",
        ]
        assert 'aria-invalid="true" aria-describedby="task-3-error"' in html

        # numbers now: scoring refuses 11 out of 0–10 and names task 1
        over = await browser.post(
            address, data={"csrf": csrf, **points(["11", "2,5", "4", "0", "3"])}
        )
        assert over.status_code == 422
        assert 'id="task-1-error"' in over.text and "от 0 до 10" in over.text
        assert field_value(over.text, "task-1") == "11"
        assert field_value(over.text, "task-2") == "2,5"
        assert f'data-work="{code}"' in over.text  # still hers, still this work

        saved = await browser.post(
            address, data={"csrf": csrf, **points(["10", "2,5", "4", "0", "3"])}
        )
    assert saved.status_code == 303
    assert saved.headers["location"] != address  # the next work, not this one again
    works = await olympiad.call("scoring", "GET", olympiad.jury_path + "/works", Role.JURY_CHAIR)
    marked = next(w for w in works["works"] if w["work_code"] == code)
    assert marked["jury_member_ids"] == ["jury-ivanova"]


async def test_blind_marking_then_a_third_member_settles_the_dispute(
    suite: Suite, olympiad: Olympiad
) -> None:
    first = ["7,5", "3,5", "6", "2,5", "9"]
    async with signed_in(suite, "jury-ivanova") as browser:
        for _ in olympiad.codes:
            code = await open_next(browser, olympiad)
            csrf = await csrf_from(browser, f"{olympiad.marking}/works/{code}")
            saved = await browser.post(
                f"{olympiad.marking}/works/{code}", data={"csrf": csrf, **points(first)}
            )
            assert saved.status_code == 303
        # all three marked by her: nothing is left for her now
        assert saved.headers["location"] == olympiad.marking + "?done=1"
        done = await browser.get(saved.headers["location"])
        assert "Для вас работ больше нет" in done.text

    async with signed_in(suite, "jury-petrov") as browser:
        code = await open_next(browser, olympiad)
        page = await browser.get(f"{olympiad.marking}/works/{code}")
        html = page.text
        # §69: nothing of the first member's marks or name on the second member's screen
        for trace in ("Иванова", "jury-ivanova", "7,5", "7.5", "3,5", "3.5", "2,5", "2.5"):
            assert trace not in html, trace
        assert "Оценки предыдущих проверок" not in html
        assert [field_value(html, f"task-{n}") for n in range(1, 6)] == [""] * 5
        panel = await browser.get(olympiad.marking + "/progress", headers=HX)
        assert "Иванова" not in panel.text
        csrf = csrf_of(html)
        # task 1: 1 against 7,5 — more than the threshold of 2 points (§73)
        saved = await browser.post(
            f"{olympiad.marking}/works/{code}",
            data={"csrf": csrf, **points(["1", "3,5", "6", "2,5", "9"])},
        )
        assert saved.status_code == 303
    disputed = code

    async with signed_in(suite, "jury-kuzmina") as browser:
        # the disputed work comes first, with task 1 alone (§73)
        assert await open_next(browser, olympiad) == disputed
        page = await browser.get(f"{olympiad.marking}/works/{disputed}")
        html = page.text
        assert "<strong>третья проверка</strong>" in html
        assert re.findall(r'<input id="(task-\d+)"', html) == ["task-1"]
        rounds = re.search(r'<table class="grid rounds">(.*?)</table>', html, re.S)
        assert rounds is not None
        earlier = rounds.group(1)
        assert "1-я проверка" in earlier and "2-я проверка" in earlier
        assert "Иванова Елена Андреевна" in earlier and "Петров Сергей Николаевич" in earlier
        assert ">7,5<" in earlier and ">1<" in earlier
        saved = await browser.post(
            f"{olympiad.marking}/works/{disputed}", data={"csrf": csrf_of(html), "task-1": "7"}
        )
        assert saved.status_code == 303
    works = await olympiad.call("scoring", "GET", olympiad.jury_path + "/works", Role.JURY_CHAIR)
    settled = next(w for w in works["works"] if w["work_code"] == disputed)
    assert settled["status"] == "checked"
    assert settled["jury_member_ids"] == ["jury-ivanova", "jury-petrov", "jury-kuzmina"]


async def test_giving_a_work_back_frees_it(suite: Suite, olympiad: Olympiad) -> None:
    async with signed_in(suite, "jury-ivanova") as browser:
        code = await open_next(browser, olympiad)
        release = f"{olympiad.marking}/works/{code}/release"
        assert (await browser.post(release)).status_code == 403  # no CSRF token
        held = await browser.get(olympiad.marking + "/progress", headers=HX)
        assert f'<span class="code">{code}</span>' in held.text
        csrf = await csrf_from(browser, olympiad.marking)
        given_back = await browser.post(release, data={"csrf": csrf})
        assert given_back.status_code == 303
        assert given_back.headers["location"] == olympiad.marking
        freed = await browser.get(olympiad.marking + "/progress", headers=HX)
        assert f'<span class="code">{code}</span>' not in freed.text
        again = await open_next(browser, olympiad)
        by_htmx = await browser.post(
            f"{olympiad.marking}/works/{again}/release", headers={**HX, "X-CSRF-Token": csrf}
        )
    assert by_htmx.status_code == 204 and by_htmx.headers["hx-redirect"] == olympiad.marking


async def test_the_scanned_pages_are_shown_to_their_marker_alone(
    suite: Suite, olympiad: Olympiad
) -> None:
    coding = suite["coding"]
    for code in olympiad.codes:
        uploaded = await coding.client.post(
            f"/olympiads/{olympiad.olympiad_id}/scans",
            params={"filename": f"{code}.jpg", "subject_code": "math"},
            content=encode(make_page_image((answer_payload(code, 1),))),
            headers=olympiad.auth("coding", Role.SCANNER, "station-1"),
        )
        assert uploaded.status_code == 200, uploaded.text
        assert [p["work_code"] for p in uploaded.json()["pages"]] == [code]
    async with signed_in(suite, "jury-ivanova") as browser:
        code = await open_next(browser, olympiad)
        page = await browser.get(f"{olympiad.marking}/works/{code}")
        image = re.search(r'<img src="([^"]+)" alt="Работа ([^,]+), страница 1', page.text)
        assert image is not None and image.group(2) == code
        address = image.group(1).replace("&amp;", "&")
        assert (
            address.startswith(f"/scans/{olympiad.olympiad_id}/") and "to=jury-ivanova" in address
        )
        shown = await browser.get(address)
        assert shown.status_code == 200
        assert shown.headers["content-type"].startswith("image/")
        assert shown.headers["cache-control"] == "private, no-store"
    async with signed_in(suite, "jury-petrov") as browser:
        refused = await browser.get(address)
    assert refused.status_code == 403
    assert "Ссылка на страницу выдана другому члену жюри" in refused.text
