"""Commands and queries of the packages: upload, move, list, release, open; commands commit.

Every path that could hand out a key — the key and content endpoints — checks the clock itself: a
package is opened only when `now >= release_at`, whatever the release timer has or has not done yet.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.materials import PackageReleased
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.storage import ObjectStore
from olymp_core.subjects import UnknownSubject, subject
from olymp_materials import store
from olymp_materials.domain import (
    EmptyPackage,
    EquipmentListNotNeeded,
    Manifest,
    NaiveInstant,
    NotYetReleased,
    Package,
    PackageKind,
    PackageNotFound,
    UnknownReleaseInstant,
    UnknownSubjectCode,
    decrypt_package,
    default_release_at,
    encrypt_package,
    new_package_key,
    seal_key,
    seal_password,
    shown_release_time,
    sign_manifest,
    unseal_key,
    unseal_password,
)
from olymp_materials.domain.archive import check_archive
from olymp_materials.feed import store as feed_store
from olymp_materials.handlers.node import Node
from olymp_materials.store import PackageRecord

RELEASE_ACTOR = "system:materials-release"
OBJECT_TYPE = "package"


@dataclass(frozen=True)
class UploadPackage:
    olympiad_id: uuid.UUID
    subject_code: str
    kind: PackageKind
    content: bytes
    release_at: dt.datetime | None
    password: str | None


@dataclass(frozen=True)
class MovePackage:
    olympiad_id: uuid.UUID
    package_id: uuid.UUID
    release_at: dt.datetime


@dataclass(frozen=True)
class OpenPackage:
    """A request for a package's key or content: granted from the instant on, always audited."""

    olympiad_id: uuid.UUID
    package_id: uuid.UUID


@dataclass(frozen=True)
class RevealedKey:
    key_b64: str
    password: str | None


@dataclass(frozen=True)
class PackageListing:
    records: list[PackageRecord]
    time_zone: str | None


async def upload_package(
    command: UploadPackage,
    uow: UnitOfWork,
    actor: Principal,
    *,
    node: Node,
    objects: ObjectStore,
) -> PackageRecord:
    """Encrypt, store and announce a package at once, so that mirrors fetch it well ahead.

    Replacing an announced but unreleased package re-announces it (a new manifest version, a new key,
    audited); a released one cannot be replaced, so no package is ever released with two keys.
    """
    try:
        known = subject(command.subject_code)
    except UnknownSubject as exc:
        raise UnknownSubjectCode(str(exc)) from None
    if command.release_at is not None and command.release_at.utcoffset() is None:
        raise NaiveInstant(
            f"Момент раскрытия {command.release_at.isoformat()} указан без часового пояса: "
            "добавьте смещение, например 2025-10-14T08:00:00+06:00."
        )
    hub = node.require_hub()
    if not command.content:
        raise EmptyPackage()
    master_key = node.master_key
    if command.kind is PackageKind.EQUIPMENT and not known.needs_equipment_list:
        raise EquipmentListNotNeeded(command.subject_code)
    if command.password:
        check_archive(command.content, command.password)
    existing = await store.package_for_subject(
        uow.session, command.olympiad_id, command.subject_code, command.kind
    )
    if existing is not None:
        existing.package.require_replaceable()
    release_at = command.release_at or await _default_release_at(uow, command)
    package_id = existing.package.package_id if existing else uuid.uuid4()
    key = new_package_key()
    # the object key is random so that listing the bucket tells nothing about olympiad or subject
    object_key = f"materials/sealed/{secrets.token_hex(16)}"
    ciphertext = encrypt_package(key, package_id, command.content)
    await objects.put(object_key, ciphertext)
    record = PackageRecord(
        package=Package(
            package_id=package_id,
            olympiad_id=command.olympiad_id,
            subject_code=command.subject_code,
            kind=command.kind,
            release_at=release_at.astimezone(dt.UTC),
        ),
        object_key=object_key,
        sha256=hashlib.sha256(command.content).hexdigest(),
        size=len(command.content),
        sealed_key=seal_key(master_key, package_id, key),
        sealed_password=(
            seal_password(master_key, package_id, command.password) if command.password else None
        ),
        version=existing.version + 1 if existing else 1,
        ciphertext_sha256=hashlib.sha256(ciphertext).hexdigest(),
    )
    now = uow.clock.now()
    await store.put_package(uow.session, record, uploaded_by=actor.subject, uploaded_at=now)
    await _announce(uow, record, hub.signing_key, now)
    await uow.audit(
        actor=actor.subject,
        action="package_reannounced" if existing else "package_uploaded",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={
            "olympiad_id": str(command.olympiad_id),
            "subject_code": command.subject_code,
            "kind": command.kind.value,
            "release_at": record.package.release_at.isoformat(),
            "sha256": record.sha256,
            "size": record.size,
            "with_password": record.has_password,
            "version": record.version,
        },
    )
    await uow.commit()
    if existing is not None:
        await objects.delete(existing.object_key)
    await hub.feed.refresh()
    return record


