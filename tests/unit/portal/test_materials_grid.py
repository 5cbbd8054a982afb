"""The regional coordinator's grid: each municipality's state of each package, in words."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from olymp_portal.materials.handlers import grid_of

OMSK = ZoneInfo("Asia/Omsk")


def row(name: str, **state: Any) -> dict[str, Any]:
    base = {
        "municipality_id": name,
        "ciphertext_fetched": False,
        "key_delivered": False,
        "receipt_confirmed": False,
        "complete": None,
        "missing": [],
        "problems": None,
        "has_problems": False,
        "late": False,
    }
    return {**base, **state}


def test_each_state_is_said_in_words_and_the_lagging_are_counted() -> None:
    status = {
        "late_after_min": 30,
        "items": [
            {
                "package_id": "p-1",
                "subject_code": "math",
                "kind": "tasks",
                "release_at": "2026-11-23T02:00:00+00:00",
                "released_at": "2026-11-23T02:00:00+00:00",
                "municipalities": [
                    row("tara", ciphertext_fetched=True, key_delivered=True),
                    row("ust-ishim", ciphertext_fetched=True, key_delivered=True, late=True),
                    row(
                        "kalachinsk",
                        receipt_confirmed=True,
                        complete=False,
                        missing=["бланк ответов 9 класса"],
                    ),
                    row("muromtsevo", receipt_confirmed=True, complete=True),
                ],
            }
        ],
    }

    grid = grid_of(status, OMSK, dt.datetime(2026, 11, 23, 2, 40, tzinfo=dt.UTC))

    [column] = grid.columns
    assert (column.title, column.release, column.released) == (
        "математика: задания",
        "23.11 08:00",
        True,
    )
    cells = {name: cells[0] for name, cells in grid.rows}
    assert [name for name, _ in grid.rows] == ["kalachinsk", "muromtsevo", "tara", "ust-ishim"]
    assert (cells["tara"].state, cells["tara"].words) == ("keyed", "ключ доставлен")
    assert cells["ust-ishim"].words == "опаздывает с подтверждением"
    assert cells["kalachinsk"].words == "некомплект: бланк ответов 9 класса"
    assert cells["muromtsevo"].words == "получение подтверждено"
    assert grid.lagging == 2
    assert grid.refreshed == "08:40:00"
