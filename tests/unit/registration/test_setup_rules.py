"""The set-up's own rules, without a database: the briefing before the round (§32), the oral round
after the written one (§60), what keeps a composition incomplete (§21, §102) and which declared
schools are flagged (seed 000, §2)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest

from olymp_registration.domain import RoundSlot
from olymp_registration.setup.domain import (
    Commission,
    Conflict,
    ConflictKind,
    Member,
    Position,
    Roster,
    SchoolOfParticipants,
    Seat,
    SetupRefused,
    flag_conflicts,
    login_problems,
    position_problems,
    round_problems,
)

DAY = dt.date(2025, 11, 18)
WRITTEN = RoundSlot("written", DAY, dt.time(10), dt.time(14))


def jury(position: Position, surname: str, *schools: str) -> Member:
    return Member(
        Commission.JURY,
        "math",
        position,
        surname,
        "Алёна",
        conflicts=tuple(Conflict(ConflictKind.WORKS_THERE, s) for s in schools),
    )


def seats(*members: Member) -> tuple[Seat, ...]:
    return tuple(Seat(uuid.uuid4(), m) for m in members)


def test_p32_the_briefing_comes_before_the_start() -> None:
    slot = RoundSlot("main", DAY, dt.time(10, 20), dt.time(14, 20))
    assert round_problems("math", slot, dt.time(10), ()) == []
    [problem] = round_problems("math", slot, dt.time(10, 20), ())
    assert "раньше начала тура в 10:20" in problem and "§32" in problem


def test_p60_the_oral_round_is_held_on_a_later_day_than_the_written_one() -> None:
    next_day = RoundSlot("oral", DAY + dt.timedelta(days=1), dt.time(10), dt.time(12))
    assert round_problems("german", next_day, None, (WRITTEN,)) == []
    same_day = RoundSlot("oral", DAY, dt.time(15), dt.time(17))
    [problem] = round_problems("french", same_day, None, (WRITTEN,))
    assert "во второй день" in problem and "18.11.2025" in problem
    late_written = RoundSlot("written", DAY + dt.timedelta(days=2), dt.time(10), dt.time(14))
    [problem] = round_problems("german", late_written, None, (next_day,))
    assert "раньше устного (19.11.2025, §60)" in problem


def test_p21_a_jury_lacks_its_chair_secretary_and_fifth_person_until_it_has_them() -> None:
    members = [jury(Position.MEMBER, s) for s in ("Ахмедова", "Зуев-Лапин", "Королёва")]
    roster = Roster(Commission.JURY, "math", seats(*members))
    assert len(roster.warnings) == 3
    assert "добавьте ещё 2" in roster.warnings[2]
    full = Roster(
        Commission.JURY,
        "math",
        seats(
            jury(Position.CHAIR, "Ёлкина-Сафронова"),
            jury(Position.SECRETARY, "Щербаков"),
            *members,
        ),
    )
    assert full.complete and full.warnings == () and full.advice == ()


def test_p102_an_even_appeal_commission_is_complete_with_advice() -> None:
    def appeal(position: Position, surname: str) -> Member:
        return Member(Commission.APPEAL, "math", position, surname, "Пётр")

    two = Roster(
        Commission.APPEAL,
        "math",
        seats(appeal(Position.CHAIR, "Лаптева"), appeal(Position.MEMBER, "Ёжиков")),
    )
    assert not two.complete and "не менее 3 (§102)" in two.warnings[0]
    four = Roster(
        Commission.APPEAL,
        "math",
        seats(
            *(
                appeal(p, s)
                for p, s in [
                    (Position.CHAIR, "Лаптева"),
                    (Position.MEMBER, "Ёжиков"),
                    (Position.MEMBER, "Тимофеев"),
                    (Position.MEMBER, "Соколова"),
                ]
            )
        ),
    )
    assert four.complete and "нечётное" in four.advice[0]


def test_one_chair_per_commission_and_a_secretary_only_in_a_jury() -> None:
    chair = jury(Position.CHAIR, "Ёлкина-Сафронова")
    [problem] = position_problems(jury(Position.CHAIR, "Королёва"), [chair])
    assert "уже назначен: Ёлкина-Сафронова Алёна" in problem
    assert position_problems(jury(Position.MEMBER, "Королёва"), [chair]) == []
    with pytest.raises(SetupRefused, match="Секретарь назначается в жюри"):
        Member(Commission.APPEAL, "math", Position.SECRETARY, "Щербаков", "Фёдор")
    with pytest.raises(SetupRefused, match="Оргкомитет один на олимпиаду"):
        Member(Commission.ORGCOMMITTEE, "math", Position.MEMBER, "Белова", "Ольга")


def test_a_login_is_one_persons_within_a_composition() -> None:
    first = Member(Commission.JURY, "math", Position.MEMBER, "Ахмедова", "Гульнара", login="ahm")
    second = Member(Commission.JURY, "math", Position.MEMBER, "Ахмедов", "Рашид", login="ahm")
    [problem] = login_problems(second, [first])
    assert "«ahm» уже записан за Ахмедова Гульнара" in problem
    assert login_problems(replace(second, login=""), [first]) == []


def test_a_declared_school_is_flagged_however_its_quotes_and_number_sign_are_written() -> None:
    teacher = jury(Position.MEMBER, "Щербаков", "МБОУ «СОШ №2»", "МБОУ «Гимназия № 9»")
    flags = flag_conflicts(
        seats(teacher),
        [
            SchoolOfParticipants('МБОУ "СОШ № 2"', 3),
            SchoolOfParticipants("МБОУ «СОШ № 2»", 1),
            SchoolOfParticipants("МБОУ «Лицей»", 4),
        ],
    )
    [flagged] = next(iter(flags.values()))
    assert flagged.participants == 4
    assert flagged.text == (
        "работает в школе МБОУ «СОШ №2», а из этой школы по предмету заявлено 4 участника"
    )
