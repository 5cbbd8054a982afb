"""§117–121: final versions after appeals, the chair's ruling on a boundary tie, immutability."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness
from olymp_publishing.store.tables import result_versions

from .conftest import Subject

pytestmark = pytest.mark.integration


async def test_p117_undecided_boundary_tie_blocks_the_final_until_the_chair_decides(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["math"]})

    refused = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["undecided_totals"] == ["35.5"]
    assert problem["ties"] == [
        {"total": "35.5", "participants": 3, "places_left": 1, "statuses": ["призёр", "участник"]}
    ]
    assert "председателя жюри" in problem["detail"]

    other_subject = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]})
    decision = {"total": "35.5", "status": "призёр"}
    url = f"{subject.jury}/tie-decisions"
    assert (await svc.client.post(url, json=decision, headers=other_subject)).status_code == 403
    not_at_boundary = await svc.client.post(
        url, json={"total": "20", "status": "призёр"}, headers=chair
    )
    assert not_at_boundary.status_code == 409
    decided = await svc.client.post(url, json=decision, headers=chair)
    assert decided.status_code == 200
    assert decided.json()["status"] == "призёр"

    final = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert final.status_code == 201
    assert (final.json()["stage"], final.json()["version"]) == ("final", 2)
    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert [r["status"] for r in rows] == [
        "победитель",
        "призёр",
        "призёр",
        "призёр",
        "участник",
        "участник",
    ]


async def test_the_same_final_asked_for_twice_is_one_version(
    svc: ServiceHarness, subject: Subject
) -> None:
    """A retry after a lost answer (or a double click) must not make a second, identical final
    version; after a change, asking again does make a new one."""
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    chair = svc.auth(Role.JURY_CHAIR)

    first = await svc.client.post(f"{subject.jury}/final", headers=chair)
    again = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json()["version"] == first.json()["version"] == 2
    assert again.json()["sha256"] == first.json()["sha256"]

    await svc.deliver(subject.rescored("Жукова", "48"))
    changed = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert changed.json()["version"] == 3


async def test_p121_final_after_a_rescore_is_a_new_version_and_the_first_stays(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    first = (await svc.client.get(subject.base)).json()

    # The appeal raises Жукова above everyone: the tie at 35.5 now falls wholly below the quota.
    await svc.deliver(subject.rescored("Жукова", "49"))
    assert (await svc.client.get(subject.base)).json() == first

    chair = svc.auth(Role.JURY_CHAIR)
    final = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert final.status_code == 201, final.text
    assert final.json()["version"] == 2

    latest = (await svc.client.get(subject.base)).json()
    assert (latest["stage"], latest["version"]) == ("final", 2)
    assert [(r["participant"], r["status"]) for r in latest["rows"][:2]] == [
        ("Жукова М. П.", "победитель"),
        ("Абрамов П. И.", "призёр"),
    ]
    again = await svc.client.get(subject.base, params={"stage": "preliminary"})
    assert again.json() == first
    assert (await svc.client.get(subject.base, params={"version": 1})).json() == first
    assert (await svc.client.get(subject.base, params={"version": 3})).status_code == 404
    index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()["tables"][0]
    assert [(v["version"], v["stage"]) for v in index["versions"]] == [
        (1, "preliminary"),
        (2, "final"),
    ]

    async with svc.uows() as uow:
        with pytest.raises(DBAPIError, match="append-only"):
            await uow.session.execute(
                sa.update(result_versions)
                .where(result_versions.c.version == 1)
                .values(sha256="0" * 64)
            )


async def stored_protocol(svc: ServiceHarness, subject: Subject, version: int) -> dict[str, Any]:
    async with svc.uows() as uow:
        protocol = await uow.session.scalar(
            sa.select(result_versions.c.protocol).where(
                result_versions.c.olympiad_id == subject.olympiad_id,
                result_versions.c.version == version,
            )
        )
    assert protocol is not None
    return dict(protocol)


async def test_p119_a_work_annulled_after_the_preliminary_is_not_ranked_in_the_final(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    preliminary = (await svc.client.get(subject.base)).json()
    assert preliminary["rows"][0]["participant"] == "Абрамов П. И."
    before = await stored_protocol(svc, subject, 1)
    assert (len(before["rows"]), before["quota_places"]) == (6, 2)

    # The organising committee learns of Абрамов's violation (§119); scoring announces again.
    await svc.deliver(subject.checked(annulled=("Абрамов",)))
    chair = svc.auth(Role.JURY_CHAIR)
    decided = await svc.client.post(
        f"{subject.jury}/tie-decisions", json={"total": "35.5", "status": "призёр"}, headers=chair
    )
    assert decided.status_code == 200, decided.text
    final = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert final.status_code == 201, final.text

    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert "Абрамов П. И." not in [r["participant"] for r in rows]
    assert [(r["place"], r["participant"]) for r in rows[:3]] == [
        ("1–3", "Ёлкина А. В."),
        ("1–3", "Ельцова И."),
        ("1–3", "Жукова М. П."),
    ]
    protocol = await stored_protocol(svc, subject, 2)
    # the quota is counted over the five works still ranked, not six
    assert (len(protocol["rows"]), protocol["quota_places"]) == (5, 2)
    assert sorted(row["surname"] for row in protocol["annulled"]) == ["Абрамов", "Морозов"]
    # the published preliminary version stays as it was
    assert (await svc.client.get(subject.base, params={"version": 1})).json() == preliminary


async def test_p119_a_late_older_statement_does_not_undo_a_newer_change(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    stale = subject.checked()  # numbered 2, but delivered after the appeal numbered 3
    await svc.deliver(subject.rescored("Жукова", "49"), stale)
    chair = svc.auth(Role.JURY_CHAIR)
    final = await svc.client.post(f"{subject.jury}/final", headers=chair)
    assert final.status_code == 201, final.text
    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert (rows[0]["participant"], rows[0]["total"]) == ("Жукова М. П.", "49")
