"""What runs beside the HTTP server: on the hub the release timer and the audit of keys sent, on a
mirror the subscription to the hub. Each is an `olymp_core.lifecycle.Loop` (or wraps one).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable

from olymp_core.db import UnitOfWorkFactory
from olymp_core.lifecycle import Loop
from olymp_core.retry import Backoff
from olymp_materials import handlers, store
from olymp_materials.feed import handlers as feed_handlers
from olymp_materials.feed.clients import HubClient
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
from olymp_materials.feed.store import KeySend


class CollectorHold:
    """Keeps the garbage collector away from what the hub already holds while the keys go out.

    A hub with thousands of open streams holds millions of objects. A full collection of them takes
    a few hundred milliseconds and a middle one tens, and one comes whenever allocations cross the
    collector's threshold: as they do when thousands of streams wake at once. Measured at the
    instant with 3,000 streams: a 30 ms collection between the release and the first key sent.
    `gc.freeze()` takes every object that exists now out of the collector's sight (the fan-out's
    own objects are still collected) and `gc.unfreeze()` gives them back once the keys are out.
    """

    def __init__(self, fan_out_s: float) -> None:
        self._fan_out_s = fan_out_s
        self._until = 0.0
        self._thaw: asyncio.TimerHandle | None = None

    def before(self, seconds: float) -> None:
        """An instant comes in `seconds`: hold until its keys are out (holds only get longer)."""
        loop = asyncio.get_running_loop()
        self._until = max(self._until, loop.time() + max(seconds, 0.0) + self._fan_out_s)
        gc.freeze()
        if self._thaw is not None:
            self._thaw.cancel()
        self._thaw = loop.call_at(self._until, self.release)

    def release(self) -> None:
        if self._thaw is not None:
            self._thaw.cancel()
            self._thaw = None
        gc.unfreeze()


class ReleaseTimer:
    """Releases every package whose instant has come and sends the keys to the streams.

    It sleeps exactly until the next instant (or the poll interval, whichever is sooner), so a
    release at 08:00 leaves the hub within milliseconds, and a clock moved by a test is still
    noticed within the poll interval. A hub that was down at the instant releases at once on
    start-up, before the feed server (started after it) serves any mirror. Before it sleeps until
    an instant it holds the garbage collector off (CollectorHold) until the keys are out.
    """

    # how long the streams get to send a key after its instant with the collector held off
    FAN_OUT_S = 5.0

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
        self.collector = CollectorHold(self.FAN_OUT_S)

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
        until = (upcoming - now).total_seconds()
        if until <= self._poll:  # the next wake-up is that instant
            self.collector.before(until)
        return min(self._poll, max(until, 0.001))

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        await self.release()
        await self._loop.start(tasks)

    async def stop(self) -> None:
        await self._loop.stop()
        self.collector.release()


class KeySendJournal:
    """Writes down each key about to leave on a stream, durably, before it leaves.

    At the instant the hub sends one key to every open stream — thousands at once. A transaction per
    send would queue them all and make keys arrive seconds late; a note kept in memory is lost if
    the hub is killed before it is written. So sends are written in group commits: one writer task
    takes every send waiting at that moment into one transaction, again and again while sends
    arrive, and each stream sends its key only once its note is committed (the streams woken by
    one release all queue before the writer first runs, so they share one or two transactions).
    At a release the feed's servicer does better still: `record_many` writes the sends of every
    open stream in one transaction before the key is visible to any of them, and only streams
    opened after that note their own. The audit writer then chains the journal into the trail
    (KeySendAudit).
    """

    MAX_BATCH = 5_000

    def __init__(
        self, uows: UnitOfWorkFactory, written: Callable[[int], None] | None = None
    ) -> None:
        self._uows = uows
        self._written = written
        self._waiting: list[tuple[KeySend, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, sent: KeySend) -> None:
        """Return once `sent` is committed to the journal; raise if it could not be."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((sent, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting(), name="materials-key-journal")
        await done  # a stream that goes away cancels only its own wait, not the write

    async def record_many(self, sends: list[KeySend]) -> None:
        """Commit `sends` to the journal in one transaction; raise if it could not be."""
        async with self._uows() as uow:
            await feed_handlers.journal_key_sends(sends, uow)
        if self._written is not None:
            self._written(len(sends))

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.MAX_BATCH]
            del self._waiting[: self.MAX_BATCH]
            await self._write(batch)

    async def _write(self, batch: list[tuple[KeySend, asyncio.Future[None]]]) -> None:
        try:
            async with self._uows() as uow:
                await feed_handlers.journal_key_sends([sent for sent, _ in batch], uow)
        except Exception as exc:
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)
        if self._written is not None:
            self._written(len(batch))


class KeySendAudit:
    """Chains the journal of keys sent (KeySendJournal) into the audit trail, in batches.

    Nothing is held in memory: what a killed hub had journalled but not chained is chained by the
    next one when it starts, so every key sent is in the trail.
    """

    name = "materials-key-audit"
    BATCH = 500  # audit entries per transaction: the trail's lock is held that long

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self._uows = uows
        # woken by each journal write; the interval only bounds how long a missed wake-up lasts
        self._loop = Loop(self.name, self._step, interval=1.0, backoff=Backoff(first=1.0))
        self.journal = KeySendJournal(uows, self._journalled)
        self._unchained = 0

    @property
    def waiting(self) -> int:
        """Sends this process journalled that are not yet in the trail (safe on disk meanwhile)."""
        return self._unchained

    def _journalled(self, count: int) -> None:
        self._unchained += count
        self._loop.wakeup.notify()

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        await self._loop.start(tasks)

    async def stop(self) -> None:
        await self._loop.stop()
        with contextlib.suppress(Exception):  # what is left is chained at the next start
            while await self._chain():
                pass

    async def _step(self) -> float | None:
        return 0 if await self._chain() else None  # on at once while the journal has more

    async def _chain(self) -> int:
        async with self._uows() as uow:
            chained = await feed_handlers.chain_key_sends(uow, self.BATCH)
        self._unchained = max(self._unchained - chained, 0)
        return chained


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
