"""Reading the participants application (заявка) from CSV and XLSX files."""

from olymp_registration.domain.importing.budget import UNLIMITED, ParseBudget
from olymp_registration.domain.importing.columns import COLUMNS, Column
from olymp_registration.domain.importing.csv_file import parse_participants_csv
from olymp_registration.domain.importing.report import (
    ImportedRow,
    ImportProblem,
    ImportReport,
    ProblemKind,
)
from olymp_registration.domain.importing.xlsx_file import parse_participants_xlsx

__all__ = [
    "COLUMNS",
    "UNLIMITED",
    "Column",
    "ImportProblem",
    "ImportReport",
    "ImportedRow",
    "ParseBudget",
    "ProblemKind",
    "parse_participants_csv",
    "parse_participants_xlsx",
]
