"""The audit of keys sent on the hub's feed, written in batches off the send path.

At the instant the hub sends one key to every open stream — thousands at once. Auditing each send in
its own transaction would queue them all behind the audit trail's lock and make keys arrive seconds
late. Instead each send is noted here at once (before the key leaves) and a writer chains the notes
into the trail in batches, one transaction per batch; `stop()` writes whatever is still waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from olymp_core.service import Runtime

log = logging.getLogger("olymp.materials.hub")

BATCH = 500


@dataclass(frozen=True)
class KeySent:
    actor: str
    municipality_id: str
    package_id: str
    sequence: int


class KeySendAudit:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._waiting: asyncio.Queue[KeySent] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._in_flight = 0

    def note(self, sent: KeySent) -> None:
        """Remember a key about to be sent (never blocks the stream)."""
        self._waiting.put_nowait(sent)

    @property
    def waiting(self) -> int:
        """Sent keys not yet in the trail."""
        return self._waiting.qsize() + self._in_flight

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_forever(), name="materials-key-audit")

    async def stop(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        while not self._waiting.empty():
            await self._write(self._take(BATCH))

    async def _write_forever(self) -> None:
        while True:
            batch = [await self._waiting.get(), *self._take(BATCH - 1)]
            try:
                await self._write(batch)
            except Exception:
                log.exception("sent keys could not be audited yet; retrying")
                await asyncio.sleep(1.0)  # back off while the database is away

    def _take(self, most: int) -> list[KeySent]:
        return [self._waiting.get_nowait() for _ in range(min(most, self._waiting.qsize()))]

    async def _write(self, batch: list[KeySent]) -> None:
        self._in_flight = len(batch)
        try:
            async with self._runtime.uows() as uow:
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
            for sent in batch:  # nothing is dropped: the notes go back in line
                self._waiting.put_nowait(sent)
            raise
        finally:
            self._in_flight = 0
