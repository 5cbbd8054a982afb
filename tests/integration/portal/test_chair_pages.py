"""The jury chair's pages over httpx, against the real registration, coding, scoring and publishing:
the course of checking per member and per task, annulment, the criteria, the ties at the quota
boundary (§117), the submission of the final table (§121) and the protocols."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock, to_local
from olymp_core.contracts.appeals import AppealsState
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import add_account, client_of, csrf_of
from tests.integration.portal.suite import (
    Olympiad,
    Suite,
    new_olympiad,
    participant,
    running_suite,
    services_clock,
    signed_in,
)

pytestmark = pytest.mark.integration

MATH = {ScopeKind.SUBJECT: frozenset({"math"})}
CHAIR = "chair-smirnova"
CHAIR_NAME = "Смирнова Татьяна Юрьевна"
JURY = {
    "jury-ivanova": "Иванова Елена Андреевна",
    "jury-petrov": "Петров Сергей Николаевич",
    "jury-kuzmina": "Кузьмина-Ветрова Ольга Ильинична",
}
HX = {"HX-Request": "true"}
THREE = (
    participant("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"),
    participant("Ёлкин", "Семён", "Ильич", "МБОУ «Лицей»"),
    participant("Римская-Корсакова", "Варвара", "Петровна", "МБОУ «СОШ № 2»"),
)
# six ranked, 45 % of them rounded down: two places; 48 wins, three share 35,5 for the one left
RANKED = {
    ("Абрамов", "Пётр", "Ильич", "МБОУ «СОШ № 2»"): ["10", "10", "10", "10", "8"],
    ("Ёлкина", "Анна", "Владимировна", "МБОУ «Лицей»"): ["10", "10", "10", "5.5", "0"],
    ("Ельцова", "Ирина", "Сергеевна", "МБОУ «СОШ № 2»"): ["10", "10", "10", "5.5", "0"],
    ("Жукова", "Мария", "Петровна", "МБОУ «Гимназия № 1»"): ["10", "10", "10", "5.5", "0"],
    ("Жуков", "Семён", "Петрович", "МБОУ «Гимназия № 1»"): ["6"] * 5,
    ("Римская-Корсакова", "Алёна", "Фёдоровна", "МБОУ «Лицей»"): ["4"] * 5,
}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Suite]:
    async with running_suite(tmp_path_factory.mktemp("chair-suite"), clock) as found:
        await add_account(found.portal, CHAIR, Grant(Role.JURY_CHAIR, MATH), name=CHAIR_NAME)
        for login, name in JURY.items():
            await add_account(found.portal, login, Grant(Role.JURY_MEMBER, MATH), name=name)
        physics = Grant(Role.JURY_CHAIR, {ScopeKind.SUBJECT: frozenset({"physics"})})
        await add_account(found.portal, "chair-volkov", physics, name="Волков Игорь Петрович")
        yield found


@pytest.fixture
async def olympiad(suite: Suite) -> Olympiad:
    """Three works of mathematics, grade 9, criteria set (5 tasks of 10, step 0,5), unmarked."""
    found = await new_olympiad(suite, THREE)
    await found.set_scheme()
    return found


async def ranked_olympiad(suite: Suite) -> Olympiad:
    """Six works marked alike by two members, every one checked, decoded: the preliminary table
    is published with a tie of three at 35,5 on the quota boundary."""
    found = await new_olympiad(suite, [participant(*person) for person in RANKED])
    await found.set_scheme()
    for person, marks in RANKED.items():
        code = found.code_of(person[0] + " " + person[1])
        for member in ("jury-ivanova", "jury-petrov"):
            await found.mark(code, member, marks)
    await found.decode()
    return found


def section(html: str, element_id: str) -> str:
    found = re.search(rf'<section id="{element_id}".*?</section>', html, re.S)
    assert found, f"no section #{element_id}"
    return found.group(0)


def squash(html: str) -> str:
    """The text with its runs of white space made one space (templates break lines freely)."""
    return " ".join(html.split())


def text_of(html: str) -> str:
    """What a person reads: the text without its tags, white space made one space."""
    return squash(re.sub(r"<[^>]+>", " ", html))


def row_of(html: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell reads `first_cell`."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r}")


async def test_signed_out_the_chairs_pages_send_to_sign_in(suite: Suite) -> None:
    olympiad_page = "/chair/00000000-0000-4000-8000-000000000001/math/9/results"
    async with client_of(suite.portal) as browser:
        page = await browser.get(olympiad_page)
        assert page.status_code == 303
        assert page.headers["location"].startswith(f"/login?next={quote(olympiad_page)}&why=")
        panel = await browser.get(
            "/chair/00000000-0000-4000-8000-000000000001/math/9/progress",
            headers={**HX, "HX-Current-URL": f"http://portal.test{olympiad_page}"},
        )
    assert panel.status_code == 204
    assert panel.headers["hx-redirect"].startswith(f"/login?next={quote(olympiad_page)}")


async def test_the_chairs_pages_refuse_a_member_and_the_chair_of_another_subject(
    suite: Suite, olympiad: Olympiad
) -> None:
    pages = ["", "/progress", "/scheme", "/results", "/protocols/checking.pdf"]
    async with signed_in(suite, "jury-ivanova") as browser:
        assert (await browser.get("/chair")).status_code == 403
        for page in pages:
            refused = await browser.get(olympiad.chair + page)
            assert refused.status_code == 403, page
            assert "Эта страница — для ролей: председатель жюри" in refused.text
        csrf = csrf_of((await browser.get("/")).text)
        ruled = await browser.post(
            olympiad.chair + "/ties", data={"csrf": csrf, "total": "1", "status": "призёр"}
        )
        assert ruled.status_code == 403
    # the physics chair is a chair, but the services refuse him mathematics
    async with signed_in(suite, "chair-volkov") as browser:
        for page in pages:
            refused = await browser.get(olympiad.chair + page)
            assert refused.status_code == 403, page
            assert 'class="error" role="alert"' in refused.text


async def test_the_chairs_start_page_leads_to_each_subject_grade(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with signed_in(suite, CHAIR) as browser:
        home = await browser.get("/")
        page = await browser.get("/chair")
    assert 'href="/chair"' in home.text and "Работа председателя жюри" in home.text
    assert page.status_code == 200
    line = re.search(rf'<li><a href="{olympiad.chair}">(.*?)</li>', page.text, re.S)
    assert line is not None
    assert "Математика, 9 класс" in line.group(1) and "проверено 0 из 3" in line.group(1)
    assert f'href="{olympiad.chair}/results"' in line.group(1)


async def test_the_course_of_checking_per_member_and_per_task(
    suite: Suite, olympiad: Olympiad
) -> None:
    first, second, third = olympiad.codes
    for code in (first, second, third):
        await olympiad.mark(code, "jury-ivanova", ["8", "5", "5", "5", "5"])
    await olympiad.mark(first, "jury-petrov", ["2", "5", "5", "5", "5"])  # task 1 differs by 6
    await olympiad.mark(second, "jury-petrov", ["8", "5", "5", "5", "4.5"])
    # the third member takes the disputed work (it comes first, §73) and holds it
    claim = await olympiad.call(
        "scoring", "POST", olympiad.jury_path + "/claims", Role.JURY_MEMBER, sub="jury-kuzmina"
    )
    assert claim["work_code"] == first and claim["third_mark"] is True

    async with signed_in(suite, CHAIR) as browser:
        page = await browser.get(olympiad.chair)
        panel = await browser.get(olympiad.chair + "/progress", headers=HX)
    assert page.status_code == 200 and '<html lang="ru">' in page.text
    html = page.text
    assert "Математика, 9 класс: ход проверки" in html
    assert f'href="{olympiad.chair}/scheme"' in html and f'href="{olympiad.chair}/results"' in html
    progress = section(html, "progress")
    assert f'hx-get="{olympiad.chair}/progress" hx-trigger="every 30s"' in progress
    assert "Проверено 1 из 3 · ожидают проверки 1 · требуют третьей проверки 1" in squash(progress)
    # per member: works marked, third marks, works with both marks, disputed of them, the share
    assert row_of(progress, JURY["jury-ivanova"]) == [
        JURY["jury-ivanova"], "3", "0", "2", "1", "50 %", "—"
    ]  # fmt: skip
    assert row_of(progress, JURY["jury-petrov"]) == [
        JURY["jury-petrov"], "2", "0", "2", "1", "50 %", "—"
    ]  # fmt: skip
    assert row_of(progress, JURY["jury-kuzmina"]) == [
        JURY["jury-kuzmina"], "0", "0", "0", "0", "—", f"{first} (третья проверка)"
    ]  # fmt: skip
    # per task: marks, pairs, significant discrepancies, the share, third marks awaited and held
    assert row_of(progress, "1") == ["1", "5", "2", "1", "50 %", "1", "1"]
    assert row_of(progress, "5") == ["5", "5", "2", "0", "0 %", "0", "0"]
    # the works, each with its annulment form, its reason list labelled
    for code in (first, second, third):
        assert f'<tr id="work-{code}">' in html
        assert f'<label for="reason-{code}" class="sr-only">' in html
    # the htmx refresh is the panel alone, the same figures
    assert panel.status_code == 200
    assert panel.text.lstrip().startswith('<section id="progress"') and "<html" not in panel.text
    assert row_of(panel.text, "1") == row_of(progress, "1")


async def test_annulment_swaps_the_works_row_with_its_reason(
    suite: Suite, olympiad: Olympiad
) -> None:
    code = olympiad.codes[0]
    url = f"{olympiad.chair}/works/{code}/annulment"
    async with signed_in(suite, CHAIR) as browser:
        csrf = csrf_of((await browser.get(olympiad.chair)).text)
        assert (
            await browser.post(url, data={"reason": "identifying_marks"}, headers=HX)
        ).status_code == 403
        token = {**HX, "X-CSRF-Token": csrf}
        no_reason = await browser.post(url, data={"reason": ""}, headers=token)
        assert no_reason.status_code == 422  # the page's htmx swaps 422 in: the reason shows
        assert no_reason.text.lstrip().startswith(f'<tr id="work-{code}">')
        assert "Выберите основание аннулирования из списка." in no_reason.text
        done = await browser.post(url, data={"reason": "identifying_marks"}, headers=token)
        assert done.status_code == 200
        assert done.text.lstrip().startswith(f'<tr id="work-{code}">') and "<html" not in done.text
        assert (
            "аннулирована: пометки, позволяющие идентифицировать участника (п. 47, 52, 68)"
            in done.text
        )
        assert "<form" not in done.text
        again = await browser.post(url, data={"reason": "removed_from_venue"}, headers=token)
        assert again.status_code == 422
        assert 'class="field-error" role="alert"' in again.text
        page = await browser.get(olympiad.chair)
    assert "аннулировано 1" in section(page.text, "progress")


async def test_the_criteria_form_keeps_what_was_typed_when_refused(suite: Suite) -> None:
    fresh = await new_olympiad(suite, THREE)
    url = fresh.chair + "/scheme"
    async with signed_in(suite, CHAIR) as browser:
        empty = await browser.get(url)
        assert "Критерии ещё не заданы" in empty.text
        csrf = csrf_of(empty.text)
        typed = {"csrf": csrf, "max-1": "десять", "max-2": "10", "step": "0,5",
                 "threshold_kind": "points", "threshold_value": "2", "rule": "third_mark_decides"}  # fmt: skip
        refused = await browser.post(url, data=typed)
        assert refused.status_code == 422
        assert "Максимальный балл задания 1 — не число: «десять»." in refused.text
        assert (
            'id="max-1" name="max-1" inputmode="decimal" autocomplete="off" value="десять"'
            in refused.text
        )
        saved = await browser.post(url, data={**typed, "max-1": "10"}, headers=HX)
        assert saved.status_code == 204 and saved.headers["hx-redirect"] == url + "?saved=1"
        shown = await browser.get(url + "?saved=1")
        assert "Критерии сохранены" in shown.text
        assert 'name="max-2" inputmode="decimal" autocomplete="off" value="10"' in shown.text
        assert 'id="step" name="step" inputmode="decimal" value="0,5"' in shown.text
        await fresh.mark(fresh.codes[0], "jury-ivanova", ["1", "1"])
        locked = await browser.post(url, data={**typed, "max-1": "20"})
    assert locked.status_code == 422
    assert "уже оцениваются" in locked.text and 'value="20"' in locked.text


async def test_before_decoding_there_is_nothing_to_rule_and_the_submission_says_why(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with signed_in(suite, CHAIR) as browser:
        page = await browser.get(olympiad.chair + "/results")
    assert page.status_code == 200
    html = page.text
    assert "Итоги: математика, 9 класс" in html
    ties = section(html, "ties")
    assert "Предварительных результатов ещё нет" in ties and "расшифровка" in ties
    final = section(html, "final")
    assert "Передать итоговую таблицу пока нельзя" in final
    assert "предварительные результаты ещё не сформированы" in final
    assert re.search(r'<button type="submit" class="primary" id="final-submit" disabled>', final)
    assert 'aria-describedby="submit-blocked"' in final
    protocols = section(html, "protocols")
    assert f'href="{olympiad.chair}/protocols/checking.pdf"' in protocols
    assert "появятся после публикации предварительных результатов" in protocols


def tie_form(
    csrf: str, status: str, *, confirm: bool = True, total: str = "35.5"
) -> dict[str, str]:
    return {
        "csrf": csrf,
        "total": total,
        "status": status,
        **({"confirm": "yes"} if confirm else {}),
    }


async def test_p117_the_chair_rules_on_the_tie_at_the_quota_boundary(suite: Suite) -> None:
    olympiad = await ranked_olympiad(suite)
    url = olympiad.chair + "/ties"
    async with signed_in(suite, CHAIR) as browser:
        page = await browser.get(olympiad.chair + "/results")
        assert page.status_code == 200
        ties = section(page.text, "ties")
        assert "участников в рейтинге 6, максимальный балл 50" in squash(ties)
        assert "не более 2" in squash(ties)
        assert "Сумма баллов 35,5 — участников: 3, места 2–4" in ties
        assert "Мест по квоте для этой группы осталось: 1." in ties
        # who is in the group: place, work code, full name (after decoding, as in the protocol)
        members = [row_of(ties, str(n)) for n in (2, 3, 4)]
        assert [(m[1], m[2], m[3]) for m in members] == [
            ("2–4", olympiad.code_of("Ёлкина Анна"), "Ёлкина Анна Владимировна"),
            ("2–4", olympiad.code_of("Ельцова"), "Ельцова Ирина Сергеевна"),
            ("2–4", olympiad.code_of("Жукова"), "Жукова Мария Петровна"),
        ]
        assert "Решение не принято." in ties and "статус «участник»" in ties
        # what the rule allows for the whole group, each choice labelled; a confirmation to tick
        assert re.findall(r'name="status" value="([^"]+)"', ties) == ["призёр", "участник"]
        assert '<label for="tie-35-5-1">призёр</label>' in ties
        assert (
            '<input type="checkbox" id="tie-35-5-confirm" name="confirm" value="yes" required'
            in ties
        )
        assert '<label for="tie-35-5-confirm">' in ties
        assert f'hx-post="{url}" hx-target="#ties" hx-swap="outerHTML"' in ties
        final = section(page.text, "final")
        assert "нет решения председателя жюри по участникам с равной суммой баллов 35,5" in final
        assert re.search(r'id="final-submit" disabled>', final)
        csrf = csrf_of(page.text)
        forged = tie_form(csrf, "призёр") | {"csrf": "token-of-another-session"}
        assert (await browser.post(url, data=forged)).status_code == 403

        unconfirmed = await browser.post(url, data=tie_form(csrf, "призёр", confirm=False))
        assert unconfirmed.status_code == 422 and "<html" in unconfirmed.text
        kept = section(unconfirmed.text, "ties")
        assert "Подтвердите решение" in kept
        assert re.search(r'value="призёр" required\s+checked>', kept)  # the choice stays
        assert 'aria-describedby="tie-35-5-error"' in kept

        # a status the rule does not allow (a page left open before a change): publishing refuses
        winner = await browser.post(url, data=tie_form(csrf, "победитель"))
        assert winner.status_code == 422
        assert "можно установить статус «призёр» или «участник», а не «победитель»" in winner.text

        # a total that stands at no boundary, by htmx: the reason on top of the part
        nowhere = await browser.post(
            url, data=tie_form(csrf, "призёр", total="20"), headers={**HX, "X-CSRF-Token": csrf}
        )
        assert nowhere.status_code == 422
        assert nowhere.text.lstrip().startswith('<section id="ties"')
        assert "не стоят на границе квоты" in nowhere.text

        ruled = await browser.post(
            url, data=tie_form(csrf, "призёр"), headers={**HX, "X-CSRF-Token": csrf}
        )
        assert ruled.status_code == 200
        part = ruled.text
        assert part.lstrip().startswith('<section id="ties"') and "<html" not in part
        assert "Решение по группе участников с суммой баллов 35,5 записано." in part
        decision = squash(section(part, "ties"))
        assert "Решение председателя жюри: всем участникам группы — статус «призёр»" in decision
        assert f"({CHAIR_NAME}, {to_local(suite.clock.now(), 'Asia/Omsk'):%d.%m.%Y}" in decision
        assert "<summary>Изменить решение</summary>" in decision
        # the submission part comes along out of band: nothing blocks it now
        assert '<section id="final" aria-labelledby="final-title" hx-swap-oob="true">' in part
        assert re.search(r'id="final-submit">Передать на утверждение', section(part, "final"))

        # without script: a redirect back to the page, which tells what was recorded
        changed = await browser.post(url, data=tie_form(csrf, "участник"))
        assert changed.status_code == 303
        assert changed.headers["location"] == olympiad.chair + "/results?decided=35.5"
        after = await browser.get(changed.headers["location"])
    assert "статус «участник»" in section(after.text, "ties")
    assert "Передать итоговую таблицу пока нельзя" not in after.text


async def test_p121_the_submission_the_appeals_the_term_and_the_protocols(suite: Suite) -> None:
    olympiad = await ranked_olympiad(suite)
    publishing = suite["publishing"]
    results = olympiad.chair + "/results"
    await olympiad.call(
        "publishing", "POST", olympiad.jury_path + "/tie-decisions", Role.JURY_CHAIR,
        sub=CHAIR, json={"total": "35.5", "status": "призёр"},
    )  # fmt: skip
    async with signed_in(suite, CHAIR) as browser:
        page = await browser.get(results)
        final = section(page.text, "final")
        assert "Передана на утверждение</dt>" in final and "<dd>нет</dd>" in final
        assert "осталось 21 дн." in final and "дн.." not in final and 'class="term"' in final
        csrf = csrf_of(page.text)
        no_token = await browser.post(olympiad.chair + "/final/submission", data={"confirm": "yes"})
        assert no_token.status_code == 403
        unconfirmed = await browser.post(olympiad.chair + "/final/submission", data={"csrf": csrf})
        assert unconfirmed.status_code == 422
        assert "Подтвердите передачу" in section(unconfirmed.text, "final")
        assert 'aria-describedby="submit-error"' in unconfirmed.text
        submitted = await browser.post(
            olympiad.chair + "/final/submission", data={"csrf": csrf, "confirm": "yes"}
        )
        assert submitted.status_code == 303
        assert submitted.headers["location"] == results + "?submitted=1"
        # asked again by htmx (a second click): the submission stands once, htmx is redirected
        again = await browser.post(
            olympiad.chair + "/final/submission",
            data={"confirm": "yes"},
            headers={**HX, "X-CSRF-Token": csrf},
        )
        assert again.status_code == 204 and again.headers["hx-redirect"] == results + "?submitted=1"
        shown = await browser.get(results + "?submitted=1")
        final = text_of(section(shown.text, "final"))
        assert "Итоговая таблица передана организатору на утверждение." in final
        assert f"Передана на утверждение {CHAIR_NAME}, " in final and "(Asia/Omsk)" in final
        assert "final-submit" not in shown.text  # nothing more to press

        # the appeals' state arrives from the appeals service: the window open, one undecided
        deadline = suite.clock.now() + dt.timedelta(days=2)
        state = AppealsState(
            olympiad_id=olympiad.olympiad_id,
            subject_code="math",
            deadline=deadline,
            undecided_by_grade={"9": 1},
            revision=1,
        )
        await publishing.deliver(state)
        waiting = text_of(section((await browser.get(results)).text, "final"))
        local_deadline = f"{to_local(deadline, 'Asia/Omsk'):%d.%m.%Y %H:%M} (Asia/Omsk)"
        assert f"Приём апелляций (п. 96) до {local_deadline}" in waiting
        assert "Апелляций без решения (п. 112–114) 1" in waiting
        assert "Организатор не сможет утвердить итоговые результаты, пока:" in waiting
        assert "приём апелляций открыт до" in waiting
        assert "апелляций этой параллели без решения апелляционной комиссии: 1" in waiting

        # day 18 after the round: the term warns; the appeals are over
        suite.clock.advance(dt.timedelta(days=18))
        await publishing.deliver(state.model_copy(update={"undecided_by_grade": {}, "revision": 2}))
        warned = section((await browser.get(results)).text, "final")
        assert 'class="term warning"' in warned and "Срок истекает." in warned
        assert "осталось 3 дн." in warned
        assert "Организатор не сможет" not in warned

        # the organiser approves: the final version is out, and both versions have protocols
        approved = await publishing.client.post(
            olympiad.jury_path + "/final", headers=publishing.auth(Role.MUNICIPAL_COORDINATOR)
        )
        assert approved.status_code == 201, approved.text
        page = await browser.get(results)
        assert "Итоговые результаты утверждены и опубликованы: версия 2" in page.text
        protocols = section(page.text, "protocols")
        assert row_of(protocols, "2")[1] == "итоговые результаты"
        assert row_of(protocols, "1")[1] == "предварительные результаты"
        for kind in ("results", "jury", "analytic"):
            for extension in ("pdf", "xlsx"):
                link = f"{olympiad.chair}/protocols/{kind}.{extension}?version=1"
                assert f'href="{link}"' in protocols
        analytic = await browser.get(
            olympiad.chair + "/protocols/analytic.pdf", params={"version": 2}
        )
        assert analytic.status_code == 200 and analytic.content.startswith(b"%PDF")
        pdf = await browser.get(olympiad.chair + "/protocols/results.pdf", params={"version": 1})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"] == (
            'attachment; filename="results-protocol-math-9-v1.pdf"'
        )
        assert pdf.headers["cache-control"] == "private, no-store"
        sheet = await browser.get(olympiad.chair + "/protocols/jury.xlsx", params={"version": 2})
        assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
        assert "jury-protocol-math-9-v2.xlsx" in sheet.headers["content-disposition"]
        checking = await browser.get(olympiad.chair + "/protocols/checking.pdf")
        assert checking.status_code == 200 and checking.content.startswith(b"%PDF")
        assert checking.headers["content-disposition"].startswith("attachment;")
        missing = await browser.get(
            olympiad.chair + "/protocols/results.pdf", params={"version": 9}
        )
        assert missing.status_code == 404 and "не опубликованы" in missing.text

        # past day 21: the term is missed, and the page says so
        suite.clock.advance(dt.timedelta(days=4))
        late = section((await browser.get(results)).text, "final")
    assert 'class="term overdue"' in late and "Срок пропущен." in late and "истёк" in late
