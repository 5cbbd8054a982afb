"""The client side of a resumable upload: send a file's missing parts, then complete."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from olymp_core.storage.base import CHUNK_SIZE, DEFAULT_CONTENT_TYPE, ObjectInfo, StorageError
from olymp_core.storage.multipart.protocol import (
    MAX_PARTS,
    MIN_PART_SIZE,
    ChecksumMismatch,
    PartChecksum,
    ResumableUploads,
    same_or_conflict,
)

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
        same = same_or_conflict(found, sha256)
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
