"""The works of an olympiad grouped by school, by venue and for the whole municipality: how the
totals spread (as shares of each table's maximum, so that subjects and grades add up), the share
of high results, winners and prize-winners, annulled works by reason — and the rule that marks a
school or a venue whose results depart strongly from the municipality's.

A high result is a total of at least three quarters of the maximum (`TOP_SHARE`). The seeds set
no such threshold: three quarters is the upper quarter of the scale, where the analytic report's
upper band of points begins (App. 13), and above the half of the maximum that the organiser's
quota asks of a prize-winner by default — a result that is strong, not merely awarded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Final

from olymp_publishing.analytics.domain import percent
from olymp_publishing.domain.collation import name_part_key
from olymp_publishing.domain.model import Status, points_text

TOP_SHARE: Final = Decimal("0.75")
# shares of the maximum; a bound belongs to the band above it, so «75 % и выше» is the high results
SHARE_BANDS: Final = ("до 25 %", "25–50 %", "50–75 %", "75 % и выше")
_BOUNDS: Final = (Decimal("0.25"), Decimal("0.5"), TOP_SHARE)
VENUE_UNKNOWN: Final = "площадка не указана в заявке"

_TENTH = Decimal("0.1")


class AnnulmentKind(StrEnum):
    """Why a work was annulled, as scoring states it (its reason codes); anything else is OTHER."""

    REMOVED = "removed_from_venue"
    IDENTIFYING_MARKS = "identifying_marks"
    VIOLATION = "violation_before_approval"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ANNULMENT_LABELS[self]


_ANNULMENT_LABELS: Final = {
    AnnulmentKind.REMOVED: "удаление участника с актом (п. 53)",
    AnnulmentKind.IDENTIFYING_MARKS: "пометки, позволяющие идентифицировать участника (п. 47, 52, 68)",
    AnnulmentKind.VIOLATION: "нарушение, выявленное до утверждения результатов (п. 119)",
    AnnulmentKind.OTHER: "иная причина",
}
ANNULMENT_KINDS: Final = tuple(AnnulmentKind)


def annulment_kind(reason: str) -> AnnulmentKind:
    try:
        return AnnulmentKind(reason.strip())
    except ValueError:
        return AnnulmentKind.OTHER


def share_band(share: Decimal) -> int:
    """The index in SHARE_BANDS of a total's share of the maximum."""
    return sum(1 for bound in _BOUNDS if share >= bound)


@dataclass(frozen=True)
class MonitoredWork:
    """One work of a published table, as the monitoring groups it."""

    subject_code: str
    grade: int
    work_code: str
    participant_id: str
    school: str
    venue: str | None  # None: the application named none, or registration did not say
    share: Decimal | None  # the total's share of the table's maximum; None when annulled
    status: Status | None  # None when annulled
    annulment: AnnulmentKind | None = None


def table_works(
    protocol: Mapping[str, Any],
    subject_code: str,
    grade: int,
    venues: Mapping[str, str | None],
) -> list[MonitoredWork]:
    """The ranked and the annulled works of a version's stored protocol
    (`publication.protocol_dict`); `venues`: participant id → venue."""
    max_total = Decimal(protocol["max_total"])
    works = [
        MonitoredWork(
            subject_code=subject_code,
            grade=grade,
            work_code=row.get("work_code") or "",
            participant_id=str(row["participant_id"]),
            school=row["school"],
            venue=venues.get(str(row["participant_id"])),
            share=Decimal(row["total"]) / max_total if max_total > 0 else Decimal(0),
            status=Status(row["status"]),
        )
        for row in protocol.get("rows", [])
    ]
    works += [
        MonitoredWork(
            subject_code=subject_code,
            grade=grade,
            work_code=row.get("work_code") or "",
            participant_id=str(row["participant_id"]),
            school=row["school"],
            venue=venues.get(str(row["participant_id"])),
            share=None,
            status=None,
            annulment=annulment_kind(row.get("annulment_reason") or ""),
        )
        for row in protocol.get("annulled", [])
    ]
    return works


@dataclass(frozen=True)
class GroupFigures:
    """A school's, a venue's or the municipality's works."""

    name: str
    works: int  # every work, the annulled ones included
    ranked: int
    bands: tuple[int, ...]  # ranked works per SHARE_BANDS
    mean_percent: Decimal | None  # the mean share of the maximum, %
    winners: int
    prize_winners: int
    annulled: tuple[int, ...]  # per ANNULMENT_KINDS
    flags: tuple[str, ...] = ()  # why the rule marks it (Russian); empty: not marked

    @property
    def top(self) -> int:
        return self.bands[-1]

    @property
    def top_percent(self) -> Decimal | None:
        return percent(self.top, self.ranked)

    @property
    def awarded(self) -> int:
        return self.winners + self.prize_winners

    @property
    def awarded_percent(self) -> Decimal | None:
        return percent(self.awarded, self.ranked)

    @property
    def band_percents(self) -> tuple[Decimal | None, ...]:
        return tuple(percent(count, self.ranked) for count in self.bands)

    @property
    def annulled_total(self) -> int:
        return sum(self.annulled)

    @property
    def annulled_percent(self) -> Decimal | None:
        return percent(self.annulled_total, self.works)

    @property
    def removed(self) -> int:
        return self.annulled[ANNULMENT_KINDS.index(AnnulmentKind.REMOVED)]

    @property
    def removed_percent(self) -> Decimal | None:
        return percent(self.removed, self.works)


