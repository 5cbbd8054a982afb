"""Tables of the hub/mirror feed (same database as the packages, see store.py).

`feed` is the hub's append-only log: one row per announcement (with the signed manifest) and one per
key release. A key-release row holds no key: the stream unseals the package's `sealed_key` when it
sends the event, and only from the instant on. `cursors` is, on the hub, the last sequence each
municipality acknowledged, and on a mirror its own position. `deliveries` is what the hub knows of each
municipality and package (§25).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
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
