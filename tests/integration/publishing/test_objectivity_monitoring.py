"""Seed 000 §1.3, §2.9, §2.10: the objectivity monitoring of an olympiad, built from published
data, against a real registration and a real scoring service.

Registration holds the olympiad, its two venues, the application (who writes where) and one
observer — on the schedule at one venue, with a confirmed report — and tells publishing about the
people over the broker; scoring marks the works (three members, a third one on a disputed task),
annuls one for identifying marks and one for a removal, states the checked grade over the broker,
and later takes a §120 correction; publishing publishes the preliminary table and builds the
report, asking registration for the venues, the room video reports and the observation, and
scoring for the checking protocol, each with the caller's own token. The PDF's text and the JSON
are checked against the marks and the published table; page 1 is drawn once.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind, generate_local_key
from olymp_core.clock import ManualClock
from olymp_core.contracts.coding import DecodedWork, WorkCoded, WorksDecoded, WorkWithdrawn
from olymp_core.testing.databases import TEST_VHOST, amqp_url_of, ensure_test_vhost
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_publishing.monitoring.domain import expert_codes

from .conftest import PUBLISHED_AT, Subject
from .test_analytic_report import closed_port, first_page_png, pdf_text, serving, until_true

pytestmark = pytest.mark.integration

OLYMPIAD_DAY = dt.date(2025, 11, 18)
MORNING = dt.datetime(2025, 11, 18, 3, 0, tzinfo=dt.UTC)  # 09:00 in Omsk, before the round
A_WEEK_LATER = dt.datetime(2025, 11, 25, 5, 0, tzinfo=dt.UTC)

GYMNASIUM = "МБОУ «Гимназия № 1 имени Ф. М. Достоевского»"
SCHOOL_2 = "МКОУ «Усть-Ишимская СОШ № 2»"
LYCEUM = "МБОУ «Лицей № 64»"
VENUE_A = "МБОУ «Усть-Ишимская СОШ № 1»"
VENUE_B = "МКОУ «Ярковская СОШ № 5»"
CHAIR = "chair-smirnova"
OBSERVER = "nabl-orlova"

# surname, name, patronymic, school, venue; then each task's marks as «member points points»,
# «third: member points» for a third marking of task 1; None: annulled (the reason)
PEOPLE: tuple[tuple[str, str, str, str, str, tuple[str, ...] | str], ...] = (
    (
        "Ёлкина",
        "Анна",
        "Владимировна",
        GYMNASIUM,
        VENUE_A,
        ("jury-ivanova 10 9", "jury-petrov 10 9"),
    ),
    (
        "Смирнова",
        "Анастасия",
        "Сергеевна",
        GYMNASIUM,
        VENUE_A,
        ("jury-ivanova 9 9", "jury-petrov 9 9"),
    ),
    (
        "Петров-Водкин",
        "Кирилл",
        "Сергеевич",
        GYMNASIUM,
        VENUE_A,
        ("jury-ivanova 8 8", "jury-petrov 8 8"),
    ),
    (
        "Жукова",
        "Мария",
        "Петровна",
        GYMNASIUM,
        VENUE_A,
        ("jury-ivanova 8 7.5", "jury-petrov 7 7.5"),
    ),
    ("Королёва", "Алёна", "Фёдоровна", GYMNASIUM, VENUE_A, ("jury-ivanova 4 4", "jury-petrov 4 4")),
    ("Абрамов", "Пётр", "Ильич", SCHOOL_2, VENUE_B, ("jury-sidorova 6 6", "jury-petrov 6 6")),
    # a namesake of the gymnasium's Смирнова, in another school
    (
        "Смирнова",
        "Анастасия",
        "Сергеевна",
        SCHOOL_2,
        VENUE_B,
        ("jury-sidorova 9 4", "jury-petrov 3 4", "third: jury-ivanova 5"),
    ),
    ("Кузнецова", "Дарья", "Олеговна", SCHOOL_2, VENUE_B, ("jury-sidorova 4 3", "jury-petrov 4 3")),
    ("Ельцова", "Ирина", "", SCHOOL_2, VENUE_B, ("jury-sidorova 3 2", "jury-petrov 3 2")),
    ("Морозов", "Денис", "Алексеевич", SCHOOL_2, VENUE_B, ("jury-sidorova 2 1", "jury-petrov 2 1")),
    (
        "Римская-Корсакова",
        "Софья",
        "Андреевна",
        LYCEUM,
        VENUE_A,
        ("jury-sidorova 7 7", "jury-ivanova 7 7"),
    ),
    ("Фёдоров", "Артём", "Романович", LYCEUM, VENUE_A, ("jury-sidorova 3 3", "jury-ivanova 3 3")),
    ("Скрытнов", "Иван", "Иванович", SCHOOL_2, VENUE_B, "removed"),
    ("Орлов", "Матвей", "Ильич", LYCEUM, VENUE_A, "identifying_marks"),
)
CORRECTED = ("Кузнецова", "4", "6")  # task 1, 4 → 6 after the table (§120)


def olympiad_body() -> dict[str, Any]:
    return {
        "title": "Муниципальный этап ВсОШ 2025/26, Усть-Ишимский район",
        "school_year": "2025/2026",
        "time_zone": "Asia/Omsk",
        "subjects": [
            {
                "subject_code": "math",
                "day": OLYMPIAD_DAY.isoformat(),
                "round_start": "10:00",
                "round_end": "14:00",
            }
        ],
        "venues": [
            {
                "name": VENUE_A,
                "rooms": [
                    {"name": "Кабинет 12", "capacity": 20},
                    {"name": "Актовый зал", "capacity": 60},
                ],
            },
            {"name": VENUE_B, "rooms": [{"name": "Кабинет 3", "capacity": 30}]},
        ],
    }


def application() -> bytes:
    """The application as a municipality sends it: CSV, «;», with the venue column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        (
            "Фамилия",
            "Имя",
            "Отчество",
            "Класс",
            "Образовательная организация",
            "Предмет",
            "Основание участия",
            "Согласие на публикацию",
            "Площадка проведения",
        )
    )
    for surname, name, patronymic, school, venue, _ in PEOPLE:
        writer.writerow(
            (
                surname,
                name,
                patronymic,
                9,
                school,
                "Математика",
                "набрал необходимое количество баллов на школьном этапе",
                "да",
                venue,
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class Suite:
    registration: ServiceHarness
    scoring: ServiceHarness
    publishing: ServiceHarness
    registration_clock: ManualClock
    olympiad_id: uuid.UUID
    codes: dict[tuple[str, str], str]  # (surname, school) → work code

    @property
    def report(self) -> str:
        return f"/olympiads/{self.olympiad_id}/monitoring/objectivity"


@pytest.fixture
async def suite(tmp_path: Path) -> AsyncIterator[Suite]:
    """Registration and scoring served over HTTP, publishing pointed at both; one signing key
    and a virtual host of their own."""
    key = tmp_path / "keys" / "auth.pem"
    generate_local_key(key)
    workdirs = {}
    for name in ("registration", "scoring", "publishing"):
        (tmp_path / name / "keys").mkdir(parents=True)
        shutil.copy(key, tmp_path / name / "keys" / "auth.pem")
        workdirs[name] = tmp_path / name
    vhost = f"{TEST_VHOST}-objectivity-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(ensure_test_vhost, vhost)
    broker = amqp_url_of(vhost)
    registration_clock = ManualClock(MORNING)
    try:
        async with (
            running_service(
                "registration", workdirs["registration"], clock=registration_clock, amqp_url=broker
            ) as registration,
            serving(registration.service.asgi) as registration_url,
            running_service(
                "scoring", workdirs["scoring"], clock=ManualClock(A_WEEK_LATER), amqp_url=broker
            ) as scoring,
            serving(scoring.service.asgi) as scoring_url,
            running_service(
                "publishing",
                workdirs["publishing"],
                clock=ManualClock(A_WEEK_LATER),
                amqp_url=broker,
                scoring_url=scoring_url,
                registration_url=registration_url,
            ) as publishing,
        ):
            yield Suite(registration, scoring, publishing, registration_clock, uuid.uuid4(), {})
    finally:
        if broker != amqp_url_of(TEST_VHOST) and shutil.which("rabbitmqctl"):
            subprocess.run(  # the broker's own tool, fixed arguments
                ["rabbitmqctl", "-q", "delete_vhost", vhost],
                capture_output=True,
                check=False,
                timeout=60,
            )


async def register(suite: Suite) -> dict[tuple[str, str], uuid.UUID]:
    """The olympiad and its application in registration; participant ids by (surname, school)."""
    registration = suite.registration
    coordinator = registration.auth(Role.COORDINATOR, sub="region")
    created = await registration.client.post(
        "/olympiads", json=olympiad_body(), headers=coordinator
    )
    assert created.status_code == 201, created.text
    suite.olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    imported = await registration.client.post(
        f"/olympiads/{suite.olympiad_id}/participants/import",
        params={"format": "csv"},
        content=application(),
        headers=coordinator,
    )
    assert imported.status_code == 200, imported.text
    listed = await registration.client.get(
        f"/olympiads/{suite.olympiad_id}/participants",
        params={"subject_code": "math"},
        headers=coordinator,
    )
    assert listed.status_code == 200, listed.text
    ids = {
        (p["surname"], p["school"]): uuid.UUID(p["participant_id"])
        for p in listed.json()["participants"]
    }
    assert {p["venue"] for p in listed.json()["participants"]} == {VENUE_A, VENUE_B}
    return ids


async def observe(suite: Suite) -> None:
    """The organiser accredits an observer for the round at venue A (none at venue B); on the
    day the observer reports a violation there, and the organiser confirms it (§18–19)."""
    registration, base = suite.registration, f"/olympiads/{suite.olympiad_id}"
    organiser = registration.auth(Role.MUNICIPAL_COORDINATOR, sub="komitet")
    accredited = await registration.client.post(
        base + "/observers",
        json={
            "full_name": "Орлова-Ёлкина Мария Ильинична",
            "identity_document": "паспорт 5218 654321",
            "certificate_number": "ОН-017",
            "certificate_date": "2025-11-01",
            "login": OBSERVER,
        },
        headers=organiser,
    )
    assert accredited.status_code == 201, accredited.text
    assigned = await registration.client.post(
        f"{base}/observers/{accredited.json()['observer_id']}/assignments",
        json={
            "procedure": "round",
            "date": OLYMPIAD_DAY.isoformat(),
            "venue": VENUE_A,
            "subject_code": "math",
        },
        headers=organiser,
    )
    assert assigned.status_code == 201, assigned.text
    filed = await registration.client.post(
        base + "/violation-reports",
        json={
            "assignment_id": assigned.json()["assignment_id"],
            "text": "В Актовом зале участник пользовался телефоном, организатор не вмешался.",
        },
        headers=registration.auth(Role.OBSERVER, sub=OBSERVER),
    )
    assert filed.status_code == 201, filed.text
    decided = await registration.client.post(
        f"{base}/violation-reports/{filed.json()['report_id']}/decision",
        json={"outcome": "confirmed", "decision": "Участник удалён, составлен акт (п. 53)."},
        headers=organiser,
    )
    assert decided.status_code == 200, decided.text


async def mark_and_publish(suite: Suite) -> None:
    """Scoring marks, annuls and states the grade; publishing publishes the preliminary table
    (registration's people reached it over the broker)."""
    ids = await register(suite)
    await observe(suite)
    scoring, publishing, olympiad_id = suite.scoring, suite.publishing, suite.olympiad_id
    suite.codes = {
        (surname, school): f"M9-{n:03d}"
        for n, (surname, _, _, school, _, _) in enumerate(PEOPLE, 301)
    }
    chair = scoring.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    path = f"/olympiads/{olympiad_id}/subjects/math/grades/9"
    scheme = await scoring.client.put(
        path + "/scheme",
        json={
            "tasks": [{"number": 1, "max_points": "10"}, {"number": 2, "max_points": "10"}],
            "step": "0.5",
            "threshold": {"kind": "points", "value": "2"},
        },
        headers=chair,
    )
    assert scheme.status_code == 200, scheme.text
    for code in suite.codes.values():
        await scoring.deliver(
            WorkCoded(olympiad_id=olympiad_id, work_code=code, subject_code="math", task_grade=9)
        )
    for surname, _, _, school, _, marks in PEOPLE:
        code = suite.codes[(surname, school)]
        if marks == "removed":  # coding tells scoring of the removal act (§53)
            await scoring.deliver(
                WorkWithdrawn(olympiad_id=olympiad_id, work_code=code, reason="акт удаления № 2")
            )
            continue
        if isinstance(marks, str):
            annulled = await scoring.client.post(
                f"/olympiads/{olympiad_id}/works/{code}/annulment",
                json={"reason": marks},
                headers=chair,
            )
            assert annulled.status_code == 200, annulled.text
            continue
        for line in marks:
            member, *points = line.removeprefix("third: ").split()
            scores = dict(zip(("1", "2"), points, strict=False))
            marked = await scoring.client.post(
                f"/olympiads/{olympiad_id}/works/{code}/marks",
                json={"task_scores": scores},
                headers=scoring.auth(Role.JURY_MEMBER, sub=member),
            )
            assert marked.status_code in (200, 201), marked.text
    await publishing.deliver(
        WorksDecoded(
            olympiad_id=olympiad_id,
            subject_code="math",
            grade=9,
            works=tuple(
                DecodedWork(work_code=code, participant_id=ids[person])
                for person, code in suite.codes.items()
            ),
        )
    )

    async def published() -> bool:
        answer = await publishing.client.get(f"/results/{olympiad_id}/math/9")
        return answer.status_code == 200

    await until_true(published, "the preliminary table built from the three services' data")


async def correct(suite: Suite) -> None:
    """A transcription error fixed after the table (§120): the checking protocol shows it."""
    surname, _, right = CORRECTED
    code = suite.codes[(surname, SCHOOL_2)]
    chair = suite.scoring.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})
    corrected = await suite.scoring.client.post(
        f"/olympiads/{suite.olympiad_id}/works/{code}/correction",
        json={"task_scores": {"1": right}, "reason": "ошибка при переносе баллов в протокол"},
        headers=chair,
    )
    assert corrected.status_code == 200, corrected.text


