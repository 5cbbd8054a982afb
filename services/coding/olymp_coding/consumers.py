"""What the coding service consumes: queue name -> events (static, for topology and AsyncAPI)."""

import functools

from olymp_coding import handlers
from olymp_coding.settings import CodingSettings
from olymp_core.contracts.registration import ParticipantCheckedIn, ParticipantRemoved
from olymp_core.contracts.scoring import SubjectGradeChecked
from olymp_core.events import Event, Subscription
from olymp_core.service import Runtime

QUEUES: dict[str, tuple[type[Event], ...]] = {
    "coding.on_participant_checked_in": (ParticipantCheckedIn,),
    "coding.on_participant_removed": (ParticipantRemoved,),
    "coding.on_subject_grade_checked": (SubjectGradeChecked,),
}


def subscriptions(runtime: Runtime) -> list[Subscription]:
    settings = runtime.settings
    prefix = settings.code_prefix if isinstance(settings, CodingSettings) else ""
    return [
        Subscription(
            "coding.on_participant_checked_in",
            QUEUES["coding.on_participant_checked_in"],
            functools.partial(handlers.on_participant_checked_in, prefix=prefix),
        ),
        Subscription(
            "coding.on_participant_removed",
            QUEUES["coding.on_participant_removed"],
            handlers.on_participant_removed,
        ),
        Subscription(
            "coding.on_subject_grade_checked",
            QUEUES["coding.on_subject_grade_checked"],
            handlers.on_subject_grade_checked,
        ),
    ]
