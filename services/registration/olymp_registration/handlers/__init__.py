"""One function per command or query of the registration service; each command owns its commit.

Domain errors become problems here, in Russian, never a 500: an invalid olympiad is 422, a
check-in or removal the participant's state forbids is 409.
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
from olymp_registration.handlers.importing import (
    FileFormat,
    ImportParticipants,
    ImportRejected,
    import_participants,
    list_participants,
    problem_json,
)
from olymp_registration.handlers.olympiads import (
    CreateOlympiad,
    create_olympiad,
    get_olympiad,
    round_days,
    scheduled_subjects,
)
from olymp_registration.handlers.venue_scope import UNRESTRICTED, VenueScope, check_in_venue

__all__ = [
    "UNRESTRICTED",
    "CheckIn",
    "CheckInEntry",
    "CheckInResult",
    "CreateOlympiad",
    "FileFormat",
    "ImportParticipants",
    "ImportRejected",
    "RemoveParticipant",
    "VenueScope",
    "check_in_participants",
    "check_in_venue",
    "create_olympiad",
    "get_olympiad",
    "import_participants",
    "list_participants",
    "present_participants",
    "problem_json",
    "remove_participant",
    "round_days",
    "scheduled_subjects",
]
