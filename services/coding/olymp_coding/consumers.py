"""The events the coding service consumes, each with its handler: the one event table.

`on_participant_checked_in` takes the code prefix; `main.build` binds it with `EVENTS.bind`.
"""

from olymp_coding import handlers
from olymp_coding.scans import handlers as scans
from olymp_core.auth import olympiads
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ParticipantCheckedIn,
    ParticipantRemoved,
)
from olymp_core.contracts.scoring import RecheckRequested, SubjectGradeChecked
from olymp_core.events import EventTable

EVENTS = EventTable(
    "coding",
    {
        # whose olympiad it is, for the check of a municipality's coordinator
        OlympiadCreated: olympiads.on_olympiad_created,
        ParticipantCheckedIn: handlers.on_participant_checked_in,
        ParticipantRemoved: handlers.on_participant_removed,
        SubjectGradeChecked: handlers.on_subject_grade_checked,
        RecheckRequested: scans.on_recheck_requested,
    },
)
