"""What the publishing service consumes: queue name -> events (static, for topology and AsyncAPI)."""

from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.contracts.scoring import SubjectGradeChecked, WorkRescored
from olymp_core.events import Event, Subscription
from olymp_core.events.consumer import Handler
from olymp_core.service import Runtime
from olymp_publishing import handlers

QUEUES: dict[str, tuple[type[Event], ...]] = {
    "publishing.on_olympiad_created": (OlympiadCreated,),
    "publishing.on_participant_registered": (ParticipantRegistered,),
    "publishing.on_works_decoded": (WorksDecoded,),
    "publishing.on_subject_grade_checked": (SubjectGradeChecked,),
    "publishing.on_work_rescored": (WorkRescored,),
}

_HANDLERS: dict[str, Handler] = {
    "publishing.on_olympiad_created": handlers.on_olympiad_created,
    "publishing.on_participant_registered": handlers.on_participant_registered,
    "publishing.on_works_decoded": handlers.on_works_decoded,
    "publishing.on_subject_grade_checked": handlers.on_subject_grade_checked,
    "publishing.on_work_rescored": handlers.on_work_rescored,
}


def subscriptions(runtime: Runtime) -> list[Subscription]:
    return [Subscription(queue, events, _HANDLERS[queue]) for queue, events in QUEUES.items()]
