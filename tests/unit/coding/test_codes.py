"""Work codes (§60–62): random, unique, short, and a check character that catches typos."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_coding.domain import (
    ALPHABET,
    BODY_LENGTH,
    MAX_PREFIX_LENGTH,
    CodingError,
    MistypedCode,
    generate_code,
    validate_code,
)


class ScriptedRandom:
    """Returns the given draws in order, then repeats the last: lets a test force a collision."""

    def __init__(self, draws: list[int]) -> None:
        self.draws = list(draws)

    def randrange(self, stop: int, /) -> int:
        value = self.draws.pop(0) if len(self.draws) > 1 else self.draws[0]
        assert 0 <= value < stop
        return value


def sample_codes() -> list[str]:
    rng = random.Random(20240611)
    codes: set[str] = set()
    for prefix in ("", "M", "XT", "AC2", "9HKP"):
        for _ in range(12):
            codes.add(generate_code(rng, codes, prefix))
    return sorted(codes)


def payload_of(code: str) -> str:
    return code.replace("-", "")


def with_separator(characters: str) -> str:
    split = len(characters) - BODY_LENGTH - 1
    return f"{characters[:split]}-{characters[split:]}" if split else characters


def test_p62_code_is_prefix_six_random_characters_and_a_check_character() -> None:
    code = generate_code(random.Random(1), set(), "m")
    assert re.fullmatch(rf"M-[{ALPHABET}]{{{BODY_LENGTH + 1}}}", code)
    assert re.fullmatch(
        rf"[{ALPHABET}]{{{BODY_LENGTH + 1}}}", generate_code(random.Random(1), set())
    )


def test_p62_generated_codes_validate_to_themselves() -> None:
    for code in sample_codes():
        assert validate_code(code) == code


def test_p62_alphabet_has_no_look_alike_characters() -> None:
    for confusable in "01OILBSZUVD":
        assert confusable not in ALPHABET
    assert len(set(ALPHABET)) == len(ALPHABET) == 17


def test_p62_check_character_catches_every_single_substitution() -> None:
    caught = 0
    for code in sample_codes():
        characters = payload_of(code)
        for position, original in enumerate(characters):
            for replacement in ALPHABET.replace(original, ""):
                typo = characters[:position] + replacement + characters[position + 1 :]
                with pytest.raises(MistypedCode, match="набран с ошибкой"):
                    validate_code(with_separator(typo))
                caught += 1
    assert caught > 5_000


def test_p62_check_character_catches_every_adjacent_transposition() -> None:
    caught = 0
    for code in sample_codes():
        characters = payload_of(code)
        for position in range(len(characters) - 1):
            left, right = characters[position], characters[position + 1]
            if left == right:
                continue
            swapped = characters[:position] + right + left + characters[position + 2 :]
            with pytest.raises(MistypedCode, match="контрольный символ"):
                validate_code(with_separator(swapped))
            caught += 1
    assert caught > 300


alphabet_text = st.text(alphabet=ALPHABET, min_size=0, max_size=MAX_PREFIX_LENGTH)
body_text = st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH)


class BodyFromText:
    """A random source that yields a chosen body, so hypothesis explores the code space."""

    def __init__(self, body: str) -> None:
        self.values = [ALPHABET.index(char) for char in body]

    def randrange(self, stop: int, /) -> int:
        return self.values.pop(0)


@given(
    prefix=alphabet_text,
    body=body_text,
    data=st.data(),
)
def test_p62_property_any_substitution_or_transposition_is_caught(
    prefix: str, body: str, data: st.DataObject
) -> None:
    code = generate_code(BodyFromText(body), set(), prefix)
    characters = payload_of(code)
    i = data.draw(st.integers(0, len(characters) - 1))
    j = data.draw(st.integers(0, len(characters) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET.replace(characters[i], "")))
    substituted = characters[:i] + replacement + characters[i + 1 :]
    with pytest.raises(MistypedCode):
        validate_code(with_separator(substituted))
    if characters[i] != characters[j]:
        swapped = list(characters)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        with pytest.raises(MistypedCode):
            validate_code(with_separator("".join(swapped)))


def test_p62_validation_forgives_case_spaces_and_cyrillic_look_alikes() -> None:
    code = generate_code(random.Random(7), set(), "MK")
    typed_in_cyrillic = code.lower().translate(str.maketrans("acehkmptx3", "асенкмртхз"))
    assert typed_in_cyrillic != code.lower()
    assert validate_code(f"  {typed_in_cyrillic.replace('-', ' ')} ") == code
    assert validate_code(code.replace("-", "")) == code


def test_p62_characters_outside_the_alphabet_are_refused_in_russian() -> None:
    code = generate_code(random.Random(3), set())
    with pytest.raises(MistypedCode, match="символ «O» не встречается в шифрах"):
        validate_code("O" + code[1:])


def test_p62_wrong_length_and_empty_input_are_refused_in_russian() -> None:
    code = generate_code(random.Random(3), set())
    with pytest.raises(MistypedCode, match="введено 6"):
        validate_code(code[:-1])
    with pytest.raises(MistypedCode, match="Шифр не указан"):
        validate_code(" - ")


def test_p60_a_code_already_issued_is_never_issued_again() -> None:
    first = generate_code(ScriptedRandom([0]), set())
    rng = ScriptedRandom([0] * BODY_LENGTH + [1] * BODY_LENGTH)
    second = generate_code(rng, {first})
    assert second != first
    assert validate_code(second) == second


def test_p60_exhausted_draws_are_reported_rather_than_looping_forever() -> None:
    only_code = generate_code(ScriptedRandom([0]), set())
    with pytest.raises(CodingError, match="Не удалось подобрать свободный шифр"):
        generate_code(ScriptedRandom([0]), {only_code})


def test_p60_prefix_outside_the_alphabet_is_refused() -> None:
    with pytest.raises(CodingError, match="Префикс шифра «INF» недопустим"):
        generate_code(random.Random(1), set(), "INF")
    with pytest.raises(CodingError, match="не более 4"):
        generate_code(random.Random(1), set(), "MMMMM")


def test_p60_codes_drawn_from_the_system_csprng_validate() -> None:
    code = generate_code(random.SystemRandom(), set(), "X")
    assert validate_code(code) == code
