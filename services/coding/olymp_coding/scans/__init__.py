"""Handlers of the scan station and of what follows it: upload, manual queue, jury links, titles.

`ingest` takes one uploaded file; `review` holds the commands and queries on stored pages.
"""

from olymp_coding.scans.desk import ScanDesk
from olymp_coding.scans.errors import (
    LinkRefused,
    OutOfScope,
    PageAlreadyAssigned,
    PageNotFound,
    ScanRequestError,
    UnknownWorkCode,
    WrongSubject,
)
from olymp_coding.scans.ingest import Outcome, PageOutcome, Upload, UploadReport, ingest
from olymp_coding.scans.review import (
    Assignment,
    PageLink,
    assign_page,
    label_sheets,
    manual_queue,
    officer_page,
    read_signed_page,
    title_page,
    work_page_links,
)

__all__ = [
    "Assignment",
    "LinkRefused",
    "OutOfScope",
    "Outcome",
    "PageAlreadyAssigned",
    "PageLink",
    "PageNotFound",
    "PageOutcome",
    "ScanDesk",
    "ScanRequestError",
    "UnknownWorkCode",
    "Upload",
    "UploadReport",
    "WrongSubject",
    "assign_page",
    "ingest",
    "label_sheets",
    "manual_queue",
    "officer_page",
    "read_signed_page",
    "title_page",
    "work_page_links",
]
