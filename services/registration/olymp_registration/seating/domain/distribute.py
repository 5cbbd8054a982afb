"""Which participant goes to which room.

A group is a grade with or without special conditions (§12); a kind is the rooms that take the
same groups. First a flow says how many of each group each kind of rooms takes (or that the desks
do not suffice), each kind's share is split over its rooms in proportion to their free desks, then
each group is dealt over its rooms, the largest school first, so that every school is spread in
proportion too and stays within each room's neighbour limit (⌈desks/2⌉); a participant whose
school no room's quota can take goes to a desk no group's quota needs, and what is left crowded is
relieved by swaps between rooms. Whatever the order of the rooms or of the participants, the same
rooms come out: every loop runs over sorted lists, never over sets.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence

from olymp_registration.seating.domain import messages
from olymp_registration.seating.domain.model import Candidate, PlannedRoom, Seat

Group = tuple[int, bool]
"""(grade, special conditions)"""


def kinds_of(rooms: Sequence[PlannedRoom]) -> list[list[PlannedRoom]]:
    """Rooms grouped by the grades they take and whether they are for special conditions, in
    the plan's order of their first room."""
    kinds: dict[tuple[tuple[int, ...], bool], list[PlannedRoom]] = {}
    for room in rooms:
        kinds.setdefault((room.grades, room.special_conditions), []).append(room)
    return list(kinds.values())


def max_flow(
    groups: Sequence[Group],
    demand: Mapping[Group, int],
    kinds: Sequence[Sequence[PlannedRoom]],
    free: Mapping[str, int],
) -> dict[tuple[Group, int], int]:
    """Participants of each group sent to each kind (by index): as many as the free desks of
    the kinds that take them allow (Edmonds–Karp on a graph of a few dozen nodes)."""
    source, sink = 0, 1
    group_node = {group: 2 + i for i, group in enumerate(groups)}
    kind_node = [2 + len(groups) + k for k in range(len(kinds))]
    size = 2 + len(groups) + len(kinds)
    capacity = [[0] * size for _ in range(size)]
    for group in groups:
        capacity[source][group_node[group]] = demand[group]
        for k, rooms in enumerate(kinds):
            if rooms[0].takes(*group):
                capacity[group_node[group]][kind_node[k]] = demand[group]
    for k, rooms in enumerate(kinds):
        capacity[kind_node[k]][sink] = sum(free[room.name] for room in rooms)
    flow = [[0] * size for _ in range(size)]
    while True:
        parent = [-1] * size
        parent[source] = source
        queue = deque([source])
        while queue and parent[sink] < 0:
            node = queue.popleft()
            for nxt in range(size):
                if parent[nxt] < 0 and capacity[node][nxt] - flow[node][nxt] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if parent[sink] < 0:
            break
        push, node = None, sink
        while node != source:
            before = parent[node]
            left = capacity[before][node] - flow[before][node]
            push = left if push is None else min(push, left)
            node = before
        assert push is not None
        node = sink
        while node != source:
            before = parent[node]
            flow[before][node] += push
            flow[node][before] -= push
            node = before
    return {
        (group, k): flow[group_node[group]][kind_node[k]]
        for group in groups
        for k in range(len(kinds))
        if flow[group_node[group]][kind_node[k]] > 0
    }


