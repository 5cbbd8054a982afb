"""Work codes (шифры, §60–62): drawn at random, written by hand, checked when typed.

A code reads `PREFIX-BBBBBBC`: an optional subject prefix of at most four characters, six random
body characters and one check character, all from `ALPHABET`.

The alphabet is the digits 2–9 and the letters A C E H K M P T X. Each of those letters has a
Cyrillic twin that looks the same (А С Е Н К М Р Т Х), so a code read off a title page and typed
on a Russian keyboard layout normalises to the same code; the pairs that hands and eyes confuse
(0/O, 1/I/L, 8/B, 5/S, 2/Z, U/V) are left out. It has 17 characters, a prime, which the check
character relies on.

The check character makes the values v_1..v_n of the whole code (prefix, body, check) satisfy
Σ i·v_i ≡ 0 (mod 17). Every weight i is at most 11, so weights are distinct and non-zero mod 17, and
17 is prime; hence a single substitution (a→b at i changes the sum by i·(b−a)) and any transposition
of two different characters (at i and j: by (i−j)·(b−a)) always breaks the check. Two valid codes of
one length therefore differ in at least two characters: one slip never lands on another work's code.

Codes are not derived from anything about the participant: the body is drawn from the random source
the caller injects (`random.SystemRandom()` in production, a seeded `random.Random` in tests).
"""

from __future__ import annotations

from collections.abc import Set
from typing import Final, Protocol

from olymp_coding.domain.errors import CodingError, MistypedCode

ALPHABET: Final = "23456789ACEHKMPTX"
BODY_LENGTH: Final = 6
MAX_PREFIX_LENGTH: Final = 4
SEPARATOR: Final = "-"

_MODULUS: Final = len(ALPHABET)
_VALUE: Final = {char: value for value, char in enumerate(ALPHABET)}
# Cyrillic letters that look like the Latin ones in ALPHABET, and З, which is a handwritten 3.
_TWINS: Final = str.maketrans("АСЕНКМРТХЗ", "ACEHKMPTX3")
_IGNORED: Final = str.maketrans("", "", " \t\u00a0-‐‑–—")
_MAX_DRAWS: Final = 10_000


class RandomSource(Protocol):
    """Where codes come from: `random.SystemRandom()` in production, a seeded Random in tests."""

    def randrange(self, stop: int, /) -> int: ...


def _normalise(text: str) -> str:
    return text.translate(_IGNORED).upper().translate(_TWINS)


def _check_character(payload: str) -> str:
    weighted = sum(position * _VALUE[char] for position, char in enumerate(payload, start=1))
    check_weight = len(payload) + 1
    # Solve weighted + check_weight·v ≡ 0 (mod 17); check_weight is invertible because 17 is prime.
    value = (-weighted * pow(check_weight, -1, _MODULUS)) % _MODULUS
    return ALPHABET[value]


def _checksum_holds(characters: str) -> bool:
    total = sum(position * _VALUE[char] for position, char in enumerate(characters, start=1))
    return total % _MODULUS == 0


def _format(characters: str) -> str:
    prefix, rest = characters[: -BODY_LENGTH - 1], characters[-BODY_LENGTH - 1 :]
    return f"{prefix}{SEPARATOR}{rest}" if prefix else rest


def normalise_prefix(prefix: str) -> str:
    """The prefix in canonical form; raises CodingError if it cannot be part of a code."""
    canonical = _normalise(prefix)
    if len(canonical) > MAX_PREFIX_LENGTH or any(char not in _VALUE for char in canonical):
        raise CodingError(
            f"Префикс шифра «{prefix}» недопустим: используйте не более {MAX_PREFIX_LENGTH} "
            f"символов из набора {ALPHABET}."
        )
    return canonical


def generate_code(rng: RandomSource, existing: Set[str], prefix: str = "") -> str:
    """A fresh code, not in `existing` (canonical codes already issued in this olympiad)."""
    canonical_prefix = normalise_prefix(prefix)
    for _ in range(_MAX_DRAWS):
        body = "".join(ALPHABET[rng.randrange(_MODULUS)] for _ in range(BODY_LENGTH))
        payload = canonical_prefix + body
        code = _format(payload + _check_character(payload))
        if code not in existing:
            return code
    raise CodingError(
        f"Не удалось подобрать свободный шифр с префиксом «{canonical_prefix}»: "
        "выдано слишком много шифров. Используйте другой префикс."
    )


def validate_code(text: str) -> str:
    """The canonical form of a typed code; raises MistypedCode (Russian) if it cannot be valid.

    Case, spaces, dashes and Cyrillic look-alike letters are forgiven; anything else is a typo.
    """
    characters = _normalise(text)
    if not characters:
        raise MistypedCode("Шифр не указан: введите шифр с титульного листа работы.")
    for char in characters:
        if char not in _VALUE:
            raise MistypedCode(
                f"Шифр «{text}» набран с ошибкой: символ «{char}» не встречается в шифрах "
                f"(допустимы только {ALPHABET}). Сверьте шифр с работой и введите заново."
            )
    shortest = BODY_LENGTH + 1
    longest = MAX_PREFIX_LENGTH + shortest
    if not shortest <= len(characters) <= longest:
        raise MistypedCode(
            f"Шифр «{text}» набран с ошибкой: в шифре от {shortest} до {longest} символов, "
            f"а введено {len(characters)}. Сверьте шифр с работой и введите заново."
        )
    if not _checksum_holds(characters):
        raise MistypedCode(
            f"Шифр «{text}» набран с ошибкой: не сходится контрольный символ — вероятно, "
            "один символ введён неверно или два соседних переставлены. "
            "Сверьте шифр с работой и введите заново."
        )
    return _format(characters)
