"""Commands and queries of the packages before their instant: upload, move, list; commands commit.
Release and opening are in opening.py."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from olymp_core.auth import Principal, Role, ScopeKind
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
    Package,
    PackageKind,
    PackageNotFound,
    UnknownReleaseInstant,
    UnknownSubjectCode,
    default_release_at,
    encrypt_package,
    master_key_id,
    new_package_key,
    seal_key,
    seal_password,
    sign_manifest,
    unseal_password,
)
from olymp_materials.domain.archive import check_archive
from olymp_materials.feed import store as feed_store
from olymp_materials.handlers.node import Node
from olymp_materials.handlers.opening import sealing_problem
from olymp_materials.store import PackageRecord

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
class PackageListing:
    records: list[PackageRecord]
    time_zone: str | None
    # packages whose plaintext SHA-256 and size this viewer may not see yet
    undisclosed: frozenset[uuid.UUID] = frozenset()


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

    Two uploads of the same subject and kind at once (a double click, two coordinators) are taken
    one after the other: the later one becomes the next version of the package the earlier one
    created, exactly as if it had been sent a moment later. Both are answered 201 with the same
    package id and their own version; the list and the mirrors hold the later one; both are in the
    audit trail.
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
        # decompressing every file is CPU work: off the event loop, within the node's budget
        await asyncio.to_thread(
            check_archive, command.content, command.password, hub.archive_budget
        )
    await store.lock_package_slot(
        uow.session, command.olympiad_id, command.subject_code, command.kind
    )
    existing = await store.package_for_subject(
        uow.session, command.olympiad_id, command.subject_code, command.kind
    )
    release_at = command.release_at or await _default_release_at(uow, command)
    if existing is not None and await _same_upload(existing, command, release_at, master_key):
        # the same bytes, instant and password again (a retry after a lost answer, even one
        # that arrives after the instant): nothing to re-announce, and a new key would only make
        # every mirror fetch the package again
        return existing
    if existing is not None:
        existing.package.require_replaceable()
    package_id = existing.package.package_id if existing else uuid.uuid4()
    key = new_package_key()
    # the object key is random so that listing the bucket tells nothing about olympiad or subject
    object_key = f"materials/sealed/{secrets.token_hex(16)}"
    ciphertext, content_sha256, ciphertext_sha256 = await asyncio.to_thread(
        _seal_content, key, package_id, command.content
    )
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
        sha256=content_sha256,
        size=len(command.content),
        sealed_key=seal_key(master_key, package_id, key),
        sealed_password=(
            seal_password(master_key, package_id, command.password) if command.password else None
        ),
        version=existing.version + 1 if existing else 1,
        ciphertext_sha256=ciphertext_sha256,
        sealed_with=master_key_id(master_key),
    )
    now = uow.clock.now()
    await store.put_package(
        uow.session,
        record,
        uploaded_by=actor.subject,
        uploaded_at=now,
        replacing=existing is not None,
    )
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


async def _same_upload(
    existing: PackageRecord, command: UploadPackage, release_at: dt.datetime, master_key: bytes
) -> bool:
    if sealing_problem(existing, master_key) is not None:
        return False  # a quarantined package is repaired by uploading it again: seal it anew
    if existing.package.release_at != release_at.astimezone(dt.UTC):
        return False
    if existing.size != len(command.content):
        return False
    sealed = existing.sealed_password
    password = (
        None if sealed is None else unseal_password(master_key, existing.package.package_id, sealed)
    )
    if password != (command.password or None):
        return False
    digest = await asyncio.to_thread(lambda: hashlib.sha256(command.content).hexdigest())
    return digest == existing.sha256


def _seal_content(key: bytes, package_id: uuid.UUID, content: bytes) -> tuple[bytes, str, str]:
    """The ciphertext and the SHA-256 of plaintext and ciphertext (CPU work on the whole package)."""
    ciphertext = encrypt_package(key, package_id, content)
    return (
        ciphertext,
        hashlib.sha256(content).hexdigest(),
        hashlib.sha256(ciphertext).hexdigest(),
    )


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
    """The packages and their instants; before release, the plaintext's SHA-256 and size only for
    the regional coordinator who uploaded them: to anyone else they would confirm a guess (a file
    passed around before 08:00 is or is not the real package) before the instant."""
    records = await store.list_packages(uow.session, olympiad_id)
    visible = [r for r in records if viewer.may_access(ScopeKind.SUBJECT, r.package.subject_code)]
    undisclosed = frozenset(
        r.package.package_id
        for r in visible
        if r.package.released_at is None and not viewer.has_role(Role.COORDINATOR)
    )
    return PackageListing(visible, await store.olympiad_zone(uow.session, olympiad_id), undisclosed)
