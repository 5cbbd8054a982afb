"""Resumable uploads of large files (room recordings): S3 multipart with per-part signed URLs, or
the same flow on a local directory store.

The flow is the S3 one on both backends: `start` an upload under a key, send numbered parts (to a
signed URL on S3, straight into the store's directory locally), ask which parts arrived to resume,
then `complete`. Every part is checked against the MD5 the client computed from its own bytes, and
the whole file against the client's SHA-256: on S3 the completed object's ETag must equal the MD5 of
the part MD5s (the S3 multipart rule), locally the concatenation is hashed as it is written.

A key is written once: completing onto an object with the same SHA-256 returns that object (the
same file uploaded twice is not an error), a different one is refused — recordings are evidence.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

import httpx
import urllib3
from minio.datatypes import Part
from minio.error import MinioException, S3Error

from olymp_core.storage.base import (
    CHUNK_SIZE,
    DEFAULT_CONTENT_TYPE,
    RESERVED_PREFIX,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageCapabilityError,
    StorageError,
    validate_key,
)
from olymp_core.storage.local import LocalDirectoryStore
from olymp_core.storage.s3 import S3Store

T = TypeVar("T")
MIN_PART_SIZE = 5 << 20  # S3: every part but the last is at least 5 MiB
MAX_PARTS = 10_000
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_STAGING = RESERVED_PREFIX + "uploads"
_PART = re.compile(r"^" + re.escape(RESERVED_PREFIX) + r"part-(\d{5})\.([0-9a-f]{32})$")
_MANIFEST = RESERVED_PREFIX + "upload.json"


class ChecksumMismatch(StorageError):
    """What arrived is not what the client hashed; the upload stays open so parts can be re-sent."""


class UploadNotFound(StorageError):
    def __init__(self, upload_id: str) -> None:
        super().__init__(
            f"no open upload {upload_id!r}: it was completed, aborted or never started"
        )
        self.upload_id = upload_id


class ObjectConflict(StorageError):
    """The key already holds a different object; uploads never overwrite one."""


@dataclass(frozen=True)
class UploadedPart:
    number: int
    size: int
    md5: str  # hex; the part's ETag on S3


@dataclass(frozen=True)
class PartChecksum:
    number: int
    md5: str


class ResumableUploads(abc.ABC):
    """Multipart uploads into `store`. `presigns_parts` says whether parts go to `part_url`
    (a client with no credentials PUTs there) or through `write_part`."""

    presigns_parts: bool
    store: ObjectStore

    @abc.abstractmethod
    async def start(
        self, key: str, *, sha256: str, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> str:
        """Open an upload of a file whose SHA-256 the client computed; returns the upload id."""

    @abc.abstractmethod
    async def part_url(
        self, upload_id: str, key: str, part_number: int, expires: dt.timedelta
    ) -> str:
        """A URL to PUT part `part_number` (1-based) to, valid for `expires`."""

    @abc.abstractmethod
    async def write_part(self, upload_id: str, key: str, part_number: int, data: bytes) -> str:
        """Store one part through this process; returns its MD5 (hex)."""

    @abc.abstractmethod
    async def uploaded_parts(self, upload_id: str, key: str) -> list[UploadedPart]:
        """The parts that arrived so far, by number: what a resumed upload need not send again."""

    @abc.abstractmethod
    async def complete(
        self, upload_id: str, key: str, *, sha256: str, parts: Sequence[PartChecksum]
    ) -> ObjectInfo:
        """Assemble `parts`, verify them and the whole file, and make the object visible."""

    @abc.abstractmethod
    async def abort(self, upload_id: str, key: str) -> None:
        """Drop an open upload and its parts; aborting a finished one is not an error."""

    async def existing(self, key: str) -> ObjectInfo | None:
        try:
            return await self.store.stat(key)
        except ObjectNotFound:
            return None


def resumable_uploads(store: ObjectStore) -> ResumableUploads:
    """The resumable-upload flow for a store opened with `open_store`."""
    if isinstance(store, S3Store):
        return S3ResumableUploads(store)
    if isinstance(store, LocalDirectoryStore):
        return LocalResumableUploads(store)
    raise StorageCapabilityError(f"{store!r} has no resumable uploads")


def multipart_etag(md5s: Sequence[str]) -> str:
    """The ETag S3 gives an object assembled from parts with these MD5s."""
    joined = b"".join(bytes.fromhex(md5) for md5 in md5s)
    return f"{hashlib.md5(joined, usedforsecurity=False).hexdigest()}-{len(md5s)}"


def _checked(key: str, sha256: str) -> None:
    validate_key(key)
    if not _SHA256.match(sha256):
        raise ValueError(f"sha256 must be 64 lowercase hex digits, not {sha256!r}")


def _checked_parts(parts: Sequence[PartChecksum]) -> list[PartChecksum]:
    ordered = sorted(parts, key=lambda part: part.number)
    if not ordered or [p.number for p in ordered] != list(range(1, len(ordered) + 1)):
        raise ValueError("parts must be numbered 1, 2, 3, ... without gaps")
    if len(ordered) > MAX_PARTS or any(not _MD5.match(p.md5) for p in ordered):
        raise ValueError(f"at most {MAX_PARTS} parts, each with a 32-digit hex MD5")
    return ordered


def _check_part_number(part_number: int) -> None:
    if not 1 <= part_number <= MAX_PARTS:
        raise ValueError(f"part numbers run from 1 to {MAX_PARTS}, not {part_number}")


def _same_or_conflict(found: ObjectInfo, sha256: str) -> ObjectInfo:
    if found.sha256 == sha256:
        return found
    raise ObjectConflict(
        f"{found.key!r} already holds a different file (sha256 {found.sha256}); "
        "upload under a new key or remove the old object first"
    )


class S3ResumableUploads(ResumableUploads):
    presigns_parts = True

    def __init__(self, store: S3Store) -> None:
        self.store = store
        self._s3 = store

    async def start(
        self, key: str, *, sha256: str, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> str:
        _checked(key, sha256)
        # The digest goes in at creation, where S3 keeps it as the finished object's metadata.
        headers = {"Content-Type": content_type, "x-amz-meta-sha256": sha256}
        return await self._call(
            key, "", self._s3.client._create_multipart_upload, self._s3.bucket, key, headers
        )

    async def part_url(
        self, upload_id: str, key: str, part_number: int, expires: dt.timedelta
    ) -> str:
        validate_key(key)
        _check_part_number(part_number)
        query: dict[str, str | list[str] | tuple[str]] = {
            "uploadId": upload_id,
            "partNumber": str(part_number),
        }
        return await self._call(
            key,
            upload_id,
            lambda: self._s3.client.get_presigned_url(
                "PUT", self._s3.bucket, key, expires=expires, extra_query_params=query
            ),
        )

    async def write_part(self, upload_id: str, key: str, part_number: int, data: bytes) -> str:
        validate_key(key)
        _check_part_number(part_number)
        etag: str = await self._call(
            key,
            upload_id,
            self._s3.client._upload_part,
            *(self._s3.bucket, key, data, None, upload_id, part_number),
        )
        return etag.strip('"')

    async def uploaded_parts(self, upload_id: str, key: str) -> list[UploadedPart]:
        validate_key(key)
        return await self._call(key, upload_id, self._list_parts, key, upload_id)

    async def complete(
        self, upload_id: str, key: str, *, sha256: str, parts: Sequence[PartChecksum]
    ) -> ObjectInfo:
        _checked(key, sha256)
        ordered = _checked_parts(parts)
        found = await self.existing(key)
        if found is not None:
            same = _same_or_conflict(found, sha256)
            await self.abort(upload_id, key)
            return same
        arrived = {part.number: part for part in await self.uploaded_parts(upload_id, key)}
        wrong = [
            p.number for p in ordered if p.number not in arrived or arrived[p.number].md5 != p.md5
        ]
        if wrong:
            raise ChecksumMismatch(
                f"parts {wrong} of {key!r} are missing or differ from what the client hashed;"
                " send them again and complete once more"
            )
        listed = [Part(p.number, p.md5) for p in ordered]
        result = await self._call(
            key,
            upload_id,
            self._s3.client._complete_multipart_upload,
            *(self._s3.bucket, key, upload_id, listed),
        )
        expected = multipart_etag([p.md5 for p in ordered])
        info = await self.store.stat(key)
        if (result.etag or "").strip('"') != expected or info.sha256 != sha256:
            await self.store.delete(key)
            raise ChecksumMismatch(f"the assembled {key!r} is not the file the client hashed")
        return info

    async def abort(self, upload_id: str, key: str) -> None:
        validate_key(key)
        with contextlib.suppress(UploadNotFound):
            await self._call(
                key,
                upload_id,
                self._s3.client._abort_multipart_upload,
                *(self._s3.bucket, key, upload_id),
            )

    def _list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        found: list[UploadedPart] = []
        marker: str | None = None
        while True:
            page = self._s3.client._list_parts(
                self._s3.bucket, key, upload_id, part_number_marker=marker
            )
            found += [
                UploadedPart(p.part_number, p.size or 0, p.etag.strip('"')) for p in page.parts
            ]
            if not page.is_truncated:
                return sorted(found, key=lambda part: part.number)
            marker = page.next_part_number_marker

    async def _call(self, key: str, upload_id: str, call: Callable[..., T], *args: Any) -> T:
        # The SDK exposes the multipart calls of the S3 API (CreateMultipartUpload, UploadPart,
        # ListParts, CompleteMultipartUpload, AbortMultipartUpload) only as underscored methods;
        # they are plain S3 requests, and this class is the only place that calls them.
        try:
            return await asyncio.to_thread(call, *args)
        except S3Error as exc:
            if exc.code == "NoSuchUpload":
                raise UploadNotFound(upload_id) from None
            raise StorageError(f"S3 refused {key!r}: {exc.code}: {exc.message}") from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageError(f"S3 endpoint {self._s3.endpoint} failed on {key!r}: {exc}") from exc


class LocalResumableUploads(ResumableUploads):
    """Parts as files in a staging directory inside the store's root (same file system, so the
    finished object is renamed into place), hidden from `list` by the reserved prefix."""

    presigns_parts = False

    def __init__(self, store: LocalDirectoryStore) -> None:
        self.store = store
        self._local = store

    async def start(
        self, key: str, *, sha256: str, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> str:
        _checked(key, sha256)
        upload_id = uuid.uuid4().hex
        manifest = {"key": key, "sha256": sha256, "content_type": content_type}
        await asyncio.to_thread(self._create, upload_id, manifest)
        return upload_id

    async def part_url(
        self, upload_id: str, key: str, part_number: int, expires: dt.timedelta
    ) -> str:
        raise StorageCapabilityError(
            f"the local directory store at {self._local.root} has no signed URLs;"
            " send parts with write_part through the service"
        )

    async def write_part(self, upload_id: str, key: str, part_number: int, data: bytes) -> str:
        _check_part_number(part_number)
        staging = await asyncio.to_thread(self._staging, upload_id, key)
        return await asyncio.to_thread(_write_part, staging, part_number, data)

    async def uploaded_parts(self, upload_id: str, key: str) -> list[UploadedPart]:
        staging = await asyncio.to_thread(self._staging, upload_id, key)
        return await asyncio.to_thread(_parts_in, staging)

    async def complete(
        self, upload_id: str, key: str, *, sha256: str, parts: Sequence[PartChecksum]
    ) -> ObjectInfo:
        _checked(key, sha256)
        ordered = _checked_parts(parts)
        staging = await asyncio.to_thread(self._staging, upload_id, key)
        manifest = json.loads(await asyncio.to_thread((staging / _MANIFEST).read_bytes))
        if manifest["sha256"] != sha256:
            raise ChecksumMismatch(f"upload {upload_id} was started for another file")
        found = await self.existing(key)
        if found is not None:
            same = _same_or_conflict(found, sha256)
            await self.abort(upload_id, key)
            return same
        arrived = {part.number: part for part in await asyncio.to_thread(_parts_in, staging)}
        wrong = [
            p.number for p in ordered if p.number not in arrived or arrived[p.number].md5 != p.md5
        ]
        if wrong:
            raise ChecksumMismatch(
                f"parts {wrong} of {key!r} are missing or differ from what the client hashed;"
                " send them again and complete once more"
            )
        files = [staging / _part_name(p.number, p.md5) for p in ordered]
        # The reader raises at the end if the digest differs, and the store then discards its
        # partial file: a mismatching object never becomes visible.
        info = await self.store.put(
            key,
            cast(BinaryIO, _VerifiedConcatenation(files, sha256)),
            content_type=manifest["content_type"],
        )
        await asyncio.to_thread(shutil.rmtree, staging, True)
        return info

    async def abort(self, upload_id: str, key: str) -> None:
        try:
            staging = await asyncio.to_thread(self._staging, upload_id, key)
        except UploadNotFound:
            return
        await asyncio.to_thread(shutil.rmtree, staging, True)

    def _create(self, upload_id: str, manifest: dict[str, str]) -> None:
        staging = self._local.root / _STAGING / upload_id
        staging.mkdir(parents=True)
        (staging / _MANIFEST).write_text(json.dumps(manifest))

    def _staging(self, upload_id: str, key: str) -> Path:
        validate_key(key)
        if not re.fullmatch(r"[0-9a-f]{32}", upload_id):
            raise UploadNotFound(upload_id)
        staging = self._local.root / _STAGING / upload_id
        try:
            manifest = json.loads((staging / _MANIFEST).read_bytes())
        except FileNotFoundError:
            raise UploadNotFound(upload_id) from None
        if manifest["key"] != key:
            raise UploadNotFound(upload_id)
        return staging


def _part_name(number: int, md5: str) -> str:
    return f"{RESERVED_PREFIX}part-{number:05d}.{md5}"


def _write_part(staging: Path, number: int, data: bytes) -> str:
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    fd, partial = tempfile.mkstemp(dir=staging, prefix=RESERVED_PREFIX + "tmp.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        for stale in staging.glob(f"{RESERVED_PREFIX}part-{number:05d}.*"):
            stale.unlink(missing_ok=True)  # a re-sent part replaces the one before
        os.replace(partial, staging / _part_name(number, md5))
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return md5


def _parts_in(staging: Path) -> list[UploadedPart]:
    found = []
    for entry in staging.iterdir():
        match = _PART.match(entry.name)
        if match:
            found.append(UploadedPart(int(match[1]), entry.stat().st_size, match[2]))
    return sorted(found, key=lambda part: part.number)


class _VerifiedConcatenation:
    """The part files read one after another; at the end, the SHA-256 must be `expected`."""

    def __init__(self, files: list[Path], expected: str) -> None:
        self._files, self._expected = list(files), expected
        self._digest = hashlib.sha256()
        self._current: Any = None

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        while True:
            if self._current is None:
                if not self._files:
                    if self._digest.hexdigest() != self._expected:
                        raise ChecksumMismatch(
                            "the assembled parts do not have the SHA-256 the client computed"
                        )
                    return b""
                self._current = self._files.pop(0).open("rb")
            chunk: bytes = self._current.read(size if size > 0 else CHUNK_SIZE)
            if chunk:
                self._digest.update(chunk)
                return chunk
            self._current.close()
            self._current = None


Progress = Callable[[int, int], None]  # (bytes stored so far, file size)
DEFAULT_PART_SIZE = 8 << 20


class UploadInterrupted(StorageError):
    """Sending parts stopped; call `upload_file` again with `upload_id` to resume."""

    def __init__(self, upload_id: str, parts_sent: int, cause: BaseException) -> None:
        super().__init__(
            f"upload {upload_id} stopped after {parts_sent} parts ({cause}); run it again with"
            " the same upload id to send only the missing parts"
        )
        self.upload_id, self.parts_sent = upload_id, parts_sent


@dataclass(frozen=True)
class UploadReport:
    upload_id: str | None  # None when the key already held this very file
    info: ObjectInfo
    parts_sent: int
    parts_skipped: int


async def upload_file(
    path: Path,
    uploads: ResumableUploads,
    key: str,
    *,
    upload_id: str | None = None,
    part_size: int = DEFAULT_PART_SIZE,
    content_type: str = DEFAULT_CONTENT_TYPE,
    progress: Progress | None = None,
    http: httpx.AsyncClient | None = None,
    url_expires: dt.timedelta = dt.timedelta(hours=1),
) -> UploadReport:
    """Upload `path` under `key`, resuming `upload_id` if given: only parts that have not arrived
    intact are sent. One part is in memory at a time, whatever the file's size."""
    size = (await asyncio.to_thread(path.stat)).st_size
    if size == 0:
        raise ValueError(f"{path} is empty: there is nothing to upload")
    if part_size < MIN_PART_SIZE or -(-size // part_size) > MAX_PARTS:
        raise ValueError(
            f"part size {part_size} must be >= 5 MiB and give at most {MAX_PARTS} parts"
        )
    sha256, checksums = await asyncio.to_thread(_file_checksums, path, part_size)
    found = await uploads.existing(key)
    if found is not None:
        same = _same_or_conflict(found, sha256)
        if upload_id is not None:
            await uploads.abort(upload_id, key)
        return UploadReport(None, same, 0, len(checksums))
    if upload_id is None:
        upload_id = await uploads.start(key, sha256=sha256, content_type=content_type)
    arrived = {part.number: part.md5 for part in await uploads.uploaded_parts(upload_id, key)}
    missing = [part for part in checksums if arrived.get(part.number) != part.md5]
    done = size - sum(min(part_size, size - (p.number - 1) * part_size) for p in missing)
    if progress:
        progress(done, size)
    client = http or httpx.AsyncClient(timeout=httpx.Timeout(30.0, write=300.0))
    sent = 0
    try:
        with path.open("rb") as source:
            for part in missing:
                try:
                    data = await asyncio.to_thread(_read_part, source, part.number, part_size)
                    await _send_part(uploads, client, upload_id, key, part, data, url_expires)
                    sent, done = sent + 1, done + len(data)
                    if progress:
                        progress(done, size)
                except (StorageError, httpx.HTTPError, OSError) as exc:
                    raise UploadInterrupted(upload_id, sent, exc) from exc
    finally:
        if http is None:
            await client.aclose()
    info = await uploads.complete(upload_id, key, sha256=sha256, parts=checksums)
    return UploadReport(upload_id, info, sent, len(checksums) - len(missing))


async def _send_part(
    uploads: ResumableUploads,
    client: httpx.AsyncClient,
    upload_id: str,
    key: str,
    part: PartChecksum,
    data: bytes,
    expires: dt.timedelta,
) -> None:
    if not uploads.presigns_parts:
        md5 = await uploads.write_part(upload_id, key, part.number, data)
    else:
        url = await uploads.part_url(upload_id, key, part.number, expires)
        response = await client.put(url, content=data)
        if response.status_code != 200:
            raise StorageError(
                f"part {part.number}: HTTP {response.status_code} {response.text[:200]}"
            )
        md5 = response.headers.get("etag", "").strip('"')
    if md5 != part.md5:
        raise ChecksumMismatch(f"part {part.number} of {key!r} arrived altered (MD5 {md5})")


def _file_checksums(path: Path, part_size: int) -> tuple[str, list[PartChecksum]]:
    whole = hashlib.sha256()
    parts: list[PartChecksum] = []
    with path.open("rb") as source:
        while True:
            md5, left = hashlib.md5(usedforsecurity=False), part_size
            while left and (chunk := source.read(min(CHUNK_SIZE, left))):
                whole.update(chunk)
                md5.update(chunk)
                left -= len(chunk)
            if left == part_size:
                return whole.hexdigest(), parts
            parts.append(PartChecksum(len(parts) + 1, md5.hexdigest()))


def _read_part(source: Any, number: int, part_size: int) -> bytes:
    source.seek((number - 1) * part_size)
    data: bytes = source.read(part_size)
    return data
