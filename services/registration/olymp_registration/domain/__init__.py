"""The pure rules of registration: olympiads, participants, the application import, check-in
and the venues a caller may act at.

Nothing here touches a database, a broker or the network; handlers call these and own the I/O.
"""

from olymp_registration.domain.checkin import (
    Attendance,
    DayMark,
    Removal,
    SubjectAttendance,
    check_in,
    mark_absent,
    new_attendance,
    remove,
)
from olymp_registration.domain.errors import (
    CheckInRefused,
    DayInFuture,
    DuplicateCheckInEntry,
    FileTooLarge,
    ImportConflict,
    ImportRejected,
    InvalidOlympiad,
    InvalidParticipant,
    OlympiadNotFound,
    ParticipantNotFound,
    RegistrationError,
    RemovalRefused,
    SubjectNotScheduled,
    UnknownVenue,
    VenueOutOfScope,
    VenueRequired,
)
from olymp_registration.domain.importing import (
    COLUMNS,
    Column,
    ImportedRow,
    ImportProblem,
    ImportReport,
    ProblemKind,
    parse_participants_csv,
    parse_participants_xlsx,
)
from olymp_registration.domain.olympiad import (
    Olympiad,
    Room,
    RoundSlot,
    SubjectSchedule,
    Venue,
    parse_school_year,
)
from olymp_registration.domain.participant import (
    EligibilityBasis,
    Participant,
    parse_eligibility,
)
from olymp_registration.domain.text import clean_text, comparison_key
from olymp_registration.domain.venue_scope import VenueScope, check_in_venue

__all__ = [
    "COLUMNS",
    "Attendance",
    "CheckInRefused",
    "Column",
    "DayInFuture",
    "DayMark",
    "DuplicateCheckInEntry",
    "EligibilityBasis",
    "FileTooLarge",
    "ImportConflict",
    "ImportProblem",
    "ImportRejected",
    "ImportReport",
    "ImportedRow",
    "InvalidOlympiad",
    "InvalidParticipant",
    "Olympiad",
    "OlympiadNotFound",
    "Participant",
    "ParticipantNotFound",
    "ProblemKind",
    "RegistrationError",
    "Removal",
    "RemovalRefused",
    "Room",
    "RoundSlot",
    "SubjectAttendance",
    "SubjectNotScheduled",
    "SubjectSchedule",
    "UnknownVenue",
    "Venue",
    "VenueOutOfScope",
    "VenueRequired",
    "VenueScope",
    "check_in",
    "check_in_venue",
    "clean_text",
    "comparison_key",
    "mark_absent",
    "new_attendance",
    "parse_eligibility",
    "parse_participants_csv",
    "parse_participants_xlsx",
    "parse_school_year",
    "remove",
]
