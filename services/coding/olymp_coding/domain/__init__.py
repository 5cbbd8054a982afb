"""Pure rules of the coding service: work codes, assignment, the jury table, the decoding gate.

Nothing here does I/O; handlers load and store what these functions take and return.
"""

from olymp_coding.domain.assignment import Attendance, CodeAssignment, WorkToCode, assign_codes
from olymp_coding.domain.codes import (
    ALPHABET,
    BODY_LENGTH,
    MAX_PREFIX_LENGTH,
    RandomSource,
    generate_code,
    normalise_prefix,
    validate_code,
)
from olymp_coding.domain.decoding import (
    CheckState,
    Decision,
    GradeGate,
    WorkCheck,
    can_decode,
    grade_gate,
)
from olymp_coding.domain.errors import (
    CodingError,
    DecodingRefused,
    InvalidSubject,
    MistypedCode,
    SubjectNotFound,
)
from olymp_coding.domain.jury_table import JuryTableRow, jury_table

__all__ = [
    "ALPHABET",
    "BODY_LENGTH",
    "MAX_PREFIX_LENGTH",
    "Attendance",
    "CheckState",
    "CodeAssignment",
    "CodingError",
    "Decision",
    "DecodingRefused",
    "GradeGate",
    "InvalidSubject",
    "JuryTableRow",
    "MistypedCode",
    "RandomSource",
    "SubjectNotFound",
    "WorkCheck",
    "WorkToCode",
    "assign_codes",
    "can_decode",
    "generate_code",
    "grade_gate",
    "jury_table",
    "normalise_prefix",
    "validate_code",
]
