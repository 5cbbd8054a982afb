"""Objects as files under a root directory: the embedded default for single-machine installs."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import datetime as dt
import hashlib
import json
import os
import stat as stat_mode
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

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
    validate_metadata,
    validate_prefix,
)

_TEMP_PREFIX = RESERVED_PREFIX + "tmp."
_SIDECAR_PREFIX = RESERVED_PREFIX + "meta."


class LocalDirectoryStore(ObjectStore):
    """Key 'a/b.pdf' is the file root/a/b.pdf; its metadata is root/a/.olymp-meta.b.pdf.json."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalDirectoryStore({str(self.root)!r})"

    async def put(
        self,
        key: str,
        data: bytes | BinaryIO,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: dict[str, str] | None = None,
    ) -> ObjectInfo:
        validate_key(key)
        checked = validate_metadata(metadata)
        return await asyncio.to_thread(self._put, key, data, content_type, checked)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key) from None

    async def stream(self, key: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            source = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key) from None
        try:
            while chunk := await asyncio.to_thread(source.read, chunk_size):
                yield chunk
        finally:
            await asyncio.to_thread(source.close)

    async def stat(self, key: str) -> ObjectInfo:
        return await asyncio.to_thread(self._stat, key, self._path(key))

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, self._path(key))

    async def list(self, prefix: str = "") -> list[ObjectInfo]:
        validate_prefix(prefix)
        return await asyncio.to_thread(self._list, prefix)

    async def presigned_get_url(self, key: str, expires: dt.timedelta) -> str:
        raise StorageCapabilityError(
            f"the local directory store at {self.root} has no signed URLs for {key!r};"
            " serve the file through the service itself, or configure an s3:// store"
        )

    async def ensure_ready(self) -> None:
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)
        if not await self.ping():
            raise StorageError(f"the storage directory {self.root} is not a writable directory")

    async def ping(self) -> bool:
        return await asyncio.to_thread(
            lambda: self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)
        )

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _put(
        self, key: str, data: bytes | BinaryIO, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise StorageError(f"cannot store {key!r}: a part of it is already an object") from None
        if target.is_dir():
            raise StorageError(f"cannot store {key!r}: other objects are stored under {key}/")
        digest, written = _replace_atomically(target, _chunks(data))
        sidecar = {
            "content_type": content_type,
            "sha256": digest,
            "metadata": metadata,
            "file": _identity(written),
        }
        # The sidecar names the file it describes, so between the two replaces (or after a crash
        # between them) a reader sees the new file without metadata, never with the old metadata.
        _replace_atomically(_sidecar(target), [json.dumps(sidecar).encode()])
        return _info(key, written, sidecar)

    def _stat(self, key: str, path: Path) -> ObjectInfo:
        try:
            found = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        if not stat_mode.S_ISREG(found.st_mode):
            raise ObjectNotFound(key)
        try:
            sidecar = json.loads(_sidecar(path).read_bytes())
        except (FileNotFoundError, ValueError):
            sidecar = {}
        if sidecar.get("file") != _identity(found):
            sidecar = {}
        return _info(key, found, sidecar)

    def _delete(self, path: Path) -> None:
        if path.is_dir():
            return
        path.unlink(missing_ok=True)
        _sidecar(path).unlink(missing_ok=True)
        # Empty directories left behind would stop key 'a' from being stored after 'a/b' is gone.
        for parent in path.parents:
            if parent == self.root:
                break
            try:
                parent.rmdir()
            except OSError:
                break

    def _list(self, prefix: str) -> builtins.list[ObjectInfo]:
        start = self.root.joinpath(*prefix.split("/")[:-1])
        found = []
        for directory, _, files in os.walk(start):
            relative = Path(directory).relative_to(self.root).as_posix()
            base = "" if relative == "." else relative + "/"
            for name in files:
                key = base + name
                if name.startswith(RESERVED_PREFIX) or not key.startswith(prefix):
                    continue
                with contextlib.suppress(ObjectNotFound):  # deleted while we walked
                    found.append(self._stat(key, Path(directory, name)))
        return sorted(found, key=lambda info: info.key)


def _chunks(data: bytes | BinaryIO) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
        return
    while chunk := data.read(CHUNK_SIZE):
        yield chunk


def _identity(found: os.stat_result) -> list[int]:
    return [found.st_ino, found.st_size, found.st_mtime_ns]


def _sidecar(path: Path) -> Path:
    return path.with_name(f"{_SIDECAR_PREFIX}{path.name}.json")


def _info(key: str, found: os.stat_result, sidecar: dict[str, Any]) -> ObjectInfo:
    return ObjectInfo(
        key=key,
        size=found.st_size,
        sha256=sidecar.get("sha256"),
        content_type=sidecar.get("content_type", DEFAULT_CONTENT_TYPE),
        last_modified=dt.datetime.fromtimestamp(found.st_mtime, dt.UTC),
        metadata=dict(sidecar.get("metadata", {})),
    )


def _replace_atomically(path: Path, chunks: Iterable[bytes]) -> tuple[str, os.stat_result]:
    """Write a temporary file beside `path`, make it durable, then rename it over `path`."""
    digest = hashlib.sha256()
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
            out.flush()
            os.fsync(out.fileno())
            written = os.fstat(out.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return digest.hexdigest(), written


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; some platforms cannot open a directory, which is fine there.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
