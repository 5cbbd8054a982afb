"""Properties of the rating table (§117, §122–124) over generated results and policies."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from olymp_publishing.domain import (
    ChairDecision,
    QuotaPolicy,
    RankingTable,
    ResultRow,
    Status,
    build_table,
)

MAX_TOTAL = Decimal(20)
SURNAMES = [
    "Иванов",
    "иванов",
    "Иванова",
    "Иванова-Петрова",
    "Ёлкин",
    "Елкин",
    "Ежов",
    "Петров",
    "Петров-Водкин",
    "Петрова",
    "Йодов",
]
NAMES = ["Анна", "Ёлка", "Ия", "Анна-Мария"]
PATRONYMICS = ["", "Ивановна", "Петрович"]
SHARES = st.sampled_from([Decimal(v) for v in ("0", "0.25", "0.45", "0.5", "0.75", "1")])


@st.composite
def result_rows(draw: st.DrawFn) -> list[ResultRow]:
    count = draw(st.integers(min_value=1, max_value=25))
    return [
        ResultRow(
            participant_id=f"p{index:03d}",
            surname=draw(st.sampled_from(SURNAMES)),
            name=draw(st.sampled_from(NAMES)),
            patronymic=draw(st.sampled_from(PATRONYMICS)),
            grade=10,
            school="школа",
            # Half points on a short scale, so equal totals are common.
            total=Decimal(draw(st.integers(min_value=0, max_value=40))) / 2,
            max_total=MAX_TOTAL,
            consent_to_publish=draw(st.booleans()),
            annulled=(annulled := draw(st.booleans())),
            annulment_reason="акт" if annulled else "",
        )
        for index in range(count)
    ]


policies = st.builds(
    QuotaPolicy,
    prize_quota_share=SHARES,
    winner_min_share=SHARES,
    prize_min_share=SHARES,
    max_winners=st.one_of(st.none(), st.integers(min_value=1, max_value=3)),
    shares_strict=st.booleans(),
    quota_rounding=st.sampled_from([ROUND_FLOOR, ROUND_HALF_UP, ROUND_CEILING]),
)


@st.composite
def decided_tables(draw: st.DrawFn) -> tuple[list[ResultRow], QuotaPolicy, RankingTable]:
    """A table whose tie groups the chair has ruled on, each with any status in question."""
    rows, policy = draw(result_rows()), draw(policies)
    decisions = []
    for tie in build_table(rows, policy).ties:
        allowed = [s for s in Status if tie.upper.rank <= s.rank <= tie.default.rank]
        decisions.append(ChairDecision(tie.total, draw(st.sampled_from(allowed))))
    return rows, policy, build_table(rows, policy, tuple(decisions))


def granted(table: RankingTable) -> int:
    return sum(1 for r in table.rows if r.status is not Status.PARTICIPANT)


@given(result_rows(), policies)
def test_p122_table_is_a_permutation_of_the_results_not_annulled(
    rows: list[ResultRow], policy: QuotaPolicy
) -> None:
    table = build_table(rows, policy)
    ranked_ids = Counter(r.row.participant_id for r in table.rows)
    assert ranked_ids == Counter(row.participant_id for row in rows if not row.annulled)
    assert {row.participant_id for row in table.annulled} == {
        r.participant_id for r in rows if r.annulled
    }


@given(result_rows(), policies)
def test_p122_p123_descending_totals_then_alphabetical(
    rows: list[ResultRow], policy: QuotaPolicy
) -> None:
    table = build_table(rows, policy)
    for upper, lower in zip(table.rows, table.rows[1:], strict=False):
        assert upper.row.total >= lower.row.total
        if upper.row.total == lower.row.total:
            assert upper.row.sort_name <= lower.row.sort_name
            assert upper.place == lower.place


@given(result_rows(), policies)
def test_p123_places_count_those_strictly_ahead_and_those_level(
    rows: list[ResultRow], policy: QuotaPolicy
) -> None:
    table = build_table(rows, policy)
    totals = [r.row.total for r in table.rows]
    for ranked in table.rows:
        assert ranked.place_from == 1 + sum(1 for t in totals if t > ranked.row.total)
        assert ranked.place_to == sum(1 for t in totals if t >= ranked.row.total)


@given(decided_tables())
def test_p124_equal_totals_equal_status_and_statuses_never_rise_down_the_table(
    case: tuple[list[ResultRow], QuotaPolicy, RankingTable],
) -> None:
    _, _, table = case
    for upper, lower in zip(table.rows, table.rows[1:], strict=False):
        assert upper.status.rank <= lower.status.rank
        if upper.row.total == lower.row.total:
            assert upper.status is lower.status
    assert all(r.status is Status.PARTICIPANT for r in table.rows if r.row.total == 0)
    top = table.rows[0].row.total if table.rows else None
    assert all(r.row.total == top for r in table.rows if r.status is Status.WINNER)


@given(result_rows(), policies)
def test_p117_without_chair_decisions_the_quota_is_never_exceeded(
    rows: list[ResultRow], policy: QuotaPolicy
) -> None:
    table = build_table(rows, policy)
    assert granted(table) <= table.quota_places
    winners = sum(1 for r in table.rows if r.status is Status.WINNER)
    assert policy.max_winners is None or winners <= policy.max_winners
    for ranked in table.rows:
        share = policy.prize_min_share if ranked.status is Status.PRIZE_WINNER else None
        if share is not None:
            assert policy.reaches(ranked.row.total, MAX_TOTAL, share)


@given(decided_tables())
def test_p117_quota_exceeded_only_by_tie_groups_the_chair_promoted(
    case: tuple[list[ResultRow], QuotaPolicy, RankingTable],
) -> None:
    _, _, table = case
    promoted = sum(
        len(tie.participant_ids)
        for tie in table.ties
        if tie.chair_decision is not None and tie.chair_decision.rank < tie.default.rank
    )
    assert table.unresolved_ties == ()
    assert granted(table) <= table.quota_places + promoted


@given(result_rows(), policies, st.randoms(use_true_random=False))
def test_p122_same_input_in_any_order_gives_the_same_table(
    rows: list[ResultRow], policy: QuotaPolicy, rng: Random
) -> None:
    shuffled = list(rows)
    rng.shuffle(shuffled)
    assert build_table(shuffled, policy) == build_table(rows, policy)


SCHOOLS = ["МБОУ «СОШ № 1»", "МБОУ «Лицей»", "МКОУ «Усть-Ишимская СОШ»"]


@st.composite
def applications(draw: st.DrawFn) -> list[tuple[str, str, str, str, int, Decimal]]:
    """Rows of an application file: names equal up to ё/е and case, namesakes in several schools
    and grades, few totals; one person (name, school, grade) once, as registration demands."""
    people = draw(
        st.lists(
            st.tuples(
                st.sampled_from(SURNAMES),
                st.sampled_from(NAMES),
                st.sampled_from(PATRONYMICS),
                st.sampled_from(SCHOOLS),
                st.sampled_from([9, 10]),
            ),
            min_size=1,
            max_size=30,
            unique=True,
        )
    )
    totals = st.integers(min_value=0, max_value=4).map(lambda n: Decimal(n) * 5)
    return [(*person, draw(totals)) for person in people]


def imported(
    lines: list[tuple[str, str, str, str, int, Decimal]], seed: int
) -> list[tuple[object, ...]]:
    """The table as the public reads it, from one import: fresh random ids, lines in any order."""
    rng = Random(seed)
    shuffled = rng.sample(lines, len(lines))
    rows = [
        ResultRow(
            participant_id=f"{rng.getrandbits(128):032x}",
            surname=surname,
            name=name,
            patronymic=patronymic,
            grade=grade,
            task_grade=10,
            school=school,
            total=total,
            max_total=MAX_TOTAL,
            consent_to_publish=True,
        )
        for surname, name, patronymic, school, grade, total in shuffled
    ]
    table = build_table(rows, QuotaPolicy(prize_quota_share=Decimal("0.45")))
    return [
        (r.place, r.status, r.row.surname, r.row.name, r.row.patronymic, r.row.school, r.row.grade)
        for r in table.rows
    ]


@given(applications(), st.integers(), st.integers())
def test_p123_the_same_rows_imported_twice_give_the_same_order(
    lines: list[tuple[str, str, str, str, int, Decimal]], first: int, second: int
) -> None:
    assert imported(lines, first) == imported(lines, second)
