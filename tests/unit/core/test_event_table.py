"""One event table per service: queues, bindings and delivery derive from `{EventType: handler}`."""

from __future__ import annotations

from typing import Any

import pytest

from olymp_core.events import Event, EventTable, event


@event("table_probe", "value_recorded", 1)
class ValueRecorded(Event):
    value: str


@event("table_probe", "value_recorded", 2)
class ValueRecordedV2(Event):
    value: str
    unit: str


@event("table_probe", "value_cleared", 1)
class ValueCleared(Event):
    pass


seen: list[tuple[str, Any]] = []


async def on_value_recorded(event: Any, uow: Any, *, unit: str = "pt") -> None:
    seen.append((unit, event))


async def on_value_cleared(event: Any, uow: Any) -> None:
    seen.append(("cleared", event))


TABLE = EventTable(
    "sink",
    {
        ValueRecorded: on_value_recorded,
        ValueRecordedV2: on_value_recorded,
        ValueCleared: on_value_cleared,
    },
)


def test_each_event_name_has_one_queue_named_after_its_handler() -> None:
    assert TABLE.queues == {
        "sink.on_value_recorded": (ValueRecorded, ValueRecordedV2),
        "sink.on_value_cleared": (ValueCleared,),
    }
    assert [(s.queue, s.events) for s in TABLE.subscriptions()] == list(TABLE.queues.items())


async def test_subscriptions_dispatch_by_event_type_and_bind_passes_settings() -> None:
    seen.clear()
    bound = TABLE.bind(unit="балл", unrelated=1)
    recorded, cleared = bound.subscriptions()
    await recorded.handler(ValueRecorded(value="7"), None)  # type: ignore[arg-type]
    await cleared.handler(ValueCleared(), None)  # type: ignore[arg-type]
    assert seen == [("балл", ValueRecorded(value="7")), ("cleared", ValueCleared())]


def test_an_event_the_service_does_not_consume_is_named_in_the_error() -> None:
    with pytest.raises(LookupError, match=r"sink does not consume table_probe\.value_cleared\.v1"):
        EventTable("sink", {ValueRecorded: on_value_recorded}).handler_for(ValueCleared())
