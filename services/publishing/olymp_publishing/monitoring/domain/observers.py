"""Public observation by venue (§18–19; the objectivity plan's observers), as registration keeps
it: which rounds held at a venue had an observer on the public schedule, and the observers'
violation reports with the organiser's decisions. Counts only: no observer's name, no report's
text — they stay with registration and the organiser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from olymp_publishing.domain.collation import name_part_key

ROUND: Final = "round"  # registration's procedure of a round at a venue
CONFIRMED: Final = "confirmed"
NOT_CONFIRMED: Final = "not_confirmed"


@dataclass(frozen=True)
class ScheduledObservation:
    """An item of the public schedule of observation."""

    day: dt.date
    procedure: str  # round, checking, analysis_and_show, appeals
    place: str  # a venue of the olympiad for a round
    subject_code: str  # "" for every subject held there that day
    observers: int


@dataclass(frozen=True)
class ViolationReport:
    """An observer's report (§19), reduced to where, when and what the organiser decided."""

    place: str  # where the observer was assigned
    procedure: str
    day: dt.date
    subject_code: str
    outcome: str | None  # confirmed, not_confirmed; None while undecided


@dataclass(frozen=True)
class RoundHeld:
    """A subject's round at a venue where works were written."""

    venue: str
    subject_code: str
    day: dt.date


@dataclass(frozen=True)
class PlaceObservation:
    place: str
    rounds: int | None  # rounds held there; None: the schedule or the rounds not known
    observed: int | None
    unobserved: tuple[RoundHeld, ...]
    reports: int | None  # None: the reports not had
    confirmed: int
    not_confirmed: int

    @property
    def undecided(self) -> int:
        return (self.reports or 0) - self.confirmed - self.not_confirmed


def observed(held: RoundHeld, schedule: Sequence[ScheduledObservation]) -> bool:
    """An observer was on the schedule at that venue that day, for that subject or for all."""
    return any(
        item.procedure == ROUND
        and item.place == held.venue
        and item.day == held.day
        and item.subject_code in ("", held.subject_code)
        and item.observers > 0
        for item in schedule
    )


def place_observation(
    rounds: Sequence[RoundHeld] | None,
    schedule: Sequence[ScheduledObservation] | None,
    reports: Sequence[ViolationReport] | None,
) -> tuple[PlaceObservation, ...]:
    """By place: the venues where rounds were held and every place a report names, collated."""
    places = {held.venue for held in rounds or ()} | {r.place for r in reports or ()}
    found = []
    for place in places:
        held_here = [held for held in rounds or () if held.venue == place]
        known = rounds is not None and schedule is not None
        unobserved = (
            tuple(held for held in held_here if not observed(held, schedule or ())) if known else ()
        )
        mine = [r for r in reports or () if r.place == place]
        found.append(
            PlaceObservation(
                place=place,
                rounds=len(held_here) if rounds is not None else None,
                observed=len(held_here) - len(unobserved) if known else None,
                unobserved=unobserved,
                reports=None if reports is None else len(mine),
                confirmed=sum(1 for r in mine if r.outcome == CONFIRMED),
                not_confirmed=sum(1 for r in mine if r.outcome == NOT_CONFIRMED),
            )
        )
    return tuple(sorted(found, key=lambda p: (name_part_key(p.place), p.place)))
