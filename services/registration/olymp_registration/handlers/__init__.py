"""Commands and queries of the registration service (room video: `olymp_registration.video`).

Each command handler takes `(command, uow, actor)` and commits; a query takes its arguments and the
unit of work and does not. Refusals are domain errors (`domain.errors`), statuses are in `api.ERRORS`.
"""

from olymp_registration.handlers.attendance import (
    CheckIn,
    CheckInEntry,
    CheckInResult,
    RemoveParticipant,
    check_in_participants,
    present_participants,
    remove_participant,
)
from olymp_registration.handlers.eligibility import (
    SetPreviousAwardees,
    SetThresholds,
    get_eligibility,
    set_previous_awardees,
    set_thresholds,
)
from olymp_registration.handlers.importing import (
    FileFormat,
    ImportParticipants,
    import_participants,
    list_participants,
    too_large,
)
from olymp_registration.handlers.olympiads import (
    CreateOlympiad,
    SetEndWarnings,
    UpdateVenue,
    create_olympiad,
    get_olympiad,
    list_olympiads,
    scheduled_subjects,
    set_end_warnings,
    update_venue,
)
from olymp_registration.handlers.withdrawals import WithdrawParticipant, withdraw_participant

__all__ = [
    "CheckIn",
    "CheckInEntry",
    "CheckInResult",
    "CreateOlympiad",
    "FileFormat",
    "ImportParticipants",
    "RemoveParticipant",
    "SetEndWarnings",
    "SetPreviousAwardees",
    "SetThresholds",
    "UpdateVenue",
    "WithdrawParticipant",
    "check_in_participants",
    "create_olympiad",
    "get_eligibility",
    "get_olympiad",
    "import_participants",
    "list_olympiads",
    "list_participants",
    "present_participants",
    "remove_participant",
    "scheduled_subjects",
    "set_end_warnings",
    "set_previous_awardees",
    "set_thresholds",
    "too_large",
    "update_venue",
    "withdraw_participant",
]