async def statuses(suite: Suite) -> dict[str, dict[str, int]]:
    """Winners and prize-winners by school, as the published table gives them."""
    table = (await suite.publishing.client.get(f"/results/{suite.olympiad_id}/math/9")).json()
    found: dict[str, dict[str, int]] = {}
    for row in table["rows"]:
        by_school = found.setdefault(row["school"], {"победитель": 0, "призёр": 0, "участник": 0})
        by_school[row["status"]] += 1
    return found


async def test_the_monitoring_report_from_published_data_for_the_municipal_coordinator(
    suite: Suite, tmp_path: Path
) -> None:
    await mark_and_publish(suite)
    await correct(suite)
    suite.registration_clock.set(A_WEEK_LATER)  # the video is long overdue: every room lacks it
    publishing = suite.publishing
    organiser = publishing.auth(Role.MUNICIPAL_COORDINATOR, sub="komitet")

    answer = await publishing.client.get(suite.report, headers=organiser)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert [
        (t["subject_code"], t["grade"], t["ranked"], t["annulled"]) for t in report["tables"]
    ] == [("math", 9, 12, 2)]
    whole = report["municipality"]
    # shares of 20: .95 .9 .8 .75 .4 | .6 .45 .35 .25 .15 | .7 .3 — four of twelve are high
    assert (whole["works"], whole["ranked"], whole["top"], whole["top_percent"]) == (
        14,
        12,
        4,
        "33.3",
    )
    assert [band["works"] for band in whole["bands"]] == [1, 5, 2, 4]
    assert whole["annulled"] == {
        "total": 2,
        "percent": "14.3",
        "removed": 1,
        "removed_percent": "7.1",
        "identifying_marks": 1,
        "violation": 0,
        "other": 0,
    }
    schools = {school["name"]: school for school in report["schools"]}
    gymnasium = schools[GYMNASIUM]
    assert (gymnasium["ranked"], gymnasium["top"], gymnasium["top_percent"]) == (5, 4, "80")
    assert gymnasium["flagged"] and gymnasium["flags"][0] == (
        "доля высоких результатов 80 % (4 из 5) при 33.3 % по муниципалитету"
    )
    assert not schools[SCHOOL_2]["flagged"] and not schools[LYCEUM]["flagged"]
    awarded = await statuses(suite)
    for name, counts in awarded.items():
        assert (schools[name]["winners"], schools[name]["prize_winners"]) == (
            counts["победитель"],
            counts["призёр"],
        )
    venues = {venue["name"]: venue for venue in report["venues"]}
    assert list(venues) == [VENUE_A, VENUE_B]
    # the gymnasium's four among seven works at the venue: under twice the municipality's share
    assert (venues[VENUE_A]["ranked"], venues[VENUE_A]["top"], venues[VENUE_A]["flagged"]) == (
        7,
        4,
        False,
    )
    assert venues[VENUE_A]["annulled"]["identifying_marks"] == 1
    assert (venues[VENUE_B]["works"], venues[VENUE_B]["annulled"]["removed"]) == (6, 1)

    codes = expert_codes(suite.olympiad_id, ["jury-ivanova", "jury-petrov", "jury-sidorova"])
    experts = {expert["code"]: expert for expert in report["markers"]["experts"]}
    assert set(experts) == set(codes.values())
    ivanova, petrov, sidorova = (
        experts[codes[m]] for m in ("jury-ivanova", "jury-petrov", "jury-sidorova")
    )
    assert (ivanova["marks"], ivanova["paired"], ivanova["differing"], ivanova["as_third"]) == (
        15,
        14,
        1,
        1,
    )
    assert ivanova["deviation"] == "0.03"  # her 8 against 7.5 once, in fifteen marks
    assert (petrov["paired"], petrov["differing"], petrov["third_called"]) == (20, 2, 1)
    assert (petrov["deviation"], petrov["raised"], petrov["lowered"]) == ("0.13", 1, 0)
    assert (sidorova["paired"], sidorova["third_called"], sidorova["deviation"]) == (
        14,
        1,
        "0.29",
    )
    assert sidorova["raised"] == 1 and ivanova["raised"] == 0  # the corrected task was theirs
    assert (report["markers"]["paired"], report["markers"]["third_called"]) == (24, 1)
    assert report["markers"]["missing"] == []

    video = {venue["venue"]: venue for venue in report["video"]["venues"]}
    assert report["video"]["available"] and report["video"]["missing"] == []
    assert video[VENUE_A]["findings"]["room_not_recorded"] == 2
    assert video[VENUE_B]["findings"]["room_not_recorded"] == 1
    assert [item["state"] for item in report["not_in_system"]] == ["нет данных в системе"] * 2

    places = {place["place"]: place for place in report["observation"]["places"]}
    assert report["observation"]["missing"] == []
    assert places[VENUE_A] == {
        "place": VENUE_A,
        "rounds": 1,
        "observed": 1,
        "unobserved": [],
        "reports": 1,
        "confirmed": 1,
        "not_confirmed": 0,
        "undecided": 0,
    }
    assert (places[VENUE_B]["observed"], places[VENUE_B]["reports"]) == (0, 0)
    assert places[VENUE_B]["unobserved"] == [{"subject_code": "math", "date": "2025-11-18"}]

    pdf = await publishing.client.get(suite.report + ".pdf", headers=organiser)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Информационная справка о результатах мониторинга объективности" in text
    assert "Таблиц: 1; работ: 14, из них в рейтинге: 12, аннулировано: 2." in text
    assert "Математика 9 1 предварительные 20 12 2" in text
    assert f"{GYMNASIUM} * 5 0 20 0 80" in text
    assert f"Организация {GYMNASIUM}: доля высоких результатов 80 % (4 из 5)" in text
    assert f"{VENUE_B} 6 1 (16.7) 1 0 0 0 16.7" in text
    assert f"{codes['jury-petrov']} математика, 9 20 20 10 5 0 0.13 1 0" in text
    assert "jury-petrov" not in text and "jury-ivanova" not in text
    assert "Аудитория «Актовый зал»: видеозапись не передана." in text
    assert f"{VENUE_A} 1 1 0 1 1 0 0" in text  # observed, one report, confirmed
    assert f"{VENUE_B}, математика, 18.11.2025: наблюдатель по графику не назначен." in text
    assert "Орлова-Ёлкина" not in text and "телефоном" not in text  # counts only
    assert "Передача доставочных пакетов с бланками ответов позднее 1 часа" in text
    assert first_page_png(pdf.content, tmp_path / "objectivity.png") > 5000

    html = await publishing.client.get(suite.report + ".html", headers=organiser)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert html.text.count("<svg") == 5 and "<script" not in html.text

    # every copy audited, with the tables it read; scoring audited the protocol it gave
    async with publishing.uows() as uow:
        taken = list(
            await uow.session.execute(
                sa.select(audit_log.c.actor, audit_log.c.object_id, audit_log.c.payload).where(
                    audit_log.c.action == "document.generated"
                )
            )
        )
    assert [(actor, p["format"], p["tables"], p["flagged_schools"]) for actor, _, p in taken] == [
        ("komitet", "json", ["math/9/v1"], 1),
        ("komitet", "pdf", ["math/9/v1"], 1),
        ("komitet", "html", ["math/9/v1"], 1),
    ]
    assert {object_id for _, object_id, _ in taken} == {str(suite.olympiad_id)}
    async with suite.scoring.uows() as uow:
        given = list(
            await uow.session.scalars(
                sa.select(audit_log.c.actor).where(audit_log.c.action == "document.generated")
            )
        )
    assert given == ["komitet"] * 3


