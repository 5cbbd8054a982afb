"""The object store in a backup: every object's key, size and sha256 (and, when asked, its bytes),
and after a restore the check that each is in the store with those bytes."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from olymp_cli.backup.manifest import OBJECT_COPIES, OBJECTS_LIST, ObjectEntry, copy_path
from olymp_core.storage import ObjectInfo, ObjectNotFound, ObjectStore

T = TypeVar("T")
R = TypeVar("R")
# objects read or written at once: a store answers many requests side by side, one at a time
# would make a backup of tens of thousands of scans wait on round trips
CONCURRENCY = 8


@dataclass(frozen=True)
class ListingSummary:
    count: int
    total_bytes: int


@dataclass
class RestoredObjects:
    present: int = 0  # already in the store with the manifest's bytes
    restored: int = 0  # written back from the backup's copy
    missing: list[str] = field(default_factory=list)  # absent or changed, and no copy to restore

    @property
    def ok(self) -> bool:
        return not self.missing


async def digest(
    store: ObjectStore, key: str, copy_to: Path | None = None
) -> tuple[int, str] | None:
    """Size and sha256 of the object's bytes as the store serves them (not the checksum it keeps
    beside them); None if it is missing. With `copy_to`, the bytes are written there as read."""
    hashing = hashlib.sha256()
    size = 0
    out = copy_to.open("wb") if copy_to else None
    try:
        async for chunk in store.stream(key):
            hashing.update(chunk)
            size += len(chunk)
            if out:
                out.write(chunk)
    except ObjectNotFound:
        return None
    finally:
        if out:
            out.close()
    return size, hashing.hexdigest()


async def back_up(store: ObjectStore, directory: Path, *, copy: bool) -> ListingSummary:
    """Write the listing of every object (and with `copy` their bytes) into the backup."""
    listed = await store.list()
    entries = await _bounded(listed, lambda info: _entry(store, info, directory if copy else None))
    found = [entry for entry in entries if entry is not None]  # None: deleted while we read
    with (directory / OBJECTS_LIST).open("w") as listing:
        for entry in found:
            listing.write(entry.model_dump_json() + "\n")
    return ListingSummary(len(found), sum(entry.size for entry in found))


async def _entry(
    store: ObjectStore, info: ObjectInfo, directory: Path | None
) -> ObjectEntry | None:
    if directory is None:
        found = await digest(store, info.key)
    else:
        found = await _copy(store, info.key, directory)
    if found is None:
        return None
    size, sha256 = found
    return ObjectEntry(
        key=info.key,
        size=size,
        sha256=sha256,
        content_type=info.content_type,
        metadata=info.metadata,
    )


async def _copy(store: ObjectStore, key: str, directory: Path) -> tuple[int, str] | None:
    """Read the object into the backup's copies: its size and sha256, None if it is gone."""
    copies = directory / OBJECT_COPIES
    copies.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(dir=copies, prefix=".partial-")
    os.close(fd)
    partial = Path(name)
    found = await digest(store, key, partial)
    await asyncio.to_thread(
        _keep, partial, None if found is None else copy_path(directory, found[1])
    )
    return found


def _keep(partial: Path, target: Path | None) -> None:
    """The copy under its sha256 (equal bytes under other keys land on the same file), or gone."""
    if target is None:
        partial.unlink()
        return
    target.parent.mkdir(exist_ok=True)
    partial.replace(target)


async def restore(
    store: ObjectStore, directory: Path, objects: list[ObjectEntry], *, copied: bool
) -> RestoredObjects:
    """Check every object of the listing in the store; write back from the copy what is missing
    or changed, when the backup has the copies."""
    await store.ensure_ready()
    outcome = RestoredObjects()

    async def one(entry: ObjectEntry) -> None:
        expected = (entry.size, entry.sha256)
        if await digest(store, entry.key) == expected:
            outcome.present += 1
            return
        if copied:
            with copy_path(directory, entry.sha256).open("rb") as source:
                await store.put(
                    entry.key, source, content_type=entry.content_type, metadata=entry.metadata
                )
            if await digest(store, entry.key) == expected:
                outcome.restored += 1
                return
        outcome.missing.append(entry.key)

    await _bounded(objects, one)
    outcome.missing.sort()
    return outcome


async def _bounded(items: Iterable[T], work: Callable[[T], Awaitable[R]]) -> list[R]:
    slots = asyncio.Semaphore(CONCURRENCY)

    async def limited(item: T) -> R:
        async with slots:
            return await work(item)

    return list(await asyncio.gather(*(limited(item) for item in items)))
