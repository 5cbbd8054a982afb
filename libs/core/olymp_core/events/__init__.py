"""Events across services: typed models, outbox relay, idempotent consumers, dead letters, sweeper."""

from olymp_core.events.broker import Binding, connect, declare_binding, declare_exchanges
from olymp_core.events.consumer import Consumer, Consumers, Handler, PoisonMessage, Subscription
from olymp_core.events.model import DEAD_LETTER_EXCHANGE, Event, catalogue, event, exchange_of
from olymp_core.events.relay import OutboxRelay
from olymp_core.events.sweeper import Sweeper, SweepJob
from olymp_core.events.table import EventTable

__all__ = [
    "DEAD_LETTER_EXCHANGE",
    "Binding",
    "Consumer",
    "Consumers",
    "Event",
    "EventTable",
    "Handler",
    "OutboxRelay",
    "PoisonMessage",
    "Subscription",
    "SweepJob",
    "Sweeper",
    "catalogue",
    "connect",
    "declare_binding",
    "declare_exchanges",
    "event",
    "exchange_of",
]
