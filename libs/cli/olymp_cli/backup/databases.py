"""Each service's database through PostgreSQL's own tools: pg_dump out, pg_restore back in."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from olymp_cli.suite import Layout
from olymp_core.migrations import ensure_database

# asyncpg's `ssl` query option, as libpq spells it
_SSL_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})


class ToolFailed(Exception):
    """pg_dump or pg_restore refused or failed; the message carries what it said."""


def database_url(layout: Layout, service: str) -> str:
    """The URL the service itself is given (`OLYMP_<SERVICE>_DATABASE_URL`), else the layout's."""
    return os.environ.get(f"OLYMP_{service.upper()}_DATABASE_URL") or layout.database_url(service)


def database_name(url: str) -> str:
    return make_url(url).database or ""


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolFailed(
            f"{name} is not on PATH: install PostgreSQL's client of the server's major version "
            "(Debian: postgresql-client-15)"
        )
    return found


def tool_version(name: str) -> str:
    done = subprocess.run([tool(name), "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip()


def _connection(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for `url`; the password goes in the environment, never on
    a command line that `ps` shows."""
    parsed = make_url(url)
    args = ["--no-password", "--dbname", parsed.database or ""]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    ssl = parsed.query.get("ssl")
    if isinstance(ssl, str) and ssl in _SSL_MODES:
        env["PGSSLMODE"] = ssl
    return args, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ToolFailed(f"{what}: {done.stderr.strip() or f'exit status {done.returncode}'}")


def dump(url: str, target: Path) -> None:
    """The whole database as one pg_dump file in custom format (compressed, restorable by table)."""
    args, env = _connection(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [tool("pg_dump"), "--format=custom", "--file", str(target), *args]
    _run(command, env, f"pg_dump of {database_name(url)}")


async def relations_in(url: str) -> int:
    """How many tables, sequences and views the database holds outside PostgreSQL's own schemas;
    -1 when the database does not exist."""
    parsed = make_url(url)
    try:
        connection = await asyncpg.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            database=parsed.database,
        )
    except asyncpg.InvalidCatalogNameError:
        return -1
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%'"
        )
    finally:
        await connection.close()
    return count


async def restore(url: str, source: Path) -> None:
    """Create the database if it is missing and restore `source` into it, in one transaction.

    The objects belong to the user that restores (the service's own, given its URL): roles and
    grants of the machine the dump came from need not exist here."""
    await ensure_database(url)
    args, env = _connection(url)
    command = [
        tool("pg_restore"),
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        "--single-transaction",
        *args,
        str(source),
    ]
    await asyncio.to_thread(_run, command, env, f"pg_restore into {database_name(url)}")
