"""The participant's access codes (`codes`) and what their page reads and files (`results`)."""

from olymp_portal.participant.handlers import results
from olymp_portal.participant.handlers.codes import (
    IssueCode,
    NewCode,
    issue_codes,
    issued_codes,
    own_code,
    participant_of,
    revoke_code,
    sign_in_with_code,
)

__all__ = [
    "IssueCode",
    "NewCode",
    "issue_codes",
    "issued_codes",
    "own_code",
    "participant_of",
    "results",
    "revoke_code",
    "sign_in_with_code",
]
