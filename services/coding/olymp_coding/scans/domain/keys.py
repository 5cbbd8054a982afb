"""Content hashes and object keys for stored pages.

A key is made of the olympiad and the page's own hash only: neither a work code nor a name, so a
listing of the bucket tells nothing about who wrote what. Title pages live under a prefix of their
own so that access to them can be granted (or a bucket policy written) apart from the scans.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

SCANS_PREFIX: Final = "scans"
TITLES_PREFIX: Final = "titles"
_OLYMPIAD_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_DIGEST: Final = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION: Final = re.compile(r"^[a-z0-9]{1,5}$")


def content_hash(page_bytes: bytes) -> str:
    """The sha256 of the page's stored bytes, hex: the same page uploaded twice hashes the same."""
    return hashlib.sha256(page_bytes).hexdigest()


def page_key(olympiad: str, digest: str, extension: str, *, title_page: bool) -> str:
    """`scans/<olympiad>/<aa>/<digest>.<ext>`, or under `titles/` for a title page."""
    if not _OLYMPIAD_ID.match(olympiad):
        raise ValueError(
            f"olympiad id {olympiad!r} must be 1-64 characters of A-Z, a-z, 0-9, _ and -"
        )
    if not _DIGEST.match(digest):
        raise ValueError(f"{digest!r} is not a lowercase hex sha256 digest")
    if not _EXTENSION.match(extension):
        raise ValueError(f"extension {extension!r} must be 1-5 characters of a-z and 0-9")
    root = TITLES_PREFIX if title_page else SCANS_PREFIX
    return f"{root}/{olympiad}/{digest[:2]}/{digest}.{extension}"
