"""Resumable uploads on a local directory store: the S3 flow, with parts as staged files."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

from olymp_core.storage.base import (
    CHUNK_SIZE,
    DEFAULT_CONTENT_TYPE,
    RESERVED_PREFIX,
    ObjectInfo,
    StorageCapabilityError,
    validate_key,
)
from olymp_core.storage.local import LocalDirectoryStore
from olymp_core.storage.multipart.protocol import (
    ChecksumMismatch,
    PartChecksum,
    ResumableUploads,
    UploadedPart,
    UploadNotFound,
    check_part_number,
    checked,
    checked_parts,
    require_arrived,
    same_or_conflict,
)

_STAGING = RESERVED_PREFIX + "uploads"
_PART = re.compile(r"^" + re.escape(RESERVED_PREFIX) + r"part-(\d{5})\.([0-9a-f]{32})$")
_MANIFEST = RESERVED_PREFIX + "upload.json"


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
        checked(key, sha256)
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
        check_part_number(part_number)
        staging = await asyncio.to_thread(self._staging, upload_id, key)
        return await asyncio.to_thread(_write_part, staging, part_number, data)

    async def uploaded_parts(self, upload_id: str, key: str) -> list[UploadedPart]:
        staging = await asyncio.to_thread(self._staging, upload_id, key)
        return await asyncio.to_thread(_parts_in, staging)

    async def complete(
        self, upload_id: str, key: str, *, sha256: str, parts: Sequence[PartChecksum]
    ) -> ObjectInfo:
        checked(key, sha256)
        ordered = checked_parts(parts)
        staging = await asyncio.to_thread(self._staging, upload_id, key)
        manifest = json.loads(await asyncio.to_thread((staging / _MANIFEST).read_bytes))
        if manifest["sha256"] != sha256:
            raise ChecksumMismatch(f"upload {upload_id} was started for another file")
        found = await self.existing(key)
        if found is not None:
            same = same_or_conflict(found, sha256)
            await self.abort(upload_id, key)
            return same
        arrived = {part.number: part for part in await asyncio.to_thread(_parts_in, staging)}
        require_arrived(key, ordered, arrived)
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
