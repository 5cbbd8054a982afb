"""Typed, versioned events and the catalogue they are registered in.

An event is a past-tense fact (`ParticipantCheckedIn`), thin: ids and the facts it asserts. It is published
on its producer's topic exchange `olymp.<producer>` with routing key `<producer>.<name>.v<version>`.
A breaking change to a payload is a new version (a new class), published beside the old one until every
consumer has moved.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

EXCHANGE_PREFIX = "olymp."
DEAD_LETTER_EXCHANGE = "olymp.dead-letter"


class Event(BaseModel):
    """Base of every event. Subclasses are registered with `@event(producer, name, version)`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    producer: ClassVar[str]
    event_name: ClassVar[str]
    version: ClassVar[int]
    # an announcement no service needs to hear: when no queue is bound to it the relay marks it
    # published instead of keeping it for a retry (every other event waits for its queue)
    listeners_optional: ClassVar[bool] = False

    @classmethod
    def routing_key(cls) -> str:
        return f"{cls.producer}.{cls.event_name}.v{cls.version}"

    @classmethod
    def exchange(cls) -> str:
        return exchange_of(cls.producer)


def exchange_of(producer: str) -> str:
    return EXCHANGE_PREFIX + producer


_CATALOGUE: dict[str, type[Event]] = {}

E = TypeVar("E", bound=type[Event])


def event(producer: str, name: str, version: int = 1, *, listeners_optional: bool = False) -> Any:
    """Class decorator: give an Event its producer, name and version and add it to the catalogue.

    `listeners_optional=True` marks an announcement that may go unheard (see `Event`).
    """

    def register(cls: E) -> E:
        cls.producer = producer
        cls.event_name = name
        cls.version = version
        cls.listeners_optional = listeners_optional
        key = cls.routing_key()
        if key in _CATALOGUE and _CATALOGUE[key] is not cls:
            raise ValueError(f"event {key} is registered twice")
        _CATALOGUE[key] = cls
        return cls

    return register


def catalogue() -> dict[str, type[Event]]:
    """Every registered event by routing key (import `olymp_core.contracts` first to load them all)."""
    return dict(sorted(_CATALOGUE.items()))
