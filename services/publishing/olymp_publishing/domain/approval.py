"""Approval of the final results (§80, §121): what must hold, and the 21-day term.

The jury chair submits the final table; the organiser (the municipal education committee, §121)
approves it, which publishes the final version. Approval is refused while:
- the chair has not submitted the table;
- the appeal window of the subject is open (§96: filing ends two working days after the show);
- any appeal of that subject and grade awaits the commission's decision (§112–114);
- a tie group at the quota boundary has no ruling of the chair (§117, checked with the table).
A table not built yet and a tie without a ruling refuse the chair's submission as well:
`submission_blockers` names those, `appeal_blockers` the appeals'.

§121 gives the organiser "up to 21 calendar days from the last date of the rounds": counted in
the olympiad's time zone from the local date the last round of the subject ended, the term ends
with day 21; from day 18 the status warns, after day 21 it says the term is missed (approval is
still possible: a late approval is better than none, and the delay is on record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from olymp_core.clock import to_local
from olymp_publishing.domain.model import RankingTable, points_text

TERM_DAYS = 21
WARN_FROM_DAY = 18


@dataclass(frozen=True)
class ApprovalTerm:
    last_round_day: dt.date
    due: dt.date  # the last day of the term
    day: int  # today is day N after the last round (the round's day is 0)

    @property
    def days_left(self) -> int:
        return TERM_DAYS - self.day

    @property
    def warning(self) -> bool:
        return WARN_FROM_DAY <= self.day <= TERM_DAYS

    @property
    def overdue(self) -> bool:
        return self.day > TERM_DAYS

    def text(self) -> str:
        """What the organiser reads next to the approval button."""
        due = f"{self.due:%d.%m.%Y}"
        if self.overdue:
            return (
                f"Срок утверждения итоговых результатов (п. 121: 21 календарный день после "
                f"последнего тура, {self.last_round_day:%d.%m.%Y}) истёк {due}."
            )
        # «дн.» ends the sentence itself: no second full stop after it
        left = f"осталось {self.days_left} дн." if self.days_left else "сегодня последний день."
        return f"Итоговые результаты нужно утвердить до {due} включительно (п. 121): {left}"


def approval_term(
    last_round_ends_at: dt.datetime, time_zone: str, now: dt.datetime
) -> ApprovalTerm:
    last_day = to_local(last_round_ends_at, time_zone).date()
    today = to_local(now, time_zone).date()
    return ApprovalTerm(last_day, last_day + dt.timedelta(days=TERM_DAYS), (today - last_day).days)


@dataclass(frozen=True)
class AppealsSnapshot:
    """What appeals last said of the subject: the filing deadline and undecided appeals."""

    deadline: dt.datetime
    undecided: int  # of this grade


def appeal_blockers(
    appeals: AppealsSnapshot | None, now: dt.datetime, time_zone: str | None
) -> list[str]:
    """Why the appeals stand in the way of approval (§96, §112–114), in Russian; [] if nothing."""
    if appeals is None:
        return []
    reasons: list[str] = []
    if now < appeals.deadline:
        when = (
            f"{to_local(appeals.deadline, time_zone):%d.%m.%Y %H:%M} ({time_zone})"
            if time_zone
            else f"{appeals.deadline.astimezone(dt.UTC):%d.%m.%Y %H:%M} UTC"
        )
        reasons.append(f"приём апелляций открыт до {when} (п. 96)")
    if appeals.undecided:
        reasons.append(
            "апелляций этой параллели без решения апелляционной комиссии: "
            f"{appeals.undecided} (п. 112–114)"
        )
    return reasons


def submission_blockers(table: RankingTable | None) -> list[str]:
    """Why the chair's submission would be refused now (§61, §65, §117), in Russian; [] if none."""
    if table is None:
        return [
            "предварительные результаты ещё не сформированы: нужны расшифровка работ и"
            " проверенные баллы всех работ (п. 61, 65)"
        ]
    return [
        "нет решения председателя жюри по участникам с равной суммой баллов"
        f" {points_text(tie.total).replace('.', ',')} на границе квоты:"
        f" {len(tie.participant_ids)} чел., мест по квоте осталось {tie.places_left} (п. 117)"
        for tie in table.unresolved_ties
    ]
