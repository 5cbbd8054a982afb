"""Results of an automatic testing system (informatics, §43, §60, §67), imported instead of marks.

`read_rows` turns the uploaded CSV or XLSX into numbered rows, `read_results` checks them against
the grade's criteria, and `plan_import` matches them to the grade's works: all rows or none, every
problem with its line and column.
"""

from olymp_scoring.domain.marking_scheme import MarkingScheme
from olymp_scoring.domain.testing_results.plan import Change, ImportPlan, ImportTarget, plan_import
from olymp_scoring.domain.testing_results.problems import Column, Problem, ResultsFileRejected
from olymp_scoring.domain.testing_results.reading import (
    ResultRow,
    ResultsFile,
    is_header,
    read_results,
    registration_number,
    task_number,
)
from olymp_scoring.domain.testing_results.table import FileFormat, read_rows


def read_file(data: bytes, file_format: FileFormat, scheme: MarkingScheme) -> ResultsFile:
    """The rows of an uploaded file checked against the criteria (ResultsFileRejected when the
    file cannot be read as a table at all)."""
    return read_results(read_rows(data, file_format, is_header), scheme)


__all__ = [
    "Change",
    "Column",
    "FileFormat",
    "ImportPlan",
    "ImportTarget",
    "Problem",
    "ResultRow",
    "ResultsFile",
    "ResultsFileRejected",
    "is_header",
    "plan_import",
    "read_file",
    "read_results",
    "read_rows",
    "registration_number",
    "task_number",
]
