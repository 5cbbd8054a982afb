"""Reading an application within bounds (M4): linear header cleaning, a budget checked per row."""

from __future__ import annotations

import re
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_core.testing.synthetic import generate_participants, to_csv, to_xlsx
from olymp_registration.domain import (
    Column,
    ImportTooSlow,
    ParseBudget,
    parse_participants_csv,
    parse_participants_xlsx,
)
from olymp_registration.domain.importing import columns
from olymp_registration.domain.importing.columns import recognise

# The expressions the cleaning replaced: right, but quadratic on a long run not at the end.
OLD_DECORATION = re.compile(r"[\s*:.]+$")
OLD_TRAILING_HINT = re.compile(r"\s*\([^()]*\)$")

header_text = st.text(alphabet=" \t.*:()аб-", max_size=30)


@given(header_text)
def test_trailing_decoration_is_stripped_exactly_as_the_old_expression_did(text: str) -> None:
    assert columns._undecorated(text) == OLD_DECORATION.sub("", text)


@given(header_text)
def test_a_trailing_hint_is_dropped_exactly_as_the_old_expression_did(text: str) -> None:
    assert columns._without_trailing_hint(text) == OLD_TRAILING_HINT.sub("", text)


@pytest.mark.parametrize(
    "header",
    ["Фамилия*", "Фамилия :", "Класс.", "Согласие на публикацию (да/нет)", "Имя участника *:"],
)
def test_decorated_headers_are_still_recognised(header: str) -> None:
    assert recognise(header) is not None


def test_a_long_run_of_decoration_not_at_the_end_is_not_a_column() -> None:
    # ~131 KB: the old expression spent minutes here; the loop looks at the end only
    assert recognise(" ." * 65_500 + "x") is None
    assert recognise("Фамилия" + " ." * 65_500) is Column.SURNAME


def ticking(step: float) -> ParseBudget:
    """A budget of 1 s on a clock that advances `step` seconds at every look."""
    instants = count()
    return ParseBudget(1.0, lambda: next(instants) * step)


def test_csv_reading_stops_itself_once_its_budget_is_spent() -> None:
    data = to_csv(generate_participants(seed=3, n=30, schools=2, subjects=["math"]))

    with pytest.raises(ImportTooSlow, match="ни один участник не сохранён"):
        parse_participants_csv(data, ticking(0.1))  # ten rows take the whole second

    assert len(parse_participants_csv(data, ticking(0.001)).rows) == 30


def test_xlsx_reading_stops_itself_once_its_budget_is_spent() -> None:
    data = to_xlsx(generate_participants(seed=3, n=30, schools=2, subjects=["math"]))

    with pytest.raises(ImportTooSlow):
        parse_participants_xlsx(data, ticking(0.1))

    assert len(parse_participants_xlsx(data, ticking(0.001)).rows) == 30


def test_blank_rows_count_against_the_budget() -> None:
    header = ";".join(str(c) for c in Column).encode()
    data = header + b"\r\n" + b";;;;\r\n" * 50

    with pytest.raises(ImportTooSlow):
        parse_participants_csv(data, ticking(0.1))
