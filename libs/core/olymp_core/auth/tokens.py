"""Tokens signed with the local Ed25519 key: the embedded default when no OIDC provider runs."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from olymp_core.auth.model import Role, ScopeKind
from olymp_core.clock import Clock, SystemClock

DEFAULT_ISSUER = "olymp-local"
DEFAULT_AUDIENCE = "olymp"
DEFAULT_TTL = timedelta(hours=8)


class TokenIssuer:
    """Signs bearer tokens (EdDSA) for people and services of this installation."""

    def __init__(
        self,
        private_key_pem: bytes | str,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._key = load_private_key(private_key_pem)
        self.issuer = issuer
        self.audience = audience
        self._clock = clock or SystemClock()
        self.kid = key_id(self._key.public_key())

    def issue(
        self,
        subject: str,
        roles: Iterable[Role],
        scopes: Mapping[ScopeKind, Iterable[str]] | None = None,
        ttl: timedelta = DEFAULT_TTL,
        name: str | None = None,
    ) -> str:
        roles = sorted({Role(role) for role in roles})
        if not subject:
            raise ValueError("a token needs a subject")
        if not roles:
            raise ValueError("a token needs at least one role")
        if ttl <= timedelta(0):
            raise ValueError(f"token lifetime must be positive, got {ttl}")
        now = self._clock.now()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "roles": [role.value for role in roles],
            "scopes": {
                ScopeKind(kind).value: sorted({values} if isinstance(values, str) else set(values))
                for kind, values in (scopes or {}).items()
            },
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        if name:
            claims["name"] = name
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid})

    def public_jwk(self) -> dict[str, str]:
        """The verification key as a JWK, for a JWKS document that other installations fetch."""
        return {
            **_okp_members(self._key.public_key()),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }

    def public_key_pem(self) -> str:
        return public_key_pem(self._key)


def load_private_key(pem: bytes | str) -> Ed25519PrivateKey:
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"the signing key must be Ed25519, got {type(key).__name__}")
    return key


def public_key_pem(private_key: Ed25519PrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def generate_local_key(path: Path) -> str:
    """Create an Ed25519 private key at `path` (0600) unless one exists; return its public PEM."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: never overwrite a key that tokens in circulation were signed with.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return public_key_pem(load_private_key(path.read_bytes()))
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return public_key_pem(key)


def key_id(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint, so the same key has the same `kid` wherever it is published."""
    canonical = json.dumps(_okp_members(public_key), separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _okp_members(public_key: Ed25519PublicKey) -> dict[str, str]:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
