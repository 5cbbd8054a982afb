"""The pure hash chain of the audit trail: canonical form, entry hashes and the chain check.

No I/O here, so every way a chain can be broken is tested in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def expected_hash(self) -> str:
        """The hash this entry must carry, recomputed from its content and `prev_hash`."""
        return entry_hash(
            prev_hash=self.prev_hash,
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            payload=self.payload,
        )


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


class BreakReason(enum.StrEnum):
    """How a chain broke, for readers who need more than the English `problem` text."""

    CHANGED = "changed"  # an entry's content no longer gives its hash, or its successor's link
    REMOVED = "removed"  # entries missing inside the chain, or at its end (the head says more)
    OUT_OF_ORDER = "out_of_order"
    HEAD_MISSING = "head_missing"  # entries exist but the head row is gone
    UNCOVERED = "uncovered"  # entries past what the head covers: appended behind its back


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    reason: BreakReason | None = None


def json_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """`payload` as plain JSON values, so what is stored is exactly what was hashed.

    Decimals (scores with half points), instants, dates, UUIDs and enums become strings; tuples
    become lists. NaN and infinities, and keys that are not strings, are refused.
    """
    converted = _json_value(payload, "payload")
    assert isinstance(converted, dict)
    return converted


def _json_value(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} cannot be stored in the audit trail")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: {value} cannot be stored in the audit trail")
        return str(value)
    if isinstance(value, enum.Enum):
        return _json_value(value.value, where)
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, dt.date | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: key {key!r} is not a string")
            result[key] = _json_value(item, f"{where}.{key}")
        return result
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise ValueError(f"{where}: {type(value).__name__} is not a JSON value")


def utc_instant(instant: dt.datetime) -> dt.datetime:
    """`instant` in UTC; a naive datetime is refused rather than guessed."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: audit instants must carry a zone")
    return instant.astimezone(dt.UTC)


def utc_text(instant: dt.datetime) -> str:
    """An instant as UTC ISO 8601 with microseconds, e.g. 2025-10-14T02:00:00.000000Z."""
    return utc_instant(instant).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """One text per JSON value: sorted keys, no spaces, numbers in a single exact form.

    PostgreSQL's jsonb keeps a number's decimal digits but not its spelling (1e16 comes back as
    10000000000000000, -0.0 as 0.0), so numbers are written as normalised decimals; otherwise an
    untouched entry read back from the database would look changed.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return _canonical_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = sorted(value.items())
        return "{" + ",".join(f"{canonical_json(k)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    raise ValueError(f"{type(value).__name__} is not a JSON value")


def _canonical_number(number: int | float) -> str:
    # repr gives a float's shortest round-tripping digits, the same digits jsonb keeps.
    exact = Decimal(number) if isinstance(number, int) else Decimal(repr(number))
    sign, digits, exponent = exact.as_tuple()
    assert isinstance(exponent, int), "non-finite numbers are refused before hashing"
    coefficient = "".join(map(str, digits)).lstrip("0")
    if not coefficient:
        return "0"
    stripped = coefficient.rstrip("0")
    exponent += len(coefficient) - len(stripped)
    return f"{'-' if sign else ''}{stripped}e{exponent}"


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: Mapping[str, Any],
) -> str:
    """SHA-256 (hex) over the previous entry's hash and the canonical JSON of this entry."""
    body = canonical_json(
        {
            "seq": seq,
            "at": utc_text(at),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "payload": payload,
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


class ChainChecker:
    """Checks entries fed one at a time in seq order, so a long trail is never held in memory."""

    def __init__(self, head: AuditHead | None) -> None:
        self._head = head
        self._expected_seq = 1
        self._prev_hash = GENESIS_HASH
        self._intact = 0
        self._failure: VerifyResult | None = None

    @property
    def failed(self) -> bool:
        return self._failure is not None

    def feed(self, entry: AuditEntry) -> bool:
        """Check the next entry; False once a problem is found (further entries are ignored)."""
        if self._failure is not None:
            return False
        expected = self._expected_seq
        if entry.seq > expected:
            if entry.seq == expected + 1:
                return self._fail(expected, f"entry {expected} was removed", BreakReason.REMOVED)
            return self._fail(
                expected,
                f"entries {expected} to {entry.seq - 1} were removed",
                BreakReason.REMOVED,
            )
        if entry.seq < expected:
            return self._fail(
                entry.seq,
                f"entry {entry.seq} is out of order (after {expected - 1})",
                BreakReason.OUT_OF_ORDER,
            )
        if entry.expected_hash() != entry.hash:
            return self._fail(entry.seq, f"entry {entry.seq} was changed", BreakReason.CHANGED)
        if entry.prev_hash != self._prev_hash:
            if entry.seq == 1:
                return self._fail(1, "entry 1 was changed", BreakReason.CHANGED)
            # This entry is intact, so its predecessor was rewritten with a recomputed hash.
            self._intact -= 1
            return self._fail(
                entry.seq - 1, f"entry {entry.seq - 1} was changed", BreakReason.CHANGED
            )
        head = self._head
        if head is not None and entry.seq == head.seq and entry.hash != head.hash:
            return self._fail(
                entry.seq,
                f"entry {entry.seq} was changed (the audit head differs)",
                BreakReason.CHANGED,
            )
        self._intact += 1
        self._expected_seq = entry.seq + 1
        self._prev_hash = entry.hash
        return True

    def finish(self, head_after: AuditHead | None = None) -> VerifyResult:
        """The verdict once every entry is fed.

        `head_after`, the head read again after the entries, lets entries appended while the
        check ran count as legitimate rather than as entries the head does not cover.
        """
        if self._failure is not None:
            return self._failure
        last_seq = self._expected_seq - 1
        head = self._head
        if head is None:
            if last_seq == 0:
                return VerifyResult(ok=True, entries_checked=0)
            return self._verdict(1, "the audit head is missing", BreakReason.HEAD_MISSING)
        if head.seq > last_seq:
            return self._verdict(
                last_seq + 1,
                f"the last entries after {last_seq} were removed (head says {head.seq})",
                BreakReason.REMOVED,
            )
        covered = max(head.seq, head_after.seq if head_after is not None else 0)
        if last_seq > covered:
            return self._verdict(
                covered + 1,
                f"entries after {covered} are not covered by the audit head "
                f"(head says {covered}, the last entry is {last_seq})",
                BreakReason.UNCOVERED,
            )
        return VerifyResult(ok=True, entries_checked=self._intact)

    def _fail(self, seq: int, problem: str, reason: BreakReason) -> bool:
        self._failure = VerifyResult(False, self._intact, seq, problem, reason)
        return False

    def _verdict(self, seq: int, problem: str, reason: BreakReason) -> VerifyResult:
        self._fail(seq, problem, reason)
        assert self._failure is not None
        return self._failure


def verify_chain(entries: Iterable[AuditEntry], head: AuditHead | None) -> VerifyResult:
    """Check a whole chain, in seq order, against its head."""
    checker = ChainChecker(head)
    for entry in entries:
        if not checker.feed(entry):
            break
    return checker.finish()
