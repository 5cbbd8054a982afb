"""A mirror's side of the feed: the coordinator's receipt, forwarded to the hub, and every event of
the hub's feed, applied in a transaction of its own.

A mirror accepts an announcement only with the pinned hub key's signature over its manifest; it
then fetches the ciphertext at once and checks its SHA-256 against the manifest, so hours before the
instant every municipality holds exactly what the hub encrypted. A key is accepted only if it opens
that ciphertext to the plaintext the manifest names, and only once: a second, different key for a
package is refused and audited. A package that cannot be fetched is reported and skipped, so that
the keys after it still arrive.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from olymp_core.auth import Principal, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.storage import ObjectStore
from olymp_materials import store
from olymp_materials.domain import (
    KeyConflict,
    KeyNotReceived,
    ManifestInvalid,
    MaterialsRuleError,
    Package,
    PackageNotFound,
    PackageUnfetchable,
    ReceiptWithoutDetails,
    UnsealFailed,
    ciphertext_size,
    decrypt_package,
    master_key_id,
    open_key,
    seal_key,
    seal_password,
    verify_ciphertext,
    verify_manifest,
)
from olymp_materials.feed import store as feed_store
from olymp_materials.feed.clients import (
    Announcement,
    FetchFailed,
    HubConnection,
    HubEvent,
    ReleasedKey,
)
from olymp_materials.handlers import Node
from olymp_materials.store import PackageRecord

log = logging.getLogger("olymp.materials.mirror")
HUB_ACTOR = "system:materials-hub"
OBJECT_TYPE = "package"


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
    # failed fetches of one announcement before it is reported and skipped (never stuck on one)
    fetch_attempts: int = 5
    _failed_fetches: dict[tuple[uuid.UUID, int], int] = field(default_factory=dict, repr=False)

    def gives_up_fetching(self, package_id: uuid.UUID, version: int, failed: FetchFailed) -> bool:
        """Count a failed fetch; True when the announcement is to be reported and skipped: at
        once when no retry can help, else after `fetch_attempts` failures in a row."""
        attempt = (package_id, version)
        failures = self._failed_fetches.pop(attempt, 0) + 1
        if not failed.transient or failures >= self.fetch_attempts:
            return True
        self._failed_fetches[attempt] = failures
        return False


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
    held = await store.package_for_subject(
        uow.session, manifest.olympiad_id, manifest.subject_code, manifest.kind
    )
    if held is not None and held.package.package_id != manifest.package_id:
        raise ManifestInvalid(
            f"для этого предмета и вида уже получен другой пакет ({held.package.package_id})"
        )
    object_key = f"materials/mirrored/{secrets.token_hex(16)}"
    try:
        async with hub.fetch_package(
            manifest.package_id, max_bytes=ciphertext_size(manifest.size)
        ) as fetched:
            verify_ciphertext(manifest, fetched.sha256)
            await mirror.objects.put_file(object_key, fetched.path)
    except FetchFailed as failed:
        if not mirror.gives_up_fetching(manifest.package_id, manifest.version, failed):
            raise  # the follower reconnects and this announcement is tried again
        log.error(
            "package not fetched; reported and skipped",
            extra={"package_id": str(manifest.package_id), "reason": failed.reason},
        )
        raise PackageUnfetchable(manifest.package_id, manifest.version, failed.reason) from None
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
    await store.put_package(
        uow.session, record, uploaded_by=HUB_ACTOR, uploaded_at=now, replacing=existing is not None
    )
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
        if open_key(master_key, package_id, record.sealed_key, record.sealed_with) != released.key:
            raise KeyConflict()
        return  # the same key again, after a reconnect
    ciphertext = await mirror.objects.get(record.object_key)
    try:
        # CPU work on the whole package: off the event loop
        content_sha256 = await asyncio.to_thread(
            _opened_sha256, released.key, package_id, ciphertext
        )
    except UnsealFailed:
        raise ManifestInvalid("ключ не подходит к пакету") from None
    if content_sha256 != record.sha256:
        raise ManifestInvalid("содержимое не совпадает с манифестом")
    password = released.password
    await store.store_mirrored_key(
        uow.session,
        package_id,
        seal_key(master_key, package_id, released.key),
        None if password is None else seal_password(master_key, package_id, password),
        master_key_id(master_key),
        uow.clock.now(),
    )
    await uow.audit(
        actor=HUB_ACTOR,
        action="package_key_received",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={"with_password": password is not None},
    )


def _opened_sha256(key: bytes, package_id: uuid.UUID, ciphertext: bytes) -> str:
    return hashlib.sha256(decrypt_package(key, package_id, ciphertext)).hexdigest()
