"""Handlers of the scan station and of what follows it: upload, manual queue, jury links, titles.

`ingest` takes one uploaded file; `queue` holds the coding officer's manual queue; `review` the
other commands and queries on stored pages.
"""

from olymp_coding.scans.handlers.desk import ScanDesk
from olymp_coding.scans.handlers.ingest import PageOutcome, Upload, UploadReport, ingest
from olymp_coding.scans.handlers.queue import (
    AssignPage,
    QueuedPage,
    ReturnPage,
    SetPageAside,
    SettledPage,
    assign_page,
    manual_queue,
    page_thumbnail,
    resolved_pages,
    return_page,
    set_page_aside,
)
from olymp_coding.scans.handlers.retention import RetentionKeeper
from olymp_coding.scans.handlers.review import (
    IssuePageLinks,
    OwnWork,
    PageImage,
    PageLink,
    ReadSignedPage,
    ReadTitlePage,
    TitlePage,
    ViewPage,
    issue_page_links,
    label_sheets,
    on_recheck_requested,
    participant_pages,
    read_signed_page,
    read_title_page,
    view_page,
)

__all__ = [
    "AssignPage",
    "IssuePageLinks",
    "OwnWork",
    "PageImage",
    "PageLink",
    "PageOutcome",
    "QueuedPage",
    "ReadSignedPage",
    "ReadTitlePage",
    "RetentionKeeper",
    "ReturnPage",
    "ScanDesk",
    "SetPageAside",
    "SettledPage",
    "TitlePage",
    "Upload",
    "UploadReport",
    "ViewPage",
    "assign_page",
    "ingest",
    "issue_page_links",
    "label_sheets",
    "manual_queue",
    "on_recheck_requested",
    "page_thumbnail",
    "participant_pages",
    "read_signed_page",
    "read_title_page",
    "resolved_pages",
    "return_page",
    "set_page_aside",
    "view_page",
]
