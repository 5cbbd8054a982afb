"""Each service's Alembic migrations produce exactly the tables its SQLAlchemy metadata declares.

A column added to `store` without a revision (or a revision that drifts from the code) fails here,
not on an operator's database at 07:55.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from olymp_core.audit import audit_metadata
from olymp_core.auth.olympiads import olympiads_metadata
from olymp_core.events.tables import events_metadata
from olymp_core.migrations import upgrade
from olymp_core.settings import SERVICES
from olymp_core.testing.databases import temporary_database

pytestmark = pytest.mark.integration


def declared_metadata(service: str) -> sa.MetaData:
    """Every table the service's code declares, with the tables every service shares."""
    package = importlib.import_module(f"olymp_{service}")
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)  # sub-feature stores register their tables
    own: sa.MetaData = importlib.import_module(f"olymp_{service}.store").metadata
    merged = sa.MetaData()
    # whose each olympiad is: kept by every service but the portal, which keeps no olympiads
    shared = (
        events_metadata,
        audit_metadata,
        *([olympiads_metadata] if service != "portal" else []),
    )
    for metadata in (own, *shared):
        for table in metadata.tables.values():
            table.to_metadata(merged)
    return merged


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_produce_the_declared_tables(service: str) -> None:
    metadata = declared_metadata(service)
    async with temporary_database(f"schema_{service}") as url:
        await asyncio.to_thread(upgrade, f"olymp_{service}", url)
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                differences = await connection.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
                )
        finally:
            await engine.dispose()
    assert differences == [], f"olymp_{service}: migrations and tables differ: {differences}"
