"""One reader of the feed table, many streams: the release fan-out does not grow with mirrors.

Every stream follows an in-memory copy of the feed. Whoever changes the feed (an upload, a move, the
release timer) calls `refresh()`, which reads the new rows in ONE query, builds each event ONCE
(unsealing a released key once) and wakes all streams by setting one Event. A release at 08:00 thus
costs one database read, one journal write and N socket writes, not N polls. The Event is replaced
by a fresh one at each change rather than cleared, and streams wait on it without a lock (the
Condition it replaces had each of thousands of woken streams take its lock and check a predicate).
Before new key events become visible, the sends of those keys to every open stream are written
down in one transaction (`before_keys_leave`), so a woken stream goes straight to its write. The
feed is small (a few events per package), so the whole of it is kept; a mirror that reconnects
after any gap is served from memory too.

A key event is built only when the hub's clock says the instant has come, so even a feed row written
by a hub whose clock ran ahead is held back here.

A row whose event cannot be built (a sealed key that does not open, a manifest that does not parse)
is quarantined: logged, counted, shown in the coordinator's readiness table, and skipped, so that it
never holds back the events after it. Once, a single such row stopped every later key for good.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from google.protobuf.timestamp_pb2 import Timestamp
from prometheus_client import Gauge

from olymp.materials.v1 import materials_pb2 as pb
from olymp_core.db import UnitOfWorkFactory
from olymp_materials.domain import (
    Manifest,
    MaterialsRuleError,
    PackageKind,
    may_release,
    open_key,
    open_password,
)
from olymp_materials.feed import store

log = logging.getLogger("olymp.materials.feed")
QUARANTINED = Gauge(
    "olymp_materials_quarantined_packages",
    "Packages whose feed events cannot be built and are held back from the mirrors",
)

BeforeKeysLeave = Callable[[list[pb.FeedEvent]], Awaitable[None]]

PROTO_KINDS = {
    PackageKind.TASKS: pb.PACKAGE_KIND_TASKS,
    PackageKind.CRITERIA: pb.PACKAGE_KIND_CRITERIA,
    PackageKind.EQUIPMENT: pb.PACKAGE_KIND_EQUIPMENT,
}


class FeedBroadcaster:
    def __init__(self, uows: UnitOfWorkFactory, master_key: bytes) -> None:
        self._uows = uows
        self._master_key = master_key
        self._events: list[pb.FeedEvent] = []
        self._sequences: list[int] = []
        # set (and replaced) when events are added; a stream holds the one it saw before reading
        self._changed = asyncio.Event()
        self._refreshing = asyncio.Lock()
        self.subscribers = 0
        # set by the feed's servicer: notes, for every open stream at once, the sends of the keys
        # about to be added, before any stream can see them (one transaction instead of a wait
        # per stream between its wake-up and its write)
        self.before_keys_leave: BeforeKeysLeave | None = None
        # the last feed row taken up, sent or quarantined: a quarantined row is not read again
        self._read_through = 0
        self.quarantined: dict[uuid.UUID, str] = {}
        QUARANTINED.set(0)

    @property
    def last_sequence(self) -> int:
        return self._sequences[-1] if self._sequences else 0

    async def refresh(self) -> int:
        """Load what was appended since the last refresh; returns how many events are new."""
        async with self._refreshing:
            async with self._uows() as uow:
                rows = await store.after(uow.session, self._read_through)
                now = uow.clock.now()
            new: list[pb.FeedEvent] = []
            for row in rows:
                if row.event == store.KEY_RELEASED and not may_release(now, row.release_at):
                    break  # a later refresh takes it, in order, once the instant has come
                self._read_through = row.sequence
                try:
                    new.append(self._event(row))
                except Exception as damaged:  # whatever it is, it must not hold back the rest
                    self._quarantine(row, damaged)
                    continue
                if self.quarantined.pop(row.package_id, None) is not None:
                    QUARANTINED.set(len(self.quarantined))  # a new version replaced the bad one
            keys = [event for event in new if event.HasField("key_released")]
            if keys and self.before_keys_leave is not None:
                await self._note_before_keys_leave(keys)
            # only now can a stream see the new events: none sends a key before it was noted
            self._events.extend(new)
            self._sequences.extend(event.sequence for event in new)
        if new:
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()
        return len(new)

    async def _note_before_keys_leave(self, keys: list[pb.FeedEvent]) -> None:
        assert self.before_keys_leave is not None
        try:
            await self.before_keys_leave(keys)
        except Exception as failed:
            # each stream notes its own send then, before it sends, as a stream opened later does
            log.warning(
                "key sends could not be noted for all streams at once; each stream notes its own",
                extra={"error": repr(failed)},
            )

    def quarantine_of(self, package_id: uuid.UUID) -> str | None:
        return self.quarantined.get(package_id)

    def _quarantine(self, row: store.FeedRow, damaged: Exception) -> None:
        reason = (
            damaged.detail
            if isinstance(damaged, MaterialsRuleError)
            else (
                f"Событие ленты для пакета {row.package_id} не собирается "
                f"({type(damaged).__name__}): запись пакета повреждена. Пакет в карантине: "
                "муниципалитеты его не получат, остальные пакеты рассылаются как обычно. "
                "Загрузите пакет заново или сообщите администратору регионального узла."
            )
        )
        self.quarantined[row.package_id] = reason
        QUARANTINED.set(len(self.quarantined))
        log.error(
            "package quarantined: its feed event cannot be built; the feed goes on without it",
            extra={
                "package_id": str(row.package_id),
                "sequence": row.sequence,
                "event": row.event,
                "error": type(damaged).__name__,
            },
        )

    def _event(self, row: store.FeedRow) -> pb.FeedEvent:
        if row.event == store.ANNOUNCED:
            assert row.manifest is not None and row.signature is not None
            manifest = Manifest.parse(row.manifest)
            release_at = Timestamp()
            release_at.FromDatetime(manifest.release_at)
            return pb.FeedEvent(
                sequence=row.sequence,
                package_announced=pb.PackageAnnounced(
                    package_id=str(manifest.package_id),
                    olympiad_id=str(manifest.olympiad_id),
                    subject_code=manifest.subject_code,
                    kind=PROTO_KINDS[manifest.kind],
                    release_at=release_at,
                    ciphertext_sha256=manifest.ciphertext_sha256,
                    manifest_signature=row.signature,
                    manifest=row.manifest,
                ),
            )
        assert row.sealed_key is not None
        password = row.sealed_password
        return pb.FeedEvent(
            sequence=row.sequence,
            key_released=pb.KeyReleased(
                package_id=str(row.package_id),
                key=open_key(self._master_key, row.package_id, row.sealed_key, row.sealed_with),
                password=(
                    ""
                    if password is None
                    else open_password(self._master_key, row.package_id, password, row.sealed_with)
                ),
            ),
        )

    async def follow(self, after_sequence: int) -> AsyncIterator[pb.FeedEvent]:
        """Every event after `after_sequence`, then each new one as it is loaded."""
        cursor = after_sequence
        self.subscribers += 1
        try:
            while True:
                # taken before reading: events added while this stream was sending set it
                changed = self._changed
                index = bisect.bisect_right(self._sequences, cursor)
                while index < len(self._events):
                    event = self._events[index]
                    cursor = event.sequence
                    index += 1
                    yield event
                await changed.wait()  # at once if events came while this stream was sending
        finally:
            self.subscribers -= 1
