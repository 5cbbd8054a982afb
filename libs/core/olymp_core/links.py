"""Short-lived signed links: a browser opens a file without a token, and the audit still knows who.

A link names what it opens, the person it was issued to and its expiry; the service signs those
parts with HMAC-SHA256 under its link secret. A link cannot be stretched, moved to another object or
passed off as someone else's, and whoever opens it is recorded under the name it was issued to.
Scanned answer pages (coding) and room video (registration) use the same signer and the same rule
for the secret (`SignedLinkSettings`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from pydantic import SecretStr, model_validator

from olymp_core.settings import ServiceSettings

MIN_SECRET_CHARS = 32


class LinkSigner:
    def __init__(self, secret: SecretStr) -> None:
        self._key = secret.get_secret_value().encode()

    def sign(self, *parts: str | int | uuid.UUID) -> str:
        message = "\n".join(str(part) for part in parts).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def valid(
        self, signature: str, *parts: str | int | uuid.UUID, expires: int, now: dt.datetime
    ) -> bool:
        """True if `signature` was made over `parts` and `expires`, and `now` is before it."""
        if now.timestamp() >= expires:
            return False
        # as bytes: a tampered link may carry any characters, and compare_digest refuses to
        # compare non-ASCII strings
        return hmac.compare_digest(self.sign(*parts, expires).encode(), signature.encode())


def expiry(now: dt.datetime, ttl_s: float) -> int:
    """The expiry a link issued at `now` carries (Unix seconds)."""
    return int((now + dt.timedelta(seconds=ttl_s)).timestamp())


class SignedLinkSettings(ServiceSettings):
    """Settings of a service that hands out signed links.

    Every replica must share the secret, so production refuses to start without one; in dev and
    test a random per-process secret is used (links die with the process, which short-lived links
    may).
    """

    link_secret: SecretStr | None = None

    @model_validator(mode="after")
    def _link_secret_rule(self) -> SignedLinkSettings:
        variable = f"OLYMP_{self.service_name.upper()}_LINK_SECRET"
        if self.link_secret is None:
            if self.profile == "prod":
                raise ValueError(
                    f"{self.service_name}: set {variable} (at least {MIN_SECRET_CHARS} random "
                    "characters) so that every replica signs links with the same key"
                )
            self.link_secret = SecretStr(secrets.token_urlsafe(MIN_SECRET_CHARS))
        elif len(self.link_secret.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(
                f"{self.service_name}: {variable} must be at least {MIN_SECRET_CHARS} characters"
            )
        return self

    def link_signer(self) -> LinkSigner:
        assert self.link_secret is not None  # filled in by the rule above
        return LinkSigner(self.link_secret)