async def test_the_regional_coordinator_reads_it_without_the_markers_scoring_keeps_from_them(
    suite: Suite,
) -> None:
    await mark_and_publish(suite)
    publishing = suite.publishing
    region = publishing.auth(Role.COORDINATOR, sub="region")
    answer = await publishing.client.get(suite.report, headers=region)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["markers"]["experts"] == []
    (missing,) = report["markers"]["missing"]
    assert missing.startswith(
        "Математика, 9 класс: служба проверки работ не выдала протокол проверки (Приложение № 10)"
        " по этому токену."
    )
    assert report["venues"] is not None  # registration gives the region the venues
    # and the public schedule, but the observers' reports to the organiser alone
    (not_had,) = report["observation"]["missing"]
    assert not_had.startswith(
        "сообщения наблюдателей о нарушениях: служба регистрации не выдала сведения по этому"
        " токену."
    )
    places = {place["place"]: place for place in report["observation"]["places"]}
    assert (places[VENUE_A]["observed"], places[VENUE_A]["reports"]) == (1, None)
    assert report["schools"][0]["name"] == GYMNASIUM

    for headers, status in (
        ({}, 401),
        (publishing.auth(Role.OBSERVER), 403),
        (publishing.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]}), 403),
        (publishing.auth(Role.MUNICIPAL_COORDINATOR, scopes={ScopeKind.SUBJECT: ["physics"]}), 404),
    ):
        refused = await publishing.client.get(suite.report + ".pdf", headers=headers)
        assert refused.status_code == status, refused.text
        assert refused.headers["content-type"] == "application/problem+json"


