"""Run one real service in-process for integration tests: its own database, real broker, real storage.

    async with running_service("coding", tmp_path) as svc:
        response = await svc.client.get("/...", headers=svc.auth(Role.CODING_OFFICER))

The service's lifespan runs (consumers, relay, sweeper, gRPC on a free port). Its consumer queues get a
unique prefix and the broker is the test virtual host, so a developer's running suite is not disturbed.
"""

from __future__ import annotations

import asyncio
import importlib
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from olymp_core.auth import (
    ANY,
    Role,
    ScopeKind,
    TokenIssuer,
    generate_local_key,
    missing_pinned_scopes,
)
from olymp_core.clock import Clock
from olymp_core.db import UnitOfWorkFactory
from olymp_core.events import Event, connect
from olymp_core.migrations import upgrade
from olymp_core.service import Service
from olymp_core.testing.databases import AMQP_URL, ensure_test_vhost, temporary_database
from olymp_core.testing.events import deliver


@dataclass
class ServiceHarness:
    service: Service[Any]
    client: httpx.AsyncClient
    issuer: TokenIssuer
    database_url: str

    def auth(
        self,
        *roles: Role,
        sub: str = "tester",
        scopes: Mapping[ScopeKind, Iterable[str]] | None = None,
    ) -> dict[str, str]:
        """Headers with a bearer token for `roles`.

        A pinned role (`PINNED_SCOPES`: a jury member's subject, …) whose kind `scopes` leaves out
        gets `*` there, as an operator issuing an unrestricted one would: the tests about scopes
        pass theirs, the others are about something else. A participant is left as given (the
        tests of a participant pinned to nobody mean exactly that).
        """
        given = dict(scopes or {})
        for role, kind in missing_pinned_scopes(roles, given).items():
            if role is not Role.PARTICIPANT:
                given[kind] = [ANY]
        return {"Authorization": "Bearer " + self.issuer.issue(sub, roles, given)}

    @property
    def uows(self) -> UnitOfWorkFactory:
        return self.service.runtime.uows

    async def deliver(self, *events: Event) -> None:
        """Apply `events` as the consumer would, minus the broker: handler, then commit."""
        await deliver(self.service, *events)


@asynccontextmanager
async def running_service(
    name: str,
    workdir: Path,
    *,
    clock: Clock | None = None,
    **settings: Any,
) -> AsyncIterator[ServiceHarness]:
    """`settings` override the service's; `amqp_url` among them: services that must hear only
    each other (a whole suite in one test) share a virtual host of their own, since the test
    vhost's exchanges reach every service started in it."""
    ensure_test_vhost()  # a benchmark on a fresh broker, too (cached: once per process)
    amqp_url = str(settings.pop("amqp_url", AMQP_URL))
    package = f"olymp_{name}"
    settings_module = importlib.import_module(f"{package}.settings")
    settings_cls = getattr(settings_module, f"{name.title()}Settings")
    build = importlib.import_module(f"{package}.main").build
    private_key = workdir / "keys" / "auth.pem"
    public_key = workdir / "keys" / "auth.pub.pem"
    public_key.parent.mkdir(parents=True, exist_ok=True)
    public_key.write_text(generate_local_key(private_key))
    prefix = f"t{uuid.uuid4().hex[:8]}."
    # the test's own list, never a developer's .olymp/keys/revoked.json in the working directory
    settings.setdefault("auth_revocation_file", workdir / "keys" / "revoked.json")
    async with temporary_database(name) as database_url:
        await asyncio.to_thread(upgrade, package, database_url)
        config = settings_cls(
            profile="test",
            database_url=database_url,
            amqp_url=amqp_url,
            storage_url=f"file:{workdir / 'storage'}",
            grpc_port=0,
            auth_local_public_key_file=public_key,
            queue_prefix=prefix,
            outbox_poll_interval_s=0.2,
            **settings,
        )
        service: Service[Any] = build(config, clock=clock)
        issuer = TokenIssuer(private_key.read_bytes(), config.auth_issuer, config.auth_audience)
        async with service.running():
            transport = httpx.ASGITransport(app=service.asgi)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield ServiceHarness(service, client, issuer, database_url)
        await _delete_queues([s.queue for s in service.subscriptions], amqp_url)  # prefixed


async def _delete_queues(queues: list[str], amqp_url: str = AMQP_URL) -> None:
    if not queues:
        return
    connection = await connect(amqp_url, name="olymp-test-cleanup")
    try:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
            await channel.queue_delete(queue + ".dlq")
    finally:
        await connection.close()
