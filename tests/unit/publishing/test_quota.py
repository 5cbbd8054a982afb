"""§117 and §124: winners and prize-winners by the organiser's quota; ties at the boundary."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from olymp_publishing.domain import (
    ChairDecision,
    QuotaPolicy,
    RankingRuleError,
    RankingTable,
    ResultRow,
    Status,
    build_table,
)

W, P, U = Status.WINNER, Status.PRIZE_WINNER, Status.PARTICIPANT


def table(
    totals: list[str],
    decisions: tuple[ChairDecision, ...] = (),
    **policy: object,
) -> RankingTable:
    rows = [
        ResultRow(
            participant_id=f"p{index:02d}",
            surname=f"Фамилия{index:02d}",
            name="Анна",
            patronymic="",
            grade=9,
            school="школа",
            total=Decimal(total),
            max_total=Decimal(100),
            consent_to_publish=True,
        )
        for index, total in enumerate(totals)
    ]
    settings: dict[str, object] = {"prize_quota_share": Decimal("0.5"), **policy}
    return build_table(rows, QuotaPolicy(**settings), decisions)  # type: ignore[arg-type]


def statuses(t: RankingTable) -> list[Status]:
    return [r.status for r in t.rows]


def test_p124_statuses_are_the_official_russian_terms() -> None:
    assert [str(s) for s in Status] == ["победитель", "призёр", "участник"]


def test_p117_winner_is_the_top_total_then_prize_winners_within_quota() -> None:
    t = table(["90", "80", "70", "60", "55", "40", "30", "20", "10", "5"])
    assert t.quota_places == 5
    assert statuses(t) == [W, P, P, P, P] + [U] * 5
    assert t.ties == ()


def test_p117_several_winners_when_they_share_the_top_total() -> None:
    t = table(["90", "90", "80", "10"])
    assert statuses(t) == [W, W, U, U]


def test_p124_no_winner_when_the_top_total_is_below_the_winner_share() -> None:
    t = table(["45", "40", "10", "5"], prize_min_share=Decimal("0.4"))
    assert statuses(t) == [P, P, U, U]


def test_p124_prize_winner_must_reach_the_prize_share() -> None:
    t = table(["90", "60", "49.5", "40", "30", "20", "10", "5"])
    assert statuses(t) == [W, P] + [U] * 6


def test_p124_strict_share_means_more_than_half() -> None:
    assert statuses(table(["50", "10"], prize_quota_share=Decimal(1))) == [W, U]
    strict = table(["50", "10"], prize_quota_share=Decimal(1), shares_strict=True)
    assert statuses(strict) == [U, U]


def test_p117_zero_total_never_wins_a_status() -> None:
    t = table(
        ["0", "0"],
        prize_quota_share=Decimal(1),
        winner_min_share=Decimal(0),
        prize_min_share=Decimal(0),
    )
    assert statuses(t) == [U, U]


def test_p117_quota_is_rounded_down_unless_the_organiser_says_otherwise() -> None:
    totals = ["90", "80", "70", "60", "55", "54", "53"]
    assert table(totals, prize_quota_share=Decimal("0.25")).quota_places == 1
    rounded = table(totals, prize_quota_share=Decimal("0.25"), quota_rounding=ROUND_HALF_UP)
    assert rounded.quota_places == 2
    assert statuses(rounded) == [W, P] + [U] * 5


def test_p117_tie_straddling_the_quota_is_flagged_and_stays_below_by_default() -> None:
    t = table(["90", "80", "70", "70", "20", "10"])
    assert t.quota_places == 3
    assert statuses(t) == [W, P, U, U, U, U]
    (tie,) = t.ties
    assert (tie.total, tie.upper, tie.default, tie.places_left) == (Decimal(70), P, U, 1)
    assert tie.participant_ids == ("p02", "p03")
    assert t.unresolved_ties == (tie,)


def test_p117_chair_decision_sets_the_status_of_the_whole_tie_group() -> None:
    decided = table(["90", "80", "70", "70", "20", "10"], (ChairDecision(Decimal("70.0"), P),))
    assert statuses(decided) == [W, P, P, P, U, U]
    assert decided.unresolved_ties == ()
    assert decided.ties[0].chair_decision is P
    kept_below = table(["90", "80", "70", "70", "20", "10"], (ChairDecision(Decimal(70), U),))
    assert statuses(kept_below) == [W, P, U, U, U, U]
    assert kept_below.unresolved_ties == ()


def test_p117_lower_totals_never_overtake_a_group_left_below_the_boundary() -> None:
    # The three 70s do not fit in the two places left and stay participants; two places remain
    # free, but the 60 below them must not take one.
    t = table(["90", "80", "70", "70", "70", "60", "10", "5"])
    assert t.quota_places == 4
    assert statuses(t) == [W, P, U, U, U, U, U, U]
    assert [tie.total for tie in t.ties] == [Decimal(70)]


def test_p117_top_group_larger_than_max_winners_is_a_tie_for_the_chair() -> None:
    t = table(["90", "90", "80", "10"], max_winners=1)
    assert statuses(t) == [P, P, U, U]
    (tie,) = t.ties
    assert (tie.upper, tie.default, tie.places_left) == (W, P, 1)
    decided = table(["90", "90", "80", "10"], (ChairDecision(Decimal(90), W),), max_winners=1)
    assert statuses(decided) == [W, W, U, U]


def test_p117_chair_may_only_choose_between_the_statuses_in_question() -> None:
    with pytest.raises(RankingRuleError, match="«призёр» или «участник»"):
        table(["90", "80", "70", "70", "20", "10"], (ChairDecision(Decimal(70), W),))


def test_p117_chair_decision_without_a_boundary_tie_is_refused() -> None:
    with pytest.raises(RankingRuleError, match="не стоят на границе квоты"):
        table(["90", "80", "10"], (ChairDecision(Decimal(80), W),))


def test_p117_one_decision_per_tie_group() -> None:
    decisions = (ChairDecision(Decimal(70), P), ChairDecision(Decimal("70.00"), U))
    with pytest.raises(RankingRuleError, match="несколько решений"):
        table(["90", "80", "70", "70", "20", "10"], decisions)


@pytest.mark.parametrize(
    "settings",
    [
        {"prize_quota_share": Decimal("1.5")},
        {"prize_quota_share": Decimal("0.5"), "winner_min_share": Decimal("-0.1")},
        {"prize_quota_share": Decimal("0.5"), "max_winners": 0},
        {"prize_quota_share": Decimal("0.5"), "quota_rounding": "ROUND_UPWARDS"},
    ],
)
def test_p117_policy_rejects_impossible_settings(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        QuotaPolicy(**settings)  # type: ignore[arg-type]
