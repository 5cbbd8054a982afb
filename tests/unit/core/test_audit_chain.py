"""The pure hash chain: every way of changing, removing or reordering entries is named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_core.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditHead,
    ChainChecker,
    canonical_json,
    entry_hash,
    json_payload,
    verify_chain,
)

START = dt.datetime(2025, 10, 14, 2, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Omsk


def make_entry(seq: int, prev_hash: str, **changes: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": START + dt.timedelta(minutes=seq, microseconds=seq),
        "actor": "jury:ivanova",
        "action": "score.recorded",
        "object_type": "work",
        "object_id": f"МАТ-9-{seq:03d}",
        "payload": {"task": seq % 5 + 1, "points": "3.5", "notes": ["ё", seq]},
    }
    fields.update(changes)
    return AuditEntry(prev_hash=prev_hash, hash=entry_hash(prev_hash=prev_hash, **fields), **fields)


def make_chain(length: int) -> tuple[list[AuditEntry], AuditHead]:
    entries: list[AuditEntry] = []
    prev_hash = GENESIS_HASH
    for seq in range(1, length + 1):
        entry = make_entry(seq, prev_hash)
        entries.append(entry)
        prev_hash = entry.hash
    return entries, AuditHead(seq=length, hash=prev_hash)


def rehashed(entry: AuditEntry, **changes: Any) -> AuditEntry:
    """An entry rewritten by someone who also recomputed its own hash."""
    changed = dataclasses.replace(entry, **changes)
    return dataclasses.replace(changed, hash=changed.expected_hash())


def test_intact_chain_is_ok() -> None:
    entries, head = make_chain(6)
    result = verify_chain(entries, head)
    assert result.ok
    assert result.entries_checked == 6
    assert result.first_bad_seq is None
    assert result.problem is None


def test_empty_chain_at_genesis_is_ok() -> None:
    assert verify_chain([], AuditHead(seq=0, hash=GENESIS_HASH)).ok
    assert verify_chain([], None).ok


def test_changed_payload_names_the_entry() -> None:
    entries, head = make_chain(6)
    entries[2] = dataclasses.replace(entries[2], payload={"task": 1, "points": "10"})
    result = verify_chain(entries, head)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.problem == "entry 3 was changed"
    assert result.entries_checked == 2


@pytest.mark.parametrize(
    "field, value",
    [
        ("actor", "jury:petrov"),
        ("action", "score.deleted"),
        ("object_type", "participant"),
        ("object_id", "МАТ-9-999"),
        ("at", START + dt.timedelta(days=1)),
    ],
)
def test_any_changed_field_names_the_entry(field: str, value: Any) -> None:
    entries, head = make_chain(5)
    entries[1] = dataclasses.replace(entries[1], **{field: value})
    result = verify_chain(entries, head)
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_changed_entry_with_recomputed_hash_is_caught_by_the_next_link() -> None:
    entries, head = make_chain(6)
    entries[2] = rehashed(entries[2], payload={"task": 1, "points": "10"})
    result = verify_chain(entries, head)
    assert result.first_bad_seq == 3
    assert result.problem == "entry 3 was changed"
    assert result.entries_checked == 2


def test_rewritten_first_entry_is_named() -> None:
    entries, head = make_chain(3)
    entries[0] = rehashed(entries[0], prev_hash="f" * 64)
    result = verify_chain(entries, head)
    assert (result.first_bad_seq, result.problem) == (1, "entry 1 was changed")


def test_rehashed_last_entry_is_caught_by_the_head() -> None:
    entries, head = make_chain(4)
    entries[3] = rehashed(entries[3], payload={"points": "0"})
    result = verify_chain(entries, head)
    assert result.first_bad_seq == 4
    assert result.problem is not None and result.problem.startswith("entry 4 was changed")


def test_removed_middle_entry_is_named() -> None:
    entries, head = make_chain(6)
    del entries[3]
    result = verify_chain(entries, head)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 4, "entry 4 was removed")
    assert result.entries_checked == 3


def test_removed_run_of_entries_is_named() -> None:
    entries, head = make_chain(8)
    del entries[2:5]
    result = verify_chain(entries, head)
    assert (result.first_bad_seq, result.problem) == (3, "entries 3 to 5 were removed")


def test_removed_first_entry_is_named() -> None:
    entries, head = make_chain(3)
    result = verify_chain(entries[1:], head)
    assert (result.first_bad_seq, result.problem) == (1, "entry 1 was removed")


def test_removed_tail_is_caught_by_the_head() -> None:
    entries, head = make_chain(44)
    result = verify_chain(entries[:41], head)
    assert not result.ok
    assert result.first_bad_seq == 42
    assert result.problem == "the last entries after 41 were removed (head says 44)"
    assert result.entries_checked == 41


def test_every_entry_removed_is_caught_by_the_head() -> None:
    _, head = make_chain(3)
    result = verify_chain([], head)
    assert (result.ok, result.first_bad_seq) == (False, 1)


def test_reordered_entries_renumbered_in_place_are_changed() -> None:
    entries, head = make_chain(5)
    second, third = entries[1], entries[2]
    entries[1] = dataclasses.replace(third, seq=2)
    entries[2] = dataclasses.replace(second, seq=3)
    result = verify_chain(entries, head)
    assert (result.first_bad_seq, result.problem) == (2, "entry 2 was changed")


def test_entries_fed_out_of_order_fail_at_the_first_gap() -> None:
    entries, head = make_chain(4)
    result = verify_chain([entries[0], entries[2], entries[1], entries[3]], head)
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_duplicated_entry_is_out_of_order() -> None:
    entries, head = make_chain(3)
    result = verify_chain([entries[0], entries[1], entries[1], entries[2]], head)
    assert (result.first_bad_seq, result.problem) == (2, "entry 2 is out of order (after 2)")


def test_entries_beyond_the_head_are_reported() -> None:
    entries, _ = make_chain(5)
    stale_head = AuditHead(seq=3, hash=entries[2].hash)
    result = verify_chain(entries, stale_head)
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_entries_appended_while_verifying_are_covered_by_the_head_read_after() -> None:
    entries, final_head = make_chain(5)
    checker = ChainChecker(AuditHead(seq=3, hash=entries[2].hash))
    assert all(checker.feed(entry) for entry in entries)
    result = checker.finish(head_after=final_head)
    assert (result.ok, result.entries_checked) == (True, 5)


def test_missing_head_with_entries_is_reported() -> None:
    entries, _ = make_chain(2)
    result = verify_chain(entries, None)
    assert (result.ok, result.problem) == (False, "the audit head is missing")


def test_same_instant_in_any_zone_hashes_the_same() -> None:
    omsk = START.astimezone(ZoneInfo("Asia/Omsk"))
    assert make_entry(1, GENESIS_HASH, at=omsk).hash == make_entry(1, GENESIS_HASH, at=START).hash


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        make_entry(1, GENESIS_HASH, at=dt.datetime(2025, 10, 14, 8, 0))


def test_canonical_json_ignores_key_order_and_spelling_of_numbers() -> None:
    assert canonical_json({"b": 1, "a": [1.0, "x"]}) == canonical_json({"a": [1, "x"], "b": 1})
    assert canonical_json(1e16) == canonical_json(10**16)
    assert canonical_json(-0.0) == canonical_json(0)
    assert canonical_json(37.5) != canonical_json(375)
    assert canonical_json("ё") == '"ё"'


def test_json_payload_keeps_exact_values_and_refuses_the_rest() -> None:
    at = dt.datetime(2025, 10, 14, 8, 0, tzinfo=ZoneInfo("Asia/Omsk"))
    assert json_payload({"points": Decimal("37.50"), "at": at, "tasks": (1, 2)}) == {
        "points": "37.50",
        "at": "2025-10-14T02:00:00.000000Z",
        "tasks": [1, 2],
    }
    with pytest.raises(ValueError, match=r"payload\.points"):
        json_payload({"points": math.nan})
    with pytest.raises(ValueError, match="not a string"):
        json_payload({"tasks": {1: "a"}})
    with pytest.raises(ValueError, match="set is not a JSON value"):
        json_payload({"tasks": {1, 2}})


json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=8)
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def as_jsonb_returns(value: Any) -> Any:
    """What PostgreSQL jsonb hands back: same digits, but integral numbers lose their exponent."""
    text = json.dumps(value)

    def number(literal: str) -> Any:
        exact = Decimal(literal)
        exponent = exact.as_tuple().exponent
        assert isinstance(exponent, int)
        return int(exact) if exponent >= 0 else float(literal)

    return json.loads(text, parse_float=number, parse_int=int)


@given(json_values)
def test_canonical_form_survives_the_jsonb_round_trip(value: Any) -> None:
    assert canonical_json(as_jsonb_returns(value)) == canonical_json(value)


@given(st.integers(min_value=1, max_value=12), st.data())
def test_any_single_tampered_entry_is_named(length: int, data: st.DataObject) -> None:
    entries, head = make_chain(length)
    index = data.draw(st.integers(min_value=0, max_value=length - 1))
    recompute = data.draw(st.booleans())
    new_payload = data.draw(st.dictionaries(st.text(max_size=4), json_leaves, max_size=3))
    if new_payload == entries[index].payload:
        new_payload = {"tampered": True}
    changed = dataclasses.replace(entries[index], payload=new_payload)
    entries[index] = rehashed(changed) if recompute else changed

    result = verify_chain(entries, head)

    assert not result.ok
    assert result.first_bad_seq == index + 1
    assert result.entries_checked == index