def figures(name: str, works: Iterable[MonitoredWork]) -> GroupFigures:
    bands = [0] * len(SHARE_BANDS)
    annulled = [0] * len(ANNULMENT_KINDS)
    shares: list[Decimal] = []
    winners = prize_winners = count = 0
    for work in works:
        count += 1
        if work.annulment is not None:
            annulled[ANNULMENT_KINDS.index(work.annulment)] += 1
            continue
        assert work.share is not None  # a ranked work has its total
        shares.append(work.share)
        bands[share_band(work.share)] += 1
        winners += work.status is Status.WINNER
        prize_winners += work.status is Status.PRIZE_WINNER
    mean = (
        None
        if not shares
        else (Decimal(100) * sum(shares, Decimal(0)) / len(shares)).quantize(_TENTH, ROUND_HALF_UP)
    )
    return GroupFigures(
        name=name,
        works=count,
        ranked=len(shares),
        bands=tuple(bands),
        mean_percent=mean,
        winners=winners,
        prize_winners=prize_winners,
        annulled=tuple(annulled),
    )


@dataclass(frozen=True)
class FlagRule:
    """When a school's or a venue's results depart strongly from the municipality's: at least
    `min_works` ranked works, and the share of high results — or of winners and prize-winners —
    at least `ratio` times the municipality's, with at least `min_count` such works (one strong
    participant is no pattern). A mark asks for a look (re-checking, the room video), it proves
    nothing by itself."""

    ratio: Decimal = Decimal(2)
    min_works: int = 5
    min_count: int = 2

    def departs(self, count: int, base: int, whole_count: int, whole_base: int) -> bool:
        """`count` of `base` is at least `ratio` times `whole_count` of `whole_base`; compared
        on whole numbers (count × whole_base ≥ ratio × whole_count × base), so rounding of the
        printed percentages never decides."""
        if base < self.min_works or count < self.min_count or whole_base == 0:
            return False
        return count * whole_base >= self.ratio * whole_count * base

    def reasons(self, unit: GroupFigures, whole: GroupFigures) -> tuple[str, ...]:
        found = []
        for what, count, whole_count in (
            ("высоких результатов", unit.top, whole.top),
            ("победителей и призёров", unit.awarded, whole.awarded),
        ):
            if self.departs(count, unit.ranked, whole_count, whole.ranked):
                found.append(
                    f"доля {what} {_percent_text(percent(count, unit.ranked))} % ({count} из"
                    f" {unit.ranked}) при {_percent_text(percent(whole_count, whole.ranked))} %"
                    " по муниципалитету"
                )
        return tuple(found)

    @property
    def text(self) -> str:
        """The rule as the report states it."""
        return (
            f"Организация или площадка отмечается, если у неё не менее {self.min_works} работ в"
            " рейтинге, а доля высоких результатов (не менее"
            f" {points_text(TOP_SHARE * 100)} % максимального балла) или доля победителей и"
            " призёров превышает долю по муниципалитету в"
            f" {points_text(self.ratio)} раза и более, причём таких работ не менее"
            f" {self.min_count}. Отметка — повод перепроверить работы и просмотреть"
            " видеозаписи, а не вывод о нарушении."
        )


def grouped(
    works: Sequence[MonitoredWork], rule: FlagRule
) -> tuple[GroupFigures, tuple[GroupFigures, ...], tuple[GroupFigures, ...]]:
    """The municipality, its schools and its venues (by name, collated as names are); schools
    and venues marked by `rule`. Works without a venue make a group of their own, never marked:
    it is no place where anything happened."""
    whole = figures("Муниципалитет (все работы)", works)
    schools = _groups(works, lambda work: work.school, whole, rule, unmarked=None)
    venues = _groups(
        works, lambda work: work.venue or VENUE_UNKNOWN, whole, rule, unmarked=VENUE_UNKNOWN
    )
    return whole, schools, venues


def _groups(
    works: Sequence[MonitoredWork],
    key: Callable[[MonitoredWork], str],
    whole: GroupFigures,
    rule: FlagRule,
    *,
    unmarked: str | None,
) -> tuple[GroupFigures, ...]:
    by_name: dict[str, list[MonitoredWork]] = {}
    for work in works:
        by_name.setdefault(key(work), []).append(work)
    found = []
    for name, members in by_name.items():
        group = figures(name, members)
        if name != unmarked:
            group = dataclasses.replace(group, flags=rule.reasons(group, whole))
        found.append(group)
    # the group of works without a venue last; the others as names are collated
    return tuple(sorted(found, key=lambda g: (g.name == unmarked, name_part_key(g.name), g.name)))


def _percent_text(value: Decimal | None) -> str:
    return "—" if value is None else points_text(value)
