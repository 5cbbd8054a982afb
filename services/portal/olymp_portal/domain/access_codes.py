"""A participant's personal access code: how it is made, typed and kept.

Sixteen characters of Crockford's base32 (80 random bits), shown in four groups of four
(«7KQ2-M9XD-4HTW-P0ZR»): read off a slip and typed on a phone, so the letters that look like
digits are read as those digits (O as 0, I and L as 1) and case, spaces and dashes do not matter.
Random, never derived from the participant or the work code (§60–62), so a code tells nothing of
anyone. Only its SHA-256 is stored: 80 random bits need no slow hash, and the sign-in is
throttled besides.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, grouped for reading."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalised(typed: str) -> str | None:
    """The code as typed, in its one spelling; None when it cannot be a code at all."""
    plain = "".join(ch for ch in typed.upper() if ch not in " -\t").translate(_READ_AS)
    if len(plain) != LENGTH or any(ch not in ALPHABET for ch in plain):
        return None
    return plain


def code_hash(typed: str) -> str | None:
    """What is stored and looked up for a code; None for input that is not a code."""
    plain = normalised(typed)
    return None if plain is None else hashlib.sha256(plain.encode()).hexdigest()
