"""Published versions as immutable static files in the object store, and the cache that serves them.

Results day is a burst of reads of data that never changes once published. So each version is
written once, at publication, as files (HTML, JSON, CSV, XLSX) under keys that nginx or a CDN can
serve directly, beside a mutable "latest" per table and stage and the olympiad's index:

    results/<olympiad>/index.json|html                     the index (changes with each version)
    results/<olympiad>/<subject>/<grade>/v<N>.<ext>          version N: immutable
    results/<olympiad>/<subject>/<grade>/latest.<ext>        the newest version
    results/<olympiad>/<subject>/<grade>/preliminary.<ext>   the newest of the stage
    results/<olympiad>/<subject>/<grade>/final.<ext>

The database stays the truth: `published_files` and `published_indexes` say which files are written,
and the writer (right after the publishing transaction, then the files loop and the sweeper) writes
whatever they lack. The service's own routes serve the same bytes from `PublishedFiles`, an
in-process cache of the immutable versions; which version "latest" is comes from the database, and
a background refresher asks it again every `refresh_s` for what the process has cached.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

import sqlalchemy as sa

from olymp_core.db import UnitOfWork
from olymp_core.lifecycle import Wakeup
from olymp_core.storage import ObjectNotFound, ObjectStore, StorageError
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import documents

log = logging.getLogger("olymp.publishing.files")

PREFIX = "results"
IMMUTABLE = "public, max-age=31536000, immutable"
Headers = list[tuple[bytes, bytes]]


def table_prefix(key: SubjectGrade) -> str:
    return f"{PREFIX}/{key.olympiad_id}/{key.subject_code}/{key.grade}"


def version_key(key: SubjectGrade, version: int, extension: str) -> str:
    return f"{table_prefix(key)}/v{version}.{extension}"


def pointer_key(key: SubjectGrade, pointer: str, extension: str) -> str:
    """`pointer`: "latest", "preliminary" or "final"."""
    return f"{table_prefix(key)}/{pointer}.{extension}"


def index_key(olympiad_id: uuid.UUID, extension: str) -> str:
    return f"{PREFIX}/{olympiad_id}/index.{extension}"


class PublishedFile:
    """One file's bytes, its strong ETag (the content's sha256) and its response headers, built
    once: for a versioned address (cached for a year, immutable) and for "latest" (short max-age)."""

    __slots__ = ("body", "content_type", "etag", "filename", "latest", "versioned")

    def __init__(
        self, body: bytes, content_type: str, latest_max_age_s: int, filename: str | None = None
    ) -> None:
        self.body = body
        self.content_type = content_type
        self.filename = filename
        self.etag = f'"{hashlib.sha256(body).hexdigest()}"'
        self.versioned = self._headers(IMMUTABLE)
        self.latest = self._headers(f"public, max-age={latest_max_age_s}")

    def headers(self, *, immutable: bool) -> Headers:
        return self.versioned if immutable else self.latest

    def _headers(self, cache_control: str) -> Headers:
        headers = [
            (b"content-type", self.content_type.encode()),
            (b"content-length", str(len(self.body)).encode()),
            (b"etag", self.etag.encode()),
            (b"cache-control", cache_control.encode()),
        ]
        if self.filename is not None:
            disposition = f'attachment; filename="{self.filename}"'
            headers.append((b"content-disposition", disposition.encode()))
        return headers


Render = Callable[[], Awaitable[dict[str, bytes]]]


class PublishedFiles:
    """The published files of this process: the object store they live in and the caches in front.

    - immutable versions' files, least recently used first out past `cache_bytes`;
    - which version "latest" (and the latest of each stage) is, and the olympiads' index files:
      what the database said, until the refresher (`refresh`, every `refresh_s`) finds it changed.

    Requests never wait for the database while their answer is cached, and every process answers
    a version published elsewhere within `refresh_s`. Asked per request instead, or kept for a
    time and asked again when it expires, every request in flight at that moment would query the
    database at once (a p99 of 150–200 ms at 32 connections). A publication committed in this
    process drops its olympiad's pointers and index at once (`published`) and wakes the writer.
    """

    def __init__(
        self,
        objects: ObjectStore,
        *,
        latest_max_age_s: int = 10,
        refresh_s: float = 1.0,
        cache_bytes: int = 64 << 20,
        public_page_url: str = "",
    ) -> None:
        self.objects = objects
        # the portal's address, for the index's link to the olympiad's public page
        self.public_page_url = public_page_url
        self.latest_max_age_s = latest_max_age_s
        self.refresh_s = refresh_s
        self.cache_bytes = cache_bytes
        self.wakeup = Wakeup()
        self._files: OrderedDict[tuple[SubjectGrade, int, str], PublishedFile] = OrderedDict()
        self._cached_bytes = 0
        self._stages: dict[tuple[SubjectGrade, int], str] = {}
        self._pointers: dict[tuple[SubjectGrade, str | None], int] = {}
        self._indexes: dict[tuple[uuid.UUID, str], PublishedFile] = {}
        self._index_marks: dict[uuid.UUID, str] = {}
        self._loading: dict[tuple[SubjectGrade, int], asyncio.Lock] = {}

    # What the public routes' fast path asks: the cache only, no I/O.

    def cached_table(
        self, key: SubjectGrade, extension: str, stage: str | None, version: int | None
    ) -> tuple[PublishedFile, bool] | None:
        """The file an address names and whether the address is immutable, if cached."""
        if version is not None:
            if stage is not None and self._stages.get((key, version)) != stage:
                return None
            found = self._files.get((key, version, extension))
            return None if found is None else (found, True)
        pointed = self._pointers.get((key, stage))
        if pointed is None:
            return None
        found = self._files.get((key, pointed, extension))
        return None if found is None else (found, False)

    def cached_index(self, olympiad_id: uuid.UUID, extension: str) -> PublishedFile | None:
        return self._indexes.get((olympiad_id, extension))

    # What the routes' handlers fill in.

    def point(self, key: SubjectGrade, stage: str | None, version: int, version_stage: str) -> None:
        """The database said `version` is the newest (of `stage`, if given)."""
        self._stages[(key, version)] = version_stage
        self._pointers[(key, stage)] = version

    def know_stage(self, key: SubjectGrade, version: int, stage: str) -> None:
        self._stages[(key, version)] = stage

    def keep_index(
        self, olympiad_id: uuid.UUID, mark: str, files: Mapping[str, bytes]
    ) -> dict[str, PublishedFile]:
        """The index files as built from the database state `mark` names."""
        kept = {
            extension: PublishedFile(
                body, documents.INDEX_FORMATS[extension], self.latest_max_age_s, filename=None
            )
            for extension, body in files.items()
        }
        for extension, file in kept.items():
            self._indexes[(olympiad_id, extension)] = file
        self._index_marks[olympiad_id] = mark
        return kept

    # What the refresher asks and tells.

    def watched(self) -> set[uuid.UUID]:
        """The olympiads whose pointers or index this process has cached."""
        return {key.olympiad_id for key, _ in self._pointers} | set(self._index_marks)

    def refresh(
        self,
        olympiad_id: uuid.UUID,
        latest: Mapping[tuple[SubjectGrade, str | None], int],
        mark: str,
    ) -> None:
        """Drop what the database no longer says: a pointer to another version than `latest`
        names, an index built from another state than `mark`. The next request resolves it."""
        for pointer, version in list(self._pointers.items()):
            if pointer[0].olympiad_id == olympiad_id and latest.get(pointer) != version:
                del self._pointers[pointer]
        if self._index_marks.get(olympiad_id, mark) != mark:
            self._forget_index(olympiad_id)

    async def version_file(
        self, key: SubjectGrade, version: int, extension: str, render: Render
    ) -> PublishedFile:
        """Version `version`'s file: from the cache, else from the object store, else rendered
        from the database by `render` (and stored, so that nginx finds it too)."""
        found = self._files.get((key, version, extension))
        if found is not None:
            self._files.move_to_end((key, version, extension))
            return found
        # One reader loads a version; the others who asked meanwhile find it cached.
        lock = self._loading.setdefault((key, version), asyncio.Lock())
        async with lock:
            found = self._files.get((key, version, extension))
            if found is None:
                found = await self._load(key, version, extension, render)
        if not lock.locked():
            self._loading.pop((key, version), None)
        return found

    def keep_version(
        self, key: SubjectGrade, version: int, files: dict[str, bytes]
    ) -> dict[str, PublishedFile]:
        return {
            extension: self._keep(key, version, extension, body)
            for extension, body in files.items()
        }

    # After a publication.

    def published(self, uow: UnitOfWork, olympiad_id: uuid.UUID) -> None:
        """Once `uow` commits: forget the olympiad's pointers and index, wake the files writer.

        Only after the commit: dropped before it, a request in between would cache the old state
        again. A rolled-back transaction changes nothing, so nothing is dropped then.
        """

        def committed(_session: object) -> None:
            self.forget(olympiad_id)
            self.wakeup.notify()

        sa.event.listen(uow.session.sync_session, "after_commit", committed, once=True)

    def forget(self, olympiad_id: uuid.UUID) -> None:
        for pointer in [p for p in self._pointers if p[0].olympiad_id == olympiad_id]:
            del self._pointers[pointer]
        self._forget_index(olympiad_id)

    def _forget_index(self, olympiad_id: uuid.UUID) -> None:
        self._index_marks.pop(olympiad_id, None)
        for index in [i for i in self._indexes if i[0] == olympiad_id]:
            del self._indexes[index]

    async def _load(
        self, key: SubjectGrade, version: int, extension: str, render: Render
    ) -> PublishedFile:
        try:
            body = await self.objects.get(version_key(key, version, extension))
        except ObjectNotFound:
            pass
        except StorageError as exc:
            # The database can still answer: serve the version rendered from it.
            log.warning(
                "object store unavailable; serving a version rendered from the database",
                extra={"table": key.object_id, "version": version, "error": repr(exc)},
            )
            return self.keep_version(key, version, await render())[extension]
        else:
            return self._keep(key, version, extension, body)
        rendered = await render()
        await self._store(key, version, rendered)
        return self.keep_version(key, version, rendered)[extension]

    async def _store(self, key: SubjectGrade, version: int, rendered: dict[str, bytes]) -> None:
        """Store a version's files found missing; the writer does the same, with the same bytes."""
        try:
            for extension, body in rendered.items():
                await self.objects.put(
                    version_key(key, version, extension),
                    body,
                    content_type=documents.TABLE_FORMATS[extension],
                )
        except StorageError as exc:
            log.warning(
                "could not store a version's files; the files writer will",
                extra={"table": key.object_id, "version": version, "error": repr(exc)},
            )

    def _keep(self, key: SubjectGrade, version: int, extension: str, body: bytes) -> PublishedFile:
        filename = (
            documents.download_name(key, version, extension)
            if extension in documents.DOWNLOADS
            else None
        )
        file = PublishedFile(
            body, documents.TABLE_FORMATS[extension], self.latest_max_age_s, filename
        )
        old = self._files.pop((key, version, extension), None)
        if old is not None:
            self._cached_bytes -= len(old.body)
        self._files[(key, version, extension)] = file
        self._cached_bytes += len(body)
        while self._cached_bytes > self.cache_bytes and len(self._files) > 1:
            _, evicted = self._files.popitem(last=False)
            self._cached_bytes -= len(evicted.body)
        return file
