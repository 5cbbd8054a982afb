"""The events the materials hub consumes, each with its handler: the one event table.

A mirror consumes none (see main.build): what it holds comes from its hub's feed.
"""

from olymp_core.contracts.registration import OlympiadCreated, SubjectScheduleChanged
from olymp_core.events import EventTable
from olymp_materials import handlers

EVENTS = EventTable(
    "materials",
    {
        OlympiadCreated: handlers.on_olympiad_created,
        SubjectScheduleChanged: handlers.on_subject_schedule_changed,
    },
)
