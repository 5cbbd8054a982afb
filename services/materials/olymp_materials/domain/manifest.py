"""Signed manifests: how a mirror proves that what it holds came from the hub unchanged.

The hub signs a canonical JSON manifest per announcement with its Ed25519 key; mirrors pin the hub's
public key in their settings. The manifest names the ciphertext by SHA-256, so a mirror that fetched
the bytes from anywhere can check them, and the plaintext by SHA-256, so the key released later can be
checked too before it is accepted. The manifest never contains key material.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from olymp_materials.domain.errors import ManifestInvalid
from olymp_materials.domain.release import PackageKind


@dataclass(frozen=True)
class Manifest:
    package_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    kind: PackageKind
    release_at: dt.datetime
    ciphertext_sha256: str
    content_sha256: str
    size: int
    with_password: bool
    # grows with every re-announcement, so a mirror can tell the latest from a replayed older one
    version: int

    def canonical(self) -> bytes:
        body = {
            "package_id": str(self.package_id),
            "olympiad_id": str(self.olympiad_id),
            "subject_code": self.subject_code,
            "kind": self.kind.value,
            "release_at": self.release_at.astimezone(dt.UTC).isoformat(),
            "ciphertext_sha256": self.ciphertext_sha256,
            "content_sha256": self.content_sha256,
            "size": self.size,
            "with_password": self.with_password,
            "version": self.version,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def parse(cls, raw: bytes) -> Manifest:
        try:
            body = json.loads(raw)
            return cls(
                package_id=uuid.UUID(body["package_id"]),
                olympiad_id=uuid.UUID(body["olympiad_id"]),
                subject_code=str(body["subject_code"]),
                kind=PackageKind(body["kind"]),
                release_at=dt.datetime.fromisoformat(body["release_at"]),
                ciphertext_sha256=str(body["ciphertext_sha256"]),
                content_sha256=str(body["content_sha256"]),
                size=int(body["size"]),
                with_password=bool(body["with_password"]),
                version=int(body["version"]),
            )
        except (ValueError, KeyError, TypeError):
            raise ManifestInvalid("манифест не читается") from None


def sign_manifest(private_key: Ed25519PrivateKey, manifest: Manifest) -> tuple[bytes, bytes]:
    """The canonical manifest bytes and the hub's signature over them."""
    raw = manifest.canonical()
    return raw, private_key.sign(raw)


def verify_manifest(public_key: Ed25519PublicKey, raw: bytes, signature: bytes) -> Manifest:
    """The manifest, if and only if the pinned hub key signed exactly these bytes."""
    try:
        public_key.verify(signature, raw)
    except InvalidSignature:
        raise ManifestInvalid("подпись регионального узла не сходится") from None
    return Manifest.parse(raw)


def verify_ciphertext(manifest: Manifest, sha256: str) -> None:
    """The SHA-256 of the whole ciphertext, as fetched in chunks, must be the one signed."""
    if sha256 != manifest.ciphertext_sha256:
        raise ManifestInvalid("контрольная сумма зашифрованного пакета не совпадает с манифестом")


def signing_key_from_seed(seed_b64: str) -> Ed25519PrivateKey:
    seed = base64.b64decode(seed_b64.strip(), validate=True)
    if len(seed) != 32:
        raise ValueError(f"the hub signing key must be 32 bytes of base64, got {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_from_b64(encoded: str) -> Ed25519PublicKey:
    raw = base64.b64decode(encoded.strip(), validate=True)
    if len(raw) != 32:
        raise ValueError(f"the hub public key must be 32 bytes of base64, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_b64(private_key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def development_signing_seed(service_name: str) -> str:
    """A fixed seed for dev and test only: anyone can derive it, so prod refuses it."""
    digest = hashlib.sha256(f"olymp-{service_name}-development-hub-signing-key".encode())
    return base64.b64encode(digest.digest()).decode()
