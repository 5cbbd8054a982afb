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
class ObjectsInStore:
    """Each object of the listing as the store holds it now, before a restore writes anything."""

    present: int = 0  # with the manifest's bytes
    absent: list[ObjectEntry] = field(default_factory=list)
    changed: list[ObjectEntry] = field(default_factory=list)  # the key holds other bytes


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


async def compare(store: ObjectStore, objects: list[ObjectEntry]) -> ObjectsInStore:
    """Look for every object of the listing in the store by its bytes; nothing is written."""
    await store.ensure_ready()
    found = ObjectsInStore()

    async def one(entry: ObjectEntry) -> None:
        held = await digest(store, entry.key)
        if held == (entry.size, entry.sha256):
            found.present += 1
        elif held is None:
            found.absent.append(entry)
        else:
            found.changed.append(entry)

    await _bounded(objects, one)
    found.absent.sort(key=lambda entry: entry.key)
    found.changed.sort(key=lambda entry: entry.key)
    return found


async def write_back(store: ObjectStore, directory: Path, objects: list[ObjectEntry]) -> list[str]:
    """Put each object's bytes from the backup's copy under its key; the keys that still do not
    hold those bytes after it."""

    async def one(entry: ObjectEntry) -> str | None:
        with copy_path(directory, entry.sha256).open("rb") as source:
            await store.put(
                entry.key, source, content_type=entry.content_type, metadata=entry.metadata
            )
        return None if await digest(store, entry.key) == (entry.size, entry.sha256) else entry.key

    return sorted(key for key in await _bounded(objects, one) if key is not None)


async def _bounded(items: Iterable[T], work: Callable[[T], Awaitable[R]]) -> list[R]:
    slots = asyncio.Semaphore(CONCURRENCY)

    async def limited(item: T) -> R:
        async with slots:
            return await work(item)

    return list(await asyncio.gather(*(limited(item) for item in items)))
