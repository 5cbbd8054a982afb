"""Commands and events of the materials service, one function each; command handlers own the commit.

Every path that could hand out a key — the key and content endpoints — checks the clock itself: a
package is opened only when `now >= release_at`, whatever the release job has or has not done yet.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.materials import PackageReleased
from olymp_core.contracts.registration import OlympiadCreated
from olymp_core.db import UnitOfWork
from olymp_core.problems import Forbidden, NotFound
from olymp_core.storage import ObjectStore
from olymp_materials import store
from olymp_materials.domain import (
    NotYetReleased,
    Package,
    PackageKind,
    UnknownReleaseInstant,
    decrypt_package,
    default_release_at,
    encrypt_package,
    new_package_key,
    seal_key,
    seal_password,
    unseal_key,
    unseal_password,
)
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
    uploaded_by: str


@dataclass(frozen=True)
class RevealedKey:
    key_b64: str
    password: str | None


@dataclass(frozen=True)
class PackageListing:
    records: list[PackageRecord]
    time_zone: str | None


async def on_olympiad_created(event: OlympiadCreated, uow: UnitOfWork) -> None:
    """Learn the zone and each subject's day, from which the default instants follow (§24)."""
    days = {subject.subject_code: subject.day for subject in event.subjects}
    await store.save_olympiad(uow.session, event.olympiad_id, event.time_zone, days)


async def upload_package(
    command: UploadPackage, uow: UnitOfWork, objects: ObjectStore, master_key: bytes
) -> PackageRecord:
    """Encrypt and store a package; replaces the subject's unreleased package of the same kind."""
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
    await objects.put(object_key, encrypt_package(key, package_id, command.content))
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
    )
    now = uow.clock.now()
    await store.put_package(uow.session, record, uploaded_by=command.uploaded_by, uploaded_at=now)
    await uow.audit(
        actor=command.uploaded_by,
        action="package_replaced" if existing else "package_uploaded",
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
        },
    )
    await uow.commit()
    if existing is not None:
        await objects.delete(existing.object_key)
    return record


async def _default_release_at(uow: UnitOfWork, command: UploadPackage) -> dt.datetime:
    day = await store.subject_day(uow.session, command.olympiad_id, command.subject_code)
    zone = await store.olympiad_zone(uow.session, command.olympiad_id)
    if day is None or zone is None:
        raise UnknownReleaseInstant(command.subject_code)
    return default_release_at(day, command.kind, zone)


async def list_packages(
    olympiad_id: uuid.UUID, principal: Principal, uow: UnitOfWork
) -> PackageListing:
    records = await store.list_packages(uow.session, olympiad_id)
    visible = [
        r for r in records if principal.may_access(ScopeKind.SUBJECT, r.package.subject_code)
    ]
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
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    principal: Principal,
    uow: UnitOfWork,
    master_key: bytes,
) -> RevealedKey:
    """The package key (and archive password) from its instant on; each access is audited."""
    record = await _open_package(olympiad_id, package_id, principal, uow, "package_key")
    password = record.sealed_password
    revealed = RevealedKey(
        key_b64=base64.b64encode(unseal_key(master_key, package_id, record.sealed_key)).decode(),
        password=None if password is None else unseal_password(master_key, package_id, password),
    )
    await uow.audit(
        actor=principal.subject,
        action="package_key_accessed",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={"with_password": record.has_password},
    )
    await uow.commit()
    return revealed


async def package_content(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    principal: Principal,
    uow: UnitOfWork,
    objects: ObjectStore,
    master_key: bytes,
) -> bytes:
    """The decrypted package from its instant on; each download is audited."""
    record = await _open_package(olympiad_id, package_id, principal, uow, "package_content")
    key = unseal_key(master_key, package_id, record.sealed_key)
    content = decrypt_package(key, package_id, await objects.get(record.object_key))
    await uow.audit(
        actor=principal.subject,
        action="package_content_downloaded",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={"sha256": record.sha256, "size": record.size},
    )
    await uow.commit()
    return content


async def _open_package(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    principal: Principal,
    uow: UnitOfWork,
    what: str,
) -> PackageRecord:
    """The package, released now if the job has not yet; refused (and audited) before its instant."""
    record = await store.get_package(uow.session, olympiad_id, package_id)
    if record is None:
        raise NotFound(
            f"Пакет {package_id} олимпиады {olympiad_id} не найден: проверьте идентификаторы "
            "по списку пакетов олимпиады."
        )
    package = record.package
    if not principal.may_access(ScopeKind.SUBJECT, package.subject_code):
        raise Forbidden(
            f"Пакет относится к предмету «{package.subject_code}», а ваш доступ ограничен "
            "другими предметами. Если это ошибка, попросите координатора расширить доступ."
        )
    now = uow.clock.now()
    try:
        package.require_open(now, await store.olympiad_zone(uow.session, olympiad_id))
    except NotYetReleased:
        await uow.audit(
            actor=principal.subject,
            action=f"{what}_refused_before_release",
            object_type=OBJECT_TYPE,
            object_id=str(package_id),
            payload={"release_at": package.release_at.isoformat(), "at": now.isoformat()},
        )
        await uow.commit()
        raise
    await _release(uow, package, now)
    return record
