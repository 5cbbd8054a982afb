"""Tables of the hub/mirror feed (same database as the packages, see store.py).

`feed` is the hub's append-only log: one row per announcement (with the signed manifest) and one per
key release. A key-release row holds no key: the stream unseals the package's `sealed_key` when it
sends the event, and only from the instant on. `cursors` is, on the hub, the last sequence each
municipality acknowledged, and on a mirror its own position. `deliveries` is what the hub knows of each
municipality and package (§25). `key_sends` is the hub's journal of keys sent on streams, each
written before its key leaves and moved into the audit trail soon after (background.KeySendAudit).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_materials.domain import Delivery
from olymp_materials.store import metadata, packages

ANNOUNCED = "announced"
KEY_RELEASED = "key_released"

feed = sa.Table(
    "feed",
    metadata,
    sa.Column("sequence", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("package_id", UUID(as_uuid=True), nullable=False),
    sa.Column("event", sa.Text, nullable=False),
    sa.Column("manifest", sa.LargeBinary, nullable=True),
    sa.Column("signature", sa.LargeBinary, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("event IN ('announced', 'key_released')", name="ck_feed_event"),
)
sa.Index(
    "uq_feed_one_key_release",
    feed.c.package_id,
    unique=True,
    postgresql_where=feed.c.event == "key_released",
)
# any constant: appends take it so that sequences become visible in the order they were drawn
FEED_APPEND_LOCK = 0x6F6C796D70

cursors = sa.Table(
    "cursors",
    metadata,
    sa.Column("municipality_id", sa.Text, primary_key=True),
    sa.Column("acked_sequence", sa.BigInteger, nullable=False),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("municipality_id", sa.Text, primary_key=True),
    sa.Column("package_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("key_delivered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("receipt_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("complete", sa.Boolean, nullable=True),
    sa.Column("missing", JSONB, nullable=False, server_default="[]"),
    sa.Column("problems", sa.Text, nullable=True),
    sa.Column("confirmed_by", sa.Text, nullable=True),
)

key_sends = sa.Table(
    "key_sends",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actors", ARRAY(sa.Text), nullable=False),
    sa.Column("municipality_ids", ARRAY(sa.Text), nullable=False),
    sa.Column("package_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    sa.Column("sequences", ARRAY(sa.BigInteger), nullable=False),
    sa.Column("chained", sa.Integer, nullable=False, server_default="0"),
)


@dataclass(frozen=True)
class KeySend:
    """A key about to leave on a stream, and to whom (the token's subject and municipality)."""

    actor: str
    municipality_id: str
    package_id: uuid.UUID
    sequence: int
    sent_at: dt.datetime | None = None  # set when journalled


@dataclass(frozen=True)
class FeedRow:
    sequence: int
    package_id: uuid.UUID
    event: str
    manifest: bytes | None
    signature: bytes | None
    release_at: dt.datetime
    sealed_key: bytes | None
    sealed_password: bytes | None
    sealed_with: str | None = None


async def append(
    session: AsyncSession,
    package_id: uuid.UUID,
    event: str,
    at: dt.datetime,
    manifest: bytes | None = None,
    signature: bytes | None = None,
) -> int:
    """Append an event; held until commit, the lock keeps readers from skipping a sequence that an
    earlier, slower transaction drew but had not yet committed."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(FEED_APPEND_LOCK)))
    result = await session.execute(
        sa.insert(feed)
        .values(
            package_id=package_id,
            event=event,
            manifest=manifest,
            signature=signature,
            created_at=at,
        )
        .returning(feed.c.sequence)
    )
    return int(result.scalar_one())


async def after(session: AsyncSession, sequence: int) -> list[FeedRow]:
    query = (
        sa.select(
            feed,
            packages.c.release_at,
            packages.c.sealed_key,
            packages.c.sealed_password,
            packages.c.sealed_with,
        )
        .join(packages, packages.c.package_id == feed.c.package_id)
        .where(feed.c.sequence > sequence)
        .order_by(feed.c.sequence)
    )
    return [
        FeedRow(
            sequence=m["sequence"],
            package_id=m["package_id"],
            event=m["event"],
            manifest=m["manifest"],
            signature=m["signature"],
            release_at=m["release_at"],
            sealed_key=m["sealed_key"],
            sealed_password=m["sealed_password"],
            sealed_with=m["sealed_with"],
        )
        for m in (r._mapping for r in (await session.execute(query)).all())
    ]


async def cursor(session: AsyncSession, municipality_id: str) -> int:
    query = sa.select(cursors.c.acked_sequence).where(cursors.c.municipality_id == municipality_id)
    return int((await session.execute(query)).scalar_one_or_none() or 0)


async def save_cursor(
    session: AsyncSession, municipality_id: str, sequence: int, at: dt.datetime
) -> None:
    """Moves forward only: an acknowledgement that arrives late never rewinds the position."""
    stmt = pg_insert(cursors).values(
        municipality_id=municipality_id, acked_sequence=sequence, seen_at=at
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["municipality_id"],
            set_={
                "acked_sequence": sa.func.greatest(cursors.c.acked_sequence, sequence),
                "seen_at": at,
            },
        )
    )


async def _touch(session: AsyncSession, municipality_id: str, package_id: uuid.UUID) -> None:
    stmt = pg_insert(deliveries).values(municipality_id=municipality_id, package_id=package_id)
    await session.execute(stmt.on_conflict_do_nothing())


async def record_fetch(
    session: AsyncSession, municipality_id: str, package_id: uuid.UUID, at: dt.datetime
) -> None:
    await _touch(session, municipality_id, package_id)
    await session.execute(
        sa.update(deliveries)
        .where(deliveries.c.municipality_id == municipality_id)
        .where(deliveries.c.package_id == package_id)
        .values(fetched_at=at)
    )


async def record_keys_delivered(
    session: AsyncSession, municipality_id: str, sequence: int, at: dt.datetime
) -> list[uuid.UUID]:
    """Key events up to `sequence` are now held by the municipality; returns their packages."""
    query = sa.select(feed.c.package_id).where(
        feed.c.event == KEY_RELEASED, feed.c.sequence <= sequence
    )
    delivered: list[uuid.UUID] = []
    for package_id in (await session.execute(query)).scalars():
        await _touch(session, municipality_id, package_id)
        result = await session.execute(
            sa.update(deliveries)
            .where(deliveries.c.municipality_id == municipality_id)
            .where(deliveries.c.package_id == package_id)
            .where(deliveries.c.key_delivered_at.is_(None))
            .values(key_delivered_at=at)
            .returning(deliveries.c.package_id)
        )
        if result.first() is not None:
            delivered.append(package_id)
    return delivered


async def record_receipt(
    session: AsyncSession,
    municipality_id: str,
    package_id: uuid.UUID,
    *,
    complete: bool,
    missing: list[str],
    problems: str | None,
    confirmed_by: str,
    at: dt.datetime,
) -> None:
    await _touch(session, municipality_id, package_id)
    await session.execute(
        sa.update(deliveries)
        .where(deliveries.c.municipality_id == municipality_id)
        .where(deliveries.c.package_id == package_id)
        .values(
            receipt_at=at,
            complete=complete,
            missing=missing,
            problems=problems,
            confirmed_by=confirmed_by,
        )
    )


async def deliveries_of(session: AsyncSession, package_id: uuid.UUID) -> list[Delivery]:
    query = (
        sa.select(deliveries)
        .where(deliveries.c.package_id == package_id)
        .order_by(deliveries.c.municipality_id)
    )
    return [
        Delivery(
            municipality_id=m["municipality_id"],
            fetched_at=m["fetched_at"],
            key_delivered_at=m["key_delivered_at"],
            receipt_at=m["receipt_at"],
            complete=m["complete"],
            missing=tuple(m["missing"]),
            problems=m["problems"],
        )
        for m in (r._mapping for r in (await session.execute(query)).all())
    ]


async def journal_key_sends(session: AsyncSession, sends: list[KeySend], at: dt.datetime) -> None:
    """The sends of one moment as one row of parallel arrays: cheap on the path of the keys."""
    await session.execute(
        sa.insert(key_sends).values(
            sent_at=at,
            actors=[send.actor for send in sends],
            municipality_ids=[send.municipality_id for send in sends],
            package_ids=[send.package_id for send in sends],
            sequences=[send.sequence for send in sends],
        )
    )


async def take_key_sends(session: AsyncSession, limit: int) -> list[KeySend]:
    """Up to `limit` of the oldest journalled sends not yet chained, marked as chained in this
    transaction (the row is deleted with its last slice); a row another process holds is skipped."""
    query = sa.select(key_sends).order_by(key_sends.c.id).limit(1).with_for_update(skip_locked=True)
    row = (await session.execute(query)).one_or_none()
    if row is None:
        return []
    m = row._mapping
    start, end = m["chained"], min(m["chained"] + limit, len(m["actors"]))
    taken = [
        KeySend(
            actor=m["actors"][i],
            municipality_id=m["municipality_ids"][i],
            package_id=m["package_ids"][i],
            sequence=m["sequences"][i],
            sent_at=m["sent_at"],
        )
        for i in range(start, end)
    ]
    where = key_sends.c.id == m["id"]
    if end >= len(m["actors"]):
        await session.execute(sa.delete(key_sends).where(where))
    else:
        await session.execute(sa.update(key_sends).where(where).values(chained=end))
    return taken
