"""The public observer's pages over the real registration and scoring services (§18–19): their
assignments, a violation report with a file (kept when refused, the field named; refused on the
fourth day with the deadline), the audit trail browser with each entry's hash link, and the
integrity check that says where a rewritten chain breaks. Labelled forms, CSRF, role refusals."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from olymp_core.auth import Role
from olymp_core.clock import ManualClock, to_local
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import JURY_MATH, ORGANISER_ANYWHERE, add_account, csrf_of
from tests.integration.portal.suite import Suite, running_suite, services_clock, signed_in

pytestmark = pytest.mark.integration

TIME_ZONE = "Asia/Omsk"
SCHOOL = "МБОУ «Тевризская СОШ № 1»"
OBSERVER = "nabl-orlova"
OBSERVER_NAME = "Орлова-Ёлкина Мария Ильинична"
STRANGER = "nabl-sidorov"
ORGANISER = "mun-kuznetsova"
JURY = "jury-petrov"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@dataclass
class Observed:
    suite: Suite
    olympiad_id: uuid.UUID
    observer_id: str
    assignment_id: str
    today: dt.date

    def organiser(self) -> dict[str, str]:
        return self.suite["registration"].auth(Role.MUNICIPAL_COORDINATOR, sub=ORGANISER)


@pytest.fixture(scope="module")
async def observed(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Observed]:
    """An olympiad whose round is today, an observer accredited under their portal login and
    assigned to the round; accounts for them, an unaccredited observer, the organiser, a jury
    member."""
    workdir = tmp_path_factory.mktemp("observer-pages")
    async with running_suite(workdir, clock, backends=("registration", "scoring")) as suite:
        registration = suite["registration"]
        today = to_local(clock.now(), TIME_ZONE).date()
        created = await registration.client.post(
            "/olympiads",
            json={
                "title": "Муниципальный этап ВсОШ 2026/27, Тевризский район",
                "school_year": f"{today.year if today.month >= 9 else today.year - 1}/"
                f"{today.year + 1 if today.month >= 9 else today.year}",
                "time_zone": TIME_ZONE,
                "subjects": [
                    {
                        "subject_code": "math",
                        "day": today.isoformat(),
                        "round_start": "10:00",
                        "round_end": "14:00",
                    }
                ],
                "venues": [{"name": SCHOOL, "rooms": [{"name": "Кабинет 12", "capacity": 30}]}],
            },
            headers=registration.auth(Role.COORDINATOR),
        )
        assert created.status_code == 201, created.text
        olympiad_id = uuid.UUID(created.json()["olympiad_id"])
        organiser = registration.auth(Role.MUNICIPAL_COORDINATOR, sub=ORGANISER)
        accredited = await registration.client.post(
            f"/olympiads/{olympiad_id}/observers",
            json={
                "full_name": OBSERVER_NAME,
                "identity_document": "паспорт 5218 654321",
                "certificate_number": "ОН-017",
                "certificate_date": today.isoformat(),
                "login": OBSERVER,
            },
            headers=organiser,
        )
        assert accredited.status_code == 201, accredited.text
        observer_id = accredited.json()["observer_id"]
        assigned = await registration.client.post(
            f"/olympiads/{olympiad_id}/observers/{observer_id}/assignments",
            json={"procedure": "round", "date": today.isoformat(), "venue": SCHOOL},
            headers=organiser,
        )
        assert assigned.status_code == 201, assigned.text
        await add_account(suite.portal, OBSERVER, Grant(Role.OBSERVER), name=OBSERVER_NAME)
        await add_account(suite.portal, STRANGER, Grant(Role.OBSERVER), name="Сидоров Пётр Ильич")
        await add_account(
            suite.portal,
            ORGANISER,
            ORGANISER_ANYWHERE,
            name="Кузнецова Ольга Петровна",
        )
        await add_account(suite.portal, JURY, JURY_MATH, name="Петров Иван Ильич")
        yield Observed(suite, olympiad_id, observer_id, assigned.json()["assignment_id"], today)


class Controls(HTMLParser):
    """The form controls of a page and the labels that name them."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in ("select", "textarea") or (
            tag == "input" and found.get("type") not in ("hidden", "submit")
        ):
            self.controls.append(found)


