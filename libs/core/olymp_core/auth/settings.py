"""Auth settings that each service embeds in its own settings (e.g. `SCORING_AUTH__JWKS_URL`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel

from olymp_core.auth.revocation import RevocationList
from olymp_core.auth.tokens import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    TokenIssuer,
    load_private_key,
    public_key_pem,
)
from olymp_core.auth.verifier import DEFAULT_MAX_LIFETIME, TokenVerifier
from olymp_core.clock import Clock


class AuthSettings(BaseModel):
    """Where verification keys come from: an OIDC provider's JWKS, else the local Ed25519 key."""

    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE
    local_public_key_file: Path | None = None
    local_private_key_file: Path | None = None
    jwks_url: str | None = None
    # exp - iat of an admitted token; longer-lived tokens are refused however valid otherwise
    max_token_lifetime: timedelta = DEFAULT_MAX_LIFETIME
    # the operator's list of revoked tokens (`olymp token revoke`); re-read when it changes
    revocation_file: Path | None = None

    def build_verifier(self, clock: Clock | None = None) -> TokenVerifier:
        revocations = RevocationList(self.revocation_file) if self.revocation_file else None
        if self.jwks_url:
            return TokenVerifier.from_jwks_url(
                self.jwks_url,
                issuer=self.issuer,
                audience=self.audience,
                clock=clock,
                max_lifetime=self.max_token_lifetime,
                revocations=revocations,
            )
        if self.local_public_key_file:
            pem = self.local_public_key_file.read_bytes()
        elif self.local_private_key_file:
            pem = public_key_pem(
                load_private_key(self.local_private_key_file.read_bytes())
            ).encode()
        else:
            raise ValueError(
                "auth: set jwks_url (an OIDC provider), or local_public_key_file or "
                "local_private_key_file (create a key with `olymp token keygen`)"
            )
        return TokenVerifier.from_public_key_pem(
            pem,
            issuer=self.issuer,
            audience=self.audience,
            clock=clock,
            max_lifetime=self.max_token_lifetime,
            revocations=revocations,
        )

    def build_issuer(self, clock: Clock | None = None) -> TokenIssuer:
        """An issuer of service-to-service tokens; needs the local private key."""
        if not self.local_private_key_file:
            raise ValueError("auth: local_private_key_file is needed to issue tokens")
        return TokenIssuer(
            self.local_private_key_file.read_bytes(), self.issuer, self.audience, clock=clock
        )
