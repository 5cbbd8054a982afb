"""What the scoring service consumes: queue name -> events (static, for topology and AsyncAPI)."""

from olymp_core.contracts.appeals import AppealDecided
from olymp_core.contracts.coding import WorkCoded, WorkWithdrawn
from olymp_core.events import Event, Subscription
from olymp_core.service import Runtime
from olymp_scoring import handlers

QUEUES: dict[str, tuple[type[Event], ...]] = {
    "scoring.on_work_coded": (WorkCoded,),
    "scoring.on_work_withdrawn": (WorkWithdrawn,),
    "scoring.on_appeal_decided": (AppealDecided,),
}


def subscriptions(runtime: Runtime) -> list[Subscription]:
    return [
        Subscription(
            "scoring.on_work_coded", QUEUES["scoring.on_work_coded"], handlers.on_work_coded
        ),
        Subscription(
            "scoring.on_work_withdrawn",
            QUEUES["scoring.on_work_withdrawn"],
            handlers.on_work_withdrawn,
        ),
        Subscription(
            "scoring.on_appeal_decided",
            QUEUES["scoring.on_appeal_decided"],
            handlers.on_appeal_decided,
        ),
    ]
