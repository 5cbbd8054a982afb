"""§78, App. 13: the analytic report of a published version, against a real scoring service.

Scoring marks the works (two members, a third on a disputed task), annuls one and states the
checked grade over the broker; publishing publishes the preliminary table and builds the report
from it and from scoring's checking protocol (App. 10), which it asks for with the caller's token.
The PDF's text and the XLSX are checked against the marks; page 1 is drawn so that a broken font
fails here.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa
import uvicorn
from openpyxl import load_workbook
from starlette.types import ASGIApp

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind, generate_local_key
from olymp_core.clock import ManualClock
from olymp_core.contracts.coding import DecodedWork, WorkCoded, WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.testing.databases import TEST_VHOST, amqp_url_of, ensure_test_vhost
from olymp_core.testing.service import ServiceHarness, running_service

from .conftest import PUBLISHED_AT, Subject

pytestmark = pytest.mark.integration

GYMNASIUM = "МБОУ «Гимназия № 1 имени Ф. М. Достоевского»"
SCHOOL_2 = "МКОУ «Усть-Ишимская СОШ № 2»"
LYCEUM = "МБОУ «Лицей № 64»"
CHAIR = "chair-smirnova"

# surname, name, patronymic, school; then each member's marks of tasks 1 and 2 (None: annulled)
PEOPLE = (
    ("Жукова", "Мария", "Петровна", GYMNASIUM, {"jury-a": "10 9", "jury-b": "10 8"}),
    ("Абрамов", "Пётр", "Ильич", SCHOOL_2, {"jury-a": "8 6", "jury-b": "3 6", "jury-c": "7"}),
    ("Ёлкина", "Анна", "Владимировна", GYMNASIUM, {"jury-a": "6 5", "jury-b": "6 5"}),
    ("Кузнецова", "Дарья", "Олеговна", LYCEUM, {"jury-b": "4 2", "jury-c": "4 2"}),
    ("Петров-Водкин", "Кирилл", "Сергеевич", SCHOOL_2, {"jury-c": "0 10", "jury-a": "0 10"}),
    ("Морозов", "Денис", "", LYCEUM, None),
)


async def until_true(probe: object, what: str, within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while not await probe():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out after {within_s} s waiting for {what}"
        await asyncio.sleep(0.1)


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """`app` over HTTP on a free loopback port (its lifespan is the harness's)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    )
    task = asyncio.create_task(server.serve(sockets=[listener]))

    async def started() -> bool:
        assert not task.done(), f"the server on port {port} stopped"
        return server.started

    try:
        await until_true(started, f"the HTTP server on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


@dataclass
class Pair:
    scoring: ServiceHarness
    publishing: ServiceHarness
    olympiad_id: uuid.UUID

    @property
    def path(self) -> str:
        return f"/olympiads/{self.olympiad_id}/subjects/math/grades/9"


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[Pair]:
    """Scoring served over HTTP and publishing pointed at it, one signing key, and a virtual host
    of their own: only this scoring's statements reach this publishing."""
    key = tmp_path / "keys" / "auth.pem"
    generate_local_key(key)
    workdirs = {}
    for name in ("scoring", "publishing"):
        (tmp_path / name / "keys").mkdir(parents=True)
        shutil.copy(key, tmp_path / name / "keys" / "auth.pem")  # running_service keeps it
        workdirs[name] = tmp_path / name
    vhost = f"{TEST_VHOST}-analytics-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(ensure_test_vhost, vhost)
    broker = amqp_url_of(vhost)
    try:
        async with (
            running_service(
                "scoring", workdirs["scoring"], clock=ManualClock(PUBLISHED_AT), amqp_url=broker
            ) as scoring,
            serving(scoring.service.asgi) as scoring_url,
            running_service(
                "publishing",
                workdirs["publishing"],
                clock=ManualClock(PUBLISHED_AT),
                amqp_url=broker,
                scoring_url=scoring_url,
            ) as publishing,
        ):
            yield Pair(scoring, publishing, uuid.uuid4())
    finally:
        if broker != amqp_url_of(TEST_VHOST) and shutil.which("rabbitmqctl"):
            subprocess.run(  # the broker's own tool, fixed arguments
                ["rabbitmqctl", "-q", "delete_vhost", vhost],
                capture_output=True,
                check=False,
                timeout=60,
            )


async def mark_and_publish(pair: Pair) -> dict[str, str]:
    """Scoring marks and annuls, publishing publishes the preliminary table; the work codes."""
    scoring, publishing = pair.scoring, pair.publishing
    codes = {person[0]: f"M9-{n:03d}" for n, person in enumerate(PEOPLE, 101)}
    ids = {surname: uuid.uuid4() for surname in codes}
    chair = scoring.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    scheme = await scoring.client.put(
        pair.path + "/scheme",
        json={
            "tasks": [{"number": 1, "max_points": "10"}, {"number": 2, "max_points": "10"}],
            "step": "0.5",
            "threshold": {"kind": "points", "value": "2"},
        },
        headers=chair,
    )
    assert scheme.status_code == 200, scheme.text
    for code in codes.values():
        await scoring.deliver(
            WorkCoded(
                olympiad_id=pair.olympiad_id, work_code=code, subject_code="math", task_grade=9
            )
        )
    for surname, *_, marks in PEOPLE:
        code = codes[surname]
        if marks is None:
            annulled = await scoring.client.post(
                f"/olympiads/{pair.olympiad_id}/works/{code}/annulment",
                json={"reason": "identifying_marks"},
                headers=chair,
            )
            assert annulled.status_code == 200, annulled.text
            continue
        for member, points in marks.items():
            scores = dict(zip(("1", "2"), points.split(), strict=False))
            if len(scores) == 1:  # the third member marks the disputed task only (§73)
                scores = {"1": scores["1"]}
            marked = await scoring.client.post(
                f"/olympiads/{pair.olympiad_id}/works/{code}/marks",
                json={"task_scores": scores},
                headers=scoring.auth(Role.JURY_MEMBER, sub=member),
            )
            assert marked.status_code in (200, 201), marked.text

    await publishing.deliver(
        OlympiadCreated(
            olympiad_id=pair.olympiad_id,
            title="Муниципальный этап ВсОШ 2025/26, Омская область",
            time_zone="Asia/Omsk",
            subjects=(),
        ),
        *(
            ParticipantRegistered(
                olympiad_id=pair.olympiad_id,
                participant_id=ids[surname],
                subject_code="math",
                surname=surname,
                name=name,
                patronymic=patronymic,
                grade=9,
                task_grade=9,
                school=school,
                consent_to_publish=True,
            )
            for surname, name, patronymic, school, _ in PEOPLE
        ),
        WorksDecoded(
            olympiad_id=pair.olympiad_id,
            subject_code="math",
            grade=9,
            works=tuple(DecodedWork(work_code=codes[s], participant_id=ids[s]) for s in codes),
        ),
    )

    async def published() -> bool:  # scoring's statement arrives over the broker
        answer = await publishing.client.get(f"/results/{pair.olympiad_id}/math/9")
        return answer.status_code == 200

    await until_true(published, "the preliminary table built from scoring's statement")
    return codes


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()


def first_page_png(body: bytes, path: Path) -> int:
    """Draw page 1; the number of dark pixels (a page whose font failed is blank)."""
    document = pypdfium2.PdfDocument(body)
    try:
        image = document[0].render(scale=1.5).to_pil().convert("L")
    finally:
        document.close()
    image.save(path)
    return sum(image.histogram()[:128])


async def test_p78_the_analytic_report_has_the_tasks_totals_schools_and_markers(
    pair: Pair, tmp_path: Path
) -> None:
    await mark_and_publish(pair)
    publishing = pair.publishing
    chair = publishing.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    answer = await publishing.client.get(pair.path + "/protocols/analytic.pdf", headers=chair)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert "analytic-report-math-9-v1.pdf" in answer.headers["content-disposition"]

    text = pdf_text(answer.content)
    assert "Аналитический отчёт о результатах выполнения олимпиадных заданий" in text
    assert "Участников в рейтинге: 5; аннулировано работ: 1." in text
    # finals: task 1 — 10, 7 (the third member's), 6, 4, 0; task 2 — 8.5 (mean of 9 and 8), 6,
    # 5, 2, 10; totals 18.5, 13, 11, 6, 10
    assert "Средний балл: 11.7 из 20 (58.5 %); медиана: 11" in text
    assert "1 10 5 5.4 54 20 20" in text
    assert "2 10 5 6.3 63 20 0" in text
    assert f"{GYMNASIUM} 2 14.75 18.5" in text
    assert f"{SCHOOL_2} 2 11.5 13" in text
    assert f"{LYCEUM} 1 6 6" in text
    # the markers (App. 10): task 1 — five pairs, Абрамов's 8 and 3 went to a third member;
    # task 2 — Жукова's 9 and 8 differ within the threshold
    assert "Задание 1 5 1 1 20 1" in text
    assert "Задание 2 5 1 0 0 0.2" in text
    assert "Все задания 10 2 1 10 0.6" in text
    assert "Председатель жюри" in text
    assert first_page_png(answer.content, tmp_path / "analytic.png") > 5000

    again = await publishing.client.get(pair.path + "/protocols/analytic.pdf", headers=chair)
    assert again.content == answer.content  # the same version and marks, the same bytes

    organiser = publishing.auth(Role.MUNICIPAL_COORDINATOR, sub="komitet")
    xlsx = await publishing.client.get(pair.path + "/protocols/analytic.xlsx", headers=organiser)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [GYMNASIUM, 2, 14.75, 18.5, 1, 0, 50] in rows  # Жукова the winner: 1 of 2, 50 %
    assert ["Все задания", 10, 2, 1, 10, 0.6] in rows

    # each copy audited here, and scoring audited the checking protocol it gave the caller
    async with publishing.uows() as uow:
        taken = list(
            await uow.session.execute(
                sa.select(audit_log.c.actor, audit_log.c.payload).where(
                    audit_log.c.action == "document.generated"
                )
            )
        )
    assert [(actor, p["format"], p["checking_marks"]) for actor, p in taken] == [
        (CHAIR, "pdf", True),
        (CHAIR, "pdf", True),
        ("komitet", "xlsx", True),
    ]
    async with pair.scoring.uows() as uow:
        given = list(
            await uow.session.scalars(
                sa.select(audit_log.c.actor).where(audit_log.c.action == "document.generated")
            )
        )
    assert given == [CHAIR, CHAIR, "komitet"]


async def test_the_analytic_report_is_for_the_people_who_take_the_protocols(pair: Pair) -> None:
    await mark_and_publish(pair)
    publishing = pair.publishing
    url = pair.path + "/protocols/analytic.pdf"
    assert (await publishing.client.get(url)).status_code == 401
    member = publishing.auth(Role.JURY_MEMBER, sub="jury-a", scopes={ScopeKind.SUBJECT: ["math"]})
    refused = await publishing.client.get(url, headers=member)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    other = publishing.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]})
    assert (await publishing.client.get(url, headers=other)).status_code == 403
    region = publishing.auth(Role.COORDINATOR)
    assert (await publishing.client.get(url, headers=region)).status_code == 403
    chair = publishing.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    missing = await publishing.client.get(url, params={"version": 5}, headers=chair)
    assert missing.status_code == 404 and "версии 5" in missing.json()["detail"]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_without_scoring_the_report_says_the_markers_figures_are_missing(
    tmp_path: Path, subject: Subject
) -> None:
    async with running_service(
        "publishing",
        tmp_path,
        clock=ManualClock(PUBLISHED_AT),
        scoring_url=f"http://127.0.0.1:{closed_port()}",
    ) as svc:
        await svc.deliver(subject.created())
        await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
        chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
        answer = await svc.client.get(f"{subject.jury}/protocols/analytic.pdf", headers=chair)
        assert answer.status_code == 200, answer.text
        text = pdf_text(answer.content)
        assert (
            "Сведения о расхождениях оценок не получены: служба проверки работ не ответила" in text
        )
        # the rest stands: six ranked, one annulled, the task maxima scoring stated
        assert "Участников в рейтинге: 6; аннулировано работ: 1." in text
        assert "МКОУ «Тайная школа»" in text
        async with svc.uows() as uow:
            payload = await uow.session.scalar(
                sa.select(audit_log.c.payload).where(audit_log.c.action == "document.generated")
            )
        assert payload is not None and payload["checking_marks"] is False
