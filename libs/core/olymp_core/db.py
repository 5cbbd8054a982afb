"""Database access for a service: engine, unit of work, and the outbox written in the same transaction.

A unit of work is one transaction: state changes through `uow.session`, events recorded with
`uow.publish` and audit entries with `uow.audit` land together at `commit()`, so a crash between
commit and publish loses nothing (the relay publishes the outbox later).

Who commits: a command handler `(command, uow, actor)` commits the unit of work it is given; an
event handler `on_<event>(event, uow)` never does (the consumer commits it with the inbox row,
then acks); a route opens the unit of work (the `Uow` dependency) and only calls the handler.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from olymp_core import audit
from olymp_core.clock import Clock
from olymp_core.events.model import Event
from olymp_core.events.tables import outbox
from olymp_core.lifecycle import Wakeup
from olymp_core.tracing import record_trace_context


def make_engine(database_url: str, *, pool_size: int = 5, max_overflow: int = 10) -> AsyncEngine:
    return create_async_engine(
        database_url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
    )


async def lock_until_commit(session: AsyncSession, purpose: int, key: str) -> None:
    """Take a transaction-level advisory lock on (`purpose`, `key`): the one way the services
    serialise work on something that has no row yet (or whose rows live on several queues).

    `purpose` is any constant of the caller's (the class of the lock); `key` names the thing
    (hashed with hashtext: a collision only makes two unrelated transactions wait).
    """
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(purpose, sa.func.hashtext(key))))


class UnitOfWork:
    """One transaction: state changes, their events (outbox) and their audit entries commit together."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        signal: Wakeup | None = None,
        *,
        correlation_id: str | None = None,
    ) -> None:
        self._sessions = sessions
        self.clock = clock
        self._signal = signal
        self.correlation_id = correlation_id
        self._session: AsyncSession | None = None
        self._pending: list[Event] = []
        self._audits: list[audit.NewEntry] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        self._pending = []
        self._audits = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        forgotten = exc_type is None and bool(self._pending or self._audits)
        try:
            # a no-op after commit; undoes everything when commit was not reached
            await session.rollback()
        finally:
            await session.close()
            self._session = None
            self._pending = []
            self._audits = []
        if forgotten:
            raise RuntimeError("events or audit entries were recorded but commit() never ran")

    def publish(self, event: Event) -> None:
        """Record an event; it goes to the outbox in this transaction when `commit()` runs."""
        self._pending.append(event)

    async def audit(
        self,
        *,
        actor: str,
        action: str,
        object_type: str,
        object_id: str,
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        """Record an audit entry; it is chained into the trail in this transaction at `commit()`."""
        self._audits.append(
            audit.NewEntry(
                actor, action, object_type, object_id, dict(payload or {}), self.clock.now()
            )
        )

    async def release(self) -> None:
        """End a transaction that only read: its connection goes back to the pool at once.

        For a request that reads first and then waits on other services (the portal's session
        lookup, then seconds of calls): holding the connection idle in transaction meanwhile caps
        the requests served at once at the pool's size. The session stays usable; its next
        statement begins a new transaction.
        """
        if self._pending or self._audits:
            raise RuntimeError("release() would drop recorded events or audit entries; commit()")
        await self.session.rollback()

    async def commit(self) -> None:
        events, self._pending = self._pending, []
        entries, self._audits = self._audits, []
        if events:
            await self.session.execute(
                sa.insert(outbox), [self._outbox_row(event) for event in events]
            )
        # the trail's lock serialises every auditing transaction of the service until it commits:
        # taking it last, right before the commit, keeps that window short and the lock order fixed
        await audit.record_many(self.session, entries)
        await self.session.commit()
        if events and self._signal is not None:
            self._signal.notify()

    def _outbox_row(self, event: Event) -> dict[str, Any]:
        headers: dict[str, Any] = {"event_version": event.version, "producer": event.producer}
        if self.correlation_id:
            headers["correlation_id"] = self.correlation_id
        # the trace of the request or handler that recorded it travels on with the message
        record_trace_context(headers)
        return {
            "message_id": uuid.uuid4(),
            "exchange": event.exchange(),
            "routing_key": event.routing_key(),
            "payload": event.model_dump(mode="json"),
            "headers": headers,
            "created_at": self.clock.now(),
        }


class UnitOfWorkFactory:
    """What handlers receive: `async with uows() as uow: ...`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        signal: Wakeup | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.signal = signal

    def __call__(self, *, correlation_id: str | None = None) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.clock, self.signal, correlation_id=correlation_id)
