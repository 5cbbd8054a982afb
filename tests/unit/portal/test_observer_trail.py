"""The observer's trail page, without I/O: each entry's link to the one before it on the page, and
times typed in the olympiad's zone."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from olymp_portal.observer.domain import (
    GENESIS_HASH,
    TimeFilterError,
    entry_views,
    instant_of,
    ordered_services,
)

OMSK = ZoneInfo("Asia/Omsk")


def entry(seq: int, prev_hash: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": f"2026-11-20T0{seq}:00:00Z",
        "actor": "jury-sokolova",
        "action": "work.marked",
        "object_type": "work",
        "object_id": f"МАТ-9-{seq:03d}",
        "payload": {"task_scores": {"1": "7.5"}},
        "hash": f"{seq:x}" * 64,
        "prev_hash": prev_hash,
        "hash_matches": True,
    }
    fields.update(changes)
    return fields


def test_each_entry_is_linked_to_the_one_before_it_on_the_page() -> None:
    page = [entry(3, "2" * 64), entry(2, "1" * 64), entry(1, GENESIS_HASH)]
    views = entry_views(page, OMSK)
    assert [(v.seq, v.link) for v in views] == [(3, "linked"), (2, "linked"), (1, "genesis")]
    assert views[0].at == dt.datetime(2026, 11, 20, 9, 0, tzinfo=OMSK)
    assert views[0].action_label == "работа проверена членом жюри"
    assert '"7.5"' in views[0].payload_text


def test_a_link_that_names_another_hash_is_broken() -> None:
    page = [entry(3, "f" * 64), entry(2, "1" * 64), entry(1, "e" * 64)]
    assert [v.link for v in entry_views(page, OMSK)] == ["broken", "linked", "broken"]


def test_an_entry_whose_predecessor_is_not_on_the_page_is_not_judged() -> None:
    # filtered by action, or the page ends: the check of the whole chain is the service's verify
    page = [entry(9, "8" * 64), entry(5, "4" * 64)]
    assert [v.link for v in entry_views(page, OMSK)] == ["outside", "outside"]


def test_times_typed_in_the_form_are_read_in_the_olympiads_zone() -> None:
    assert instant_of("2026-11-20T10:00", OMSK) == "2026-11-20T10:00:00+06:00"
    assert instant_of("  ", OMSK) is None
    with pytest.raises(TimeFilterError) as refused:
        instant_of("вчера", OMSK)
    assert "не дата и время" in str(refused.value)


def test_services_come_in_the_order_of_the_stage() -> None:
    configured = ["publishing", "registration", "scoring", "materials", "portal"]
    assert ordered_services(configured) == ["materials", "registration", "scoring", "publishing"]
