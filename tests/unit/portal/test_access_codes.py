"""A participant's access code: random, typed forgivingly, stored only as a hash."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from olymp_portal.domain.access_codes import ALPHABET, code_hash, new_code, normalised


def test_a_new_code_reads_in_four_groups_of_four() -> None:
    code = new_code()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    assert len({new_code() for _ in range(200)}) == 200


def test_typed_forgivingly_lower_case_spaces_and_look_alike_letters() -> None:
    code = "7KQ2-M9XD-4HT1-P0ZR"
    assert code_hash("7kq2 m9xd 4htl p0zr") == code_hash(code)
    assert code_hash("7KQ2M9XD4HTIPOZR") == code_hash(code)
    assert normalised(code) == "7KQ2M9XD4HT1P0ZR"


def test_what_cannot_be_a_code_has_no_hash() -> None:
    assert code_hash("") is None
    assert code_hash("7KQ2-M9XD-4HT1") is None  # too short
    assert code_hash("7KQ2-M9XD-4HT1-P0ZU") is None  # U is not in the alphabet
    assert code_hash("' OR 1=1 --") is None


@given(st.text(alphabet=ALPHABET, min_size=16, max_size=16))
def test_every_code_of_the_alphabet_survives_grouping(plain: str) -> None:
    grouped = "-".join(plain[i : i + 4] for i in range(0, 16, 4))
    assert normalised(grouped) == plain
    assert code_hash(grouped) == code_hash(plain.lower())
    assert code_hash(grouped) is not None and len(code_hash(grouped) or "") == 64
