"""The rules of public observation (§18–19), in milliseconds: accreditation, assignments to
procedures, and the three calendar days of a violation report in the olympiad's own zone."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_registration.domain import Olympiad, Room, SubjectSchedule, Venue
from olymp_registration.observers.domain import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_MAX,
    AttachmentRefused,
    AttachmentTooLarge,
    InvalidAssignment,
    InvalidObserver,
    Procedure,
    ReportDecided,
    ReportRefused,
    ReportTooLate,
    ReportWindow,
    accredit,
    assign,
    attachment_name,
    decision_text,
    report_deadline,
    report_text,
)

ROUND_DAY = dt.date(2026, 11, 20)  # a Friday
OMSK = "Asia/Omsk"  # UTC+6
SCHOOL = "МБОУ «Усть-Ишимская СОШ № 1»"


def olympiad() -> Olympiad:
    return Olympiad(
        title="Муниципальный этап ВсОШ 2026/27",
        school_year="2026/2027",
        time_zone=OMSK,
        subjects=(
            SubjectSchedule.single_round("math", ROUND_DAY, dt.time(10), dt.time(14)),
            SubjectSchedule.single_round(
                "physics", ROUND_DAY + dt.timedelta(days=3), dt.time(10), dt.time(13)
            ),
        ),
        venues=(Venue(SCHOOL, (Room("Кабинет 12", 20),)),),
    )


def omsk(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    local = dt.datetime(day.year, day.month, day.day, hour, minute, second)
    return local.replace(tzinfo=dt.timezone(dt.timedelta(hours=6))).astimezone(dt.UTC)


# --- the three days of §19 -------------------------------------------------------------------


def test_the_deadline_is_the_end_of_the_third_day_after_in_the_olympiads_zone() -> None:
    deadline = report_deadline(ROUND_DAY, OMSK)
    assert deadline == dt.datetime(2026, 11, 23, 17, 59, 59, 999999, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "now",
    [
        omsk(ROUND_DAY, 0, 0),  # the day itself, from its first minute
        omsk(ROUND_DAY, 14, 30),
        omsk(ROUND_DAY + dt.timedelta(days=2), 12),
        omsk(ROUND_DAY + dt.timedelta(days=3), 23, 59, 59),  # the third day's last second
    ],
)
def test_a_report_is_taken_from_the_day_until_the_third_day_after(now: dt.datetime) -> None:
    ReportWindow(ROUND_DAY, OMSK).check_open(now)


def test_a_report_on_the_fourth_day_is_refused_with_the_deadline_shown() -> None:
    fourth_day = omsk(ROUND_DAY + dt.timedelta(days=4), 0, 0)
    with pytest.raises(ReportTooLate) as refused:
        ReportWindow(ROUND_DAY, OMSK).check_open(fourth_day)
    assert "Срок подачи истёк 23.11.2026 в 23:59 (время Asia/Omsk)" in refused.value.detail
    assert "п. 19" in refused.value.detail
    assert refused.value.extensions["deadline"] == "2026-11-23T17:59:59.999999+00:00"


def test_the_days_are_counted_in_the_olympiads_zone_not_the_servers() -> None:
    """00:30 on the fourth day in Omsk is still the third day in Moscow: refused in Omsk only."""
    instant = dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.UTC)
    with pytest.raises(ReportTooLate):
        ReportWindow(ROUND_DAY, OMSK).check_open(instant)
    ReportWindow(ROUND_DAY, "Europe/Moscow").check_open(instant)


def test_a_report_before_the_procedures_day_is_refused() -> None:
    with pytest.raises(ReportRefused) as refused:
        ReportWindow(ROUND_DAY, OMSK).check_open(omsk(ROUND_DAY - dt.timedelta(days=1), 23, 59))
    assert not isinstance(refused.value, ReportTooLate)
    assert "20.11.2026" in refused.value.detail


def test_a_report_needs_a_text_and_keeps_its_lines() -> None:
    assert report_text("  В кабинете 12\nне было дежурного.  \n") == (
        "В кабинете 12\nне было дежурного."
    )
    with pytest.raises(ReportRefused):
        report_text(" \n\t ")


# --- accreditation ---------------------------------------------------------------------------


def accreditation(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "full_name": "  Орлова-Ёлкина  Мария Ильинична ",
        "identity_document": "паспорт 5218 654321",
        "certificate_number": "ОН-017",
        "certificate_date": dt.date(2026, 11, 2),
        "login": " Nabl.Orlova ",
        "today": dt.date(2026, 11, 10),
    }
    fields.update(changes)
    return fields


def test_an_accreditation_keeps_the_name_as_written_and_the_login_folded() -> None:
    recorded = accredit(**accreditation())  # type: ignore[arg-type]
    assert recorded.full_name == "Орлова-Ёлкина Мария Ильинична"
    assert recorded.login == "nabl.orlova"
    assert recorded.certificate_number == "ОН-017"


def test_every_problem_of_an_accreditation_is_named_at_once() -> None:
    with pytest.raises(InvalidObserver) as refused:
        accredit(
            **accreditation(  # type: ignore[arg-type]
                full_name="Орлова",
                identity_document="паспорт",
                certificate_number=" ",
                certificate_date=dt.date(2026, 11, 11),
                login="Орлова",
            )
        )
    problems = refused.value.problems
    assert len(problems) == 5
    assert "фамилию, имя" in problems[0]
    assert "серию и номер" in problems[1]
    assert "номер удостоверения" in problems[2]
    assert "11.11.2026 ещё не наступила" in problems[3]
    assert "Логин «орлова» не подходит" in problems[4]


# --- assignments -----------------------------------------------------------------------------


def test_a_round_is_observed_at_a_venue_of_the_olympiad_spelt_as_the_olympiad_spells_it() -> None:
    placed = assign(olympiad(), Procedure.ROUND, ROUND_DAY, 'мбоу "Усть-Ишимская сош № 1"', "math")
    assert placed.venue == SCHOOL
    assert placed.subject_code == "math"


def test_a_round_at_a_place_that_is_no_venue_is_refused_with_the_venues_listed() -> None:
    with pytest.raises(InvalidAssignment) as refused:
        assign(olympiad(), Procedure.ROUND, ROUND_DAY, "Дом культуры")
    assert SCHOOL in refused.value.detail


def test_a_round_on_a_day_without_one_is_refused() -> None:
    with pytest.raises(InvalidAssignment) as refused:
        assign(olympiad(), Procedure.ROUND, ROUND_DAY + dt.timedelta(days=1), SCHOOL, "math")
    assert "туры — 20.11.2026" in refused.value.detail
    # without a subject: any subject's round day will do
    assign(olympiad(), Procedure.ROUND, ROUND_DAY + dt.timedelta(days=3), SCHOOL)


def test_checking_show_and_appeals_happen_anywhere_but_not_before_the_round() -> None:
    jury_room = "Комитет образования, каб. 5"
    later = ROUND_DAY + dt.timedelta(days=5)
    for procedure in (Procedure.CHECKING, Procedure.ANALYSIS_AND_SHOW, Procedure.APPEALS):
        assert assign(olympiad(), procedure, later, jury_room, "physics").venue == jury_room
    with pytest.raises(InvalidAssignment) as refused:
        assign(
            olympiad(), Procedure.CHECKING, ROUND_DAY + dt.timedelta(days=1), jury_room, "physics"
        )
    assert "до первого тура этого предмета (23.11.2026)" in refused.value.detail


def test_a_subject_not_in_the_schedule_or_a_day_outside_the_year_is_refused() -> None:
    with pytest.raises(InvalidAssignment) as refused:
        assign(olympiad(), Procedure.CHECKING, ROUND_DAY, SCHOOL, "chemistry")
    assert "«химия» не включён" in refused.value.detail
    with pytest.raises(InvalidAssignment) as outside:
        assign(olympiad(), Procedure.APPEALS, dt.date(2027, 9, 2), SCHOOL)
    assert "вне учебного года 2026/2027" in outside.value.detail


# --- attachments and decisions ---------------------------------------------------------------


def test_an_attachment_keeps_only_its_own_name_and_passes_the_type_and_size_rules() -> None:
    assert attachment_name("../../etc/акт удаления.pdf", "application/pdf", 1000, 0) == (
        "акт удаления.pdf"
    )
    assert attachment_name("фото.jpg", "image/jpeg; charset=binary", 10, 0) == "фото.jpg"
    with pytest.raises(AttachmentRefused):
        attachment_name("script.html", "text/html", 10, 0)
    with pytest.raises(AttachmentRefused):
        attachment_name("пусто.txt", "text/plain", 0, 0)
    with pytest.raises(AttachmentTooLarge):
        attachment_name("clip.mp4", "video/mp4", ATTACHMENT_MAX_BYTES + 1, 0)
    with pytest.raises(AttachmentRefused) as too_many:
        attachment_name("ещё.pdf", "application/pdf", 10, ATTACHMENTS_MAX)
    assert "один PDF" in too_many.value.detail


def test_a_decision_is_recorded_once() -> None:
    assert decision_text(" Дежурный заменён.\n", decided=False) == "Дежурный заменён."
    with pytest.raises(ReportRefused):
        decision_text("  ", decided=False)
    with pytest.raises(ReportDecided):
        decision_text("Другое решение", decided=True)
