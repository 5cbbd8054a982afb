"""What an observer watches and what the organiser decides, over the real services (§18–19):
the live state of each assignment read with the observer's token — check-in counts at the venue,
the day's packages, the checking progress, the appeal session in order — refreshing itself; room
video of the observer's venue played through the portal under its CSP; and the organiser's screen
of violation reports, with the files, where the decision is recorded once."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from olymp_cli.commands.video import RecordingTarget, upload_recording
from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock, to_local
from olymp_portal.domain import Grant
from tests.integration.portal.conftest import JURY_MATH, ORGANISER_ANYWHERE, add_account, csrf_of
from tests.integration.portal.suite import (
    BACKENDS,
    SUBJECT,
    TIME_ZONE,
    Olympiad,
    Suite,
    new_olympiad,
    participant,
    running_suite,
    services_clock,
    signed_in,
    until,
)
from tests.support import media

pytestmark = pytest.mark.integration

VENUE = "МБОУ «Усть-Ишимская СОШ № 1»"  # the suite's olympiad's only venue
OBSERVER = "nabl-orlova"
OBSERVER_NAME = "Орлова-Ёлкина Мария Ильинична"
ORGANISER = "mun-kuznetsova"
JURY = "jury-petrov"
MUNICIPALITIES = ["ust-ishim", "tevriz"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PEOPLE = {
    ("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей»"): ["7", "3.5", "10", "0", "5"],
    ("Римская-Корсакова", "Варвара", "Петровна", "МБОУ «СОШ № 2»"): ["10", "9", "8", "7", "6"],
}


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return services_clock()


@dataclass
class Watched:
    suite: Suite
    olympiad: Olympiad
    observer_id: str
    assignments: dict[str, str]  # procedure -> assignment id
    today: dt.date

    @property
    def olympiad_id(self) -> uuid.UUID:
        return self.olympiad.olympiad_id


@pytest.fixture(scope="module")
async def watched(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[Watched]:
    """Two works checked and decoded, the show over and an appeal filed; a task package
    announced; an observer assigned to the round, the checking and the appeals."""
    backends = (*BACKENDS, "appeals", "materials")
    # the hub expects two municipalities to confirm receipt (§25)
    hub = {"materials": {"municipalities": MUNICIPALITIES}}
    async with running_suite(tmp_path_factory.mktemp("watching"), clock, backends, hub) as suite:
        olympiad = await new_olympiad(suite, [participant(*person) for person in PEOPLE])
        await olympiad.set_scheme()
        for person, marks in PEOPLE.items():
            code = olympiad.code_of(person[0] + " " + person[1])
            for member in ("jury-ivanova", "jury-petrov"):
                await olympiad.mark(code, member, marks)
        await olympiad.decode()
        today = to_local(clock.now(), TIME_ZONE).date()
        olympiad_id = olympiad.olympiad_id
        registration = suite["registration"]
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
        assignments = {}
        for procedure in ("round", "checking", "appeals"):
            assigned = await registration.client.post(
                f"/olympiads/{olympiad_id}/observers/{observer_id}/assignments",
                json={
                    "procedure": procedure,
                    "date": today.isoformat(),
                    "venue": VENUE,
                    "subject_code": SUBJECT,
                },
                headers=organiser,
            )
            assert assigned.status_code == 201, assigned.text
            assignments[procedure] = assigned.json()["assignment_id"]
        await _appeal_filed(suite, olympiad)
        tomorrow_noon = dt.datetime.combine(
            today + dt.timedelta(days=1), dt.time(12, 0), tzinfo=dt.timezone(dt.timedelta(hours=6))
        )
        uploaded = await suite["materials"].client.post(
            f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/packages/tasks",
            content=b"%PDF-1.4 tasks of the round",
            params={"release_at": tomorrow_noon.isoformat()},
            headers=suite["materials"].auth(Role.COORDINATOR, sub="region-petrova"),
        )
        assert uploaded.status_code == 201, uploaded.text
        await add_account(suite.portal, OBSERVER, Grant(Role.OBSERVER), name=OBSERVER_NAME)
        await add_account(
            suite.portal,
            ORGANISER,
            ORGANISER_ANYWHERE,
            name="Кузнецова Ольга Петровна",
        )
        await add_account(suite.portal, JURY, JURY_MATH, name="Петров Иван Ильич")
        yield Watched(suite, olympiad, observer_id, assignments, today)


async def _appeal_filed(suite: Suite, olympiad: Olympiad) -> None:
    now = suite.clock.now()
    appeals = suite["appeals"]
    base = f"/olympiads/{olympiad.olympiad_id}/subjects/{SUBJECT}"

    async def schedule_set() -> bool:  # appeals hears of the olympiad through the broker
        response = await appeals.client.put(
            base + "/analysis-and-show",
            json={
                "analysis": {
                    "starts_at": (now - dt.timedelta(hours=3)).isoformat(),
                    "ends_at": (now - dt.timedelta(hours=2)).isoformat(),
                    "place": f"{VENUE}, актовый зал",
                },
                "show": {
                    "starts_at": (now - dt.timedelta(hours=2)).isoformat(),
                    "ends_at": (now - dt.timedelta(hours=1)).isoformat(),
                    "place": f"{VENUE}, кабинет 1",
                },
            },
            headers=appeals.auth(Role.MUNICIPAL_COORDINATOR),
        )
        return response.status_code == 200

    await until(schedule_set, "appeals to hear of the olympiad")
    listed = await suite["registration"].client.get(
        f"/olympiads/{olympiad.olympiad_id}/participants",
        headers=suite["registration"].auth(Role.MUNICIPAL_COORDINATOR),
    )
    [varvara] = [p for p in listed.json()["participants"] if p["surname"] == "Римская-Корсакова"]
    who = str(varvara["participant_id"])

    async def filed() -> bool:  # appeals hears of the published points through the broker
        response = await appeals.client.post(
            f"/olympiads/{olympiad.olympiad_id}/participants/{who}/appeals",
            json={"subject_code": SUBJECT, "tasks": [2, 5], "statement": "Задачи 2 и 5 решены."},
            headers=appeals.auth(Role.PARTICIPANT, sub="p", scopes={ScopeKind.PARTICIPANT: [who]}),
        )
        return response.status_code == 201

    await until(filed, "the appeal to be taken")


async def test_p18_the_observer_sees_the_live_state_of_each_assignment(watched: Watched) -> None:
    async with signed_in(watched.suite, OBSERVER) as browser:
        home = await browser.get("/observer")
        live_url = f"/observer/{watched.olympiad_id}/live"
        assert live_url in home.text
        page = await browser.get(live_url)
        assert page.status_code == 200, page.text
        assert f'hx-get="{live_url}" hx-trigger="every 15s"' in page.text
        part = await browser.get(live_url, headers={"HX-Request": "true"})
    assert part.status_code == 200, part.text
    assert "<h1>" not in part.text  # the part alone, swapped into the page
    text = text_of(page.text)
    assert "Нет сведений" not in text  # every service admitted the observer's token
    # the round: both participants present at the venue (check-in), the day's package waiting
    assert "Математика 2 2 0 0 0" in text
    assert "Математика: задания" in text and "ждёт раскрытия" in text
    assert "получение подтвердили 0 из 2 муниципалитетов" in text
    # the checking: both works checked, grade 9
    assert "Математика, 9 класс 2 2 0 да" in text
    # the appeals: Varvara's, first in order, not yet heard
    assert "1 Математика, 9 класс" in text and "№ 2, 5 ждёт рассмотрения" in text
    assert "Римская-Корсакова" not in text  # counts and order only, no names


async def test_p21_the_observer_plays_a_room_recording_of_their_venue(
    watched: Watched, tmp_path: Path
) -> None:
    round_start = dt.datetime.combine(
        watched.today, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=6))
    )
    video = media.write_video(tmp_path / "кабинет-1.mp4", seconds=4, creation_time=round_start)
    registration = watched.suite["registration"]
    token = registration.auth(
        Role.VENUE_COORDINATOR, sub="venue-1", scopes={ScopeKind.VENUE: [VENUE]}
    )["Authorization"].removeprefix("Bearer ")
    uploaded = await upload_recording(
        registration.client,
        video,
        RecordingTarget(str(watched.olympiad_id), VENUE, "Кабинет 1", SUBJECT),
        token=token,
    )
    recording_id = uploaded.recording["recording_id"]
    page_url = f"/observer/{watched.olympiad_id}/video"
    async with signed_in(watched.suite, OBSERVER) as browser:
        listing = await browser.get(page_url)
        assert listing.status_code == 200, listing.text
        assert "Кабинет 1" in listing.text and f"play={recording_id}" in listing.text
        player = await browser.get(page_url, params={"play": recording_id})
        media_url = f"/observer/{watched.olympiad_id}/video/{recording_id}/media"
        assert re.search(rf'<video id="player" controls[^>]*src="{media_url}"', player.text)
        assert "media-src 'self'" in player.headers["content-security-policy"]
        played = await browser.get(media_url)
    assert played.status_code == 200
    assert played.content == video.read_bytes()
    assert played.headers["content-type"] == "video/mp4"
    async with registration.uows() as uow:
        entries = await uow.session.execute(
            sa.text("SELECT actor, action FROM audit_log WHERE object_id = :id ORDER BY seq"),
            {"id": str(recording_id)},
        )
        trail = [(r.actor, r.action) for r in entries]
    assert (OBSERVER, "video.playback_granted") in trail


async def test_p19_the_organiser_opens_a_report_with_its_file_and_decides_once(
    watched: Watched,
) -> None:
    registration = watched.suite["registration"]
    observer = registration.auth(Role.OBSERVER, sub=OBSERVER)
    base = f"/olympiads/{watched.olympiad_id}/violation-reports"
    text = "Кабинет 1: дежурный выходил на 20 минут, участники оставались одни."
    filed = await registration.client.post(
        base, json={"assignment_id": watched.assignments["round"], "text": text}, headers=observer
    )
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["report_id"]
    attached = await registration.client.post(
        f"{base}/{report_id}/attachments",
        params={"file_name": "кабинет 1.png"},
        content=PNG,
        headers={"Content-Type": "image/png", **observer},
    )
    assert attached.status_code == 201, attached.text
    attachment_id = attached.json()["attachment_id"]
    report_url = f"/violations/{watched.olympiad_id}/{report_id}"

    async with signed_in(watched.suite, ORGANISER) as browser:
        home = await browser.get("/")
        assert 'href="/violations"' in home.text
        listing = await browser.get("/violations")
        assert listing.status_code == 200, listing.text
        assert report_url in listing.text and OBSERVER_NAME in listing.text
        assert "ждёт решения" in listing.text
        page = await browser.get(report_url)
        assert page.status_code == 200, page.text
        assert text in page.text and "проведение олимпиады (тур)" in page.text
        file_url = f"{report_url}/attachments/{attachment_id}"
        assert file_url in page.text and "кабинет 1.png" in page.text
        downloaded = await browser.get(file_url)
        assert downloaded.status_code == 200
        assert downloaded.content == PNG
        assert downloaded.headers["content-disposition"].startswith("attachment")

        csrf = csrf_of(page.text)
        empty = await browser.post(
            report_url + "/decision", data={"csrf": csrf, "outcome": "confirmed", "decision": " "}
        )
        assert empty.status_code == 422, empty.text
        assert "Запишите решение" in empty.text
        assert re.search(r'<textarea id="decision"[^>]*aria-invalid="true"', empty.text, re.S)
        assert 'value="confirmed" required checked' in empty.text  # the choice kept
        decision = "Дежурному объявлено замечание, в кабинете 1 назначен второй дежурный."
        decided = await browser.post(
            report_url + "/decision",
            data={"csrf": csrf, "outcome": "confirmed", "decision": decision},
        )
        assert decided.status_code == 303, decided.text
        shown = await browser.get(decided.headers["location"])
        assert "нарушение подтверждено, меры приняты" in shown.text and decision in shown.text
        assert 'name="decision"' not in shown.text  # recorded once: no form any more
        again = await browser.post(
            report_url + "/decision",
            data={"csrf": csrf, "outcome": "not_confirmed", "decision": "Иначе."},
        )
        assert again.status_code == 409, again.text
        assert "уже записано" in again.text
        forged = await browser.post(
            report_url + "/decision",
            data={"csrf": "подделка", "outcome": "confirmed", "decision": decision},
        )
        assert forged.status_code == 403
    stored = await registration.client.get(
        f"{base}/{report_id}", headers=registration.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert stored.json()["outcome"] == "confirmed"
    assert stored.json()["decided_by"] == ORGANISER
    async with signed_in(watched.suite, OBSERVER) as browser:
        mine = await browser.get("/observer")
    assert decision in mine.text


@pytest.mark.parametrize(
    ("login", "path", "status"),
    [
        (OBSERVER, "/violations", 403),  # observers file reports, the organiser decides
        (JURY, "/violations", 403),
        (JURY, "/observer/{olympiad_id}/live", 403),
        (ORGANISER, "/observer/{olympiad_id}/video", 403),
    ],
)
async def test_who_opens_what(watched: Watched, login: str, path: str, status: int) -> None:
    async with signed_in(watched.suite, login) as browser:
        opened = await browser.get(path.format(olympiad_id=watched.olympiad_id))
    assert opened.status_code == status, opened.text
