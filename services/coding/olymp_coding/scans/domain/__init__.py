"""The scan station's rules, without I/O: split an upload into pages, read each page's label,
route the page, name it in the object store, keep it as long as §21 says. Handlers store the pages
and record the outcome.
"""

from olymp_coding.scans.domain.errors import (
    CorruptDocument,
    EmptyFile,
    LabelFontMissing,
    LinkRefused,
    OutOfScope,
    PageAlreadyAssigned,
    PageNotFound,
    ScanError,
    ScanTooLarge,
    SubjectNotCoded,
    UnknownWorkCode,
    UnsupportedFileType,
    WrongSubject,
)
from olymp_coding.scans.domain.keys import SCANS_PREFIX, TITLES_PREFIX, content_hash, page_key
from olymp_coding.scans.domain.pages import PDF_RENDER_DPI, Page, sniff_kind, split_document
from olymp_coding.scans.domain.payload import (
    LabelKind,
    LabelPayload,
    answer_payload,
    parse_payload,
    title_payload,
)
from olymp_coding.scans.domain.reading import CodeRead, read_code
from olymp_coding.scans.domain.retention import retain_until
from olymp_coding.scans.domain.routing import (
    REASON_OTHER_SUBJECT,
    REASON_SEVERAL_CODES,
    REASON_UNKNOWN_CODE,
    REASON_UNREADABLE,
    Destination,
    Outcome,
    Routing,
    route_page,
    subject_prefix,
)

__all__ = [
    "PDF_RENDER_DPI",
    "REASON_OTHER_SUBJECT",
    "REASON_SEVERAL_CODES",
    "REASON_UNKNOWN_CODE",
    "REASON_UNREADABLE",
    "SCANS_PREFIX",
    "TITLES_PREFIX",
    "CodeRead",
    "CorruptDocument",
    "Destination",
    "EmptyFile",
    "LabelFontMissing",
    "LabelKind",
    "LabelPayload",
    "LinkRefused",
    "OutOfScope",
    "Outcome",
    "Page",
    "PageAlreadyAssigned",
    "PageNotFound",
    "Routing",
    "ScanError",
    "ScanTooLarge",
    "SubjectNotCoded",
    "UnknownWorkCode",
    "UnsupportedFileType",
    "WrongSubject",
    "answer_payload",
    "content_hash",
    "page_key",
    "parse_payload",
    "read_code",
    "retain_until",
    "route_page",
    "sniff_kind",
    "split_document",
    "subject_prefix",
    "title_payload",
]