async def move_package(
    command: MovePackage, uow: UnitOfWork, actor: Principal, *, node: Node
) -> PackageRecord:
    """Move an announced instant: allowed until release and only into the future; the package is
    re-announced with a new signed manifest, and the move is audited."""
    hub = node.require_hub()
    if command.release_at.utcoffset() is None:
        raise NaiveInstant(
            "Момент раскрытия указан без часового пояса: добавьте смещение, например +06:00."
        )
    olympiad_id, package_id = command.olympiad_id, command.package_id
    record = await store.get_package_by_id(uow.session, package_id)
    if record is None or record.package.olympiad_id != olympiad_id:
        raise PackageNotFound(f"Пакет {package_id} олимпиады {olympiad_id} не найден.")
    package = record.package
    if not actor.may_access(ScopeKind.SUBJECT, package.subject_code):
        raise NotPermitted(
            f"Пакет относится к предмету «{package.subject_code}», вне вашего доступа."
        )
    previous = package.release_at
    now = uow.clock.now()
    package.move(command.release_at.astimezone(dt.UTC), now)
    moved = dataclasses.replace(record, package=package, version=record.version + 1)
    await store.set_release_at(uow.session, package_id, package.release_at, moved.version)
    await _announce(uow, moved, hub.signing_key, now)
    await uow.audit(
        actor=actor.subject,
        action="package_rescheduled",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={
            "from": previous.isoformat(),
            "to": package.release_at.isoformat(),
            "version": moved.version,
        },
    )
    await uow.commit()
    await hub.feed.refresh()
    return moved


async def _announce(
    uow: UnitOfWork, record: PackageRecord, signing_key: Ed25519PrivateKey, now: dt.datetime
) -> None:
    package = record.package
    assert record.ciphertext_sha256 is not None
    manifest = Manifest(
        package_id=package.package_id,
        olympiad_id=package.olympiad_id,
        subject_code=package.subject_code,
        kind=package.kind,
        release_at=package.release_at,
        ciphertext_sha256=record.ciphertext_sha256,
        content_sha256=record.sha256,
        size=record.size,
        with_password=record.has_password,
        version=record.version,
    )
    raw, signature = sign_manifest(signing_key, manifest)
    await store.set_manifest(uow.session, package.package_id, raw, signature)
    await feed_store.append(
        uow.session, package.package_id, feed_store.ANNOUNCED, now, raw, signature
    )


async def _default_release_at(uow: UnitOfWork, command: UploadPackage) -> dt.datetime:
    day = await store.subject_day(uow.session, command.olympiad_id, command.subject_code)
    zone = await store.olympiad_zone(uow.session, command.olympiad_id)
    if day is None or zone is None:
        raise UnknownReleaseInstant(command.subject_code)
    return default_release_at(day, command.kind, zone)


async def list_packages(
    olympiad_id: uuid.UUID, viewer: Principal, uow: UnitOfWork
) -> PackageListing:
    records = await store.list_packages(uow.session, olympiad_id)
    visible = [r for r in records if viewer.may_access(ScopeKind.SUBJECT, r.package.subject_code)]
    return PackageListing(visible, await store.olympiad_zone(uow.session, olympiad_id))


async def release_due_packages(uow: UnitOfWork) -> int:
    """Release every package whose instant has come; a package is released exactly once."""
    now = uow.clock.now()
    due = await store.due_packages(uow.session, now)
    for record in due:
        await _release(uow, record.package, now)
    await uow.commit()
    return len(due)


