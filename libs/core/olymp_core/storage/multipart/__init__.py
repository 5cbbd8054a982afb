"""Resumable uploads of large files (room recordings): S3 multipart with per-part signed URLs, or
the same flow on a local directory store.

The flow is the S3 one on both backends: `start` an upload under a key, send numbered parts (to a
signed URL on S3, straight into the store's directory locally), ask which parts arrived to resume,
then `complete`. Every part is checked against the MD5 the client computed from its own bytes, and
the whole file against the client's SHA-256: on S3 the completed object's ETag must equal the MD5 of
the part MD5s (the S3 multipart rule), locally the concatenation is hashed as it is written.

A key is written once: completing onto an object with the same SHA-256 returns that object (the
same file uploaded twice is not an error), a different one is refused — recordings are evidence.
"""

from __future__ import annotations

from olymp_core.storage.base import ObjectStore, StorageCapabilityError
from olymp_core.storage.local import LocalDirectoryStore
from olymp_core.storage.multipart.client import (
    DEFAULT_PART_SIZE,
    UploadInterrupted,
    UploadReport,
    upload_file,
)
from olymp_core.storage.multipart.local import LocalResumableUploads
from olymp_core.storage.multipart.protocol import (
    MAX_PARTS,
    MIN_PART_SIZE,
    ChecksumMismatch,
    ObjectConflict,
    PartChecksum,
    ResumableUploads,
    UploadedPart,
    UploadNotFound,
    multipart_etag,
)
from olymp_core.storage.multipart.s3 import S3ResumableUploads
from olymp_core.storage.s3 import S3Store

__all__ = [
    "DEFAULT_PART_SIZE",
    "MAX_PARTS",
    "MIN_PART_SIZE",
    "ChecksumMismatch",
    "LocalResumableUploads",
    "ObjectConflict",
    "PartChecksum",
    "ResumableUploads",
    "S3ResumableUploads",
    "UploadInterrupted",
    "UploadNotFound",
    "UploadReport",
    "UploadedPart",
    "multipart_etag",
    "resumable_uploads",
    "upload_file",
]


def resumable_uploads(store: ObjectStore) -> ResumableUploads:
    """The resumable-upload flow for a store opened with `open_store`."""
    if isinstance(store, S3Store):
        return S3ResumableUploads(store)
    if isinstance(store, LocalDirectoryStore):
        return LocalResumableUploads(store)
    raise StorageCapabilityError(f"{store!r} has no resumable uploads")
