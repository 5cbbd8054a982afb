"""`olymp audit verify`: check every service's audit chain."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import async_sessionmaker

from olymp_cli.suite import Layout
from olymp_core import audit
from olymp_core.db import make_engine


async def verify_all(layout: Layout, services: Sequence[str]) -> dict[str, audit.VerifyResult]:
    results = {}
    for service in services:
        engine = make_engine(layout.database_url(service), pool_size=1)
        try:
            async with async_sessionmaker(engine)() as session:
                results[service] = await audit.verify(session)
        finally:
            await engine.dispose()
    return results
