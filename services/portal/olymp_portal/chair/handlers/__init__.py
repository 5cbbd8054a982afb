"""What the chair's screens ask of the services: the course of checking (scoring, `checking`) and
the results (publishing, `results`)."""

from olymp_portal.chair.handlers.checking import (
    ANNULMENT_REASONS,
    RULES,
    SCHEME_ROWS,
    THRESHOLD_KINDS,
    ChairProgress,
    SchemeForm,
    WorkLine,
    annul,
    progress,
    scheme,
    set_scheme,
    work,
    works,
)
from olymp_portal.chair.handlers.results import (
    FORMATS,
    PROTOCOLS,
    ProtocolFile,
    ResultsScreen,
    TieChoice,
    decide_tie,
    protocol,
    results_screen,
    submit_final,
)

__all__ = [
    "ANNULMENT_REASONS",
    "FORMATS",
    "PROTOCOLS",
    "RULES",
    "SCHEME_ROWS",
    "THRESHOLD_KINDS",
    "ChairProgress",
    "ProtocolFile",
    "ResultsScreen",
    "SchemeForm",
    "TieChoice",
    "WorkLine",
    "annul",
    "decide_tie",
    "progress",
    "protocol",
    "results_screen",
    "scheme",
    "set_scheme",
    "submit_final",
    "work",
    "works",
]