async def _release(uow: UnitOfWork, package: Package, now: dt.datetime) -> None:
    # the conditional update, not the in-memory state, decides who publishes: exactly one releaser
    if not package.release(now) or not await store.mark_released(uow.session, package):
        return
    # the feed row names the package only; the stream unseals the key when it sends the event
    await feed_store.append(uow.session, package.package_id, feed_store.KEY_RELEASED, now)
    uow.publish(
        PackageReleased(
            package_id=package.package_id,
            olympiad_id=package.olympiad_id,
            subject_code=package.subject_code,
            kind=package.kind.value,
            released_at=now,
        )
    )
    await uow.audit(
        actor=RELEASE_ACTOR,
        action="package_released",
        object_type=OBJECT_TYPE,
        object_id=str(package.package_id),
        payload={"release_at": package.release_at.isoformat(), "released_at": now.isoformat()},
    )


async def reveal_key(
    command: OpenPackage, uow: UnitOfWork, actor: Principal, *, node: Node
) -> RevealedKey:
    """The package key (and archive password) from its instant on; each access is audited."""
    record = await _open_package(command, uow, actor, "package_key")
    package_id, master_key = command.package_id, node.master_key
    password = record.sealed_password
    revealed = RevealedKey(
        key_b64=base64.b64encode(_key(master_key, record)).decode(),
        password=None if password is None else unseal_password(master_key, package_id, password),
    )
    await uow.audit(
        actor=actor.subject,
        action="package_key_accessed",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={"with_password": record.has_password},
    )
    await uow.commit()
    return revealed


async def package_content(
    command: OpenPackage, uow: UnitOfWork, actor: Principal, *, node: Node, objects: ObjectStore
) -> bytes:
    """The decrypted package from its instant on; each download is audited."""
    record = await _open_package(command, uow, actor, "package_content")
    key = _key(node.master_key, record)
    content = decrypt_package(key, command.package_id, await objects.get(record.object_key))
    await uow.audit(
        actor=actor.subject,
        action="package_content_downloaded",
        object_type=OBJECT_TYPE,
        object_id=str(command.package_id),
        payload={"sha256": record.sha256, "size": record.size},
    )
    await uow.commit()
    return content


async def _open_package(
    command: OpenPackage, uow: UnitOfWork, actor: Principal, what: str
) -> PackageRecord:
    """The package, released now if the timer has not yet; refused (and audited) before its instant."""
    olympiad_id, package_id = command.olympiad_id, command.package_id
    record = await store.get_package(uow.session, olympiad_id, package_id)
    if record is None:
        raise PackageNotFound(
            f"Пакет {package_id} олимпиады {olympiad_id} не найден: проверьте идентификаторы "
            "по списку пакетов олимпиады."
        )
    package = record.package
    if not actor.may_access(ScopeKind.SUBJECT, package.subject_code):
        raise NotPermitted(
            f"Пакет относится к предмету «{package.subject_code}», а ваш доступ ограничен "
            "другими предметами. Если это ошибка, попросите координатора расширить доступ."
        )
    now = uow.clock.now()
    try:
        package.require_open(now, await store.olympiad_zone(uow.session, olympiad_id))
        if record.sealed_key is None:
            # a mirror whose clock runs ahead: the instant "has come" here, but the hub has not
            # released the key, and that alone decides
            raise NotYetReleased(
                package.release_at,
                shown_release_time(
                    package.release_at, await store.olympiad_zone(uow.session, olympiad_id)
                ),
            )
    except NotYetReleased:
        await uow.audit(
            actor=actor.subject,
            action=f"{what}_refused_before_release",
            object_type=OBJECT_TYPE,
            object_id=str(package_id),
            payload={"release_at": package.release_at.isoformat(), "at": now.isoformat()},
        )
        await uow.commit()
        raise
    if package.released_at is None:
        await _release(uow, package, now)
    return record


def _key(master_key: bytes, record: PackageRecord) -> bytes:
    assert record.sealed_key is not None  # _open_package refused otherwise
    return unseal_key(master_key, record.package.package_id, record.sealed_key)
