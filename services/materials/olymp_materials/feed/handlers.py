"""The feed between the regional hub and the municipal mirrors: what each side does with it.

The hub: the coordinator's readiness table (§25) and what mirrors report over gRPC (fetches,
acknowledgements, receipts). A mirror: the coordinator's receipt, forwarded to the hub, and every
event of the hub's feed, applied in a transaction of its own.

A mirror accepts an announcement only with the pinned hub key's signature over its manifest; it
then fetches the ciphertext at once and checks its SHA-256 against the manifest, so hours before the
instant every municipality holds exactly what the hub encrypted. A key is accepted only if it opens
that ciphertext to the plaintext the manifest names, and only once: a second, different key for a
package is refused and audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from olymp_core.auth import Principal, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.storage import ObjectStore
from olymp_materials import store
from olymp_materials.domain import (
    Delivery,
    KeyConflict,
    KeyNotReceived,
    ManifestInvalid,
    MaterialsRuleError,
    Package,
    PackageNotFound,
    ReceiptWithoutDetails,
    UnsealFailed,
    decrypt_package,
    has_problems,
    is_late,
    seal_key,
    seal_password,
    unseal_key,
    verify_ciphertext,
    verify_manifest,
)
from olymp_materials.feed import store as feed_store
from olymp_materials.feed.clients import Announcement, HubConnection, HubEvent, ReleasedKey
from olymp_materials.handlers import Node
from olymp_materials.store import PackageRecord

log = logging.getLogger("olymp.materials.mirror")
HUB_ACTOR = "system:materials-hub"
OBJECT_TYPE = "package"


# -- the hub ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryStatus:
    delivery: Delivery
    late: bool
    problems: bool


@dataclass(frozen=True)
class PackageStatus:
    record: PackageRecord
    municipalities: list[DeliveryStatus]


async def olympiad_status(
    olympiad_id: uuid.UUID,
    uow: UnitOfWork,
    *,
    node: Node,
    expected: list[str],
    late_after: dt.timedelta,
) -> list[PackageStatus]:
    """Every package with a row for each expected municipality and for any other that showed up."""
    node.require_hub()
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
        result.append(PackageStatus(record, rows))
    return result


@dataclass(frozen=True)
class FetchPackage:
    municipality_id: str
    package_id: uuid.UUID


async def fetch_package(command: FetchPackage, uow: UnitOfWork, *, objects: ObjectStore) -> bytes:
    """The package's ciphertext for a mirror; the fetch is noted for the readiness table."""
    record = await store.get_package_by_id(uow.session, command.package_id)
    if record is None:
        raise PackageNotFound(f"Пакет {command.package_id} не найден.")
    ciphertext = await objects.get(record.object_key)
    await feed_store.record_fetch(
        uow.session, command.municipality_id, command.package_id, uow.clock.now()
    )
    await uow.commit()
    return ciphertext


@dataclass(frozen=True)
class Acknowledge:
    municipality_id: str
    sequence: int


async def acknowledge(command: Acknowledge, uow: UnitOfWork, actor: Principal) -> None:
    """A mirror holds every event up to `sequence`: its keys are delivered (audited once each)."""
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
    """A municipality's receipt (§25), forwarded by its mirror, in the readiness table."""
    if await store.get_package_by_id(uow.session, command.package_id) is None:
        raise PackageNotFound(f"Пакет {command.package_id} не найден.")
    now = uow.clock.now()
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


# -- a mirror --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmReceipt:
    olympiad_id: uuid.UUID
    package_id: uuid.UUID
    complete: bool
    missing: list[str]
    problems: str | None


async def confirm_receipt(
    command: ConfirmReceipt, uow: UnitOfWork, actor: Principal, *, node: Node
) -> str:
    """Record the coordinator's check of a package here, then forward it to the hub (§25).

    Returns the municipality. The receipt stays recorded here when the hub cannot be reached.
    """
    hub = node.require_mirror()
    if not actor.may_access(ScopeKind.MUNICIPALITY, hub.municipality_id):
        raise NotPermitted(
            f"Ваш доступ не распространяется на муниципалитет «{hub.municipality_id}»."
        )
    if not command.complete and not command.missing and not command.problems:
        raise ReceiptWithoutDetails()
    record = await store.get_package(uow.session, command.olympiad_id, command.package_id)
    if record is None:
        raise PackageNotFound(
            f"Пакет {command.package_id} олимпиады {command.olympiad_id} на этом узле не найден."
        )
    if record.sealed_key is None:
        raise KeyNotReceived()
    await uow.audit(
        actor=actor.subject,
        action="package_receipt_confirmed",
        object_type=OBJECT_TYPE,
        object_id=str(command.package_id),
        payload={
            "complete": command.complete,
            "missing": command.missing,
            "problems": command.problems,
        },
    )
    await uow.commit()
    await hub.report_receipt(
        command.package_id,
        complete=command.complete,
        missing=command.missing,
        problems=command.problems,
        confirmed_by=actor.subject,
    )
    return hub.municipality_id


