"""The events the scoring service consumes, each with its handler: the one event table."""

from olymp_core.auth import olympiads
from olymp_core.contracts.appeals import AppealDecided
from olymp_core.contracts.coding import WorkCoded, WorkWithdrawn
from olymp_core.contracts.publishing import ResultsPublished
from olymp_core.contracts.registration import OlympiadCreated
from olymp_core.events import EventTable
from olymp_scoring import handlers

EVENTS = EventTable(
    "scoring",
    {
        # whose olympiad it is, for the check of a municipality's coordinator
        OlympiadCreated: olympiads.on_olympiad_created,
        WorkCoded: handlers.on_work_coded,
        WorkWithdrawn: handlers.on_work_withdrawn,
        AppealDecided: handlers.on_appeal_decided,
        ResultsPublished: handlers.on_results_published,
    },
)
