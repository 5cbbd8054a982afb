"""What the materials service consumes: queue name -> events (static, for topology and AsyncAPI)."""

from olymp_core.contracts.registration import OlympiadCreated
from olymp_core.events import Event, Subscription
from olymp_core.service import Runtime
from olymp_materials import handlers

QUEUES: dict[str, tuple[type[Event], ...]] = {
    "materials.on_olympiad_created": (OlympiadCreated,),
}


def subscriptions(runtime: Runtime) -> list[Subscription]:
    return [
        Subscription(
            "materials.on_olympiad_created",
            QUEUES["materials.on_olympiad_created"],
            handlers.on_olympiad_created,
        )
    ]
