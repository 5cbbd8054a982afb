"""The released criteria of a subject for those who read them: the coordinators and the appeal
commission (§108) from the release instant (§24), a participant (§91: their work was checked by
the criteria) only once the subject's last round has ended — the round runs past 12:00, and the
oral round of German and French is on a later day (§60). Before that they learn when; then they
download the criteria as files they can open — a password archive is unpacked here, once, so that
its password never leaves the service. The round's end is what the node's own registration
announced (store.round_ends): on a mirror the municipality's, while the package is the hub's.

Which subjects a participant was registered for, materials does not know: it consumes no
participant events. The portal gives a participant the criteria of
their own works' subjects only; here a participant must at least carry the participant scope their
signed token pins them to, so that a bare participant role reads nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal, Role, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.storage import ObjectNotFound, ObjectStore
from olymp_materials import store
from olymp_materials.domain import (
    CriteriaAfterTheRound,
    PackageKind,
    PackageNotFound,
    decrypt_package,
    decrypt_unpacked,
    encrypt_unpacked,
    may_release,
    open_password,
    shown_release_time,
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
    available_at: dt.datetime | None  # for this reader; None: the round's end is not known here
    available: bool
    time_zone: str | None


@dataclass(frozen=True)
class CriteriaFiles:
    content: bytes
    extension: str  # zip, pdf, or bin when the coordinator sent something else
    media_type: str


# the roles that read the criteria from their release instant (api.CriteriaReader)
STAFF = (Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR, Role.APPEAL_MEMBER)


def _as_participant(actor: Principal) -> bool:
    return actor.has_role(Role.PARTICIPANT) and not actor.has_role(*STAFF)


async def _criteria(query: CriteriaOf, uow: UnitOfWork, actor: Principal) -> PackageRecord:
    if _as_participant(actor) and not actor.is_restricted(ScopeKind.PARTICIPANT):
        raise NotPermitted(
            "Критерии оценивания выдаются участнику по его личному коду: войдите по коду участника."
        )
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


async def _available_at(
    query: CriteriaOf, record: PackageRecord, uow: UnitOfWork, actor: Principal
) -> dt.datetime | None:
    """From when this reader may download: a participant after the last round as well."""
    release_at = record.package.release_at
    if not _as_participant(actor):
        return release_at
    ends = await store.last_round_ends_at(uow.session, query.olympiad_id, query.subject_code)
    return None if ends is None else max(release_at, ends)


async def criteria_state(query: CriteriaOf, uow: UnitOfWork, actor: Principal) -> CriteriaState:
    """When the subject's criteria are (or were) released, and from when this reader gets them;
    nothing of their content."""
    record = await _criteria(query, uow, actor)
    package = record.package
    now = uow.clock.now()
    # open from the instant on, as the download decides, whether or not the release timer has
    # run yet; a mirror only once the hub's key has come
    opens = may_release(now, package.release_at) and record.sealed_key is not None
    released = package.released_at is not None or opens
    available_at = await _available_at(query, record, uow, actor)
    return CriteriaState(
        package.package_id,
        package.subject_code,
        package.release_at,
        released,
        available_at,
        released and available_at is not None and may_release(now, available_at),
        await store.olympiad_zone(uow.session, query.olympiad_id),
    )


async def criteria_files(
    query: CriteriaOf, uow: UnitOfWork, actor: Principal, *, node: Node, objects: ObjectStore
) -> CriteriaFiles:
    """The released criteria, unpacked from their password archive; refused (and audited)
    before the instant, or before the round's end to a participant; each download audited."""
    record = await _criteria(query, uow, actor)
    package_id = record.package.package_id
    available_at = await _available_at(query, record, uow, actor)
    now = uow.clock.now()
    # the others, before the instant, are refused by open_package as for any package
    if _as_participant(actor) and (available_at is None or not may_release(now, available_at)):
        await uow.audit(
            actor=actor.subject,
            action="criteria_refused_before_round_end",
            object_type=OBJECT_TYPE,
            object_id=str(package_id),
            payload={
                "available_at": None if available_at is None else available_at.isoformat(),
                "at": now.isoformat(),
            },
        )
        await uow.commit()
        zone = await store.olympiad_zone(uow.session, query.olympiad_id)
        raise CriteriaAfterTheRound(
            None if available_at is None else shown_release_time(available_at, zone)
        )
    record = await open_package(OpenPackage(query.olympiad_id, package_id), uow, actor, "criteria")
    content = await _content(record, node, objects)
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


def unpacked_object_key(record: PackageRecord) -> str:
    """Where the unpacked criteria are kept: named after the package's own random object, so by
    neither olympiad nor subject. Only a released package is unpacked, and a released one is
    never replaced (AlreadyReleased), so what is kept never goes stale."""
    return "materials/unpacked/" + record.object_key.rsplit("/", 1)[-1]


async def _content(record: PackageRecord, node: Node, objects: ObjectStore) -> bytes:
    """The files people read. A password archive is unpacked on the first download after the
    release and kept, encrypted under the package's key as the package is: every later download
    (a participant each, on results day) only decrypts it."""
    package_id = record.package.package_id
    key = package_key(node.master_key, record)
    if record.sealed_password is None:
        return await asyncio.to_thread(
            decrypt_package, key, package_id, await objects.get(record.object_key)
        )
    kept = unpacked_object_key(record)
    try:
        return await asyncio.to_thread(decrypt_unpacked, key, package_id, await objects.get(kept))
    except ObjectNotFound:
        pass
    async with node.unpacking:
        try:  # unpacked by a download that held the semaphore before this one
            return await asyncio.to_thread(
                decrypt_unpacked, key, package_id, await objects.get(kept)
            )
        except ObjectNotFound:
            pass
        content = await asyncio.to_thread(
            decrypt_package, key, package_id, await objects.get(record.object_key)
        )
        password = open_password(
            node.master_key, package_id, record.sealed_password, record.sealed_with
        )
        budget = node.hub.archive_budget if node.hub else ArchiveBudget()
        unpacked = await asyncio.to_thread(unlock_archive, content, password, budget)
        sealed = await asyncio.to_thread(encrypt_unpacked, key, package_id, unpacked)
        await objects.put(kept, sealed)
    return unpacked


def _files(content: bytes) -> CriteriaFiles:
    if content.startswith(b"PK"):
        return CriteriaFiles(content, "zip", "application/zip")
    if content.startswith(b"%PDF"):
        return CriteriaFiles(content, "pdf", "application/pdf")
    return CriteriaFiles(content, "bin", "application/octet-stream")
