"""The events materials consumes, each with its handler: the one event table, for both roles.

The hub and a mirror take the same events from their own registration; `main.build` binds the role
(`EVENTS.bind`), and a mirror keeps of them only when the rounds end and the zone (its packages
come from the hub's feed).
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
