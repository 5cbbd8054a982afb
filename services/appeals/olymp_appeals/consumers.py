"""The events the appeals service consumes, each with its handler: the one event table."""

from olymp_appeals import handlers
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.contracts.scoring import SubjectGradeChecked, WorkRescored
from olymp_core.events import EventTable

EVENTS = EventTable(
    "appeals",
    {
        OlympiadCreated: handlers.on_olympiad_created,
        ParticipantRegistered: handlers.on_participant_registered,
        WorksDecoded: handlers.on_works_decoded,
        SubjectGradeChecked: handlers.on_subject_grade_checked,
        WorkRescored: handlers.on_work_rescored,
    },
)
