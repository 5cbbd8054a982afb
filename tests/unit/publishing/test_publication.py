"""§21 and §125: what the public sees; serialisation for JSON and CSV."""

from __future__ import annotations

import json
from decimal import Decimal

from olymp_publishing.domain import (
    PUBLIC_CSV_HEADER,
    QuotaPolicy,
    RankingTable,
    ResultRow,
    Status,
    build_table,
    initials,
    points_text,
    protocol_dict,
    public_csv_rows,
    public_name,
    public_rows,
    public_table_dict,
)


def row(pid: str, surname: str, total: str, consent: bool, **extra: object) -> ResultRow:
    fields: dict[str, object] = {
        "participant_id": pid,
        "surname": surname,
        "name": "Анна",
        "patronymic": "Владимировна",
        "grade": 8,
        "school": "МКОУ «Загваздинская СОШ»",
        "total": Decimal(total),
        "max_total": Decimal(50),
        "consent_to_publish": consent,
        **extra,
    }
    return ResultRow(**fields)  # type: ignore[arg-type]


def sample_table() -> RankingTable:
    rows = [
        row("a", "Ёлкина", "40", True),
        row("b", "Борисова", "37.50", False),
        row("c", "Сидорова", "30", True, annulled=True, annulment_reason="удалена, акт № 3"),
        row("d", "Волкова", "12", True, patronymic=""),
    ]
    return build_table(rows, QuotaPolicy(prize_quota_share=Decimal("0.7")))


def test_p21_initials_from_name_and_patronymic() -> None:
    assert public_name("Ёлкина", "Анна", "Владимировна") == "Ёлкина А. В."
    assert public_name("Иванова-Петрова", "Анна-Мария", "") == "Иванова-Петрова А.-М."
    assert initials("  ёлка ", "") == "Ё."
    assert initials("", "") == ""


def test_p21_consenting_row_shows_surname_initials_grade_school_score_status() -> None:
    first = public_rows(sample_table())[0]
    assert (first.position, first.place, first.participant) == (1, "1", "Ёлкина А. В.")
    assert (first.grade, first.school) == (8, "МКОУ «Загваздинская СОШ»")
    assert (first.total, first.status) == (Decimal(40), Status.WINNER)


def test_p21_row_without_consent_keeps_place_score_status_but_no_identity() -> None:
    second = public_rows(sample_table())[1]
    assert second.participant == "участник № 2"
    assert (second.grade, second.school) == (None, None)
    assert (second.place, second.total, second.status) == (
        "2",
        Decimal("37.5"),
        Status.PRIZE_WINNER,
    )
    published = json.dumps(public_table_dict(sample_table()), ensure_ascii=False)
    assert "Борисова" not in published
    assert '"participant_id"' not in published


def test_p53_annulled_work_is_not_published_but_kept_in_the_protocol() -> None:
    table = sample_table()
    published = json.dumps(public_table_dict(table), ensure_ascii=False)
    assert "Сидорова" not in published
    protocol = protocol_dict(table)
    assert protocol["annulled"][0]["status"] == "аннулировано"
    assert protocol["annulled"][0]["annulment_reason"] == "удалена, акт № 3"
    assert [r["surname"] for r in protocol["rows"]] == ["Ёлкина", "Борисова", "Волкова"]


def test_p125_public_table_as_json_ready_data() -> None:
    data = public_table_dict(sample_table())
    assert data["parallel"] == 8
    assert data["max_total"] == "50"
    assert data["rows"][1] == {
        "position": 2,
        "place": "2",
        "participant": "участник № 2",
        "grade": None,
        "school": None,
        "total": "37.5",
        "status": "призёр",
    }


def test_p125_csv_rows_have_a_russian_header_and_no_empty_identity_for_consenters() -> None:
    lines = public_csv_rows(sample_table())
    assert lines[0] == list(PUBLIC_CSV_HEADER)
    assert lines[1] == [
        "1",
        "1",
        "Ёлкина А. В.",
        "8",
        "МКОУ «Загваздинская СОШ»",
        "40",
        "победитель",
    ]
    assert lines[2][2:5] == ["участник № 2", "", ""]
    assert lines[3] == ["3", "3", "Волкова А.", "8", "МКОУ «Загваздинская СОШ»", "12", "участник"]


def test_p123_protocol_lists_ties_at_the_boundary() -> None:
    rows = [
        row(pid, f"Ф{pid}", total, True)
        for pid, total in zip("abcd", ["40", "30", "30", "5"], strict=True)
    ]
    protocol = protocol_dict(build_table(rows, QuotaPolicy(prize_quota_share=Decimal("0.5"))))
    assert protocol["ties"] == [
        {
            "total": "30",
            "participant_ids": ["b", "c"],
            "upper": "призёр",
            "default": "участник",
            "places_left": 1,
            "chair_decision": None,
            "status": "участник",
        }
    ]


def test_points_are_written_without_exponent_or_trailing_zeros() -> None:
    assert [points_text(Decimal(v)) for v in ("40.00", "37.50", "1E+1", "0.25")] == [
        "40",
        "37.5",
        "10",
        "0.25",
    ]