async def test_without_registration_and_scoring_the_report_says_what_it_could_not_get(
    tmp_path: Path, subject: Subject
) -> None:
    async with running_service(
        "publishing",
        tmp_path,
        clock=ManualClock(PUBLISHED_AT),
        registration_url=f"http://127.0.0.1:{closed_port()}",
        scoring_url=f"http://127.0.0.1:{closed_port()}",
    ) as svc:
        await svc.deliver(subject.created())
        await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
        organiser = svc.auth(Role.MUNICIPAL_COORDINATOR)
        url = f"/olympiads/{subject.olympiad_id}/monitoring/objectivity"
        answer = await svc.client.get(url + ".pdf", headers=organiser)
        assert answer.status_code == 200, answer.text
        text = pdf_text(answer.content)
        assert "Сведения о местах проведения не получены: служба регистрации не ответила" in text
        assert (
            "Протокол проверки не получен — Математика, 9 класс: служба проверки работ не" in text
        )
        assert "места проведения работ не известны" in text
        # publishing's own data stands: six ranked, one annulled, the schools
        assert "Таблиц: 1; работ: 7, из них в рейтинге: 6, аннулировано: 1." in text
        assert "МКОУ «Тайная школа»" in text
        report = (await svc.client.get(url, headers=organiser)).json()
        assert report["venues"] is None and not report["video"]["available"]
        assert report["municipality"]["annulled"]["other"] == 1  # a reason in words, not a code

        nothing = await svc.client.get(
            f"/olympiads/{uuid.uuid4()}/monitoring/objectivity", headers=organiser
        )
        assert nothing.status_code == 404
        assert "не опубликовано ни одной рейтинговой таблицы" in nothing.json()["detail"]
