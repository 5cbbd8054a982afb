"""§24, §91, §108: the criteria of a subject after their instant, for the participant and the
appeal commission — before 12:00 they learn when, from 12:00 they download the files, unpacked
from the coordinator's password archive (whose password they are never given); every download
and every early attempt is in the trail; other roles and other subjects are refused."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.service import running_service
from tests.integration.materials.test_packages_api import (
    BEFORE,
    CRITERIA_AT,
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


async def test_p91_p108_criteria_are_said_when_then_given_unpacked_to_reader(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    participant_id = str(uuid.uuid4())
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math", "physics"))
        url = f"/olympiads/{olympiad_id}/subjects/math/criteria"
        participant = svc.auth(
            Role.PARTICIPANT, sub="code-1", scopes={ScopeKind.PARTICIPANT: [participant_id]}
        )
        missing = await svc.client.get(url, headers=participant)
        assert missing.status_code == 404
        assert "ещё не загружены" in missing.json()["detail"]
        archive = winzip_aes(PASSWORD, CRITERIA)
        uploaded = await upload(svc, olympiad_id, "criteria", archive, password=PASSWORD)
        assert uploaded.status_code == 201, uploaded.text

        state = await svc.client.get(url, headers=participant)
        assert state.status_code == 200, state.text
        assert state.json()["released"] is False
        assert state.json()["release_at"] == CRITERIA_AT.isoformat().replace("+00:00", "Z")
        assert state.json()["time_zone"] == "Asia/Omsk"
        early = await svc.client.get(url + "/files", headers=participant)
        assert early.status_code == 403
        assert "12:00 14.10.2025 (Asia/Omsk)" in early.json()["detail"]

        clock.set(CRITERIA_AT)
        # open from the instant, whether or not the release timer has run yet
        assert (await svc.client.get(url, headers=participant)).json()["released"] is True
        commission = svc.auth(
            Role.APPEAL_MEMBER, sub="ap-kuznetsova", scopes={ScopeKind.SUBJECT: ["math"]}
        )
        for who in (participant, commission):
            files = await svc.client.get(url + "/files", headers=who)
            assert files.status_code == 200, files.text
            assert files.headers["content-type"] == "application/zip"
            assert 'filename="criteria-math.zip"' in files.headers["content-disposition"]
            with zipfile.ZipFile(io.BytesIO(files.content)) as unpacked:
                assert {n: unpacked.read(n) for n in unpacked.namelist()} == CRITERIA
            assert PASSWORD.encode() not in files.content
        assert (await svc.client.get(url, headers=participant)).json()["released"] is True

        async with svc.service.runtime.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT actor, action FROM audit_log WHERE action LIKE 'criteria%'")
            )
            trail = [(r.actor, r.action) for r in rows]
        assert trail == [
            ("code-1", "criteria_refused_before_release"),
            ("code-1", "criteria_downloaded"),
            ("ap-kuznetsova", "criteria_downloaded"),
        ]


async def test_released_criteria_refuse_other_roles_and_subjects(tmp_path: Path) -> None:
    clock = ManualClock(CRITERIA_AT)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        uploaded = await upload(svc, olympiad_id, "criteria", b"%PDF-1.4 criteria")
        assert uploaded.status_code == 201, uploaded.text
        files = f"/olympiads/{olympiad_id}/subjects/math/criteria/files"
        plain = await svc.client.get(files, headers=svc.auth(Role.PARTICIPANT))
        assert plain.status_code == 200 and plain.content == b"%PDF-1.4 criteria"
        assert plain.headers["content-type"] == "application/pdf"
        for role in (Role.JURY_MEMBER, Role.OBSERVER, Role.SCANNER):
            refused = await svc.client.get(files, headers=svc.auth(role))
            assert refused.status_code == 403, role
        physics_commission = svc.auth(Role.APPEAL_MEMBER, scopes={ScopeKind.SUBJECT: ["physics"]})
        assert (await svc.client.get(files, headers=physics_commission)).status_code == 403
        assert (await svc.client.get(files)).status_code == 401
