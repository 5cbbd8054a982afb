"""A service's event table: `{EventType: handler}`, declared once in its `consumers.py`.

Everything else derives from it: the queue of each event (`<service>.on_<event_name>`, one per
event name, so v1 and v2 of an event share a queue while both are published), the broker bindings,
the AsyncAPI document, `olymp prepare`'s topology and the test helper that delivers an event.

A handler is `on_<event>(event, uow) -> None` and never commits: the consumer commits the handler's
work together with the inbox row, then acks. A handler that needs a setting of its service takes
it as a keyword-only parameter, bound once in the composition root with `bind(...)`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from olymp_core.events.consumer import Handler, Subscription
from olymp_core.events.model import Event

if TYPE_CHECKING:
    from olymp_core.db import UnitOfWork


class EventTable(Mapping[type[Event], Handler]):
    def __init__(self, service: str, handlers: Mapping[type[Event], Handler] | None = None) -> None:
        self.service = service
        self._handlers: dict[type[Event], Handler] = dict(handlers or {})

    def __getitem__(self, event_cls: type[Event]) -> Handler:
        return self._handlers[event_cls]

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)

    def queue_of(self, event_cls: type[Event]) -> str:
        return f"{self.service}.on_{event_cls.event_name}"

    @property
    def queues(self) -> dict[str, tuple[type[Event], ...]]:
        """Each consumer queue and the events bound to it."""
        queues: dict[str, tuple[type[Event], ...]] = {}
        for event_cls in self._handlers:
            queue = self.queue_of(event_cls)
            queues[queue] = (*queues.get(queue, ()), event_cls)
        return queues

    def handler_for(self, event: Event) -> Handler:
        try:
            return self._handlers[type(event)]
        except KeyError:
            raise LookupError(f"{self.service} does not consume {event.routing_key()}") from None

    def subscriptions(self) -> list[Subscription]:
        return [
            Subscription(queue, events, self._dispatch) for queue, events in self.queues.items()
        ]

    async def _dispatch(self, event: Any, uow: UnitOfWork) -> None:
        await self.handler_for(event)(event, uow)

    def bind(self, **values: Any) -> EventTable:
        """The same table with `values` passed to every handler that declares such a parameter."""
        bound: dict[type[Event], Handler] = {}
        for event_cls, handler in self._handlers.items():
            accepted = inspect.signature(handler).parameters
            wanted = {name: value for name, value in values.items() if name in accepted}
            bound[event_cls] = functools.partial(handler, **wanted) if wanted else handler
        return EventTable(self.service, bound)
