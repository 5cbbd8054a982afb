"""How many jury members may be at a work at once: the marking queue's one rule.

The server hands out the next work ("a claim"), so a work must never have more hands on it than the
rules allow: two different members mark every work (§69), and a disputed task is checked by one
third member (§73). The hands on a work are those who marked it and those who hold an unexpired
claim on it; a member who already marked the work is never given it again.

The order in which works are handed out is random but need not differ per member: each work draws
a rank when it is coded, and a member walks the works in rank order from a point of their own,
going on from the work they took last. Thirty members asking at once thus start at thirty scattered
places of one random order, and finding the next work never means sorting every work of the grade.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from olymp_scoring.domain.work import MARKERS_PER_WORK, WorkStatus

# one third member at a time: a second one would mark the same disputed tasks again (§73)
THIRD_MARKERS_AT_ONCE = 1


def free_hands(status: WorkStatus, marked_by: int, claimed_by_others: int) -> int:
    """How many more members may take the work, besides the `claimed_by_others` already at it."""
    if status is WorkStatus.AWAITING_MARKS:
        return max(0, MARKERS_PER_WORK - marked_by - claimed_by_others)
    if status is WorkStatus.NEEDS_THIRD_MARK:
        return max(0, THIRD_MARKERS_AT_ONCE - claimed_by_others)
    return 0  # checked or annulled: nobody marks it any more


def may_take(
    member: str, status: WorkStatus, marked_by: Collection[str], claimed_by_others: int
) -> bool:
    """`member` may be given the work: they have not marked it and a hand is free."""
    return member not in marked_by and free_hands(status, len(marked_by), claimed_by_others) > 0


def starting_point(member: str, queue: str) -> float:
    """Where `member` first enters `queue` (a subject and grade), in [0, 1) like the works' ranks.

    A hash rather than a draw: the same member starts at the same place after a restart, and
    different members at places scattered uniformly over the order.
    """
    digest = hashlib.blake2b(f"{queue}\n{member}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
