"""Public observers through registration's API on the real PostgreSQL and object store (§18–19):
the organiser accredits and assigns, the public reads the schedule without personal data, an
observer reads their own assignments and reports a violation within three days in the olympiad's
zone, with attachments; the organiser reads the reports and decides once; all of it audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import httpx
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.service import ServiceHarness
from olymp_core.testing.synthetic import generate_participants, to_csv
from tests.integration.registration.conftest import OLYMPIAD_DAY, Desk

pytestmark = pytest.mark.integration

SCHOOL = 'МБОУ "Усть-Ишимская СОШ № 1"'
ORGANISER = "mun-kuznetsova"
OMSK = dt.timezone(dt.timedelta(hours=6))
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n% \xd0\x90\xd0\xba\xd1\x82 \xd1\x83\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f\n%%EOF\n"


def omsk(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=OMSK)


def observer_body(login: str, certificate: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "full_name": "Орлова-Ёлкина Мария Ильинична",
        "identity_document": "паспорт 5218 654321",
        "certificate_number": certificate,
        "certificate_date": "2025-11-01",
        "login": login,
    }
    body.update(changes)
    return body


class Observation:
    """One olympiad with its organiser's and its observers' calls."""

    def __init__(self, desk: Desk, olympiad_id: str) -> None:
        self.svc: ServiceHarness = desk.svc
        self.desk = desk
        self.olympiad_id = olympiad_id

    @property
    def base(self) -> str:
        return f"/olympiads/{self.olympiad_id}"

    def organiser(self) -> dict[str, str]:
        return self.svc.auth(Role.MUNICIPAL_COORDINATOR, sub=ORGANISER)

    def observer(self, login: str) -> dict[str, str]:
        return self.svc.auth(Role.OBSERVER, sub=login)

    async def accredit(self, login: str, certificate: str, **changes: Any) -> dict[str, Any]:
        response = await self.svc.client.post(
            f"{self.base}/observers",
            json=observer_body(login, certificate, **changes),
            headers=self.organiser(),
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def assign(self, observer_id: str, **body: Any) -> httpx.Response:
        return await self.svc.client.post(
            f"{self.base}/observers/{observer_id}/assignments", json=body, headers=self.organiser()
        )

    async def round_assignment(self, observer_id: str) -> dict[str, Any]:
        response = await self.assign(
            observer_id,
            procedure="round",
            date=OLYMPIAD_DAY.isoformat(),
            venue=SCHOOL,
            subject_code="math",
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def file(self, login: str, assignment_id: str, text: str) -> httpx.Response:
        return await self.svc.client.post(
            f"{self.base}/violation-reports",
            json={"assignment_id": assignment_id, "text": text},
            headers=self.observer(login),
        )

    async def attach(
        self, login: str, report_id: str, name: str, data: bytes, content_type: str
    ) -> httpx.Response:
        return await self.svc.client.post(
            f"{self.base}/violation-reports/{report_id}/attachments",
            params={"file_name": name},
            content=data,
            headers={"Content-Type": content_type, **self.observer(login)},
        )


@pytest.fixture
async def observation(desk: Desk) -> Observation:
    return Observation(desk, await desk.create_olympiad())


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


async def test_the_organiser_accredits_and_assigns_and_the_observer_reads_their_own(
    observation: Observation,
) -> None:
    login = unique("nabl-orlova")
    observer = await observation.accredit(
        login, "ОН-017", full_name="  Орлова-Ёлкина Мария  Ильинична"
    )
    assert observer["full_name"] == "Орлова-Ёлкина Мария Ильинична"
    assert (observer["login"], observer["accredited_by"]) == (login, ORGANISER)
    assigned = await observation.round_assignment(observer["observer_id"])
    assert (assigned["procedure_label"], assigned["venue"]) == (
        "проведение олимпиады (тур)",
        SCHOOL,
    )
    # the third day after the round, 23:59:59.999999 in Omsk
    assert assigned["report_deadline"] == "2025-11-21T17:59:59.999999Z"
    checking = await observation.assign(
        observer["observer_id"],
        procedure="checking",
        date=(OLYMPIAD_DAY + dt.timedelta(days=2)).isoformat(),
        venue="Комитет образования, каб. 5",
    )
    assert checking.status_code == 201, checking.text

    listed = await observation.svc.client.get(
        f"{observation.base}/observers", headers=observation.organiser()
    )
    (mine,) = [o for o in listed.json()["observers"] if o["login"] == login]
    assert mine["identity_document"] == "паспорт 5218 654321"
    assert [a["procedure"] for a in mine["assignments"]] == ["round", "checking"]

    own = await observation.svc.client.get("/observers/me", headers=observation.observer(login))
    assert own.status_code == 200, own.text
    (found,) = own.json()["observations"]
    assert found["olympiad_id"] == observation.olympiad_id
    assert found["time_zone"] == "Asia/Omsk"
    assert [a["date"] for a in found["observer"]["assignments"]] == ["2025-11-18", "2025-11-20"]
    stranger = await observation.svc.client.get(
        "/observers/me", headers=observation.observer(unique("nabl-other"))
    )
    assert stranger.json() == {"observations": []}

    # the trail is read by every observer: the identity document never goes into it
    entries = await observation.desk.audit_entries(observer["observer_id"])
    assert [(actor, action) for actor, action, _ in entries] == [(ORGANISER, "observer.accredited")]
    assert "5218" not in json.dumps(entries, ensure_ascii=False)


async def test_an_accreditation_is_refused_with_every_problem_or_when_taken(
    observation: Observation,
) -> None:
    login = unique("nabl-sokolov")
    await observation.accredit(login, "ОН-101")
    for body, status in (
        (observer_body(login, "ОН-102"), 409),  # the same login
        (observer_body(unique("nabl-x"), "ОН-101"), 409),  # the same certificate
        (observer_body("Соколов", "", full_name="Соколов", identity_document="паспорт"), 422),
    ):
        refused = await observation.svc.client.post(
            f"{observation.base}/observers", json=body, headers=observation.organiser()
        )
        assert refused.status_code == status, refused.text
    assert len(refused.json()["errors"]) == 4
    for role in (Role.OBSERVER, Role.VENUE_COORDINATOR, Role.COORDINATOR, Role.JURY_CHAIR):
        forbidden = await observation.svc.client.post(
            f"{observation.base}/observers",
            json=observer_body(unique("nabl-y"), "ОН-900"),
            headers=observation.svc.auth(role),
        )
        assert forbidden.status_code == 403, role


async def test_assignments_follow_the_schedule_and_can_be_taken_back(
    observation: Observation,
) -> None:
    observer = await observation.accredit(unique("nabl-petrov"), "ОН-201")
    observer_id = observer["observer_id"]
    elsewhere = await observation.assign(
        observer_id, procedure="round", date=OLYMPIAD_DAY.isoformat(), venue="Дом культуры"
    )
    assert elsewhere.status_code == 422
    assert SCHOOL.replace('"', "") in elsewhere.json()["detail"].replace('"', "")
    early = await observation.assign(
        observer_id,
        procedure="appeals",
        date=(OLYMPIAD_DAY - dt.timedelta(days=1)).isoformat(),
        venue="Комитет образования",
        subject_code="physics",
    )
    assert early.status_code == 422 and "до первого тура" in early.json()["detail"]
    first = await observation.round_assignment(observer_id)
    again = await observation.assign(
        observer_id,
        procedure="round",
        date=OLYMPIAD_DAY.isoformat(),
        venue='мбоу "усть-ишимская сош №1"',  # the same venue, typed otherwise
        subject_code="math",
    )
    assert again.status_code == 409, again.text
    taken_back = await observation.svc.client.delete(
        f"{observation.base}/observers/{observer_id}/assignments/{first['assignment_id']}",
        headers=observation.organiser(),
    )
    assert taken_back.status_code == 204
    listed = await observation.svc.client.get(
        f"{observation.base}/observers", headers=observation.organiser()
    )
    (mine,) = [o for o in listed.json()["observers"] if o["observer_id"] == observer_id]
    assert mine["assignments"] == []


async def test_the_public_schedule_names_procedures_dates_and_places_only(
    observation: Observation,
) -> None:
    first = await observation.accredit(unique("nabl-a"), "ОН-301", full_name="Ёжиков Фёдор Ильич")
    second = await observation.accredit(
        unique("nabl-b"), "ОН-302", full_name="Иванова Анна Олеговна"
    )
    for observer in (first, second):
        await observation.round_assignment(observer["observer_id"])
    show = await observation.assign(
        second["observer_id"],
        procedure="analysis_and_show",
        date=(OLYMPIAD_DAY + dt.timedelta(days=5)).isoformat(),
        venue="Районный дом творчества",
        subject_code="math",
    )
    assert show.status_code == 201, show.text

    public = await observation.svc.client.get(f"{observation.base}/observer-schedule")
    assert public.status_code == 200, public.text
    schedule = public.json()
    assert schedule["time_zone"] == "Asia/Omsk"
    assert [
        (i["date"], i["procedure_label"], i["venue"], i["subject_name"], i["observers"])
        for i in schedule["items"]
    ] == [
        ("2025-11-18", "проведение олимпиады (тур)", SCHOOL, "математика", 2),
        ("2025-11-23", "анализ олимпиадных заданий и показ работ", "Районный дом творчества",
         "математика", 1),
    ]  # fmt: skip
    text = public.text
    for personal in ("Ёжиков", "Иванова", "ОН-30", "паспорт", first["login"], second["login"]):
        assert personal not in text
    missing = await observation.svc.client.get(f"/olympiads/{uuid.uuid4()}/observer-schedule")
    assert missing.status_code == 404


async def test_p19_violation_report_on_day_4_refused(
    observation: Observation, clock: ManualClock
) -> None:
    """§19: not later than three days after the day the violation was found. The days are the
    olympiad's (Asia/Omsk): 23:59 on the third day is in time, 00:00 on the fourth is not, and
    the refusal shows the deadline."""
    login = unique("nabl-volkova")
    observer = await observation.accredit(login, "ОН-401")
    assignment = await observation.round_assignment(observer["observer_id"])
    clock.set(omsk(OLYMPIAD_DAY + dt.timedelta(days=3), 23, 59))
    in_time = await observation.file(
        login, assignment["assignment_id"], "Дежурный выходил из кабинета 12 на 20 минут."
    )
    assert in_time.status_code == 201, in_time.text
    assert in_time.json()["deadline"] == "2025-11-21T17:59:59.999999Z"

    clock.set(omsk(OLYMPIAD_DAY + dt.timedelta(days=4), 0, 0))
    late = await observation.file(
        login, assignment["assignment_id"], "Участникам раздали телефоны до сдачи работ."
    )
    assert late.status_code == 422, late.text
    problem = late.json()
    assert problem["type"].endswith("/report-too-late")
    assert "Срок подачи истёк 21.11.2025 в 23:59 (время Asia/Omsk)" in problem["detail"]
    assert problem["deadline"] == "2025-11-21T17:59:59.999999+00:00"
    # nor can the report filed in time take a file any more
    attached = await observation.attach(
        login, in_time.json()["report_id"], "фото.png", PNG, "image/png"
    )
    assert attached.status_code == 422
    # (UTC is 18:00 on the third day: in Moscow it would still be in time; Omsk decides)


async def test_a_report_with_attachments_reaches_the_organiser_who_decides_once(
    observation: Observation, clock: ManualClock
) -> None:
    login = unique("nabl-zaitseva")
    observer = await observation.accredit(login, "ОН-501")
    assignment = await observation.round_assignment(observer["observer_id"])
    clock.set(omsk(OLYMPIAD_DAY, 13, 40))
    empty = await observation.svc.client.post(
        f"{observation.base}/violation-reports",
        json={"assignment_id": assignment["assignment_id"], "text": " "},
        headers=observation.observer(login),
    )
    assert empty.status_code == 422  # a report says what happened
    text = "В кабинете 12 участник Ёлкин пользовался телефоном, дежурный не составил акт (п. 53)."
    filed = await observation.file(login, assignment["assignment_id"], text)
    assert filed.status_code == 201, filed.text
    report = filed.json()
    assert (report["status"], report["observer_login"]) == ("filed", login)
    report_id = report["report_id"]

    photo = await observation.attach(login, report_id, "../фото кабинета.png", PNG, "image/png")
    assert photo.status_code == 201, photo.text
    assert photo.json()["file_name"] == "фото кабинета.png"
    retry = await observation.attach(login, report_id, "фото кабинета.png", PNG, "image/png")
    assert (retry.status_code, retry.json()["attachment_id"]) == (
        200,
        photo.json()["attachment_id"],
    )
    act = await observation.attach(login, report_id, "акт.pdf", PDF, "application/pdf")
    assert act.status_code == 201, act.text
    page = await observation.attach(login, report_id, "page.html", b"<p>x</p>", "text/html")
    assert page.status_code == 422 and "не принимается" in page.json()["detail"]

    listed = await observation.svc.client.get(
        f"{observation.base}/violation-reports", headers=observation.organiser()
    )
    (seen,) = [r for r in listed.json()["reports"] if r["report_id"] == report_id]
    assert seen["text"] == text
    assert seen["observer_name"] == "Орлова-Ёлкина Мария Ильинична"
    assert [a["file_name"] for a in seen["attachments"]] == ["фото кабинета.png", "акт.pdf"]
    assert seen["attachments"][0]["sha256"] == hashlib.sha256(PNG).hexdigest()
    download = await observation.svc.client.get(
        f"{observation.base}/violation-reports/{report_id}/attachments/"
        f"{photo.json()['attachment_id']}",
        headers=observation.organiser(),
    )
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment;")
    stored = await observation.svc.service.runtime.objects.list(
        f"observers/{observation.olympiad_id}/reports/{report_id}/"
    )
    assert sorted(item.size for item in stored) == sorted([len(PNG), len(PDF)])

    decision = {"outcome": "confirmed", "decision": "Работа участника аннулирована (п. 53–54)."}
    decided = await observation.svc.client.post(
        f"{observation.base}/violation-reports/{report_id}/decision",
        json=decision,
        headers=observation.organiser(),
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("decided", ORGANISER)
    assert decided.json()["outcome_label"] == "нарушение подтверждено, меры приняты"
    again = await observation.svc.client.post(
        f"{observation.base}/violation-reports/{report_id}/decision",
        json={"outcome": "not_confirmed", "decision": "Иначе."},
        headers=observation.organiser(),
    )
    assert again.status_code == 409
    late_file = await observation.attach(
        login, report_id, "ещё.pdf", PDF + b"\n", "application/pdf"
    )
    assert late_file.status_code == 409
    mine = await observation.svc.client.get(
        f"{observation.base}/violation-reports/{report_id}", headers=observation.observer(login)
    )
    assert mine.json()["decision"] == decision["decision"]

    entries = await observation.desk.audit_entries(report_id)
    assert [action for _, action, _ in entries] == [
        "violation_report.filed",
        "violation_report.attachment_added",
        "violation_report.attachment_added",
        "violation_report.attachment_read",
        "violation_report.decided",
    ]
    filed_entry = entries[0][2]
    assert filed_entry["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert "Ёлкин" not in json.dumps(entries, ensure_ascii=False)  # texts only by their hash
    assert entries[3][0] == ORGANISER


async def test_an_observer_reaches_only_their_own_assignments_and_reports(
    observation: Observation, clock: ManualClock
) -> None:
    author, other = unique("nabl-author"), unique("nabl-other")
    first = await observation.accredit(author, "ОН-601")
    await observation.accredit(other, "ОН-602", full_name="Петров Пётр Петрович")
    assignment = await observation.round_assignment(first["observer_id"])
    clock.set(omsk(OLYMPIAD_DAY, 15))
    filed = await observation.file(author, assignment["assignment_id"], "Нарушение в кабинете 12.")
    report_id = filed.json()["report_id"]
    photo = await observation.attach(author, report_id, "фото.png", PNG, "image/png")
    attachment_id = photo.json()["attachment_id"]

    foreign = await observation.file(other, assignment["assignment_id"], "Чужое назначение.")
    assert foreign.status_code == 404
    listed = await observation.svc.client.get(
        f"{observation.base}/violation-reports", headers=observation.observer(other)
    )
    assert listed.json() == {"reports": []}
    for path in (
        f"/violation-reports/{report_id}",
        f"/violation-reports/{report_id}/attachments/{attachment_id}",
    ):
        hidden = await observation.svc.client.get(
            observation.base + path, headers=observation.observer(other)
        )
        assert hidden.status_code == 404, path
    smuggled = await observation.attach(other, report_id, "моё.png", PNG + b"x", "image/png")
    assert smuggled.status_code == 404
    decide = await observation.svc.client.post(
        f"{observation.base}/violation-reports/{report_id}/decision",
        json={"outcome": "not_confirmed", "decision": "Не подтвердилось."},
        headers=observation.observer(author),
    )
    assert decide.status_code == 403
    unknown = await observation.svc.client.get(
        f"{observation.base}/violation-reports", headers=observation.observer(unique("nabl-none"))
    )
    assert unknown.status_code == 403
    assert "не записан среди общественных наблюдателей" in unknown.json()["detail"]
    for role in (Role.PARTICIPANT, Role.JURY_CHAIR, Role.VENUE_COORDINATOR):
        refused = await observation.svc.client.get(
            f"{observation.base}/violation-reports", headers=observation.svc.auth(role)
        )
        assert refused.status_code == 403


async def test_p18_an_observer_reads_the_check_in_counts_of_a_venue_and_no_names(
    observation: Observation,
) -> None:
    lines = generate_participants(seed=18, n=6, schools=3, subjects=["math"])
    imported = await observation.desk.import_file(observation.olympiad_id, to_csv(lines))
    assert imported.status_code == 200, imported.text
    ids = [p["participant_id"] for p in imported.json()["participants"]]
    venue_staff = observation.svc.auth(Role.VENUE_COORDINATOR, sub="venue-7")
    marked = await observation.svc.client.post(
        f"{observation.base}/subjects/math/check-in",
        json={
            "entries": [{"participant_id": p, "present": p != ids[3]} for p in ids[:4]],
            "venue": SCHOOL,
        },
        headers=venue_staff,
    )
    assert marked.status_code == 200, marked.text
    removed = await observation.svc.client.post(
        f"{observation.base}/subjects/math/participants/{ids[0]}/removal",
        json={"reason": "пользовался телефоном во время тура"},
        headers=venue_staff,
    )
    assert removed.status_code == 200, removed.text
    url = f"{observation.base}/check-in-counts"
    params = {"venue": SCHOOL, "day": OLYMPIAD_DAY.isoformat()}
    login = unique("nabl-orlova")
    observer = await observation.accredit(login, "ОН-018")
    await observation.round_assignment(observer["observer_id"])

    counts = await observation.svc.client.get(
        url, params=params, headers=observation.observer(login)
    )

    assert counts.status_code == 200, counts.text
    by_subject = {c["subject_code"]: c for c in counts.json()["subjects"]}
    assert by_subject["math"] == {
        "subject_code": "math",
        "subject_name": "математика",
        "expected": 6,
        "present": 3,
        "absent": 1,
        "not_marked": 2,
        "removed": 1,
    }
    assert by_subject["physics"]["expected"] == 0  # held that day, nobody applied
    surnames = {line.surname for line in lines}
    assert not any(surname in counts.text for surname in surnames)
    elsewhere = await observation.svc.client.get(
        url, params={**params, "venue": "МКОУ «Ложниковская СОШ»"}, headers=observation.organiser()
    )
    assert elsewhere.status_code == 422, elsewhere.text


async def test_p18_an_observer_reads_the_counts_only_where_and_when_assigned(
    observation: Observation,
) -> None:
    url = f"{observation.base}/check-in-counts"
    params = {"venue": SCHOOL, "day": OLYMPIAD_DAY.isoformat()}
    stranger = await observation.svc.client.get(
        url, params=params, headers=observation.observer(unique("nabl-chuzhoy"))
    )
    assert stranger.status_code == 403, stranger.text
    assert "не записан среди общественных наблюдателей" in stranger.json()["detail"]

    login = unique("nabl-yolkina")
    observer = await observation.accredit(login, "ОН-019")
    checking = await observation.assign(
        observer["observer_id"],
        procedure="checking",
        date=(OLYMPIAD_DAY + dt.timedelta(days=2)).isoformat(),
        venue="Комитет образования, каб. 5",
    )
    assert checking.status_code == 201, checking.text
    unassigned = await observation.svc.client.get(
        url, params=params, headers=observation.observer(login)
    )
    assert unassigned.status_code == 403, unassigned.text
    assert unassigned.json()["detail"] == (
        f"Вы не назначены наблюдателем на площадку «{SCHOOL}» на 18.11.2025: явку на площадке "
        "видит наблюдатель, которого туда назначил организатор (п. 18). Если назначение должно "
        "быть, попросите организатора проверить его."
    )
    await observation.round_assignment(observer["observer_id"])
    admitted = await observation.svc.client.get(
        url, params=params, headers=observation.observer(login)
    )
    assert admitted.status_code == 200, admitted.text
    other_day = {**params, "day": (OLYMPIAD_DAY + dt.timedelta(days=1)).isoformat()}
    refused = await observation.svc.client.get(
        url, params=other_day, headers=observation.observer(login)
    )
    assert refused.status_code == 403, refused.text


@pytest.mark.parametrize(
    ("role", "scopes", "status"),
    [
        (Role.MUNICIPAL_COORDINATOR, {}, 200),
        (Role.VENUE_COORDINATOR, {ScopeKind.VENUE: [SCHOOL]}, 200),
        (Role.VENUE_COORDINATOR, {ScopeKind.VENUE: ["МКОУ «Ложниковская СОШ»"]}, 403),
        (Role.JURY_MEMBER, {}, 403),
        (Role.PARTICIPANT, {ScopeKind.PARTICIPANT: [str(uuid.uuid4())]}, 403),
    ],
)
async def test_check_in_counts_refuse_a_wrong_role(
    observation: Observation, role: Role, scopes: dict[ScopeKind, list[str]], status: int
) -> None:
    answered = await observation.svc.client.get(
        f"{observation.base}/check-in-counts",
        params={"venue": SCHOOL, "day": OLYMPIAD_DAY.isoformat()},
        headers=observation.svc.auth(role, sub="someone", scopes=scopes),
    )
    assert answered.status_code == status, answered.text
