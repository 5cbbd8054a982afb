"""The hub's side of the feed: the coordinator's readiness table (§25) and what mirrors do over gRPC
(fetch ciphertexts, acknowledge events, report receipts), with the journal of keys sent."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_materials import store
from olymp_materials.domain import (
    AcknowledgedUnsent,
    Delivery,
    PackageNotFound,
    ReceiptBeforeRelease,
    has_problems,
    is_late,
    may_release,
)
from olymp_materials.feed import store as feed_store
from olymp_materials.handlers import Node
from olymp_materials.handlers.opening import sealing_problem
from olymp_materials.store import PackageRecord

OBJECT_TYPE = "package"


@dataclass(frozen=True)
class DeliveryStatus:
    delivery: Delivery
    late: bool
    problems: bool


@dataclass(frozen=True)
class PackageStatus:
    record: PackageRecord
    municipalities: list[DeliveryStatus]
    # why its key cannot go out, when it cannot (the feed holds it back; the rest goes on)
    quarantine: str | None = None


async def olympiad_status(
    olympiad_id: uuid.UUID,
    uow: UnitOfWork,
    *,
    node: Node,
    expected: list[str],
    late_after: dt.timedelta,
) -> list[PackageStatus]:
    """Every package with a row for each expected municipality and for any other that showed up,
    and whether it is quarantined (its key cannot be given out: the feed goes on without it)."""
    hub = node.require_hub()
    now = uow.clock.now()
    result: list[PackageStatus] = []
    for record in await store.list_packages(uow.session, olympiad_id):
        seen = {
            d.municipality_id: d
            for d in await feed_store.deliveries_of(uow.session, record.package.package_id)
        }
        for municipality in expected:
            seen.setdefault(municipality, Delivery(municipality, None, None, None, None, (), None))
        rows = [
            DeliveryStatus(
                delivery=d,
                late=is_late(d, record.package.released_at, now, late_after),
                problems=has_problems(d),
            )
            for _, d in sorted(seen.items())
        ]
        quarantine = hub.feed.quarantine_of(record.package.package_id) or sealing_problem(
            record, node.master_key
        )
        result.append(PackageStatus(record, rows, quarantine))
    return result


@dataclass(frozen=True)
class FetchPackage:
    municipality_id: str
    package_id: uuid.UUID


async def locate_package(command: FetchPackage, uow: UnitOfWork) -> str:
    """Where the package's ciphertext is, for a mirror's fetch (read only: fetches never queue on
    the package's row; the bytes are streamed by the caller in chunks, never held whole)."""
    record = await store.get_package_by_id(uow.session, command.package_id, for_update=False)
    if record is None:
        raise PackageNotFound(f"Пакет {command.package_id} не найден.")
    return record.object_key


async def package_fetched(command: FetchPackage, uow: UnitOfWork) -> None:
    """The mirror has received the whole ciphertext: noted for the readiness table."""
    await feed_store.record_fetch(
        uow.session, command.municipality_id, command.package_id, uow.clock.now()
    )
    await uow.commit()


async def journal_key_sends(sends: list[feed_store.KeySend], uow: UnitOfWork) -> None:
    """Write down keys about to leave on streams, before they leave (many in one transaction)."""
    await feed_store.journal_key_sends(uow.session, sends, uow.clock.now())
    await uow.commit()


async def chain_key_sends(uow: UnitOfWork, limit: int) -> int:
    """Move up to `limit` journalled key sends into the audit trail; returns how many."""
    sends = await feed_store.take_key_sends(uow.session, limit)
    for send in sends:
        assert send.sent_at is not None
        await uow.audit(
            actor=send.actor,
            action="package_key_sent",
            object_type=OBJECT_TYPE,
            object_id=str(send.package_id),
            payload={
                "municipality_id": send.municipality_id,
                "sequence": send.sequence,
                "sent_at": send.sent_at.isoformat(),
            },
        )
    await uow.commit()
    return len(sends)


@dataclass(frozen=True)
class Acknowledge:
    municipality_id: str
    sequence: int
    # the last event this hub has streamed to the municipality (0: none since it started)
    sent_through: int


async def acknowledge(command: Acknowledge, uow: UnitOfWork, actor: Principal) -> None:
    """A mirror holds every event up to `sequence`: its keys are delivered (audited once each).

    A mirror acknowledges what it was sent, so a sequence beyond that is refused: it would record
    keys as delivered that never left (an acknowledgement of 2^62 once covered every later key).
    """
    if command.sequence > command.sent_through:
        raise AcknowledgedUnsent(command.sequence, command.sent_through)
    now = uow.clock.now()
    municipality = command.municipality_id
    await feed_store.save_cursor(uow.session, municipality, command.sequence, now)
    delivered = await feed_store.record_keys_delivered(
        uow.session, municipality, command.sequence, now
    )
    for package_id in delivered:
        await uow.audit(
            actor=actor.subject,
            action="package_key_delivered",
            object_type=OBJECT_TYPE,
            object_id=str(package_id),
            payload={"municipality_id": municipality, "at": now.isoformat()},
        )
    await uow.commit()


@dataclass(frozen=True)
class ReportReceipt:
    municipality_id: str
    package_id: uuid.UUID
    complete: bool
    missing: list[str]
    problems: str | None
    confirmed_by: str  # the name the coordinator typed; the audit's actor is the token's


async def record_receipt(command: ReportReceipt, uow: UnitOfWork, actor: Principal) -> None:
    """A municipality's receipt (§25), forwarded by its mirror, in the readiness table; refused
    before the package's key is released (nothing can have been checked against it)."""
    record = await store.get_package_by_id(uow.session, command.package_id)
    if record is None:
        raise PackageNotFound(f"Пакет {command.package_id} не найден.")
    now = uow.clock.now()
    package = record.package
    if package.released_at is None and not may_release(now, package.release_at):
        raise ReceiptBeforeRelease(package.package_id)
    await feed_store.record_receipt(
        uow.session,
        command.municipality_id,
        command.package_id,
        complete=command.complete,
        missing=command.missing,
        problems=command.problems,
        confirmed_by=command.confirmed_by,
        at=now,
    )
    await uow.audit(
        actor=actor.subject,
        action="package_receipt_confirmed",
        object_type=OBJECT_TYPE,
        object_id=str(command.package_id),
        payload={
            "municipality_id": command.municipality_id,
            "confirmed_by": command.confirmed_by,
            "complete": command.complete,
            "missing": command.missing,
            "problems": command.problems or "",
            "at": now.isoformat(),
        },
    )
    await uow.commit()
