"""Alembic per service: databases, the shared tables and upgrades, run from code (`olymp up`, tests).

Each service keeps its revisions in `olymp_<svc>/migrations/versions/`; its `env.py` is one call to
`run_env`. The first revision of every service calls `create_core_tables(op)`: outbox, inbox, audit trail.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from olymp_core.audit import create_audit_tables
from olymp_core.events.tables import events_metadata


def create_core_tables(op: Any) -> None:
    """Version 1 of the tables every service has. Later changes get revisions of their own."""
    events_metadata.create_all(op.get_bind())
    create_audit_tables(op)


def alembic_config(service_package: str, database_url: str) -> Config:
    module = __import__(service_package)
    location = Path(module.__file__ or "").parent / "migrations"
    config = Config()
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(service_package: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_package, database_url), revision)


def run_env(target_metadata: sa.MetaData | None) -> None:
    """The body of every service's `migrations/env.py` (online, async engine)."""
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by alembic_config()"

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
            await connection.commit()
        await engine.dispose()

    asyncio.run(main())


async def ensure_database(database_url: str) -> bool:
    """Create the database named in `database_url` if it does not exist; True if it was created."""
    name = make_url(database_url).database
    admin = await _server_connection(database_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        await admin.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await admin.close()


async def drop_database(database_url: str) -> None:
    name = make_url(database_url).database
    admin = await _server_connection(database_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _server_connection(database_url: str) -> asyncpg.Connection:
    """A connection to the server's `postgres` database, where databases are created and dropped."""
    url = make_url(database_url)
    assert url.database, f"no database name in {url.render_as_string(hide_password=True)}"
    return await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database="postgres",
    )
