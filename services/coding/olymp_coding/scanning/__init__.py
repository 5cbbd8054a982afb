"""The scan station's pipeline, without I/O: split an upload into pages, read each page's label,
route the page, name it in the object store. Handlers store the pages and record the outcome.
"""

from olymp_coding.scanning.errors import CorruptDocument, EmptyFile, ScanError, UnsupportedFileType
from olymp_coding.scanning.keys import SCANS_PREFIX, TITLES_PREFIX, content_hash, page_key
from olymp_coding.scanning.pages import PDF_RENDER_DPI, Page, sniff_kind, split_document
from olymp_coding.scanning.payload import (
    LabelKind,
    LabelPayload,
    answer_payload,
    parse_payload,
    title_payload,
)
from olymp_coding.scanning.reading import CodeRead, read_code
from olymp_coding.scanning.routing import (
    REASON_OTHER_SUBJECT,
    REASON_SEVERAL_CODES,
    REASON_UNKNOWN_CODE,
    REASON_UNREADABLE,
    Destination,
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
    "LabelKind",
    "LabelPayload",
    "Page",
    "Routing",
    "ScanError",
    "UnsupportedFileType",
    "answer_payload",
    "content_hash",
    "page_key",
    "parse_payload",
    "read_code",
    "route_page",
    "sniff_kind",
    "split_document",
    "subject_prefix",
    "title_payload",
]
