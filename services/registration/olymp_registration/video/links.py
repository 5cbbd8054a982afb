"""Short-lived playback links of the local store: HMAC-signed, naming the viewer, so the service
can serve the file to a browser without a token and still write who watched into the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class PlaybackGrant:
    recording_id: uuid.UUID
    viewer: str
    expires: int  # Unix seconds


def _message(grant: PlaybackGrant) -> bytes:
    return f"{grant.recording_id}\n{grant.viewer}\n{grant.expires}".encode()


def sign(grant: PlaybackGrant, secret: str) -> str:
    return hmac.new(secret.encode(), _message(grant), hashlib.sha256).hexdigest()


def grant_for(
    recording_id: uuid.UUID, viewer: str, now: dt.datetime, ttl: dt.timedelta
) -> PlaybackGrant:
    return PlaybackGrant(recording_id, viewer, int((now + ttl).timestamp()))


def valid(grant: PlaybackGrant, signature: str, secret: str, now: dt.datetime) -> bool:
    """Whether the link was issued by this service for this viewer and has not expired."""
    if now.timestamp() > grant.expires:
        return False
    return hmac.compare_digest(sign(grant, secret), signature)
