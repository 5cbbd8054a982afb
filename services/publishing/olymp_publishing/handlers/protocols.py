"""The protocols of a published version for the people who sign them (App. 11, App. 12).

Rendered on request from the version's stored protocol (a version never changes, nor do its
protocols); each one handed out is audited: who took which document of which version.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.documents import protocols
from olymp_publishing.domain import NotPublished, require_known_subject, subject_name
from olymp_publishing.store import StoredVersion


@dataclass(frozen=True)
class ProtocolAsked:
    subject_grade: SubjectGrade
    kind: str  # protocols.KINDS
    extension: str  # protocols.FORMATS
    version: int | None  # None: the latest


@dataclass(frozen=True)
class ProtocolFile:
    body: bytes
    media_type: str
    filename: str


async def published_version(
    uow: UnitOfWork, key: SubjectGrade, version: int | None, what: str = "протокол строится"
) -> StoredVersion:
    """The version a document is built from (the latest when `version` is None), or NotPublished
    saying that `what` («протокол строится», «отчёт строится») needs a published version."""
    require_known_subject(key.subject_code)
    stored = await store.find_version(uow.session, key, version=version)
    if stored is None:
        which = "" if version is None else f" версии {version}"
        raise NotPublished(
            f"Результаты{which} по предмету «{subject_name(key.subject_code)}», {key.grade} класс,"
            f" не опубликованы: {what} по опубликованной версии."
        )
    return stored


async def protocol_file(command: ProtocolAsked, uow: UnitOfWork, actor: Principal) -> ProtocolFile:
    key = command.subject_grade
    stored = await published_version(uow, key, command.version)
    body = await asyncio.to_thread(
        protocols.render, command.kind, command.extension, stored.document, stored.protocol
    )
    await uow.audit(
        actor=actor.subject,
        action="document.generated",
        object_type="result_table",
        object_id=key.object_id,
        payload={
            "document": protocols.TITLES[command.kind],
            "format": command.extension,
            "version": stored.version,
            "bytes": len(body),
        },
    )
    await uow.commit()
    return ProtocolFile(
        body,
        protocols.FORMATS[command.extension],
        f"{command.kind}-protocol-{key.subject_code}-{key.grade}-v{stored.version}"
        f".{command.extension}",
    )
