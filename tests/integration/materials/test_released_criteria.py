"""§24, §91, §108: the criteria of a subject after their instant. The coordinators and the appeal
commission download them from 12:00; a participant only once the subject's last round has ended —
the round runs past 12:00, and the oral round of German and French is on a later day (§60). Before
that each learns when; the files come unpacked from the coordinator's password archive (whose
password nobody is given), unpacked once and kept encrypted; every download and every early attempt
is in the trail; other roles and other subjects are refused."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.contracts.registration import ScheduledRound, SubjectScheduleChanged
from olymp_core.testing.events import deliver
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials import store
from olymp_materials.handlers.criteria import unpacked_object_key
from tests.integration.materials.test_packages_api import (
    BEFORE,
    CRITERIA_AT,
    DAY,
    FAST,
    PASSWORD,
    learn_olympiad,
    olympiad_created,
    upload,
)
from tests.support.archives import winzip_aes

pytestmark = pytest.mark.integration

CRITERIA = {
    "критерии_9_класс.pdf": b"%PDF-1.4 criteria: task 1 - 10 points " * 32,
    "критерии_11_класс.pdf": b"%PDF-1.4 criteria: task 1 - 12 points " * 32,
}
ROUND_ENDS = dt.datetime(2025, 10, 14, 7, 0, tzinfo=dt.UTC)  # 13:00 in Omsk (olympiad_created)
ORAL_DAY = DAY + dt.timedelta(days=2)
ORAL_ENDS = dt.datetime(2025, 10, 16, 6, 30, tzinfo=dt.UTC)  # 12:30 in Omsk


def participant_of(svc: ServiceHarness, sub: str = "code-1") -> dict[str, str]:
    return svc.auth(Role.PARTICIPANT, sub=sub, scopes={ScopeKind.PARTICIPANT: [str(uuid.uuid4())]})


async def trail(svc: ServiceHarness) -> list[tuple[str, str]]:
    async with svc.service.runtime.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT actor, action FROM audit_log WHERE action LIKE 'criteria%' ORDER BY seq"
            )
        )
        return [(r.actor, r.action) for r in rows]


def unpacked(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


async def test_p91_p108_the_commission_reads_the_criteria_at_12_a_participant_after_the_round(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math", "physics"))
        url = f"/olympiads/{olympiad_id}/subjects/math/criteria"
        participant = participant_of(svc)
        commission = svc.auth(
            Role.APPEAL_MEMBER, sub="ap-kuznetsova", scopes={ScopeKind.SUBJECT: ["math"]}
        )
        missing = await svc.client.get(url, headers=participant)
        assert missing.status_code == 404
        assert "ещё не загружены" in missing.json()["detail"]
        archive = winzip_aes(PASSWORD, CRITERIA)
        uploaded = await upload(svc, olympiad_id, "criteria", archive, password=PASSWORD)
        assert uploaded.status_code == 201, uploaded.text

        state = (await svc.client.get(url, headers=participant)).json()
        assert state["released"] is False and state["available"] is False
        assert state["release_at"] == CRITERIA_AT.isoformat().replace("+00:00", "Z")
        assert state["available_at"] == ROUND_ENDS.isoformat().replace("+00:00", "Z")
        assert state["time_zone"] == "Asia/Omsk"
        early = await svc.client.get(url + "/files", headers=commission)
        assert early.status_code == 403
        assert "12:00 14.10.2025 (Asia/Omsk)" in early.json()["detail"]

        clock.set(CRITERIA_AT)
        # the commission from the instant, whether or not the release timer has run yet
        given = await svc.client.get(url + "/files", headers=commission)
        assert given.status_code == 200, given.text
        assert given.headers["content-type"] == "application/zip"
        assert 'filename="criteria-math.zip"' in given.headers["content-disposition"]
        assert unpacked(given.content) == CRITERIA
        assert PASSWORD.encode() not in given.content
        # the round is still on (10:00-13:00): the participant is told when, in Russian
        state = (await svc.client.get(url, headers=participant)).json()
        assert state["released"] is True and state["available"] is False
        during = await svc.client.get(url + "/files", headers=participant)
        assert during.status_code == 403
        assert during.json()["detail"] == (
            "Критерии оценивания выдаются участникам после окончания последнего тура по "
            "предмету: они будут доступны с 13:00 14.10.2025 (Asia/Omsk)."
        )

        clock.set(ROUND_ENDS)
        assert (await svc.client.get(url, headers=participant)).json()["available"] is True
        files = await svc.client.get(url + "/files", headers=participant)
        assert files.status_code == 200, files.text
        assert files.content == given.content
        assert await trail(svc) == [
            ("ap-kuznetsova", "criteria_refused_before_release"),
            ("ap-kuznetsova", "criteria_downloaded"),
            ("code-1", "criteria_refused_before_round_end"),
            ("code-1", "criteria_downloaded"),
        ]


async def test_p60_german_criteria_reach_participants_after_the_oral_round(
    tmp_path: Path,
) -> None:
    clock = ManualClock(ROUND_ENDS + dt.timedelta(minutes=1))
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "german"))
        first = olympiad_created(olympiad_id, "german").subjects[0]
        oral = SubjectScheduleChanged(
            olympiad_id=olympiad_id,
            subject_code="german",
            rounds=(
                ScheduledRound(
                    round_code="written",
                    day=DAY,
                    starts_at=first.round_starts_at,
                    ends_at=first.round_ends_at,
                ),
                ScheduledRound(
                    round_code="oral",
                    day=ORAL_DAY,
                    starts_at=ORAL_ENDS - dt.timedelta(hours=2),
                    ends_at=ORAL_ENDS,
                ),
            ),
        )
        await deliver(svc.service, oral)
        # a redelivered OlympiadCreated does not take the oral round back
        await learn_olympiad(svc, olympiad_created(olympiad_id, "german"))
        async with svc.uows() as uow:
            assert await store.subject_day(uow.session, olympiad_id, "german") == DAY
        uploaded = await upload(
            svc, olympiad_id, "criteria", b"%PDF-1.4 Kriterien", subject="german"
        )
        assert uploaded.status_code == 201, uploaded.text
        url = f"/olympiads/{olympiad_id}/subjects/german/criteria/files"
        participant = participant_of(svc, "code-7")
        refused = await svc.client.get(url, headers=participant)
        assert refused.status_code == 403
        assert "будут доступны с 12:30 16.10.2025 (Asia/Omsk)" in refused.json()["detail"]
        clock.set(ORAL_ENDS)
        given = await svc.client.get(url, headers=participant)
        assert given.status_code == 200, given.text
        assert given.content == b"%PDF-1.4 Kriterien"


async def test_criteria_are_unpacked_once_and_kept_encrypted(tmp_path: Path) -> None:
    clock = ManualClock(ROUND_ENDS)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        archive = winzip_aes(PASSWORD, CRITERIA)
        uploaded = await upload(
            svc,
            olympiad_id,
            "criteria",
            archive,
            password=PASSWORD,
            release_at=CRITERIA_AT.isoformat(),
        )
        assert uploaded.status_code == 201, uploaded.text
        url = f"/olympiads/{olympiad_id}/subjects/math/criteria/files"
        objects = svc.service.runtime.objects
        async with svc.uows() as uow:
            [record] = await store.list_packages(uow.session, olympiad_id)
        kept = unpacked_object_key(record)
        assert not await objects.exists(kept)

        first = await svc.client.get(url, headers=participant_of(svc, "code-1"))
        assert first.status_code == 200, first.text
        assert unpacked(first.content) == CRITERIA
        stored = await objects.get(kept)
        assert b"criteria: task 1" not in stored and first.content not in stored
        # without the package's archive a second download can only be served from what was kept
        await objects.delete(record.object_key)
        second = await svc.client.get(url, headers=participant_of(svc, "code-2"))
        assert second.status_code == 200, second.text
        assert second.content == first.content


async def test_released_criteria_refuse_other_roles_and_subjects(tmp_path: Path) -> None:
    clock = ManualClock(ROUND_ENDS)
    olympiad_id = uuid.uuid4()
    unknown_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        uploaded = await upload(svc, olympiad_id, "criteria", b"%PDF-1.4 criteria")
        assert uploaded.status_code == 201, uploaded.text
        files = f"/olympiads/{olympiad_id}/subjects/math/criteria/files"
        plain = await svc.client.get(files, headers=participant_of(svc))
        assert plain.status_code == 200 and plain.content == b"%PDF-1.4 criteria"
        assert plain.headers["content-type"] == "application/pdf"
        # a participant's token is pinned to the participant: a bare role reads nothing
        bare = await svc.client.get(files, headers=svc.auth(Role.PARTICIPANT))
        assert bare.status_code == 403
        assert "по его личному коду" in bare.json()["detail"]
        for role in (Role.JURY_MEMBER, Role.OBSERVER, Role.SCANNER):
            refused = await svc.client.get(files, headers=svc.auth(role))
            assert refused.status_code == 403, role
        physics_commission = svc.auth(Role.APPEAL_MEMBER, scopes={ScopeKind.SUBJECT: ["physics"]})
        assert (await svc.client.get(files, headers=physics_commission)).status_code == 403
        assert (await svc.client.get(files)).status_code == 401

        # an olympiad whose schedule never reached this node: its end is not known, so a
        # participant waits, while the commission reads from the instant
        uploaded = await upload(
            svc,
            unknown_id,
            "criteria",
            b"%PDF-1.4 criteria",
            release_at=CRITERIA_AT.isoformat(),
        )
        assert uploaded.status_code == 201, uploaded.text
        unknown = f"/olympiads/{unknown_id}/subjects/math/criteria"
        waiting = await svc.client.get(unknown + "/files", headers=participant_of(svc))
        assert waiting.status_code == 403
        assert "здесь не известно" in waiting.json()["detail"]
        state = (await svc.client.get(unknown, headers=participant_of(svc))).json()
        assert state["available_at"] is None and state["available"] is False
        commission = svc.auth(Role.APPEAL_MEMBER, scopes={ScopeKind.SUBJECT: ["math"]})
        assert (await svc.client.get(unknown + "/files", headers=commission)).status_code == 200
