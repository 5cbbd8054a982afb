"""The audit trail on real PostgreSQL: appends, the append-only trigger, tampering found."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from olymp_core.audit import (
    NewEntry,
    audit_log,
    create_audit_tables,
    read_head,
    record,
    record_many,
    verify,
)
from olymp_core.clock import ManualClock

pytestmark = pytest.mark.integration

ADMIN_URL = os.environ.get(
    "OLYMP_TEST_DATABASE_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
OLYMPIAD_DAY = dt.datetime(2025, 10, 14, 2, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Omsk


@dataclass
class AuditDatabase:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: ManualClock

    async def append(self, count: int) -> None:
        """Record `count` entries, each in its own committed transaction."""
        for _ in range(count):
            async with self.sessions() as session, session.begin():
                await record_score(session, self.clock)

    async def verify(self, batch_size: int = 1000) -> Any:
        async with self.sessions() as session:
            return await verify(session, batch_size=batch_size)

    async def as_superuser(self, *statements: str) -> None:
        """Run statements with triggers off, as a superuser rewriting the table by hand would."""
        async with self.engine.begin() as connection:
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                await connection.execute(text(statement))


async def record_score(session: AsyncSession, clock: ManualClock, points: str = "7.5") -> None:
    clock.advance(dt.timedelta(seconds=1, microseconds=123))
    await record(
        session,
        actor="jury:ivanova",
        action="score.recorded",
        object_type="work",
        object_id="МАТ-9-017",
        payload={"task": 3, "points": Decimal(points), "second_checker": "jury:petrov"},
        at=clock.now(),
    )


def install_audit_tables(connection: Connection) -> None:
    create_audit_tables(Operations(MigrationContext.configure(connection)))


@pytest.fixture
async def audit_db() -> AsyncIterator[AuditDatabase]:
    name = f"olymp_test_audit_{uuid.uuid4().hex[:8]}"
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    admin = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_async_engine(make_url(ADMIN_URL).set(database=name))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(install_audit_tables)
        yield AuditDatabase(
            engine,
            async_sessionmaker(engine, expire_on_commit=False),
            ManualClock(OLYMPIAD_DAY),
        )
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_committed_entries_verify(audit_db: AuditDatabase) -> None:
    await audit_db.append(5)

    result = await audit_db.verify()

    assert (result.ok, result.entries_checked, result.problem) == (True, 5, None)
    async with audit_db.sessions() as session:
        head = await read_head(session)
        seqs = (await session.execute(select(audit_log.c.seq).order_by(audit_log.c.seq))).scalars()
        assert list(seqs) == [1, 2, 3, 4, 5]
    assert head is not None and head.seq == 5


async def test_verify_reads_in_batches(audit_db: AuditDatabase) -> None:
    await audit_db.append(7)
    assert (await audit_db.verify(batch_size=3)).entries_checked == 7
    await audit_db.as_superuser("DELETE FROM audit_log WHERE seq = 6")

    result = await audit_db.verify(batch_size=3)

    assert (result.first_bad_seq, result.problem) == (6, "entry 6 was removed")


async def test_changed_payload_is_named(audit_db: AuditDatabase) -> None:
    await audit_db.append(5)
    await audit_db.as_superuser(
        """UPDATE audit_log SET payload = jsonb_set(payload, '{points}', '"10"') WHERE seq = 3"""
    )

    result = await audit_db.verify()

    assert (result.ok, result.first_bad_seq, result.problem) == (False, 3, "entry 3 was changed")


async def test_removed_middle_entry_is_named(audit_db: AuditDatabase) -> None:
    await audit_db.append(5)
    await audit_db.as_superuser("DELETE FROM audit_log WHERE seq = 2")

    result = await audit_db.verify()

    assert (result.ok, result.first_bad_seq, result.problem) == (False, 2, "entry 2 was removed")


async def test_removed_tail_is_named(audit_db: AuditDatabase) -> None:
    await audit_db.append(6)
    await audit_db.as_superuser("DELETE FROM audit_log WHERE seq > 4")

    result = await audit_db.verify()

    assert not result.ok
    assert result.first_bad_seq == 5
    assert result.problem == "the last entries after 4 were removed (head says 6)"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'jury:petrov' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
    ],
)
async def test_ordinary_update_delete_and_truncate_are_refused(
    audit_db: AuditDatabase, statement: str
) -> None:
    await audit_db.append(2)

    with pytest.raises(DBAPIError, match="audit trail is append-only"):
        async with audit_db.engine.begin() as connection:
            await connection.execute(text(statement))

    assert (await audit_db.verify()).entries_checked == 2


class AbandonedChange(Exception):
    """The change being audited failed after its entry was recorded."""


async def test_rolled_back_transaction_leaves_no_entry_and_no_gap(audit_db: AuditDatabase) -> None:
    await audit_db.append(2)
    with pytest.raises(AbandonedChange):
        async with audit_db.sessions() as session, session.begin():
            await record_score(session, audit_db.clock)
            raise AbandonedChange
    await audit_db.append(1)

    result = await audit_db.verify()

    assert (result.ok, result.entries_checked) == (True, 3)
    async with audit_db.sessions() as session:
        seqs = (await session.execute(select(audit_log.c.seq).order_by(audit_log.c.seq))).scalars()
        assert list(seqs) == [1, 2, 3]


async def test_concurrent_appenders_are_serialised_without_gaps(audit_db: AuditDatabase) -> None:
    async def append_in_own_transaction(index: int) -> None:
        async with audit_db.sessions() as session, session.begin():
            await record_score(session, audit_db.clock, points=f"{index}.5")

    await asyncio.gather(*(append_in_own_transaction(i) for i in range(8)))

    result = await audit_db.verify()
    assert (result.ok, result.entries_checked) == (True, 8)


async def test_payload_values_survive_jsonb_unchanged_for_the_hash(
    audit_db: AuditDatabase,
) -> None:
    tricky: list[dict[str, Any]] = [
        {"big": 1e16, "tiny": 1e-7, "negative_zero": -0.0, "huge": 1.5e300},
        {"exact": 2**70, "half": 37.5, "third": 1 / 3, "score": Decimal("12.50")},
        {"text": "Призёр «ёлка»\u2028", "nested": {"z": [1, {"y": None}], "a": True}},
        {"at": dt.datetime(2025, 10, 14, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=6)))},
        {},
    ]
    async with audit_db.sessions() as session, session.begin():
        for payload in tricky:
            await record(
                session,
                actor="coordinator:region",
                action="key.released",
                object_type="package",
                object_id="math-9-tasks",
                payload=payload,
                at=audit_db.clock.now(),
            )

    result = await audit_db.verify()

    assert (result.ok, result.entries_checked) == (True, len(tricky))
    async with audit_db.sessions() as session:
        count = (await session.execute(select(func.count()).select_from(audit_log))).scalar_one()
    assert count == len(tricky)


async def test_a_batch_appends_in_order_and_links_to_single_entries(
    audit_db: AuditDatabase,
) -> None:
    await audit_db.append(2)
    batch = [
        NewEntry(
            actor=f"mirror-{n}",
            action="package_key_sent",
            object_type="package",
            object_id="b6c0f1de",
            payload={"municipality_id": f"55-{n:02d}", "sequence": n},
            at=audit_db.clock.now() + dt.timedelta(milliseconds=n),
        )
        for n in range(1, 4)
    ]
    async with audit_db.sessions() as session, session.begin():
        chained = await record_many(session, batch)
    await audit_db.append(1)

    assert [entry.seq for entry in chained] == [3, 4, 5]
    assert chained[1].prev_hash == chained[0].hash and chained[2].prev_hash == chained[1].hash
    result = await audit_db.verify()
    assert (result.ok, result.entries_checked) == (True, 6)
    await audit_db.as_superuser("UPDATE audit_log SET actor = 'mirror-9' WHERE seq = 4")
    assert (await audit_db.verify()).problem == "entry 4 was changed"
