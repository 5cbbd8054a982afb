"""Sealing: a package is encrypted with its own key, and that key is kept only sealed.

Each package gets a random 256-bit key; its bytes are encrypted with AES-256-GCM. The key, and the
coordinator's archive password if one was given, are stored sealed (AES-256-GCM under the service's
master key). Associated data binds every ciphertext to its package and purpose, so a sealed value
copied onto another row or used as another field does not open.

AES-GCM cannot tell why something does not open, so each row also records the id of the master key
that sealed it (`master_key_id`, a one-way tag): a failure is then told apart as "this row's key
belongs to another package" or "this node has another master key", each with its own remedy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from olymp_materials.domain.errors import (
    PackageKeyForeign,
    SealedKeyUnreadable,
    SealedUnderAnotherMasterKey,
    UnsealFailed,
)

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


def new_package_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _aad(package_id: uuid.UUID, purpose: str) -> bytes:
    return f"olymp-materials/{package_id}/{purpose}".encode()


def _encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise UnsealFailed() from None


def encrypt_package(key: bytes, package_id: uuid.UUID, content: bytes) -> bytes:
    return _encrypt(key, content, _aad(package_id, "content"))


def ciphertext_size(content_size: int) -> int:
    """The size of an encrypted package (a mirror refuses a fetch that sends more)."""
    return NONCE_BYTES + content_size + TAG_BYTES


def decrypt_package(key: bytes, package_id: uuid.UUID, ciphertext: bytes) -> bytes:
    return _decrypt(key, ciphertext, _aad(package_id, "content"))


def encrypt_unpacked(key: bytes, package_id: uuid.UUID, content: bytes) -> bytes:
    """Released criteria unpacked from their password archive, kept under the package's own key
    (bound to their purpose, so they never pass for the package itself)."""
    return _encrypt(key, content, _aad(package_id, "unpacked"))


def decrypt_unpacked(key: bytes, package_id: uuid.UUID, ciphertext: bytes) -> bytes:
    return _decrypt(key, ciphertext, _aad(package_id, "unpacked"))


def seal_key(master_key: bytes, package_id: uuid.UUID, key: bytes) -> bytes:
    return _encrypt(master_key, key, _aad(package_id, "key"))


def unseal_key(master_key: bytes, package_id: uuid.UUID, sealed: bytes) -> bytes:
    return _decrypt(master_key, sealed, _aad(package_id, "key"))


def master_key_id(master_key: bytes) -> str:
    """A tag naming the master key, stored beside what it sealed; it reveals nothing of the key."""
    return hmac.new(master_key, b"olymp-materials/master-key-id", hashlib.sha256).hexdigest()[:16]


def _unseal_failure(
    master_key: bytes, package_id: uuid.UUID, sealed_with: str | None
) -> UnsealFailed:
    if sealed_with is None:
        return SealedKeyUnreadable(package_id)
    if sealed_with != master_key_id(master_key):
        return SealedUnderAnotherMasterKey(package_id)
    return PackageKeyForeign(package_id)


def open_key(
    master_key: bytes, package_id: uuid.UUID, sealed: bytes, sealed_with: str | None
) -> bytes:
    """The package key from its row, or an UnsealFailed that says which cause it is."""
    try:
        return unseal_key(master_key, package_id, sealed)
    except UnsealFailed:
        raise _unseal_failure(master_key, package_id, sealed_with) from None


def open_password(
    master_key: bytes, package_id: uuid.UUID, sealed: bytes, sealed_with: str | None
) -> str:
    try:
        return unseal_password(master_key, package_id, sealed)
    except UnsealFailed:
        raise _unseal_failure(master_key, package_id, sealed_with) from None


def seal_password(master_key: bytes, package_id: uuid.UUID, password: str) -> bytes:
    return _encrypt(master_key, password.encode(), _aad(package_id, "password"))


def unseal_password(master_key: bytes, package_id: uuid.UUID, sealed: bytes) -> str:
    return _decrypt(master_key, sealed, _aad(package_id, "password")).decode()


def parse_master_key(encoded: str) -> bytes:
    """The master key from its base64 text; a ValueError says what is wrong with it."""
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except ValueError:
        raise ValueError("the materials master key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"the materials master key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def development_master_key(service_name: str) -> bytes:
    """A fixed key for dev and test profiles only: anyone can derive it, so prod refuses it."""
    return hashlib.sha256(f"olymp-{service_name}-development-master-key".encode()).digest()
