"""Scopes enforced in every service (§4, §21): a municipality's coordinator reaches its own
municipality's olympiads only, a jury member the subjects of their token, a venue coordinator their
venue; a token of a pinned role without its scope is refused, never admitted everywhere.

Each service runs for real (PostgreSQL, RabbitMQ); registration creates the olympiads and the
others hear of them through `OlympiadCreated`, over the broker in one test and as their consumer
applies it in the rest.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.auth import Role, ScopeKind
from olymp_core.auth.olympiads import olympiad_municipalities
from olymp_core.contracts.registration import OlympiadCreated, ScheduledSubject
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from tests.integration.registration.conftest import OLYMPIAD_DAY, olympiad_body

pytestmark = pytest.mark.integration

TARA = "tara"
UST_ISHIM = "ust-ishim"
DAY = dt.date(2025, 11, 20)

# a route of each service that admits the municipal organiser, under /olympiads/{olympiad_id}
ORGANISER_ROUTES = {
    "registration": ("GET", "/olympiads/{oid}"),
    "materials": ("GET", "/olympiads/{oid}/packages"),
    "scoring": ("GET", "/olympiads/{oid}/subjects/math/grades/9/testing-results"),
    "appeals": ("GET", "/olympiads/{oid}/appeals/{appeal}/protocol.pdf"),
    "publishing": ("GET", "/olympiads/{oid}/quota-policy"),
}


def created(olympiad_id: uuid.UUID, municipality_id: str | None) -> OlympiadCreated:
    start = dt.datetime(2025, 11, 20, 4, 0, tzinfo=dt.UTC)
    return OlympiadCreated(
        olympiad_id=olympiad_id,
        title="Муниципальный этап ВсОШ",
        time_zone="Asia/Omsk",
        subjects=(ScheduledSubject(
            subject_code="math", day=DAY, round_starts_at=start,
            round_ends_at=start + dt.timedelta(hours=4),
        ),),
        municipality_id=municipality_id,
    )  # fmt: skip


def bearer(svc: ServiceHarness, role: Role, **scopes: list[str]) -> dict[str, str]:
    """A token with exactly these scopes (the harness's `auth` would add `*` for a pinned role)."""
    given = {ScopeKind(kind): values for kind, values in scopes.items()}
    return {"Authorization": "Bearer " + svc.issuer.issue("ivanova", [role], given)}


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def registration(tmp_path: Path) -> AsyncIterator[ServiceHarness]:
    async with running_service("registration", tmp_path / "registration") as svc:
        yield svc


async def create(svc: ServiceHarness, municipality_id: str | None, **token: list[str]) -> str:
    body = olympiad_body()
    if municipality_id is not None:
        body["municipality_id"] = municipality_id
    role = Role.MUNICIPAL_COORDINATOR if token else Role.COORDINATOR
    response = await svc.client.post("/olympiads", json=body, headers=bearer(svc, role, **token))
    assert response.status_code == 201, response.text
    return str(response.json()["olympiad_id"])


async def test_p4_the_olympiad_is_of_the_municipality_named_or_the_organisers_own(
    tmp_path: Path,
) -> None:
    async with running_service("registration", tmp_path, municipality_id="kalachinsk") as svc:
        named = await create(svc, TARA)
        own = await create(svc, None, municipality=[UST_ISHIM])
        installation = await create(svc, None)
        for olympiad, expected in ((named, TARA), (own, UST_ISHIM), (installation, "kalachinsk")):
            read = await svc.client.get(
                f"/olympiads/{olympiad}", headers=svc.auth(Role.COORDINATOR)
            )
            assert read.json()["municipality_id"] == expected
        async with svc.uows() as uow:
            rows: dict[uuid.UUID, str | None] = dict(
                (await uow.session.execute(sa.select(olympiad_municipalities))).all()
            )
        assert rows == {
            uuid.UUID(named): TARA,
            uuid.UUID(own): UST_ISHIM,
            uuid.UUID(installation): "kalachinsk",
        }
        listed = await svc.client.get(
            "/olympiads", headers=bearer(svc, Role.MUNICIPAL_COORDINATOR, municipality=[TARA])
        )
        assert [o["olympiad_id"] for o in listed.json()["olympiads"]] == [named]
        refused = await svc.client.post(
            "/olympiads",
            json={**olympiad_body(), "municipality_id": TARA},
            headers=bearer(svc, Role.MUNICIPAL_COORDINATOR, municipality=[UST_ISHIM]),
        )
        assert "«tara»" in problem(refused, 403)["detail"]


async def test_p4_every_service_hears_whose_olympiad_it_is_over_the_broker(
    registration: ServiceHarness, tmp_path: Path
) -> None:
    async with running_service("scoring", tmp_path / "scoring") as scoring:
        olympiad = await create(registration, TARA)

        async def heard() -> bool:
            async with scoring.uows() as uow:
                found = await uow.session.execute(
                    sa.select(olympiad_municipalities.c.municipality_id).where(
                        olympiad_municipalities.c.olympiad_id == uuid.UUID(olympiad)
                    )
                )
                return found.scalar_one_or_none() == TARA

        await eventually(heard, within_s=30)
        path = ORGANISER_ROUTES["scoring"][1].format(oid=olympiad)
        tara = bearer(scoring, Role.MUNICIPAL_COORDINATOR, municipality=[TARA])
        assert (await scoring.client.get(path, headers=tara)).status_code != 403
        other = bearer(scoring, Role.MUNICIPAL_COORDINATOR, municipality=[UST_ISHIM])
        body = problem(await scoring.client.get(path, headers=other), 403)
        assert "муниципалитета «tara»" in body["detail"]


@pytest.mark.parametrize("service", sorted(ORGANISER_ROUTES))
async def test_p4_a_municipal_coordinator_is_refused_on_another_municipalitys_olympiad(
    service: str, tmp_path: Path
) -> None:
    async with running_service(service, tmp_path) as svc:
        if service == "registration":
            own, others = await create(svc, TARA), await create(svc, UST_ISHIM)
        else:
            own, others = str(uuid.uuid4()), str(uuid.uuid4())
            await svc.deliver(created(uuid.UUID(own), TARA), created(uuid.UUID(others), UST_ISHIM))
        method, route = ORGANISER_ROUTES[service]
        tara = bearer(svc, Role.MUNICIPAL_COORDINATOR, municipality=[TARA])

        def path(olympiad: str) -> str:
            return route.format(oid=olympiad, appeal=uuid.uuid4())

        admitted = await svc.client.request(method, path(own), headers=tara)
        assert admitted.status_code != 403, admitted.text
        refused = problem(await svc.client.request(method, path(others), headers=tara), 403)
        assert "муниципалитета «ust-ishim»" in refused["detail"]
        assert refused["olympiad_municipality"] == UST_ISHIM
        # an olympiad the service has not heard of: refused to a restricted caller (fail closed)
        unknown = problem(
            await svc.client.request(method, path(str(uuid.uuid4())), headers=tara), 403
        )
        assert "ещё не знает" in unknown["detail"]
        # an organiser given every municipality ("*", the operator's choice) is not restricted
        anywhere = bearer(svc, Role.MUNICIPAL_COORDINATOR, municipality=["*"])
        assert (await svc.client.request(method, path(others), headers=anywhere)).status_code != 403


async def test_p21_a_jury_member_of_physics_is_refused_on_mathematics_marking(
    tmp_path: Path,
) -> None:
    async with running_service("scoring", tmp_path) as svc:
        olympiad = uuid.uuid4()
        await svc.deliver(created(olympiad, TARA))
        marking = f"/olympiads/{olympiad}/subjects/math/grades/9/works"
        physics = bearer(svc, Role.JURY_MEMBER, subject=["physics"])
        body = problem(await svc.client.get(marking, headers=physics), 403)
        assert "запрошено «math»" in body["detail"]
        mathematics = bearer(svc, Role.JURY_MEMBER, subject=["math"])
        assert (await svc.client.get(marking, headers=mathematics)).status_code == 200


@pytest.mark.parametrize(
    ("service", "route"),
    [
        ("scoring", "/olympiads/{oid}/subjects/math/grades/9/works"),
        ("coding", "/olympiads/{oid}/subjects/math/works"),
    ],
)
async def test_p21_a_jury_token_without_a_subject_scope_is_refused(
    service: str, route: str, tmp_path: Path
) -> None:
    async with running_service(service, tmp_path) as svc:
        path = route.format(oid=uuid.uuid4())
        for role in (Role.JURY_MEMBER, Role.JURY_CHAIR):
            body = problem(await svc.client.get(path, headers=bearer(svc, role)), 403)
            assert body["missing_scope"] == "subject"
            assert "--scope subject=" in body["detail"]


async def test_p36_a_venue_coordinator_without_a_venue_scope_is_refused_on_a_venue_route(
    registration: ServiceHarness,
) -> None:
    olympiad = await create(registration, TARA)
    counts = f"/olympiads/{olympiad}/check-in-counts"
    bare = bearer(registration, Role.VENUE_COORDINATOR)
    body = problem(await registration.client.get(counts, headers=bare), 403)
    assert body["missing_scope"] == "venue"
    assert "«координатор на площадке»" in body["detail"]
    venue = 'МБОУ "Усть-Ишимская СОШ № 1"'
    scoped = bearer(registration, Role.VENUE_COORDINATOR, venue=[venue])
    params = {"venue": venue, "day": OLYMPIAD_DAY.isoformat()}
    admitted = await registration.client.get(counts, params=params, headers=scoped)
    assert admitted.status_code == 200, admitted.text
