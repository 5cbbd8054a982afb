"""The audit trail: an append-only, hash-chained log in each service's own database.

Every key access, score, decoding, appeal decision and publication is `record`ed in the same
transaction as the change it describes, so the log and the data never disagree. Each entry's hash
covers the previous entry's hash, so changing or removing an entry breaks the chain, and `verify`
names the first entry that no longer fits. `audit_head` holds the last seq and hash, which is how a
removed tail is noticed. A superuser who rewrites the log *and* recomputes every later hash and the
head is not caught by the chain alone: anchor the head elsewhere (a published digest) for that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    MetaData,
    SmallInteger,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnElement, Executable
from sqlalchemy.sql.schema import SchemaItem

from olymp_core.audit.chain import (
    GENESIS_HASH,
    AuditEntry,
    AuditHead,
    ChainChecker,
    VerifyResult,
    entry_hash,
    json_payload,
    utc_instant,
)

DEFAULT_BATCH_SIZE = 1000

audit_metadata = MetaData()


def _audit_log_columns() -> list[SchemaItem]:
    return [
        Column("seq", BigInteger, primary_key=True, autoincrement=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("object_type", Text, nullable=False),
        Column("object_id", Text, nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("prev_hash", Text, nullable=False),
        Column("hash", Text, nullable=False),
    ]


def _audit_head_columns() -> list[SchemaItem]:
    return [
        Column("id", SmallInteger, primary_key=True, autoincrement=False),
        Column("seq", BigInteger, nullable=False),
        Column("hash", Text, nullable=False),
        CheckConstraint("id = 1", name="audit_head_single_row"),
    ]


audit_log = Table("audit_log", audit_metadata, *_audit_log_columns())
audit_head = Table("audit_head", audit_metadata, *_audit_head_columns())

_APPEND_ONLY_DDL = (
    """
    CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on audit_log is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only
        BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
    """,
    # Row triggers do not fire on TRUNCATE, which would otherwise empty the trail in one go.
    """
    CREATE TRIGGER audit_log_no_truncate
        BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
    """,
)


class MigrationOps(Protocol):
    """The part of alembic's `op` that the audit migration uses."""

    def create_table(self, table_name: str, *columns: SchemaItem) -> Any: ...
    def drop_table(self, table_name: str) -> None: ...
    def execute(self, sqltext: Executable | str) -> Any: ...


def create_audit_tables(op: MigrationOps) -> None:
    """Create audit_log (append-only by trigger) and audit_head at the genesis; for Alembic."""
    op.create_table("audit_log", *_audit_log_columns())
    op.create_table("audit_head", *_audit_head_columns())
    for statement in _APPEND_ONLY_DDL:
        op.execute(statement)
    op.execute(audit_head.insert().values(id=1, seq=0, hash=GENESIS_HASH))


def drop_audit_tables(op: MigrationOps) -> None:
    op.drop_table("audit_head")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")


def _append_one() -> Executable:
    """One entry inserted and the head moved on, in one statement of bound parameters (a list of
    VALUES would be compiled anew on every call)."""
    columns = [column.name for column in audit_log.columns]
    appended = (
        insert(audit_log)
        .values(
            {name: bindparam(f"entry_{name}", type_=audit_log.c[name].type) for name in columns}
        )
        .cte("appended")
    )
    return (
        update(audit_head)
        .where(audit_head.c.id == 1)
        .values(seq=bindparam("head_seq"), hash=bindparam("head_hash"))
        .add_cte(appended)
    )


_APPEND_ONE = _append_one()
_LOCK_HEAD = (
    select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
)


async def read_head(session: AsyncSession) -> AuditHead | None:
    """The last seq and hash, or None if the head row is missing."""
    row = (
        await session.execute(
            select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
        )
    ).one_or_none()
    return None if row is None else AuditHead(seq=int(row.seq), hash=str(row.hash))


@dataclass(frozen=True)
class NewEntry:
    """An entry to append: what happened, to what, by whom, when (from the injected clock)."""

    actor: str
    action: str
    object_type: str
    object_id: str
    payload: Mapping[str, Any]
    at: dt.datetime


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: Mapping[str, Any],
    at: dt.datetime,
) -> AuditEntry:
    """Append an entry in the caller's transaction (never commits); `at` comes from the clock."""
    entry = NewEntry(actor, action, object_type, object_id, payload, at)
    return (await record_many(session, [entry]))[0]


