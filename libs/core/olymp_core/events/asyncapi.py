"""The AsyncAPI 3.0 description of every event, generated from the event classes themselves.

`olymp events asyncapi` prints it; docs/asyncapi.json is that output, and a test fails when the
committed file no longer matches the code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from olymp_core.events.model import DEAD_LETTER_EXCHANGE, Event, catalogue


def asyncapi_document(consumers: Mapping[str, Sequence[type[Event]]]) -> dict[str, Any]:
    """`consumers` maps each consumer queue to the events it receives."""
    import olymp_core.contracts  # noqa: F401  (registers every event)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for key, event_cls in catalogue().items():
        if not event_cls.__module__.startswith("olymp_core.contracts."):
            continue  # events defined by tests or experiments are not part of the contract
        name = event_cls.__name__ + f"V{event_cls.version}"
        schema = event_cls.model_json_schema(ref_template="#/components/schemas/{model}")
        for def_name, definition in schema.pop("$defs", {}).items():
            schemas[def_name] = definition
        schemas[name] = schema
        messages[name] = {
            "name": key,
            "title": event_cls.__name__,
            "summary": (event_cls.__doc__ or "").strip().splitlines()[0]
            if event_cls.__doc__
            else "",
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "event_version": {"type": "integer", "const": event_cls.version},
                    "producer": {"type": "string", "const": event_cls.producer},
                    "correlation_id": {"type": "string"},
                    "traceparent": {
                        "type": "string",
                        "description": "W3C trace context of the publishing span, when the "
                        "producer traces (olymp_core.tracing)",
                    },
                },
            },
            "payload": {"$ref": f"#/components/schemas/{name}"},
        }
        channels[key] = {
            "address": key,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": event_cls.exchange(),
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                    },
                }
            },
        }
        operations[f"{event_cls.producer}.publish.{event_cls.event_name}.v{event_cls.version}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_escape(key)}"},
            "summary": f"{event_cls.producer} publishes {event_cls.__name__} through its outbox",
        }
    for queue, events in sorted(consumers.items()):
        for event_cls in events:
            key = event_cls.routing_key()
            operations[f"{queue}.receive.{key}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{_escape(key)}"},
                "summary": f"queue {queue} (quorum, dead letters to {DEAD_LETTER_EXCHANGE})",
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "olymp events",
            "version": "1",
            "description": "Events between the services of the olympiad suite (RabbitMQ).",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