async def position(municipality_id: str, uow: UnitOfWork) -> int:
    """The last event of the hub's feed this mirror has applied."""
    return await feed_store.cursor(uow.session, municipality_id)


@dataclass(frozen=True)
class Mirror:
    """What applying the hub's events needs: the hub's pinned key and this node's own storage."""

    municipality_id: str
    hub_key: Ed25519PublicKey
    master_key: bytes
    objects: ObjectStore


async def apply_hub_event(
    event: HubEvent, uow: UnitOfWork, *, hub: HubConnection, mirror: Mirror
) -> None:
    """Apply one event and move this mirror's position past it, in one transaction.

    An event that fails verification stores nothing of it; the refusal is on record and the feed
    moves on. The caller acknowledges to the hub only after this commit, so a mirror that drops at
    any point receives again what it had not stored.
    """
    try:
        if event.announcement is not None:
            await accept_announcement(event.announcement, uow, hub=hub, mirror=mirror)
        elif event.key is not None:
            await accept_key(event.key, uow, mirror=mirror)
    except MaterialsRuleError as refused:
        await uow.session.rollback()
        log.error("hub event %d refused: %s", event.sequence, type(refused).__name__)
        await uow.audit(
            actor=HUB_ACTOR,
            action="hub_event_refused",
            object_type="feed_event",
            object_id=str(event.sequence),
            payload={"reason": str(refused)},
        )
    now = uow.clock.now()
    await feed_store.save_cursor(uow.session, mirror.municipality_id, event.sequence, now)
    await uow.commit()


async def accept_announcement(
    announced: Announcement, uow: UnitOfWork, *, hub: HubConnection, mirror: Mirror
) -> None:
    manifest = verify_manifest(mirror.hub_key, announced.manifest, announced.signature)
    existing = await store.get_package_by_id(uow.session, manifest.package_id)
    if existing is not None and existing.version >= manifest.version:
        return  # a replay of what is stored
    if existing is not None and existing.sealed_key is not None:
        raise ManifestInvalid("пакет уже раскрыт, новая версия не принимается")
    ciphertext = await hub.fetch_package(manifest.package_id)
    verify_ciphertext(manifest, ciphertext)
    object_key = f"materials/mirrored/{secrets.token_hex(16)}"
    await mirror.objects.put(object_key, ciphertext)
    record = PackageRecord(
        package=Package(
            package_id=manifest.package_id,
            olympiad_id=manifest.olympiad_id,
            subject_code=manifest.subject_code,
            kind=manifest.kind,
            release_at=manifest.release_at,
        ),
        object_key=object_key,
        sha256=manifest.content_sha256,
        size=manifest.size,
        sealed_key=None,
        sealed_password=None,
        version=manifest.version,
        ciphertext_sha256=manifest.ciphertext_sha256,
        manifest=announced.manifest,
        manifest_signature=announced.signature,
    )
    now = uow.clock.now()
    await store.put_package(uow.session, record, uploaded_by=HUB_ACTOR, uploaded_at=now)
    await uow.audit(
        actor=HUB_ACTOR,
        action="package_mirrored",
        object_type=OBJECT_TYPE,
        object_id=str(manifest.package_id),
        payload={
            "version": manifest.version,
            "release_at": manifest.release_at.isoformat(),
            "ciphertext_sha256": manifest.ciphertext_sha256,
        },
    )


async def accept_key(released: ReleasedKey, uow: UnitOfWork, *, mirror: Mirror) -> None:
    master_key = mirror.master_key
    package_id = uuid.UUID(released.package_id)
    record = await store.get_package_by_id(uow.session, package_id)
    if record is None:
        raise ManifestInvalid("ключ пришёл для неизвестного пакета")
    if record.sealed_key is not None:
        if unseal_key(master_key, package_id, record.sealed_key) != released.key:
            raise KeyConflict()
        return  # the same key again, after a reconnect
    ciphertext = await mirror.objects.get(record.object_key)
    try:
        content = decrypt_package(released.key, package_id, ciphertext)
    except UnsealFailed:
        raise ManifestInvalid("ключ не подходит к пакету") from None
    if hashlib.sha256(content).hexdigest() != record.sha256:
        raise ManifestInvalid("содержимое не совпадает с манифестом")
    password = released.password
    await store.store_mirrored_key(
        uow.session,
        package_id,
        seal_key(master_key, package_id, released.key),
        None if password is None else seal_password(master_key, package_id, password),
        uow.clock.now(),
    )
    await uow.audit(
        actor=HUB_ACTOR,
        action="package_key_received",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={"with_password": password is not None},
    )
