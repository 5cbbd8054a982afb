"""Seating a big venue (§30): N participants from S schools into rooms of 15–30 desks.

The participants are the synthetic district application the demo and the tests use (Cyrillic
names, namesakes in one school, a few with special conditions); the rooms are planned by grade as
an organiser would: rooms of 15–30 desks (3–5 rows of 5–6 desks) for each grade until a tenth of
the desks is spare, and a room of 6–12 desks per grade for the participants with special
conditions (§12). Times `seat` (olymp_registration.seating.domain) alone, in this process: no
database, no HTTP. Then counts the pairs of neighbours from one school (0 when an arrangement
exists), checks one participant per desk and the rooms' grades, and times a reseat after 1 % of
the applications are withdrawn and as many late ones are added (how many it moved).

    .venv/bin/python bench/seating.py                              # 10,000 from 60 schools
    .venv/bin/python bench/seating.py --participants 2000 --schools 20 --runs 5

Prints each run; the last line is `{"participants": …, "seconds": …, "violations": …, …}` with the
median of the runs ("seconds" is the first seating; "reseat_seconds", "moved" the reseat's).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence

from olymp_core.testing.synthetic import generate_participants
from olymp_registration.domain.text import school_key
from olymp_registration.seating.domain import (
    Candidate,
    PlannedRoom,
    Seating,
    neighbour_violations,
    seat,
)

SPARE = 0.10  # a tenth of the desks left free, as organisers plan for late applications


def candidates(count: int, schools: int, seed: int) -> list[Candidate]:
    lines = generate_participants(seed, count, schools, ["math"])
    return [
        Candidate(
            participant_id=f"p{index:06d}",
            surname=line.surname,
            name=line.name,
            patronymic=line.patronymic,
            grade=line.grade,
            school=line.school,
            school_key=school_key(line.school),
            special_conditions=bool(line.special_conditions),
        )
        for index, line in enumerate(lines)
    ]


def plan(people: Sequence[Candidate], seed: int) -> list[PlannedRoom]:
    rng = random.Random(seed)  # reproducible rooms, not secrets
    groups = Counter((p.grade, p.special_conditions) for p in people)
    rooms: list[PlannedRoom] = []
    for (grade, special), count in sorted(groups.items()):
        needed = int(count * (1 + SPARE)) + 1
        while needed > 0:
            rows, desks = (
                (rng.randint(2, 3), rng.randint(3, 4))
                if special
                else (
                    rng.randint(3, 5),
                    rng.randint(5, 6),
                )
            )
            kind = "ОВЗ" if special else "к"
            rooms.append(
                PlannedRoom(f"{grade}{kind}-{len(rooms) + 1}", rows, desks, (grade,), special)
            )
            needed -= rows * desks
    return rooms


def check(rooms: Sequence[PlannedRoom], seating: Seating, people: Sequence[Candidate]) -> int:
    """Neighbour pairs from one school; asserts one person per desk and the rooms' grades."""
    by_name = {room.name: room for room in rooms}
    assert len(seating.seats) == len(people)
    assert len(set(seating.seats.values())) == len(seating.seats), "two at one desk"
    for person in people:
        place = seating.seats[person.participant_id]
        room = by_name[place.room]
        assert room.has(place.desk) and room.takes(person.grade, person.special_conditions)
    schools = {p.participant_id: p.school_key for p in people}
    return len(neighbour_violations(rooms, seating.seats, schools))


def one_run(people: list[Candidate], rooms: list[PlannedRoom], seed: int) -> dict[str, float]:
    started = time.perf_counter()
    seating = seat(rooms, people)
    seconds = time.perf_counter() - started
    violations = check(rooms, seating, people)
    # late changes: 1 % withdrawn, as many new applications from the same schools
    rng = random.Random(seed + 1)
    gone = set(rng.sample([p.participant_id for p in people], len(people) // 100))
    late = [
        Candidate(
            f"late{n:05d}",
            "Ёлкина-Соколова",
            "Алёна",
            "Петровна",
            p.grade,
            p.school,
            p.school_key,
            p.special_conditions,
        )
        for n, p in enumerate(rng.sample(people, len(gone)))
    ]
    after = [p for p in people if p.participant_id not in gone] + late
    started = time.perf_counter()
    reseated = seat(rooms, after, seating.seats)
    reseat_seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "violations": violations,
        "reseat_seconds": reseat_seconds,
        "reseat_violations": check(rooms, reseated, after),
        "moved": len(reseated.moved),
        "added": len(reseated.added),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--schools", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    people = candidates(args.participants, args.schools, args.seed)
    rooms = plan(people, args.seed)
    desks = sum(room.desks for room in rooms)
    print(
        f"{len(people)} participants from {args.schools} schools, {len(rooms)} rooms "
        f"({desks} desks, {min(r.desks for r in rooms)}–{max(r.desks for r in rooms)} each), "
        f"{sum(p.special_conditions for p in people)} with special conditions; "
        f"load average {load:.2f}"
    )
    runs = []
    for number in range(1, args.runs + 1):
        run = one_run(people, rooms, args.seed)
        runs.append(run)
        print(
            f"run {number}: seated in {run['seconds']:.3f} s, {run['violations']:.0f} neighbour "
            f"pairs from one school; reseat after {run['added']:.0f} withdrawn and as many added "
            f"in {run['reseat_seconds']:.3f} s, {run['moved']:.0f} moved, "
            f"{run['reseat_violations']:.0f} pairs"
        )

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(
        json.dumps(
            {
                "participants": len(people),
                "seconds": round(median("seconds"), 3),
                "violations": int(max(run["violations"] for run in runs)),
                "schools": args.schools,
                "rooms": len(rooms),
                "reseat_seconds": round(median("reseat_seconds"), 3),
                "moved": int(median("moved")),
                "runs": [round(run["seconds"], 3) for run in runs],
                "load_1m": round(load, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