def unlabelled(html: str) -> list[str]:
    parser = Controls()
    parser.feed(html)
    return [
        str(c.get("name"))
        for c in parser.controls
        if c.get("id") not in parser.labelled and not c.get("aria-label")
    ]


async def report_form(browser: httpx.AsyncClient, observed: Observed) -> str:
    form = await browser.get(f"/observer/{observed.olympiad_id}/report")
    assert form.status_code == 200, form.text
    return form.text


async def post_report(
    browser: httpx.AsyncClient,
    observed: Observed,
    text: str,
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
) -> httpx.Response:
    csrf = csrf_of(await report_form(browser, observed))
    return await browser.post(
        f"/observer/{observed.olympiad_id}/report",
        data={"csrf": csrf, "assignment": observed.assignment_id, "text": text},
        files=files or [("files", ("", b"", "application/octet-stream"))],
    )


async def test_the_observer_sees_their_assignment_with_the_days_to_report(
    observed: Observed,
) -> None:
    async with signed_in(observed.suite, OBSERVER) as browser:
        home = await browser.get("/")
        assert 'href="/observer"' in home.text
        page = await browser.get("/observer")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Муниципальный этап ВсОШ 2026/27, Тевризский район" in html
    assert "Удостоверение общественного наблюдателя № ОН-017" in html
    assert "проведение олимпиады (тур)" in html and SCHOOL in html
    deadline = observed.today + dt.timedelta(days=3)
    assert f"до {deadline:%d.%m.%Y} 23:59" in html
    assert f"/observer/{observed.olympiad_id}/report?assignment={observed.assignment_id}" in html


async def test_an_observer_not_accredited_is_told_whom_to_ask(observed: Observed) -> None:
    async with signed_in(observed.suite, STRANGER) as browser:
        page = await browser.get("/observer")
    assert page.status_code == 200
    assert "не записаны общественным наблюдателем ни в одной олимпиаде" in page.text


async def test_a_report_with_a_photo_reaches_the_organiser(observed: Observed) -> None:
    text = "Кабинет 12: дежурный выходил на 20 минут, участники оставались одни."
    async with signed_in(observed.suite, OBSERVER) as browser:
        form = await report_form(browser, observed)
        assert unlabelled(form) == []
        assert 'enctype="multipart/form-data"' in form
        sent = await post_report(
            browser, observed, text, [("files", ("кабинет 12.png", PNG, "image/png"))]
        )
        assert sent.status_code == 303, sent.text
        home = await browser.get(sent.headers["location"])
    assert "Сообщение о нарушении направлено организатору" in home.text
    assert "«кабинет 12.png»" in home.text
    assert text in home.text and "рассматривается" in home.text
    listed = await observed.suite["registration"].client.get(
        f"/olympiads/{observed.olympiad_id}/violation-reports", headers=observed.organiser()
    )
    (report,) = [r for r in listed.json()["reports"] if r["text"] == text]
    assert report["observer_login"] == OBSERVER
    assert [(a["file_name"], a["size"]) for a in report["attachments"]] == [
        ("кабинет 12.png", len(PNG))
    ]


async def test_a_refused_report_keeps_the_text_and_names_the_field(
    observed: Observed, clock: ManualClock
) -> None:
    async with signed_in(observed.suite, OBSERVER) as browser:
        empty = await post_report(browser, observed, "   ")
        assert empty.status_code == 422, empty.text
        assert "Опишите нарушение" in empty.text
        assert re.search(r'<textarea id="text"[^>]*aria-invalid="true"', empty.text, re.S)

        # the fourth day in the olympiad's zone: the services' clock moves, the form stays
        kept = "Участникам вернули телефоны до сдачи работ."
        now = clock.now()
        clock.set(now + dt.timedelta(days=4))
        try:
            late = await post_report(browser, observed, kept)
        finally:
            clock.set(now)
    assert late.status_code == 422, late.text
    deadline = observed.today + dt.timedelta(days=3)
    assert f"Срок подачи истёк {deadline:%d.%m.%Y} в 23:59 (время {TIME_ZONE})" in late.text
    assert kept in late.text
    assert re.search(r'<select id="assignment"[^>]*aria-invalid="true"', late.text, re.S)


