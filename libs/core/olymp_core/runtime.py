"""The service's connections to the outside world, built once from its settings.

`Runtime[S]` is generic over the service's settings class, so `runtime.settings` is the service's
own type (`Runtime[CodingSettings].settings.code_prefix`) and nobody needs `isinstance` checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Generic, TypeVar

import sqlalchemy as sa
from aio_pika.abc import AbstractRobustConnection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from olymp_core.auth import AuthSettings
from olymp_core.clock import Clock, SystemClock
from olymp_core.db import UnitOfWorkFactory, make_engine
from olymp_core.events import connect
from olymp_core.lifecycle import Wakeup
from olymp_core.settings import ServiceSettings
from olymp_core.storage import ObjectStore, open_store
from olymp_core.tracing import Tracing

S = TypeVar("S", bound=ServiceSettings)


class Runtime(Generic[S]):
    def __init__(self, settings: S, clock: Clock | None = None) -> None:
        self.settings: S = settings
        self.clock: Clock = clock or SystemClock()
        self.engine: AsyncEngine = make_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # a commit with events wakes the outbox relay at once instead of at its next poll
        self.outbox_wakeup = Wakeup()
        self.uows = UnitOfWorkFactory(self.sessions, self.clock, self.outbox_wakeup)
        # the object store (scans, packages, recordings); a service's `store` is its database
        self.objects: ObjectStore = open_store(settings.storage_url)
        self.auth = AuthSettings(
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            local_public_key_file=settings.auth_local_public_key_file,
            jwks_url=settings.auth_jwks_url,
            max_token_lifetime=timedelta(seconds=settings.auth_max_token_lifetime_s),
            revocation_file=settings.auth_revocation_file,
        )
        self.verifier = self.auth.build_verifier()
        # off unless an OTLP endpoint is configured: then HTTP, gRPC and events are traced
        self.tracing = Tracing.from_settings(settings)
        self.connection: AbstractRobustConnection | None = None
        # a service's own readiness checks beside the database, broker and store (e.g. coding's
        # token for registration): name -> "ok" or what is wrong; /readyz reports each
        self.checks: dict[str, Callable[[], Awaitable[str]]] = {}

    async def connect_broker(self) -> AbstractRobustConnection:
        if self.connection is None:
            self.connection = await connect(self.settings.amqp_url)
        return self.connection

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        if self.connection is not None and self.connection.connected.is_set():
            checks["broker"] = "ok"
        else:
            checks["broker"] = "unavailable"
        checks["storage"] = "ok" if await self.objects.ping() else "unavailable"
        for name, check in self.checks.items():
            try:
                checks[name] = await check()
            except Exception as exc:  # a failing check is reported, never a failed probe
                checks[name] = f"unavailable: {type(exc).__name__}"
        return checks

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
            self.connection = None
        await self.engine.dispose()
        self.tracing.flush()
