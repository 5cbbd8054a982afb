"""What runs beside the HTTP server: on the hub the release timer and the audit of keys sent, on a
mirror the subscription to the hub. Each is an `olymp_core.lifecycle.Loop` (or wraps one).
"""

from __future__ import annotations

import asyncio
import collections

from olymp_core.db import UnitOfWorkFactory
from olymp_core.lifecycle import Loop
from olymp_core.retry import Backoff
from olymp_materials import handlers, store
from olymp_materials.feed import handlers as feed_handlers
from olymp_materials.feed.clients import HubClient
from olymp_materials.feed.grpc_api import KeySent
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster


class ReleaseTimer:
    """Releases every package whose instant has come and sends the keys to the streams.

    It sleeps exactly until the next instant (or the poll interval, whichever is sooner), so a
    release at 08:00 leaves the hub within milliseconds, and a clock moved by a test is still
    noticed within the poll interval. A hub that was down at the instant releases at once on
    start-up, before the feed server (started after it) serves any mirror.
    """

    name = "materials-release-timer"

    def __init__(
        self, uows: UnitOfWorkFactory, broadcaster: FeedBroadcaster, *, poll_interval: float
    ) -> None:
        self._uows = uows
        self._broadcaster = broadcaster
        self._poll = poll_interval
        self._loop = Loop(
            self.name,
            self._step,
            interval=poll_interval,
            backoff=Backoff(first=min(poll_interval, 0.5), cap=poll_interval),
        )

    async def release(self) -> int:
        """One release pass; returns how many packages it released (0 when another was first)."""
        async with self._uows() as uow:
            released = await handlers.release_due_packages(uow)
        await self._broadcaster.refresh()
        return released

    async def _step(self) -> float:
        await self.release()
        async with self._uows() as uow:
            upcoming = await store.next_release_at(uow.session)
            now = uow.clock.now()
        if upcoming is None:
            return self._poll
        return min(self._poll, max((upcoming - now).total_seconds(), 0.001))

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        await self.release()
        await self._loop.start(tasks)

    async def stop(self) -> None:
        await self._loop.stop()


class KeySendAudit:
    """The audit of keys sent on the hub's feed, written in batches off the send path.

    At the instant the hub sends one key to every open stream — thousands at once. Auditing each
    send in its own transaction would queue them all behind the audit trail's lock and make keys
    arrive seconds late. Instead each send is noted here at once (before the key leaves) and the
    writer chains the notes into the trail in batches, one transaction per batch; `stop()` writes
    whatever is still waiting, so every key sent is in the trail.
    """

    name = "materials-key-audit"
    BATCH = 500

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self._uows = uows
        self._waiting: collections.deque[KeySent] = collections.deque()
        self._in_flight = 0
        # woken by each note; the interval only bounds how long a missed wake-up could last
        self._loop = Loop(self.name, self._step, interval=1.0, backoff=Backoff(first=1.0))

    def note(self, sent: KeySent) -> None:
        """Remember a key about to be sent (never blocks the stream)."""
        self._waiting.append(sent)
        self._loop.wakeup.notify()

    @property
    def waiting(self) -> int:
        """Sent keys not yet in the trail."""
        return len(self._waiting) + self._in_flight

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        await self._loop.start(tasks)

    async def stop(self) -> None:
        await self._loop.stop()
        while self._waiting:
            await self._write()

    async def _step(self) -> float | None:
        if self._waiting:
            await self._write()
        return 0 if self._waiting else None

    async def _write(self) -> None:
        batch = [self._waiting.popleft() for _ in range(min(self.BATCH, len(self._waiting)))]
        self._in_flight = len(batch)
        try:
            async with self._uows() as uow:
                for sent in batch:
                    await uow.audit(
                        actor=sent.actor,
                        action="package_key_sent",
                        object_type="package",
                        object_id=sent.package_id,
                        payload={
                            "municipality_id": sent.municipality_id,
                            "sequence": sent.sequence,
                        },
                    )
                await uow.commit()
        except BaseException:
            self._waiting.extendleft(reversed(batch))  # nothing is dropped: back at the front
            raise
        finally:
            self._in_flight = 0


class MirrorFollower:
    """A mirror's subscription to its hub: resume after the last applied event, apply, acknowledge.

    An event is acknowledged after its effect is committed, so a mirror that drops at any point
    receives again what it had not stored. A broken stream is opened again after a growing pause
    with jitter, so that the mirrors of a restarted hub do not all come back in the same moment.
    """

    name = "materials-mirror"

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        client: HubClient,
        mirror: feed_handlers.Mirror,
        *,
        reconnect_max: float,
    ) -> None:
        self._uows = uows
        self._client = client
        self.mirror = mirror
        backoff = Backoff(first=0.1, cap=reconnect_max, jitter=0.5)
        # grace 0: the stream never ends by itself, so stopping cancels it at once
        self._loop = Loop(self.name, self._follow, interval=0.1, backoff=backoff, grace=0)

    async def _follow(self) -> None:
        async with self._uows() as uow:
            after = await feed_handlers.position(self.mirror.municipality_id, uow)
        async with self._client.connect() as hub:
            async for event in hub.subscribe(after):
                async with self._uows() as uow:
                    await feed_handlers.apply_hub_event(event, uow, hub=hub, mirror=self.mirror)
                await hub.acknowledge(event.sequence)

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        await self._loop.start(tasks)

    async def stop(self) -> None:
        await self._loop.stop()
