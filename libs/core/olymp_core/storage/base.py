"""The object store interface shared by every backend, its errors and key rules."""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import os
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

DEFAULT_CONTENT_TYPE = "application/octet-stream"
CHUNK_SIZE = 1 << 20
# Files whose name starts with this are the local store's own (sidecars, partial writes); reserving
# the prefix for every backend keeps the set of valid keys the same everywhere.
RESERVED_PREFIX = ".olymp-"
_MAX_KEY_BYTES = 1024  # the S3 limit
_MAX_SEGMENT_BYTES = (
    200  # leaves room for the sidecar affixes under the usual 255-byte file name limit
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_METADATA_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class StorageError(Exception):
    """Anything the object store could not do."""


class ObjectNotFound(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"object {key!r} does not exist")
        self.key = key


class InvalidKey(StorageError, ValueError):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"invalid object key {key!r}: {reason}")
        self.key = key
        self.reason = reason


class StorageCapabilityError(StorageError):
    """The backend cannot do this at all (as opposed to failing this time)."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None  # None for objects written by other tools
    content_type: str
    last_modified: dt.datetime
    metadata: dict[str, str] = field(default_factory=dict)


def validate_key(key: str) -> str:
    """Return `key` if every backend can hold it unchanged, else raise InvalidKey."""
    if not key:
        raise InvalidKey(key, "it is empty")
    if key.startswith("/"):
        raise InvalidKey(key, "it is absolute; keys are relative, like 'scans/2025/work-17.pdf'")
    if "\\" in key:
        raise InvalidKey(key, "it contains a backslash; separate parts with '/'")
    if _CONTROL.search(key):
        raise InvalidKey(key, "it contains a control character")
    if ".." in key:
        raise InvalidKey(key, "it contains '..'")
    if len(key.encode()) > _MAX_KEY_BYTES:
        raise InvalidKey(key, f"it is longer than {_MAX_KEY_BYTES} bytes")
    for segment in key.split("/"):
        if segment in ("", "."):
            raise InvalidKey(key, "it has an empty or '.' part between slashes")
        if segment.startswith(RESERVED_PREFIX):
            raise InvalidKey(key, f"parts starting with {RESERVED_PREFIX!r} are reserved")
        if len(segment.encode()) > _MAX_SEGMENT_BYTES:
            raise InvalidKey(key, f"a part is longer than {_MAX_SEGMENT_BYTES} bytes")
    return key


def validate_prefix(prefix: str) -> str:
    # A prefix is valid when some key could start with it, e.g. "" or "scans/" or "scans/work-".
    validate_key(prefix + "x")
    return prefix


def validate_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    checked = dict(metadata or {})
    for name, value in checked.items():
        if not _METADATA_NAME.match(name) or name == "sha256":
            raise ValueError(
                f"metadata name {name!r} must be 1-64 characters of a-z, 0-9 and '-',"
                " and not 'sha256' (the store keeps that one itself)"
            )
        if not isinstance(value, str):
            raise ValueError(f"metadata value for {name!r} must be a string")
    return checked


class ObjectStore(abc.ABC):
    """Objects (scans, packages, snapshots) under '/'-separated keys. All methods are coroutines."""

    @abc.abstractmethod
    async def put(
        self,
        key: str,
        data: bytes | BinaryIO,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: dict[str, str] | None = None,
    ) -> ObjectInfo:
        """Store `data` (bytes or a binary file object, read in bounded chunks) under `key`."""

    @abc.abstractmethod
    async def get(self, key: str) -> bytes:
        """The whole object in memory: for small objects only; use stream() or download_to()."""

    @abc.abstractmethod
    def stream(self, key: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The object's bytes in chunks of at most `chunk_size`."""

    @abc.abstractmethod
    async def stat(self, key: str) -> ObjectInfo: ...

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing object is not an error."""

    @abc.abstractmethod
    async def list(self, prefix: str = "") -> list[ObjectInfo]:
        """Every object whose key starts with `prefix`, sorted by key. One stat per object on S3."""

    @abc.abstractmethod
    async def presigned_get_url(self, key: str, expires: dt.timedelta) -> str: ...

    @abc.abstractmethod
    async def ensure_ready(self) -> None:
        """Create the directory or bucket if it is missing; safe to call any number of times."""

    @abc.abstractmethod
    async def ping(self) -> bool:
        """Whether the store answers and is usable, for readiness probes; never raises."""

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    async def put_file(
        self, key: str, path: Path, *, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> ObjectInfo:
        source = await asyncio.to_thread(path.open, "rb")
        try:
            return await self.put(key, source, content_type=content_type)
        finally:
            await asyncio.to_thread(source.close)

    async def download_to(self, key: str, path: Path) -> None:
        """Write the object to `path`, which appears only once complete."""
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        fd, partial = await asyncio.to_thread(
            tempfile.mkstemp, dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
        try:
            with os.fdopen(fd, "wb") as out:
                async for chunk in self.stream(key):
                    await asyncio.to_thread(out.write, chunk)
                await asyncio.to_thread(_flush_to_disk, out)
            await asyncio.to_thread(os.replace, partial, path)
        except BaseException:
            await asyncio.to_thread(Path(partial).unlink, missing_ok=True)
            raise


def _flush_to_disk(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())
