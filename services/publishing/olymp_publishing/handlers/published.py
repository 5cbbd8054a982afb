"""The public addresses of published tables, and the writer of their static files.

Queries take the unit of work and do not commit; the writer commits the rows that say its files are
written (its own transaction, after the publication's).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.storage import ObjectNotFound, ObjectStore
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import documents, store
from olymp_publishing.domain import NotPublished, require_known_subject, subject_name
from olymp_publishing.handlers.files import (
    PublishedFile,
    PublishedFiles,
    Render,
    index_key,
    pointer_key,
    version_key,
)
from olymp_publishing.store import Olympiad, VersionRef

log = logging.getLogger("olymp.publishing.files")


@dataclass(frozen=True)
class TableAddress:
    """A public address of a table: `/results/<olympiad>/<subject>/<grade>[.ext]?stage=&version=`."""

    subject_grade: SubjectGrade
    extension: str  # "json" (no suffix), "html", "csv" or "xlsx"
    stage: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class ServedFile:
    file: PublishedFile
    immutable: bool  # a versioned address: the same bytes forever


@dataclass(frozen=True)
class PublishedResults:
    """An olympiad's published tables, each with its versions in order."""

    olympiad: Olympiad | None
    tables: dict[SubjectGrade, list[VersionRef]]


async def published_results(olympiad_id: uuid.UUID, uow: UnitOfWork) -> PublishedResults:
    olympiad = await store.olympiad_of(uow.session, olympiad_id)
    tables: dict[SubjectGrade, list[VersionRef]] = {}
    for version in await store.versions_of_olympiad(uow.session, olympiad_id):
        tables.setdefault(version.key, []).append(version)
    return PublishedResults(olympiad, tables)


async def published_file(
    address: TableAddress, uow: UnitOfWork, files: PublishedFiles
) -> ServedFile:
    """The file an address names: the database says which version, the cache or the object store
    gives its bytes (rendered and stored again only if the store lost them)."""
    key = address.subject_grade
    require_known_subject(key.subject_code)
    found = await store.version_ref(uow.session, key, stage=address.stage, version=address.version)
    if found is None:
        raise NotPublished(
            f"Результаты по предмету «{subject_name(key.subject_code)}», {key.grade} класс,"
            " не опубликованы"
            + (f" (этап {address.stage})" if address.stage else "")
            + (f" (версия {address.version})" if address.version else "")
            + ". Проверьте адрес или посмотрите перечень таблиц олимпиады."
        )
    if address.version is None:
        files.point(key, address.stage, found.version, found.stage)
    else:
        files.know_stage(key, found.version, found.stage)
    file = await files.version_file(
        key, found.version, address.extension, _renderer(uow, key, found.version)
    )
    return ServedFile(file, immutable=address.version is not None)


async def published_index(
    olympiad_id: uuid.UUID, extension: str, uow: UnitOfWork, files: PublishedFiles
) -> PublishedFile:
    """The olympiad's index (JSON or HTML), as the writer stores it."""
    cached = files.cached_index(olympiad_id, extension)
    if cached is not None:
        return cached
    results = await published_results(olympiad_id, uow)
    rendered = documents.index_files(
        olympiad_id, results.olympiad, results.tables, files.public_page_url
    )
    return files.keep_index(olympiad_id, _mark(results), rendered)[extension]


async def refresh_published(uows: UnitOfWorkFactory, files: PublishedFiles) -> None:
    """Ask the database again which versions are the latest, for what this process has cached
    (versions published by other processes, or before this one took over)."""
    for olympiad_id in sorted(files.watched(), key=str):
        async with uows() as uow:
            results = await published_results(olympiad_id, uow)
        latest: dict[tuple[SubjectGrade, str | None], int] = {}
        for key, versions in results.tables.items():
            latest[(key, None)] = versions[-1].version
            for version in versions:
                latest[(key, version.stage)] = version.version
        files.refresh(olympiad_id, latest, _mark(results))


