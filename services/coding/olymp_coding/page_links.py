"""Short-lived links to answer pages, signed by the service when the store cannot presign.

The signature covers the olympiad, the page, the expiry and the person the link was issued to, so
a link cannot be stretched, moved to another page or passed off as someone else's; whoever opens
it is recorded in the audit trail under the name it was issued to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from urllib.parse import urlencode


def signature(
    secret: bytes, olympiad_id: uuid.UUID, page_id: uuid.UUID, expires: int, issued_to: str
) -> str:
    message = f"{olympiad_id}\n{page_id}\n{expires}\n{issued_to}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_path(
    secret: bytes,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    expires_at: dt.datetime,
    issued_to: str,
) -> str:
    expires = int(expires_at.timestamp())
    query = urlencode(
        {
            "expires": expires,
            "to": issued_to,
            "sig": signature(secret, olympiad_id, page_id, expires, issued_to),
        }
    )
    return f"/olympiads/{olympiad_id}/pages/{page_id}?{query}"


def verify(
    secret: bytes,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    expires: int,
    issued_to: str,
    sig: str,
    now: dt.datetime,
) -> bool:
    """True if the link is genuine and has not expired at `now`."""
    expected = signature(secret, olympiad_id, page_id, expires, issued_to)
    return hmac.compare_digest(expected, sig) and now.timestamp() < expires
