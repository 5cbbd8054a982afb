"""Handlers of the scan station and of what follows it: upload, manual queue, jury links, titles.

`ingest` takes one uploaded file; `review` holds the commands and queries on stored pages.
"""

from olymp_coding.scans.handlers.desk import ScanDesk
from olymp_coding.scans.handlers.ingest import PageOutcome, Upload, UploadReport, ingest
from olymp_coding.scans.handlers.retention import RetentionKeeper
from olymp_coding.scans.handlers.review import (
    AssignPage,
    IssuePageLinks,
    PageImage,
    PageLink,
    ReadSignedPage,
    ReadTitlePage,
    TitlePage,
    ViewPage,
    assign_page,
    issue_page_links,
    label_sheets,
    manual_queue,
    read_signed_page,
    read_title_page,
    view_page,
)

__all__ = [
    "AssignPage",
    "IssuePageLinks",
    "PageImage",
    "PageLink",
    "PageOutcome",
    "ReadSignedPage",
    "ReadTitlePage",
    "RetentionKeeper",
    "ScanDesk",
    "TitlePage",
    "Upload",
    "UploadReport",
    "ViewPage",
    "assign_page",
    "ingest",
    "issue_page_links",
    "label_sheets",
    "manual_queue",
    "read_signed_page",
    "read_title_page",
    "view_page",
]