def split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` in parts proportional to `weights` (largest remainders, the first on a tie),
    none above its weight; `total` must not exceed their sum."""
    whole = sum(weights)
    if total > whole:
        raise ValueError(f"cannot split {total} over {whole}")
    if total == 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def room_quotas(
    groups: Sequence[Group],
    to_kind: Mapping[tuple[Group, int], int],
    kinds: Sequence[Sequence[PlannedRoom]],
    free: Mapping[str, int],
) -> dict[Group, dict[str, int]]:
    """How many of each group each room takes: a kind's share of a group over its rooms in
    proportion to the desks still free, group after group."""
    quotas: dict[Group, dict[str, int]] = {group: {} for group in groups}
    for k, rooms in enumerate(kinds):
        left = {room.name: free[room.name] for room in rooms}
        for group in groups:
            count = to_kind.get((group, k), 0)
            if not count:
                continue
            parts = split(count, [left[room.name] for room in rooms])
            for room, part in zip(rooms, parts, strict=True):
                if part:
                    quotas[group][room.name] = part
                    left[room.name] -= part
    return quotas


def group_of(person: Candidate) -> Group:
    return (person.grade, person.special_conditions)


def to_rooms(
    rooms: Sequence[PlannedRoom],
    people: Sequence[Candidate],
    newcomers: Sequence[Candidate],
    free: Mapping[str, int],
    kept: Mapping[str, Seat],
    previous: Mapping[str, Seat],
) -> tuple[dict[str, str] | None, list[str]]:
    """participant id → room name for everyone (those `kept` stay in their rooms), or the
    reasons why there is no lawful placement."""
    groups = sorted({group_of(p) for p in newcomers}, key=lambda g: (not g[1], g[0]))
    demand = {g: sum(1 for p in newcomers if group_of(p) == g) for g in groups}
    problems = [
        messages.no_room(g[0], g[1], [p for p in newcomers if group_of(p) == g])
        for g in groups
        if not any(room.takes(*g) for room in rooms)
    ]
    problems += _schools_too_large(rooms, people)
    kinds = kinds_of(rooms)
    to_kind = max_flow(groups, demand, kinds, free)
    for group in groups:
        short = demand[group] - sum(n for (g, _), n in to_kind.items() if g == group)
        taking = [room for room in rooms if room.takes(*group)]
        if short and taking:
            sharing = sorted(
                {
                    messages.grade_group(p.grade, p.special_conditions)
                    for p in people
                    if group_of(p) != group and any(r.takes(*group_of(p)) for r in taking)
                }
            )
            count = sum(1 for p in people if group_of(p) == group)
            problems.append(messages.too_few_desks(*group, count, taking, sharing))
    if problems:
        return None, problems
    quotas = room_quotas(groups, to_kind, kinds, free)
    spare = {
        room.name: free[room.name] - sum(quotas[g].get(room.name, 0) for g in groups)
        for room in rooms
    }
    placement = _Placement(rooms, people, kept)
    for group in groups:
        members = [p for p in newcomers if group_of(p) == group]
        placement.deal(members, quotas[group], spare, previous)
    placement.relieve(newcomers, spare)
    problems = placement.crowded_schools()
    return (placement.room_of if not problems else None), problems


def _schools_too_large(rooms: Sequence[PlannedRoom], people: Sequence[Candidate]) -> list[str]:
    """Schools with more participants of a group than all the rooms taking it hold apart."""
    count: dict[tuple[Group, str], int] = {}
    shown: dict[str, str] = {}
    for person in people:
        key = (group_of(person), person.school_key)
        count[key] = count.get(key, 0) + 1
        shown.setdefault(person.school_key, person.school)
    taking: dict[Group, list[PlannedRoom]] = {}
    problems = []
    for (group, school), n in sorted(count.items()):
        if group not in taking:
            taking[group] = [room for room in rooms if room.takes(*group)]
        limit = sum(room.neighbour_limit for room in taking[group])
        if taking[group] and n > limit:
            problems.append(messages.school_too_large(shown[school], n, taking[group]))
    return problems


class _Placement:
    """Rooms of the participants as they are dealt, with each room's count per school."""

    def __init__(
        self,
        rooms: Sequence[PlannedRoom],
        people: Sequence[Candidate],
        kept: Mapping[str, Seat],
    ) -> None:
        self.rooms = list(rooms)
        self.by_name = {room.name: room for room in rooms}
        self.limit = {room.name: room.neighbour_limit for room in rooms}
        self.people = list(people)
        self.room_of: dict[str, str] = {}
        self.of_school: dict[str, dict[str, int]] = {room.name: {} for room in rooms}
        self.members: dict[str, list[Candidate]] = {room.name: [] for room in rooms}
        by_id = {p.participant_id: p for p in people}
        for pid, was in kept.items():
            self.put(by_id[pid], was.room)

    def put(self, person: Candidate, room: str) -> None:
        self.room_of[person.participant_id] = room
        self.members[room].append(person)
        counts = self.of_school[room]
        counts[person.school_key] = counts.get(person.school_key, 0) + 1

    def take(self, person: Candidate) -> str:
        room = self.room_of.pop(person.participant_id)
        self.of_school[room][person.school_key] -= 1
        self.members[room].remove(person)
        return room

    def fits(self, room: str, school: str, extra: int = 1) -> bool:
        return self.of_school[room].get(school, 0) + extra <= self.limit[room]

    def deal(
        self,
        members: Sequence[Candidate],
        quota: Mapping[str, int],
        spare: dict[str, int],
        previous: Mapping[str, Seat],
    ) -> None:
        """Deal a group over its rooms: the largest school first, each participant to the room
        with the largest open share of its quota where their school fits (a returning
        participant to their previous room when it can take them); when no quota fits, to a
        spare desk of a room that takes the group and where the school fits."""
        size: dict[str, int] = {}
        for person in members:
            size[person.school_key] = size.get(person.school_key, 0) + 1
        ordered = sorted(members, key=lambda p: (-size[p.school_key], p.school_key, p.sort_key))
        order = {name: i for i, name in enumerate(quota)}
        group_rooms = [r.name for r in self.rooms if members and r.takes(*group_of(members[0]))]
        left = dict(quota)

        def entry(name: str) -> tuple[float, int, str]:
            return (-left[name] / quota[name], order[name], name)

        # the rooms by open share of their quota; an entry whose share changed since is skipped
        heap = [entry(name) for name in quota]
        heapq.heapify(heap)
        for person in ordered:
            school = person.school_key
            was = previous.get(person.participant_id)
            chosen = None
            if was is not None and left.get(was.room, 0) > 0 and self.fits(was.room, school):
                chosen = was.room
            passed = []
            while chosen is None and heap:
                top = heapq.heappop(heap)
                name = top[2]
                if not left[name] or top != entry(name):
                    continue
                if self.fits(name, school):
                    chosen = name
                else:
                    passed.append(top)
            for top in passed:
                heapq.heappush(heap, top)
            if chosen is None:
                chosen = self._spare_desk(group_rooms, school, spare)
            if chosen is None:  # every room is full of this school: relieve() or the report
                chosen = passed[0][2]
            if chosen in spare and left.get(chosen, 0) == 0:
                spare[chosen] -= 1
            else:
                left[chosen] -= 1
                if left[chosen]:
                    heapq.heappush(heap, entry(chosen))
            self.put(person, chosen)
        for name, unused in left.items():
            spare[name] += unused

    def _spare_desk(
        self, group_rooms: Sequence[str], school: str, spare: Mapping[str, int]
    ) -> str | None:
        open_rooms = [name for name in group_rooms if spare[name] > 0 and self.fits(name, school)]
        if not open_rooms:
            return None
        return max(open_rooms, key=lambda name: (spare[name], -group_rooms.index(name)))

    def relieve(self, movable: Sequence[Candidate], spare: dict[str, int]) -> None:
        """Move or swap participants out of rooms where their school is over the limit, while
        that helps; only `movable` people move (those kept by a reseat stay)."""
        can_move = {p.participant_id for p in movable}
        changed = True
        while changed:
            changed = False
            for person in self.people:
                pid = person.participant_id
                room = self.room_of[pid]
                if pid not in can_move or self.fits(room, person.school_key, extra=0):
                    continue
                if self._move_or_swap(person, room, can_move, spare):
                    changed = True

    def _move_or_swap(
        self, person: Candidate, room: str, can_move: set[str], spare: dict[str, int]
    ) -> bool:
        school = person.school_key
        here = self.by_name[room]
        for target in self.rooms:
            name = target.name
            if name == room or not target.takes(*group_of(person)) or not self.fits(name, school):
                continue
            if spare[name] > 0:
                self.take(person)
                self.put(person, name)
                spare[name] -= 1
                spare[room] += 1
                return True
            for other in self.members[name]:
                if (
                    other.participant_id in can_move
                    and other.school_key != school
                    and here.takes(*group_of(other))
                    and self.fits(room, other.school_key)
                ):
                    self.take(person)
                    self.take(other)
                    self.put(person, name)
                    self.put(other, room)
                    return True
        return False

    def crowded_schools(self) -> list[str]:
        """A school with more participants in a room than can sit there apart, reported for
        the rooms of one kind together when the kind as a whole cannot hold them apart."""
        shown: dict[str, str] = {}
        for person in self.people:
            shown.setdefault(person.school_key, person.school)
        problems = []
        for rooms_of_kind in kinds_of(self.rooms):
            crowded = sorted(
                {
                    school
                    for room in rooms_of_kind
                    for school, count in self.of_school[room.name].items()
                    if count > room.neighbour_limit
                }
            )
            for school in crowded:
                total = sum(self.of_school[room.name].get(school, 0) for room in rooms_of_kind)
                if total > sum(room.neighbour_limit for room in rooms_of_kind):
                    problems.append(messages.school_too_large(shown[school], total, rooms_of_kind))
                    continue
                for room in rooms_of_kind:
                    count = self.of_school[room.name].get(school, 0)
                    if count > room.neighbour_limit:
                        problems.append(messages.school_too_large(shown[school], count, [room]))
        return problems
