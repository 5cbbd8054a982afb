"""The released criteria of a subject for those who read them after the round: the participant
(§91: their work was checked by the criteria) and the appeal commission (§108). Before the
instant they learn when (§24); from it on they download the criteria as files they can open —
a password archive is unpacked here, so that its password never leaves the service."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.storage import ObjectStore
from olymp_materials import store
from olymp_materials.domain import (
    PackageKind,
    PackageNotFound,
    decrypt_package,
    may_release,
    open_password,
)
from olymp_materials.domain.archive import ArchiveBudget, unlock_archive
from olymp_materials.handlers.node import Node
from olymp_materials.handlers.opening import OBJECT_TYPE, OpenPackage, open_package, package_key
from olymp_materials.store import PackageRecord


@dataclass(frozen=True)
class CriteriaOf:
    olympiad_id: uuid.UUID
    subject_code: str


@dataclass(frozen=True)
class CriteriaState:
    package_id: uuid.UUID
    subject_code: str
    release_at: dt.datetime
    released: bool
    time_zone: str | None


@dataclass(frozen=True)
class CriteriaFiles:
    content: bytes
    extension: str  # zip, pdf, or bin when the coordinator sent something else
    media_type: str


async def _criteria(query: CriteriaOf, uow: UnitOfWork, actor: Principal) -> PackageRecord:
    if not actor.may_access(ScopeKind.SUBJECT, query.subject_code):
        raise NotPermitted(
            f"Критерии предмета «{query.subject_code}» вне вашего доступа: он ограничен "
            "другими предметами."
        )
    records = await store.list_packages(uow.session, query.olympiad_id)
    found = next(
        (
            r
            for r in records
            if r.package.subject_code == query.subject_code
            and r.package.kind is PackageKind.CRITERIA
        ),
        None,
    )
    if found is None:
        raise PackageNotFound(
            f"Критерии оценивания по предмету «{query.subject_code}» ещё не загружены "
            "региональным координатором."
        )
    return found


async def criteria_state(query: CriteriaOf, uow: UnitOfWork, actor: Principal) -> CriteriaState:
    """When the subject's criteria are (or were) released; nothing of their content."""
    record = await _criteria(query, uow, actor)
    package = record.package
    # open from the instant on, as the download decides, whether or not the release timer has
    # run yet; a mirror only once the hub's key has come
    opens = may_release(uow.clock.now(), package.release_at) and record.sealed_key is not None
    return CriteriaState(
        package.package_id,
        package.subject_code,
        package.release_at,
        package.released_at is not None or opens,
        await store.olympiad_zone(uow.session, query.olympiad_id),
    )


async def criteria_files(
    query: CriteriaOf, uow: UnitOfWork, actor: Principal, *, node: Node, objects: ObjectStore
) -> CriteriaFiles:
    """The released criteria, unpacked from their password archive; refused (and audited)
    before the instant, each download audited."""
    record = await _criteria(query, uow, actor)
    package_id = record.package.package_id
    record = await open_package(OpenPackage(query.olympiad_id, package_id), uow, actor, "criteria")
    key = package_key(node.master_key, record)
    content = await asyncio.to_thread(
        decrypt_package, key, package_id, await objects.get(record.object_key)
    )
    if record.sealed_password is not None:
        password = open_password(
            node.master_key, package_id, record.sealed_password, record.sealed_with
        )
        budget = node.hub.archive_budget if node.hub else ArchiveBudget()
        content = await asyncio.to_thread(unlock_archive, content, password, budget)
    files = _files(content)
    await uow.audit(
        actor=actor.subject,
        action="criteria_downloaded",
        object_type=OBJECT_TYPE,
        object_id=str(package_id),
        payload={"subject_code": query.subject_code, "sha256": record.sha256},
    )
    await uow.commit()
    return files


def _files(content: bytes) -> CriteriaFiles:
    if content.startswith(b"PK"):
        return CriteriaFiles(content, "zip", "application/zip")
    if content.startswith(b"%PDF"):
        return CriteriaFiles(content, "pdf", "application/pdf")
    return CriteriaFiles(content, "bin", "application/octet-stream")
