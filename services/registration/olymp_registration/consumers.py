"""What the registration service consumes: queue name -> events (static, for topology and AsyncAPI)."""

from olymp_core.events import Event, Subscription
from olymp_core.service import Runtime

QUEUES: dict[str, tuple[type[Event], ...]] = {}


def subscriptions(runtime: Runtime) -> list[Subscription]:
    return []