def _mark(results: PublishedResults) -> str:
    """What the index shows, in short: it must be built again when this changes."""
    olympiad = results.olympiad
    shown = [
        None if olympiad is None else [olympiad.title, olympiad.time_zone],
        [
            [ref.key.object_id, ref.version, ref.sha256]
            for refs in results.tables.values()
            for ref in refs
        ],
    ]
    return hashlib.sha256(repr(shown).encode()).hexdigest()


async def write_published_files(
    uow: UnitOfWork, files: PublishedFiles, olympiad_id: uuid.UUID
) -> int:
    """Write what the olympiad's files lack and commit; returns how many versions and indexes.

    Under the olympiad's lock, so two writers never interleave, and the last one to write
    "latest" and the index has seen every version committed before it took the lock.
    """
    objects = files.objects
    await store.lock_published_files(uow.session, olympiad_id)
    versions = await store.unwritten_versions(uow.session, olympiad_id)
    if not versions and await store.index_written(uow.session, olympiad_id) is not None:
        await uow.commit()
        return 0
    for ref in versions:
        rendered = await _renderer(uow, ref.key, ref.version)()
        for extension, body in rendered.items():
            await objects.put(
                version_key(ref.key, ref.version, extension),
                body,
                content_type=documents.TABLE_FORMATS[extension],
            )
        files.keep_version(ref.key, ref.version, rendered)
    for key in sorted({ref.key for ref in versions}, key=lambda k: k.object_id):
        for pointer, version in (await store.latest_versions(uow.session, key)).items():
            for extension, content_type in documents.TABLE_FORMATS.items():
                file = await files.version_file(
                    key, version, extension, _renderer(uow, key, version)
                )
                await _put_if_changed(
                    objects, pointer_key(key, pointer, extension), file.body, content_type
                )
    results = await published_results(olympiad_id, uow)
    index = documents.index_files(
        olympiad_id, results.olympiad, results.tables, files.public_page_url
    )
    for extension, body in index.items():
        await _put_if_changed(
            objects, index_key(olympiad_id, extension), body, documents.INDEX_FORMATS[extension]
        )
    digest = hashlib.sha256(b"".join(index[extension] for extension in sorted(index)))
    now = uow.clock.now()
    await store.mark_files_written(uow.session, versions, now)
    await store.save_index_written(uow.session, olympiad_id, digest.hexdigest(), now)
    await uow.commit()
    return len(versions) + 1


async def write_pending_files(uows: UnitOfWorkFactory, files: PublishedFiles) -> int:
    """Write every olympiad's missing files, each olympiad in its own transaction."""
    async with uows() as uow:
        pending = await store.olympiads_with_unwritten_files(uow.session)
    written = 0
    for olympiad_id in pending:
        async with uows() as uow:
            written += await write_published_files(uow, files, olympiad_id)
    return written


async def write_after_publication(
    uow: UnitOfWork, files: PublishedFiles, olympiad_id: uuid.UUID
) -> None:
    """The files of a version just committed, in the command that published it.

    The version is published whatever happens here: a store that fails now leaves the files to
    the files writer's retries and the sweeper (the database is the truth).
    """
    try:
        await write_published_files(uow, files, olympiad_id)
    except Exception as exc:
        log.warning(
            "published files not written; the files writer retries",
            extra={"olympiad_id": str(olympiad_id), "error": repr(exc)},
            exc_info=True,
        )


def _renderer(uow: UnitOfWork, key: SubjectGrade, version: int) -> Render:
    async def render() -> dict[str, bytes]:
        stored = await store.find_version(uow.session, key, version=version)
        if stored is None:  # versions are never deleted: the caller has just seen this one
            raise LookupError(f"version {version} of {key.object_id} is not in the database")
        return documents.version_files(stored)

    return render


async def _put_if_changed(objects: ObjectStore, key: str, body: bytes, content_type: str) -> None:
    """Rewrite a mutable file only when its content changes, so its validators stay put."""
    try:
        info = await objects.stat(key)
    except ObjectNotFound:
        pass
    else:
        if info.sha256 == hashlib.sha256(body).hexdigest() and info.content_type == content_type:
            return
    await objects.put(key, body, content_type=content_type)
