"""Release and opening of packages: the release at the instant, the key and the content from it on.

Every path that could hand out a key — the key and content endpoints — checks the clock itself: a
package is opened only when `now >= release_at`, whatever the release timer has or has not done yet.
A key that cannot be opened is refused with the cause (handlers of the feed show it beforehand).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.materials import PackageReleased
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.storage import ObjectStore
from olymp_materials import store
from olymp_materials.domain import (
    NotYetReleased,
    Package,
    PackageNotFound,
    UnsealFailed,
    decrypt_package,
    open_key,
    open_password,
    shown_release_time,
)
from olymp_materials.feed import store as feed_store
from olymp_materials.handlers.node import Node
from olymp_materials.store import PackageRecord

RELEASE_ACTOR = "system:materials-release"
OBJECT_TYPE = "package"


@dataclass(frozen=True)
class OpenPackage:
    """A request for a package's key or content: granted from the instant on, always audited."""

    olympiad_id: uuid.UUID
    package_id: uuid.UUID


@dataclass(frozen=True)
class RevealedKey:
    key_b64: str
    password: str | None


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
    record = await open_package(command, uow, actor, "package_key")
    package_id, master_key = command.package_id, node.master_key
    password = record.sealed_password
    revealed = RevealedKey(
        key_b64=base64.b64encode(package_key(master_key, record)).decode(),
        password=(
            None
            if password is None
            else open_password(master_key, package_id, password, record.sealed_with)
        ),
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
    record = await open_package(command, uow, actor, "package_content")
    key = package_key(node.master_key, record)
    content = await asyncio.to_thread(
        decrypt_package, key, command.package_id, await objects.get(record.object_key)
    )
    await uow.audit(
        actor=actor.subject,
        action="package_content_downloaded",
        object_type=OBJECT_TYPE,
        object_id=str(command.package_id),
        payload={"sha256": record.sha256, "size": record.size},
    )
    await uow.commit()
    return content


async def open_package(
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


def package_key(master_key: bytes, record: PackageRecord) -> bytes:
    assert record.sealed_key is not None  # open_package refused otherwise
    return open_key(master_key, record.package.package_id, record.sealed_key, record.sealed_with)


def sealing_problem(record: PackageRecord, master_key: bytes) -> str | None:
    """Why this package's key could not be given out, found before anyone asks for it.

    The readiness table shows it from the upload on, so that a coordinator can upload the package
    again before its instant instead of learning at 08:00 that its key does not open.
    """
    package_id = record.package.package_id
    try:
        if record.sealed_key is not None:
            open_key(master_key, package_id, record.sealed_key, record.sealed_with)
        if record.sealed_password is not None:
            open_password(master_key, package_id, record.sealed_password, record.sealed_with)
    except UnsealFailed as unreadable:
        return unreadable.detail
    return None
