"""What people read: a published version as HTML, JSON, CSV and XLSX, and the olympiad's index."""

from olymp_publishing.documents.files import (
    DOWNLOADS,
    INDEX_FORMATS,
    TABLE_FORMATS,
    download_name,
    index_files,
    links,
    result_index,
    summary,
    version_files,
)
from olymp_publishing.documents.index import index_page
from olymp_publishing.documents.tables import (
    csv_bytes,
    html_page,
    local_text,
    published_text,
    title,
    xlsx_bytes,
)

__all__ = [
    "DOWNLOADS",
    "INDEX_FORMATS",
    "TABLE_FORMATS",
    "csv_bytes",
    "download_name",
    "html_page",
    "index_files",
    "index_page",
    "links",
    "local_text",
    "published_text",
    "result_index",
    "summary",
    "title",
    "version_files",
    "xlsx_bytes",
]
