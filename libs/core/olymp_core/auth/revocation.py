"""Revoked tokens: one token by its id (`jti`), or every token of a subject issued before an instant.

The list is a JSON file that the operator changes with `olymp token revoke` (or by hand):

    {
      "tokens": [{"jti": "5f0c…", "revoked_at": "2025-10-14T08:10:00+00:00", "note": "lost laptop"}],
      "subjects": [{"sub": "ivanova", "issued_before": "2025-10-14T08:10:00+00:00", "note": "…"}]
    }

Every service names the same file (`OLYMP_AUTH_REVOCATION_FILE`) and looks at it on each token it
verifies — one `stat` call; a changed file is read again, so a revocation takes effect within the
next request, without a restart. A missing file revokes nothing. A file that cannot be read stops a
service at start-up; one that breaks while running keeps the list read last (and says so in the
log), so a bad edit never un-revokes a token.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RevokedToken:
    jti: str
    revoked_at: datetime
    note: str = ""


@dataclass(frozen=True)
class RevokedSubject:
    sub: str
    issued_before: datetime
    note: str = ""


@dataclass(frozen=True)
class Revocations:
    """What the file says: token ids refused outright, subjects refused up to an instant."""

    tokens: Mapping[str, RevokedToken] = field(default_factory=dict)
    subjects: Mapping[str, RevokedSubject] = field(default_factory=dict)

    @classmethod
    def parse(cls, document: Any) -> Revocations:
        """From the file's JSON; raises ValueError naming what is wrong."""
        if not isinstance(document, dict):
            raise ValueError("the revocation list must be a JSON object with tokens and subjects")
        unknown = set(document) - {"tokens", "subjects"}
        if unknown:
            raise ValueError(f"unknown keys in the revocation list: {', '.join(sorted(unknown))}")
        tokens: dict[str, RevokedToken] = {}
        for entry in _entries(document, "tokens"):
            jti = _text(entry, "jti")
            tokens[jti] = RevokedToken(jti, _instant(entry, "revoked_at"), _note(entry))
        subjects: dict[str, RevokedSubject] = {}
        for entry in _entries(document, "subjects"):
            sub = _text(entry, "sub")
            revoked = RevokedSubject(sub, _instant(entry, "issued_before"), _note(entry))
            # two entries for one subject: the later instant revokes more, so it holds
            if sub not in subjects or subjects[sub].issued_before < revoked.issued_before:
                subjects[sub] = revoked
        return cls(tokens, subjects)

    def document(self) -> dict[str, Any]:
        return {
            "tokens": [
                {"jti": t.jti, "revoked_at": t.revoked_at.isoformat(), "note": t.note}
                for t in sorted(self.tokens.values(), key=lambda t: (t.revoked_at, t.jti))
            ],
            "subjects": [
                {"sub": s.sub, "issued_before": s.issued_before.isoformat(), "note": s.note}
                for s in sorted(self.subjects.values(), key=lambda s: s.sub)
            ],
        }

    def with_token(self, jti: str, at: datetime, note: str = "") -> Revocations:
        if not jti:
            raise ValueError("a token id (jti) is needed")
        return replace(self, tokens={**self.tokens, jti: RevokedToken(jti, _utc(at), note)})

    def with_subject(self, sub: str, issued_before: datetime, note: str = "") -> Revocations:
        if not sub:
            raise ValueError("a subject is needed")
        revoked = RevokedSubject(sub, _utc(issued_before), note)
        earlier = self.subjects.get(sub)
        if earlier is not None and earlier.issued_before > revoked.issued_before:
            revoked = earlier
        return replace(self, subjects={**self.subjects, sub: revoked})

    def revoked(self, claims: Mapping[str, Any]) -> bool:
        """True when the token with these (verified) claims is revoked."""
        jti = claims.get("jti")
        if isinstance(jti, str) and jti in self.tokens:
            return True
        subject = self.subjects.get(str(claims.get("sub")))
        if subject is None:
            return False
        issued = claims.get("iat")
        if not isinstance(issued, int | float):
            return True  # no issue instant: nothing shows it came after the revocation
        return datetime.fromtimestamp(issued, UTC) < subject.issued_before


class RevocationList:
    """The revocation file, read again whenever it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._current = Revocations()
        stamp = self._stamp_now()
        # at start-up a broken file is an error the operator must see before tokens are admitted
        self._current = self._read() if stamp is not None else Revocations()
        self._stamp = stamp

    def current(self) -> Revocations:
        stamp = self._stamp_now()
        if stamp == self._stamp:
            return self._current
        self._stamp = stamp
        if stamp is None:
            log.warning("revocation list %s was removed; no token is revoked now", self.path)
            self._current = Revocations()
            return self._current
        try:
            self._current = self._read()
            log.info(
                "revocation list reloaded",
                extra={
                    "tokens": len(self._current.tokens),
                    "subjects": len(self._current.subjects),
                },
            )
        except ValueError as exc:
            log.error(
                "revocation list %s is broken; keeping the list read before: %s", self.path, exc
            )
        return self._current

    def _stamp_now(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _read(self) -> Revocations:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{self.path} is not a readable JSON file: {exc}") from exc
        try:
            return Revocations.parse(document)
        except ValueError as exc:
            raise ValueError(f"{self.path}: {exc}") from exc


def unverified_claims(token: str) -> Mapping[str, Any]:
    """A token's claims, signature unchecked: to name the token being revoked, nothing more."""
    try:
        claims: Mapping[str, Any] = jwt.decode(token.strip(), options={"verify_signature": False})
    except jwt.InvalidTokenError as exc:
        raise ValueError("not a JWT") from exc
    return claims


def read_revocations(path: Path) -> Revocations:
    """The list in `path`, empty when the file does not exist yet."""
    if not path.exists():
        return Revocations()
    return RevocationList(path).current()


def write_revocations(path: Path, revocations: Revocations) -> None:
    """Replace the file at once (a reader sees the old list or the new one, never half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(revocations.document(), ensure_ascii=False, indent=2) + "\n"
    fd, temporary = tempfile.mkstemp(prefix=".revoked-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # every service reads it; it holds no secret
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _entries(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    entries = document.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"{key} must be a list of objects")
    return entries


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"an entry has no {key}: {entry}")
    return value


def _note(entry: Mapping[str, Any]) -> str:
    note = entry.get("note", "")
    return note if isinstance(note, str) else str(note)


def _instant(entry: Mapping[str, Any], key: str) -> datetime:
    value = _text(entry, key)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{key} {value!r} is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise ValueError(f"{key} {value!r} has no UTC offset; write e.g. 2025-10-14T08:10:00+00:00")
    return instant.astimezone(UTC)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("a naive datetime; give an instant with a UTC offset")
    return instant.astimezone(UTC)
