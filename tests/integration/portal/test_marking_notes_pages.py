"""The comment and the annotations of the marking screen over httpx, against the real registration,
coding and scoring: sent with the points, kept on a refusal, shown to the third member only."""

from __future__ import annotations

import html as markup
import json
import re
from collections.abc import AsyncIterator

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import add_account, csrf_of
from tests.integration.portal.suite import (
    Olympiad,
    Suite,
    new_olympiad,
    participant,
    running_suite,
    services_clock,
    signed_in,
)
from tests.integration.portal.test_marking_pages import open_next, points

pytestmark = pytest.mark.integration

MATH = {ScopeKind.SUBJECT: frozenset({"math"})}
JURY = {
    "jury-ivanova": "Иванова Елена Андреевна",
    "jury-petrov": "Петров Сергей Николаевич",
    "jury-kuzmina": "Кузьмина-Ветрова Ольга Ильинична",
}
PAGE_ID = "5a1d2c3b-0000-4000-8000-0000000000aa"
SAYS = "Задание 1: «ответ без обоснования» — 1 балл."
MARKS = [
    {"page_id": PAGE_ID, "kind": "tick", "x": 0.3, "y": 0.15},
    {"page_id": PAGE_ID, "kind": "box", "x": 0.5, "y": 0.1, "width": 0.2, "height": 0.1,
     "text": "нет обоснования"},
]  # fmt: skip


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@pytest.fixture(scope="module")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Suite]:
    async with running_suite(tmp_path_factory.mktemp("notes-suite"), clock) as found:
        for login, name in JURY.items():
            await add_account(found.portal, login, Grant(Role.JURY_MEMBER, MATH), name=name)
        await add_account(
            found.portal,
            "chair-smirnova",
            Grant(Role.JURY_CHAIR, MATH),
            name="Смирнова Нина Петровна",
        )
        yield found


@pytest.fixture
async def olympiad(suite: Suite) -> Olympiad:
    found = await new_olympiad(
        suite, (participant("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"),)
    )
    await found.set_scheme()
    return found


def kept_annotations(page: str) -> str:
    found = re.search(
        r'<input type="hidden" name="annotations" id="annotations" value="([^"]*)"', page
    )
    assert found, "no annotations field"
    return markup.unescape(found.group(1))


async def test_notes_go_with_the_points_and_only_the_third_member_reads_them(
    suite: Suite, olympiad: Olympiad
) -> None:
    async with signed_in(suite, "jury-ivanova") as browser:
        code = await open_next(browser, olympiad)
        address = f"{olympiad.marking}/works/{code}"
        page = (await browser.get(address)).text
        assert 'name="comment"' in page and 'maxlength="2000"' in page
        assert 'data-tool="box"' in page and 'id="note-dialog"' in page
        form = {"csrf": csrf_of(page), "comment": SAYS, "annotations": json.dumps(MARKS)}
        # refused points: the comment and the marks on the scan come back as they were sent
        refused = await browser.post(address, data={**form, **points(["11", "1", "1", "1", "1"])})
        assert refused.status_code == 422
        assert markup.escape(SAYS, quote=False) in refused.text
        assert json.loads(kept_annotations(refused.text)) == MARKS
        # a damaged annotations field is refused as such, with the points kept
        damaged = await browser.post(
            address, data={**form, "annotations": "[{", **points(["1", "1", "1", "1", "1"])}
        )
        assert damaged.status_code == 422
        assert "Пометки на страницах не прочитаны" in damaged.text
        saved = await browser.post(address, data={**form, **points(["1", "1", "1", "1", "1"])})
        assert saved.status_code == 303, saved.text

    async with signed_in(suite, "jury-petrov") as browser:
        assert await open_next(browser, olympiad) == code
        page = (await browser.get(address)).text
        # blind (§69): neither the first's comment nor her marks on the scan
        assert "ответ без обоснования" not in page and "rounds-annotations" not in page
        assert kept_annotations(page) == ""
        saved = await browser.post(
            address, data={"csrf": csrf_of(page), **points(["9", "1", "1", "1", "1"])}
        )
        assert saved.status_code == 303

    async with signed_in(suite, "jury-kuzmina") as browser:
        assert await open_next(browser, olympiad) == code
        page = (await browser.get(address)).text
        assert "1-я проверка:</strong> " + markup.escape(SAYS, quote=False) in page
        layers = re.search(
            r'<script type="application/json" id="rounds-annotations">(.*?)</script>', page, re.S
        )
        assert layers is not None
        first, second = json.loads(layers.group(1))
        assert [(a["kind"], a["x"], a["y"]) for a in first] == [
            ("tick", 0.3, 0.15),
            ("box", 0.5, 0.1),
        ]
        assert first[1]["text"] == "нет обоснования" and second == []
        assert "1-я проверка (2)" in page and "2-я проверка (0)" in page

    # the chair opens the work from the course of checking: every round, labelled, with the notes
    async with signed_in(suite, "chair-smirnova") as browser:
        overview = (await browser.get(olympiad.chair)).text
        review_address = f"{olympiad.chair}/works/{code}"
        assert f'href="{review_address}"' in overview
        review = await browser.get(review_address)
        assert review.status_code == 200, review.text
        page = review.text
        assert "Оценки по проверкам" in page and "3-я проверка" not in page
        assert "Иванова Елена Андреевна" in page and "Петров Сергей Николаевич" in page
        assert "1-я проверка:</strong> " + markup.escape(SAYS, quote=False) in page
        assert "значительное расхождение оценок (п. 73)" in page  # task 1: 1 against 9
        assert 'data-tool="box"' not in page and 'name="comment"' not in page  # nothing to edit
        layers = re.search(
            r'<script type="application/json" id="rounds-annotations">(.*?)</script>', page, re.S
        )
        assert layers is not None and len(json.loads(layers.group(1))[0]) == 2
    async with signed_in(suite, "jury-petrov") as browser:
        assert (await browser.get(review_address)).status_code == 403  # the chair's alone