async def test_a_report_without_the_forms_token_is_refused(observed: Observed) -> None:
    async with signed_in(observed.suite, OBSERVER) as browser:
        forged = await browser.post(
            f"/observer/{observed.olympiad_id}/report",
            data={"csrf": "подделка", "assignment": observed.assignment_id, "text": "Текст."},
            files=[("files", ("", b"", "application/octet-stream"))],
        )
    assert forged.status_code == 403


async def test_the_trail_browser_shows_each_entry_with_its_hash_link(observed: Observed) -> None:
    async with signed_in(observed.suite, OBSERVER) as browser:
        page = await browser.get("/observer/audit", params={"service": "registration"})
        assert page.status_code == 200, page.text
        assert unlabelled(page.text) == []
        html = page.text
        assert "olympiad.created" in html and "observer.accredited" in html
        assert "наблюдатель аккредитован" in html
        assert "✓ продолжает № 1" in html
        assert "первая запись журнала" in html
        assert "✗" not in html
        assert "паспорт" not in html  # the identity document never enters the trail
        filtered = await browser.get(
            "/observer/audit", params={"service": "registration", "action": "observer."}
        )
        assert "observer.assigned" in filtered.text and "olympiad.created" not in filtered.text
        assert "Регистрация, площадки, наблюдатели: записи, новые сверху" in filtered.text
        future = (to_local(dt.datetime.now(dt.UTC), TIME_ZONE) + dt.timedelta(days=30)).strftime(
            "%Y-%m-%dT%H:%M"
        )
        later = await browser.get(
            "/observer/audit",
            params={"service": "registration", "since": future, "tz": TIME_ZONE},
        )
        assert "Записей по этим условиям нет" in later.text
        wrong = await browser.get(
            "/observer/audit", params={"service": "registration", "since": "вчера"}
        )
        assert wrong.status_code == 422
        assert re.search(
            r'<input type="datetime-local" id="since"[^>]*aria-invalid="true"', wrong.text
        )


async def test_the_check_says_intact_or_where_a_rewritten_chain_breaks(
    observed: Observed,
) -> None:
    scoring = observed.suite["scoring"]
    for n in range(1, 4):
        async with scoring.uows() as uow:
            await uow.audit(
                actor="jury-petrov",
                action="work.marked",
                object_type="work",
                object_id=f"МАТ-9-{n:03d}",
                payload={"task_scores": {"1": "7.5"}},
            )
            await uow.commit()
    async with signed_in(observed.suite, OBSERVER) as browser:
        intact = await browser.get(
            "/observer/audit", params={"service": "scoring", "verify": "scoring"}
        )
        assert intact.status_code == 200, intact.text
        assert re.search(r'id="verdict-scoring"><strong>цела</strong>', intact.text)
        assert "Цепочка записей цела" in intact.text

        engine = create_async_engine(scoring.database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                seq = await conn.scalar(
                    sa.text("SELECT seq FROM audit_log WHERE object_id = 'МАТ-9-002'")
                )
                await conn.execute(
                    sa.text(
                        'UPDATE audit_log SET payload = \'{"task_scores": {"1": "10"}}\' '
                        "WHERE seq = :seq"
                    ),
                    {"seq": seq},
                )
        finally:
            await engine.dispose()

        broken = await browser.get(
            "/observer/audit", params={"service": "scoring", "verify": "all"}
        )
    html = broken.text
    assert re.search(r'id="verdict-scoring"><strong class="pending">нарушена</strong>', html)
    assert f"запись № {seq} изменена после внесения" in html
    assert re.search(r'id="verdict-registration"><strong>цела</strong>', html)
    assert "✗ содержимое не совпадает с хешем" in html
    assert html.count("✗ содержимое не совпадает с хешем") == 1


@pytest.mark.parametrize(
    ("login", "path", "status"),
    [
        (ORGANISER, "/observer/audit", 200),  # the organiser reads the trail too
        (ORGANISER, "/observer", 403),  # but has no assignments to report on
        (JURY, "/observer/audit", 403),
        (JURY, "/observer", 403),
    ],
)
async def test_who_opens_what(observed: Observed, login: str, path: str, status: int) -> None:
    async with signed_in(observed.suite, login) as browser:
        opened = await browser.get(path)
    assert opened.status_code == status, opened.text