async def record_many(session: AsyncSession, entries: Sequence[NewEntry]) -> list[AuditEntry]:
    """Append `entries` in order in the caller's transaction: two statements for one entry.

    Reading the head `FOR UPDATE` locks it until the caller's transaction ends, which serialises
    appenders, so seq has no gaps and each entry links to the one committed before it. Under READ
    COMMITTED (the default) a reader that waited for the lock gets the head as the other committed
    it; a stricter isolation level fails instead of forking. One entry and the new head are
    written by one statement (the insert as a CTE of the head's update, compiled once): an
    appending transaction is on every auditing request's path, so its round trips are kept to two.
    """
    if not entries:
        return []
    head = (await session.execute(_LOCK_HEAD)).one_or_none()
    if head is None:
        # Never restart the chain silently: a missing head is itself a sign of tampering.
        raise RuntimeError(
            "audit_head has no row: create the audit tables with create_audit_tables"
        )
    seq, prev_hash = int(head.seq), str(head.hash)
    chained: list[AuditEntry] = []
    for entry in entries:
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "at": utc_instant(entry.at),
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "payload": json_payload(entry.payload),
        }
        digest = entry_hash(prev_hash=prev_hash, **fields)
        chained.append(AuditEntry(prev_hash=prev_hash, hash=digest, **fields))
        prev_hash = digest
    rows = [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "payload": e.payload,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in chained
    ]
    if len(rows) == 1:
        await session.execute(
            _APPEND_ONE,
            {**{f"entry_{name}": value for name, value in rows[0].items()}, "head_seq": seq,
             "head_hash": prev_hash},
        )  # fmt: skip
    else:
        await session.execute(insert(audit_log), rows)
        await session.execute(
            update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=prev_hash)
        )
    return chained


@dataclass(frozen=True)
class AuditQuery:
    """Which entries to read: every given filter must hold. `after` is the cursor, a seq the page
    starts past (below it when `newest_first`)."""

    action_prefix: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive
    after: int | None = None
    limit: int = 100
    newest_first: bool = True


async def read_entries(session: AsyncSession, query: AuditQuery) -> list[AuditEntry]:
    """Up to `query.limit` entries in seq order (or its reverse), as stored — unverified."""
    conditions: list[ColumnElement[bool]] = []
    if query.action_prefix:
        # a prefix, not a pattern: the wildcards of LIKE in it are taken literally
        escaped = query.action_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(audit_log.c.action.like(escaped + "%", escape="\\"))
    if query.object_type is not None:
        conditions.append(audit_log.c.object_type == query.object_type)
    if query.object_id is not None:
        conditions.append(audit_log.c.object_id == query.object_id)
    if query.since is not None:
        conditions.append(audit_log.c.at >= utc_instant(query.since))
    if query.until is not None:
        conditions.append(audit_log.c.at < utc_instant(query.until))
    if query.after is not None:
        cursor = (
            audit_log.c.seq < query.after if query.newest_first else audit_log.c.seq > query.after
        )
        conditions.append(cursor)
    order = audit_log.c.seq.desc() if query.newest_first else audit_log.c.seq.asc()
    rows = (
        await session.execute(
            select(audit_log).where(*conditions).order_by(order).limit(query.limit)
        )
    ).all()
    return [AuditEntry(**row._asdict()) for row in rows]


async def verify(session: AsyncSession, *, batch_size: int = DEFAULT_BATCH_SIZE) -> VerifyResult:
    """Recompute the whole chain, reading audit_log in seq order in batches of `batch_size`."""
    checker = ChainChecker(await read_head(session))
    after_seq = 0
    while not checker.failed:
        rows = (
            await session.execute(
                select(audit_log)
                .where(audit_log.c.seq > after_seq)
                .order_by(audit_log.c.seq)
                .limit(batch_size)
            )
        ).all()
        for row in rows:
            entry = AuditEntry(**row._asdict())
            if not checker.feed(entry):
                break
        if len(rows) < batch_size:
            break
        after_seq = int(rows[-1].seq)
    return checker.finish(head_after=await read_head(session))
