"""What the appeals service consumes: queue name -> events (static, for topology and AsyncAPI)."""

from olymp_appeals import handlers
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.scoring import SubjectGradeChecked, WorkRescored
from olymp_core.events import Event, Subscription
from olymp_core.service import Runtime

QUEUES: dict[str, tuple[type[Event], ...]] = {
    "appeals.on_works_decoded": (WorksDecoded,),
    "appeals.on_subject_grade_checked": (SubjectGradeChecked,),
    "appeals.on_work_rescored": (WorkRescored,),
}


def subscriptions(runtime: Runtime) -> list[Subscription]:
    return [
        Subscription(
            "appeals.on_works_decoded",
            QUEUES["appeals.on_works_decoded"],
            handlers.on_works_decoded,
        ),
        Subscription(
            "appeals.on_subject_grade_checked",
            QUEUES["appeals.on_subject_grade_checked"],
            handlers.on_subject_grade_checked,
        ),
        Subscription(
            "appeals.on_work_rescored",
            QUEUES["appeals.on_work_rescored"],
            handlers.on_work_rescored,
        ),
    ]
