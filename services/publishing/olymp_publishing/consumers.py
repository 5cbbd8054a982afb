"""The events the publishing service consumes, each with its handler: the one event table."""

from olymp_core.contracts.appeals import AppealsState
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ParticipantRegistered,
    SubjectScheduleChanged,
)
from olymp_core.contracts.scoring import SubjectGradeChecked, WorkRescored
from olymp_core.events import EventTable
from olymp_publishing import handlers

EVENTS = EventTable(
    "publishing",
    {
        OlympiadCreated: handlers.on_olympiad_created,
        ParticipantRegistered: handlers.on_participant_registered,
        SubjectScheduleChanged: handlers.on_subject_schedule_changed,
        WorksDecoded: handlers.on_works_decoded,
        SubjectGradeChecked: handlers.on_subject_grade_checked,
        WorkRescored: handlers.on_work_rescored,
        AppealsState: handlers.on_appeals_state,
    },
)
