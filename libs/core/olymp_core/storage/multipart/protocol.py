"""What every resumable-upload backend shares: the interface, its errors and its checks."""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from olymp_core.storage.base import (
    DEFAULT_CONTENT_TYPE,
    RESERVED_PREFIX,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageError,
    validate_key,
)

MIN_PART_SIZE = 5 << 20  # S3: every part but the last is at least 5 MiB
MAX_PARTS = 10_000
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_STAGING = RESERVED_PREFIX + "uploads"
_PART = re.compile(r"^" + re.escape(RESERVED_PREFIX) + r"part-(\d{5})\.([0-9a-f]{32})$")
_MANIFEST = RESERVED_PREFIX + "upload.json"


class ChecksumMismatch(StorageError):
    """What arrived is not what the client hashed; the upload stays open so parts can be re-sent."""


class UploadNotFound(StorageError):
    def __init__(self, upload_id: str) -> None:
        super().__init__(
            f"no open upload {upload_id!r}: it was completed, aborted or never started"
        )
        self.upload_id = upload_id


class ObjectConflict(StorageError):
    """The key already holds a different object; uploads never overwrite one."""


@dataclass(frozen=True)
class UploadedPart:
    number: int
    size: int
    md5: str  # hex; the part's ETag on S3


@dataclass(frozen=True)
class PartChecksum:
    number: int
    md5: str


class ResumableUploads(abc.ABC):
    """Multipart uploads into `store`. `presigns_parts` says whether parts go to `part_url`
    (a client with no credentials PUTs there) or through `write_part`."""

    presigns_parts: bool
    store: ObjectStore

    @abc.abstractmethod
    async def start(
        self, key: str, *, sha256: str, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> str:
        """Open an upload of a file whose SHA-256 the client computed; returns the upload id."""

    @abc.abstractmethod
    async def part_url(
        self, upload_id: str, key: str, part_number: int, expires: dt.timedelta
    ) -> str:
        """A URL to PUT part `part_number` (1-based) to, valid for `expires`."""

    @abc.abstractmethod
    async def write_part(self, upload_id: str, key: str, part_number: int, data: bytes) -> str:
        """Store one part through this process; returns its MD5 (hex)."""

    @abc.abstractmethod
    async def uploaded_parts(self, upload_id: str, key: str) -> list[UploadedPart]:
        """The parts that arrived so far, by number: what a resumed upload need not send again."""

    @abc.abstractmethod
    async def complete(
        self, upload_id: str, key: str, *, sha256: str, parts: Sequence[PartChecksum]
    ) -> ObjectInfo:
        """Assemble `parts`, verify them and the whole file, and make the object visible."""

    @abc.abstractmethod
    async def abort(self, upload_id: str, key: str) -> None:
        """Drop an open upload and its parts; aborting a finished one is not an error."""

    async def existing(self, key: str) -> ObjectInfo | None:
        try:
            return await self.store.stat(key)
        except ObjectNotFound:
            return None


def multipart_etag(md5s: Sequence[str]) -> str:
    """The ETag S3 gives an object assembled from parts with these MD5s."""
    joined = b"".join(bytes.fromhex(md5) for md5 in md5s)
    return f"{hashlib.md5(joined, usedforsecurity=False).hexdigest()}-{len(md5s)}"


def checked(key: str, sha256: str) -> None:
    validate_key(key)
    if not _SHA256.match(sha256):
        raise ValueError(f"sha256 must be 64 lowercase hex digits, not {sha256!r}")


def checked_parts(parts: Sequence[PartChecksum]) -> list[PartChecksum]:
    ordered = sorted(parts, key=lambda part: part.number)
    if not ordered or [p.number for p in ordered] != list(range(1, len(ordered) + 1)):
        raise ValueError("parts must be numbered 1, 2, 3, ... without gaps")
    if len(ordered) > MAX_PARTS or any(not _MD5.match(p.md5) for p in ordered):
        raise ValueError(f"at most {MAX_PARTS} parts, each with a 32-digit hex MD5")
    return ordered


def check_part_number(part_number: int) -> None:
    if not 1 <= part_number <= MAX_PARTS:
        raise ValueError(f"part numbers run from 1 to {MAX_PARTS}, not {part_number}")


def same_or_conflict(found: ObjectInfo, sha256: str) -> ObjectInfo:
    if found.sha256 == sha256:
        return found
    raise ObjectConflict(
        f"{found.key!r} already holds a different file (sha256 {found.sha256}); "
        "upload under a new key or remove the old object first"
    )


def require_arrived(
    key: str, ordered: Sequence[PartChecksum], arrived: dict[int, UploadedPart]
) -> None:
    """Every listed part arrived with the MD5 the client computed, or ChecksumMismatch."""
    wrong = [p.number for p in ordered if p.number not in arrived or arrived[p.number].md5 != p.md5]
    if wrong:
        raise ChecksumMismatch(
            f"parts {wrong} of {key!r} are missing or differ from what the client hashed;"
            " send them again and complete once more"
        )
