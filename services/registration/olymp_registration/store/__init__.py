"""Tables of the registration service (its own database; no other service reads them) and the
repository functions handlers call with their unit of work's session."""

from olymp_registration.store.olympiads import (
    StoredOlympiad,
    add_olympiad,
    get_olympiad,
    lock_olympiad,
    olympiad_ids,
    save_venue,
)
from olymp_registration.store.participants import (
    StoredParticipant,
    add_participants,
    imported_ids,
    list_participants,
    person_key_text,
    present_participants,
    registered_person_keys,
    save_import,
    save_mark,
    save_removal,
    save_withdrawal,
)
from olymp_registration.store.tables import (
    day_marks,
    metadata,
    olympiad_rounds,
    olympiads,
    participant_imports,
    participants,
    removals,
    venues,
    withdrawals,
)

__all__ = [
    "StoredOlympiad",
    "StoredParticipant",
    "add_olympiad",
    "add_participants",
    "day_marks",
    "get_olympiad",
    "imported_ids",
    "list_participants",
    "lock_olympiad",
    "metadata",
    "olympiad_ids",
    "olympiad_rounds",
    "olympiads",
    "participant_imports",
    "participants",
    "person_key_text",
    "present_participants",
    "registered_person_keys",
    "removals",
    "save_import",
    "save_mark",
    "save_removal",
    "save_venue",
    "save_withdrawal",
    "venues",
    "withdrawals",
]
