"""§21: the regional coordinator opens the answer pages of the works they asked to re-check, through
the same short-lived, audited links as the jury, and no other work's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.scoring import RecheckRequested

from .conftest import Olympiad
from .test_review import upload_work

pytestmark = pytest.mark.integration


async def test_p21_the_regional_coordinator_opens_only_the_works_asked_for_re_checking(
    olympiad: Olympiad,
) -> None:
    svc = olympiad.svc
    asked, other = olympiad.math[0], olympiad.math[1]
    await upload_work(olympiad, asked)
    await upload_work(olympiad, other)
    region = svc.auth(
        Role.COORDINATOR, sub="region-kuznetsova", scopes={ScopeKind.SUBJECT: ["math"]}
    )
    before = await svc.client.get(f"{olympiad.base}/works/{asked}/pages", headers=region)

    request = RecheckRequested(
        olympiad_id=olympiad.olympiad_id,
        subject_code="math",
        grade=9,
        work_codes=(asked,),
        requested_by="region-kuznetsova",
    )
    await svc.deliver(request, request)  # a redelivery grants nothing twice
    pages = await svc.client.get(f"{olympiad.base}/works/{asked}/pages", headers=region)
    refused = await svc.client.get(f"{olympiad.base}/works/{other}/pages", headers=region)

    assert before.status_code == 403
    assert "не запрошена на перепроверку" in before.json()["detail"]
    assert pages.status_code == 200, pages.text
    listed = pages.json()["pages"]
    assert [p["sheet"] for p in listed] == [1, 2]  # answer pages; the title page stays sealed
    image = await svc.client.get(listed[0]["url"])
    assert image.status_code == 200
    assert refused.status_code == 403
    async with svc.uows() as uow:
        issued = await uow.session.scalars(
            sa.select(audit_log.c.actor).where(audit_log.c.action == "scan.page_link_issued")
        )
        assert "region-kuznetsova" in set(issued)
