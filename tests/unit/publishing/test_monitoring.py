"""Seed 000 §1.3, §2.9, §2.10: the objectivity monitoring's figures — schools and venues against
the municipality, the rule that marks them, annulled works by reason, the experts (anonymised)
and the room video — computed by hand on a small olympiad, and its PDF and HTML page."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pytest

from olymp_publishing.analytics.domain import CheckedTask
from olymp_publishing.monitoring import documents, pages
from olymp_publishing.monitoring.domain import (
    AUTOMATIC,
    SHARE_BANDS,
    VENUE_UNKNOWN,
    AnnulmentKind,
    FindingKind,
    FlagRule,
    ObjectivityReport,
    PublishedTable,
    RoundHeld,
    ScheduledObservation,
    VideoFinding,
    VideoReport,
    ViolationReport,
    annulment_kind,
    expert_codes,
    figures,
    monitor,
    share_band,
    table_works,
    venue_video,
)

OLYMPIAD = uuid.UUID("5b0c1a52-7d7e-4c55-9a57-0d2f4f1e6a10")
GYMNASIUM = "МБОУ «Гимназия № 1 имени Ф. М. Достоевского»"
SCHOOL_2 = "МКОУ «Усть-Ишимская СОШ № 2»"
LYCEUM = "МБОУ «Лицей № 64»"
BASIC = "МКОУ «Ярковская ООШ»"
VENUE_1 = "МБОУ «Усть-Ишимская СОШ № 1»"
VENUE_5 = "МКОУ «Ярковская СОШ № 5»"
PUBLISHED = dt.datetime(2025, 12, 2, 5, 0, tzinfo=dt.UTC)


def d(text: str) -> Decimal:
    return Decimal(text)


# (work code, surname name patronymic, school, venue, total or None, status or annulment reason)
MATH_9: tuple[tuple[str, str, str, str | None, str | None, str], ...] = (
    ("М9-01", "Ёлкина Анна Владимировна", GYMNASIUM, VENUE_1, "36", "победитель"),
    ("М9-02", "Иванов Иван Иванович", GYMNASIUM, VENUE_1, "32", "призёр"),
    ("М9-03", "Иванов Иван Иванович", GYMNASIUM, VENUE_1, "30", "призёр"),  # a namesake
    ("М9-04", "Петров-Водкин Кирилл Сергеевич", GYMNASIUM, VENUE_1, "31", "призёр"),
    ("М9-05", "Жукова Мария Петровна", GYMNASIUM, VENUE_1, "12", "участник"),
    ("М9-06", "Абрамов Пётр Ильич", SCHOOL_2, VENUE_5, "20", "участник"),
    ("М9-07", "Кузнецова Дарья Олеговна", SCHOOL_2, VENUE_5, "9", "участник"),
    ("М9-08", "Ельцова Ирина", SCHOOL_2, VENUE_5, "10", "участник"),
    ("М9-09", "Морозов Денис Алексеевич", SCHOOL_2, VENUE_5, "28", "призёр"),
    ("М9-10", "Королёва Алёна Фёдоровна", LYCEUM, VENUE_1, "16", "участник"),
    ("М9-11", "Римская-Корсакова Софья Андреевна", LYCEUM, VENUE_1, "4", "участник"),
    ("М9-12", "Скрытнов Иван Иванович", SCHOOL_2, VENUE_5, None, "removed_from_venue"),
    ("М9-13", "Соловьёва Ксения Игоревна", GYMNASIUM, VENUE_1, None, "identifying_marks"),
)
PHYSICS_10: tuple[tuple[str, str, str, str | None, str | None, str], ...] = (
    ("Ф10-01", "Фёдоров Артём Романович", LYCEUM, VENUE_5, "45", "победитель"),
    ("Ф10-02", "Зайцева Полина Денисовна", LYCEUM, VENUE_5, "24", "участник"),
    ("Ф10-03", "Абрамов Пётр Ильич", SCHOOL_2, VENUE_5, "30", "участник"),
    ("Ф10-04", "Белов Никита Сергеевич", SCHOOL_2, VENUE_5, "10", "участник"),
    ("Ф10-05", "Голубев Егор Максимович", BASIC, None, "5", "участник"),
    ("Ф10-06", "Орлов Матвей Ильич", LYCEUM, VENUE_5, None, "удалён с олимпиады (акт № 3)"),
)


def protocol(
    max_total: str, people: tuple[tuple[str, str, str, str | None, str | None, str], ...]
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """A version's stored protocol as `publication.protocol_dict` writes it, and the venues by
    participant id as registration would give them."""
    rows: list[dict[str, Any]] = []
    annulled: list[dict[str, Any]] = []
    venues: dict[str, str | None] = {}
    for code, full_name, school, venue, total, status in people:
        surname, name, *rest = full_name.split()
        participant_id = str(uuid.uuid5(OLYMPIAD, code))
        venues[participant_id] = venue
        row = {
            "participant_id": participant_id,
            "surname": surname,
            "name": name,
            "patronymic": " ".join(rest),
            "school": school,
            "work_code": code,
            "total": total or "0",
        }
        if total is None:
            annulled.append({**row, "status": "аннулировано", "annulment_reason": status})
        else:
            rows.append({**row, "status": status, "annulment_reason": ""})
    return {"max_total": max_total, "rows": rows, "annulled": annulled}, venues


def table(
    subject_code: str,
    grade: int,
    max_total: str,
    people: tuple[tuple[str, str, str, str | None, str | None, str], ...],
    marks: tuple[CheckedTask, ...] | None = (),
    marks_missing: str | None = None,
) -> PublishedTable:
    stored, venues = protocol(max_total, people)
    return PublishedTable(
        subject_code=subject_code,
        grade=grade,
        version=2,
        stage="preliminary",
        published_at=PUBLISHED,
        max_total=d(max_total),
        works=tuple(table_works(stored, subject_code, grade, venues)),
        marks=marks,
        marks_missing=marks_missing,
    )


def task(
    code: str,
    number: str,
    first: tuple[str, str] | None,
    second: tuple[str, str] | None,
    third: tuple[tuple[str, str], ...] = (),
    checked: str | None = None,
    final: str | None = None,
) -> CheckedTask:
    def mark(found: tuple[str, str] | None) -> tuple[str, Decimal] | None:
        return None if found is None else (found[0], d(found[1]))

    return CheckedTask(
        work_code=code,
        task=number,
        first=mark(first),
        second=mark(second),
        third=tuple((member, d(points)) for member, points in third),
        checked_score=None if checked is None else d(checked),
        final_score=None if final is None else d(final),
    )


MATH_MARKS = (
    task("М9-01", "1", ("jury-ivanova", "10"), ("jury-petrov", "10"), checked="10", final="10"),
    task("М9-01", "2", ("jury-ivanova", "8"), ("jury-petrov", "6"), checked="7", final="7"),
    task(
        "М9-02",
        "1",
        ("jury-ivanova", "9"),
        ("jury-petrov", "3"),
        (("jury-sidorova", "8"),),
        checked="8",
        final="8",
    ),
    # raised after an appeal (or a correction): the protocol does not say which
    task("М9-02", "2", ("jury-petrov", "5"), ("jury-sidorova", "5"), checked="5", final="7"),
    # an annulled work's marks count for nobody
    task("М9-12", "1", ("jury-ivanova", "0"), ("jury-petrov", "9"), checked="4.5", final="4.5"),
)


ROUND_DAYS = {"math": (dt.date(2025, 11, 18),), "physics": (dt.date(2025, 11, 20),)}
SCHEDULE = (
    # every subject at venue 1 that day; physics at venue 5, not mathematics
    ScheduledObservation(dt.date(2025, 11, 18), "round", VENUE_1, "", 1),
    ScheduledObservation(dt.date(2025, 11, 20), "round", VENUE_5, "physics", 2),
    ScheduledObservation(dt.date(2025, 11, 18), "round", VENUE_5, "physics", 1),  # wrong subject
    ScheduledObservation(dt.date(2025, 11, 21), "checking", "Комитет образования, каб. 5", "", 1),
)
REPORTS = (
    ViolationReport(VENUE_1, "round", dt.date(2025, 11, 18), "math", "confirmed"),
    ViolationReport(VENUE_1, "round", dt.date(2025, 11, 18), "math", "not_confirmed"),
    ViolationReport(VENUE_5, "round", dt.date(2025, 11, 20), "physics", None),
    ViolationReport("Комитет образования, каб. 5", "checking", dt.date(2025, 11, 21), "", None),
)


def olympiad(**changes: Any) -> ObjectivityReport:
    arguments: dict[str, Any] = {
        "venues_missing": None,
        "video": [],
        "video_missing": (),
        "round_days": ROUND_DAYS,
        "schedule": SCHEDULE,
        "violation_reports": REPORTS,
    }
    arguments.update(changes)
    tables = arguments.pop(
        "tables",
        [
            table("math", 9, "40", MATH_9, MATH_MARKS),
            table(
                "physics",
                10,
                "50",
                PHYSICS_10,
                None,
                "служба проверки работ не выдала протокол проверки (Приложение № 10) по этому"
                " токену.",
            ),
        ],
    )
    return monitor(OLYMPIAD, tables, **arguments)


@pytest.mark.parametrize(
    ("share", "band"),
    [
        ("0", "до 25 %"),
        ("0.2499", "до 25 %"),
        ("0.25", "25–50 %"),
        ("0.5", "50–75 %"),
        ("0.7499", "50–75 %"),
        ("0.75", "75 % и выше"),
        ("1", "75 % и выше"),
    ],
)
def test_a_bound_belongs_to_the_band_above_it_and_three_quarters_is_a_high_result(
    share: str, band: str
) -> None:
    assert SHARE_BANDS[share_band(d(share))] == band


def test_scorings_reason_codes_name_the_annulment_and_any_other_text_is_another_reason() -> None:
    assert annulment_kind("removed_from_venue") is AnnulmentKind.REMOVED
    assert annulment_kind("identifying_marks") is AnnulmentKind.IDENTIFYING_MARKS
    assert annulment_kind("violation_before_approval") is AnnulmentKind.VIOLATION
    assert annulment_kind("удалён с олимпиады (акт № 3)") is AnnulmentKind.OTHER


def test_a_published_protocol_gives_each_work_its_share_venue_and_status() -> None:
    stored, venues = protocol("40", MATH_9)
    works = table_works(stored, "math", 9, venues)
    assert len(works) == 13
    first = works[0]
    assert (first.work_code, first.school, first.venue, first.share) == (
        "М9-01",
        GYMNASIUM,
        VENUE_1,
        d("0.9"),
    )
    removed = next(w for w in works if w.work_code == "М9-12")
    assert (removed.share, removed.status, removed.annulment) == (
        None,
        None,
        AnnulmentKind.REMOVED,
    )
    # namesakes in one school are two works, never one
    assert sum(1 for w in works if w.school == GYMNASIUM and w.annulment is None) == 5


def test_the_municipality_adds_up_subjects_and_grades_as_shares_of_their_maxima() -> None:
    whole = olympiad().municipality
    assert (whole.works, whole.ranked, whole.annulled_total) == (19, 16, 3)
    # math: .9 .8 .75 .775 .3 .5 .225 .25 .7 .4 .1; physics: .9 .48 .6 .2 .1
    assert whole.bands == (4, 4, 3, 5)
    assert (whole.top, whole.top_percent) == (5, d("31.3"))
    assert whole.mean_percent == d("49.9")  # 7.98 / 16
    assert (whole.winners, whole.prize_winners, whole.awarded_percent) == (2, 4, d("37.5"))
    assert (whole.annulled_percent, whole.removed, whole.removed_percent) == (
        d("15.8"),
        1,
        d("5.3"),
    )
    assert whole.annulled == (1, 1, 0, 1)  # removal, identifying marks, §119, another reason


def test_a_school_far_above_the_municipality_is_marked_with_its_figures() -> None:
    found = olympiad()
    schools = {school.name: school for school in found.schools}
    assert list(schools) == [GYMNASIUM, LYCEUM, SCHOOL_2, BASIC]  # as names are collated
    gymnasium = schools[GYMNASIUM]
    assert (gymnasium.ranked, gymnasium.top, gymnasium.top_percent) == (5, 4, d("80"))
    assert gymnasium.flags == (
        "доля высоких результатов 80 % (4 из 5) при 31.3 % по муниципалитету",
        "доля победителей и призёров 80 % (4 из 5) при 37.5 % по муниципалитету",
    )
    # the lyceum's physics winner is one strong result in four works: no pattern, no mark
    assert schools[LYCEUM].top == 1 and not schools[LYCEUM].flags
    assert schools[SCHOOL_2].ranked == 6 and not schools[SCHOOL_2].flags
    assert found.flagged_schools == (gymnasium,)


def test_venues_group_the_works_where_they_were_written_and_unknown_venues_apart() -> None:
    venues = {venue.name: venue for venue in olympiad().venues or ()}
    assert list(venues) == [VENUE_1, VENUE_5, VENUE_UNKNOWN]
    # the gymnasium's four high results among seven works at the venue: under twice the
    # municipality's share (4·16 < 2·5·7), so the venue is not marked
    assert (venues[VENUE_1].ranked, venues[VENUE_1].top, venues[VENUE_1].flags) == (7, 4, ())
    assert venues[VENUE_1].annulled == (0, 1, 0, 0)
    assert (venues[VENUE_5].works, venues[VENUE_5].removed) == (10, 1)
    assert venues[VENUE_5].annulled == (1, 0, 0, 1)
    assert venues[VENUE_UNKNOWN].works == 1


def test_the_rule_marks_at_twice_the_municipal_share_and_not_below() -> None:
    rule = FlagRule()
    # 4 of 10 against 20 of 100: exactly twice
    assert rule.departs(4, 10, 20, 100)
    assert not rule.departs(4, 10, 21, 100)
    # too few works, too few high results, nothing in the municipality to compare with
    assert not rule.departs(4, 4, 5, 100)
    assert not rule.departs(1, 5, 1, 100)
    assert not rule.departs(0, 5, 0, 0)
    stricter = FlagRule(ratio=d("3"), min_works=10, min_count=3)
    assert not stricter.departs(4, 10, 20, 100) and stricter.departs(6, 10, 20, 100)
    assert "не менее 10 работ" in stricter.text and "в 3 раза и более" in stricter.text


def test_the_municipality_itself_and_works_without_a_venue_are_never_marked() -> None:
    works = [w for t in (table("math", 9, "40", MATH_9),) for w in t.works]
    whole = figures("Муниципалитет (все работы)", works)
    assert FlagRule().reasons(whole, whole) == ()
    only_unknown = [
        table(
            "physics",
            10,
            "50",
            (
                *((f"Ф-{n}", "Голубев Егор", BASIC, None, "50", "призёр") for n in range(6)),
                ("Ф-9", "Орлов Матвей", LYCEUM, VENUE_5, "1", "участник"),
                *(
                    (f"Ф-1{n}", "Белов Никита", SCHOOL_2, VENUE_5, "1", "участник")
                    for n in range(9)
                ),
            ),
        )
    ]
    found = olympiad(tables=only_unknown)
    unknown = next(v for v in found.venues or () if v.name == VENUE_UNKNOWN)
    assert unknown.top == 6 and unknown.flags == ()
    assert {s.name for s in found.flagged_schools} == {BASIC}


def test_experts_are_counted_from_the_ranked_works_marks_under_stable_codes() -> None:
    found = olympiad()
    codes = expert_codes(OLYMPIAD, ["jury-ivanova", "jury-petrov", "jury-sidorova"])
    assert sorted(codes.values()) == ["Эксперт 1", "Эксперт 2", "Эксперт 3"]
    assert expert_codes(OLYMPIAD, ["jury-sidorova", "jury-petrov", "jury-ivanova"]) == codes
    by_code = {marker.code: marker for marker in found.markers}
    assert [m.code for m in found.markers] == ["Эксперт 1", "Эксперт 2", "Эксперт 3"]

    ivanova = by_code[codes["jury-ivanova"]]
    assert (ivanova.marks, ivanova.paired, ivanova.differing, ivanova.third_called) == (3, 3, 2, 1)
    assert (ivanova.as_third, ivanova.deviation, ivanova.raised) == (0, d("0.67"), 0)
    assert (ivanova.differing_percent, ivanova.third_percent) == (d("66.7"), d("33.3"))
    petrov = by_code[codes["jury-petrov"]]
    assert (petrov.marks, petrov.paired, petrov.differing, petrov.third_called) == (4, 4, 2, 1)
    assert (petrov.deviation, petrov.raised, petrov.lowered) == (d("1.5"), 1, 0)
    sidorova = by_code[codes["jury-sidorova"]]
    assert (sidorova.marks, sidorova.paired, sidorova.as_third, sidorova.deviation) == (
        2,
        1,
        1,
        d("0"),
    )
    assert sidorova.tables == (("math", 9),)
    assert (found.marking.paired, found.marking.third_called) == (4, 1)
    assert found.markers_missing == (
        "Физика, 10 класс: служба проверки работ не выдала протокол проверки (Приложение № 10)"
        " по этому токену.",
    )


def test_the_testing_system_is_no_expert() -> None:
    informatics = table(
        "informatics",
        9,
        "40",
        (("И9-01", "Орлов Матвей Ильич", LYCEUM, VENUE_1, "30", "призёр"),),
        (task("И9-01", "1", (AUTOMATIC, "30"), None, checked="30", final="30"),),
    )
    assert olympiad(tables=[informatics]).markers == ()


def test_an_expert_sent_to_a_third_member_far_more_often_is_marked() -> None:
    marks = tuple(
        task(f"М9-0{n}", "1", ("jury-a", "9"), ("jury-b", "2"), (("jury-c", "8"),), "8", "8")
        for n in range(1, 4)
    ) + tuple(
        task(f"М9-0{n}", "2", ("jury-a", "3"), ("jury-b", "3"), (), "3", "3") for n in range(4, 7)
    )
    marks += tuple(
        task(f"М9-{n:02d}", "3", ("jury-d", "5"), ("jury-e", "5"), (), "5", "5")
        for n in range(1, 11)
    )
    found = olympiad(tables=[table("math", 9, "40", MATH_9, marks)])
    codes = expert_codes(OLYMPIAD, ["jury-a", "jury-b", "jury-c", "jury-d", "jury-e"])
    flagged = {marker.code for marker in found.flagged_markers}
    # a discrepancy is two experts': both are marked; 3 of 6 against 3 of 16 in all
    assert flagged == {codes["jury-a"], codes["jury-b"]}
    a = next(m for m in found.markers if m.code == codes["jury-a"])
    assert a.flags == (
        "доля заданий, переданных третьему эксперту, 50 % (3 из 6) при 18.8 % по всем заданиям",
    )


def test_video_findings_add_up_by_venue() -> None:
    reports = [
        VideoReport(
            VENUE_1,
            "math",
            1,
            (
                VideoFinding(FindingKind.ROOM_NOT_RECORDED, "Аудитория «Кабинет 12»: не передана."),
                VideoFinding(FindingKind.LATE_HANDOVER, "Аудитория «Актовый зал»: позднее."),
            ),
        ),
        VideoReport(VENUE_1, "physics", 1, (VideoFinding(FindingKind.OTHER, "Новое замечание."),)),
        VideoReport(VENUE_5, "math", 2, ()),
    ]
    first, second = venue_video(reports)
    assert (first.venue, first.subjects, first.rounds, first.findings) == (VENUE_1, 2, 2, 3)
    assert first.counts == (1, 0, 0, 0, 1, 0, 1)
    assert first.messages[0] == "Математика: Аудитория «Кабинет 12»: не передана."
    assert (second.venue, second.rounds, second.findings) == (VENUE_5, 2, 0)


def test_p18_each_round_at_a_venue_is_matched_with_the_public_schedule_of_observation() -> None:
    by_place = {place.place: place for place in olympiad().observation}
    # the venues where works were written, and the place a report names, as names are collated
    assert list(by_place) == ["Комитет образования, каб. 5", VENUE_1, VENUE_5]
    venue_1 = by_place[VENUE_1]
    assert (venue_1.rounds, venue_1.observed, venue_1.unobserved) == (1, 1, ())
    assert (venue_1.reports, venue_1.confirmed, venue_1.not_confirmed, venue_1.undecided) == (
        2,
        1,
        1,
        0,
    )
    venue_5 = by_place[VENUE_5]
    # mathematics on the 18th had an observer for physics only: not observed
    assert (venue_5.rounds, venue_5.observed) == (2, 1)
    assert venue_5.unobserved == (RoundHeld(VENUE_5, "math", dt.date(2025, 11, 18)),)
    assert (venue_5.reports, venue_5.undecided) == (1, 1)
    committee = by_place["Комитет образования, каб. 5"]
    assert (committee.rounds, committee.reports, committee.undecided) == (0, 1, 1)


def test_p19_what_registration_did_not_give_stays_unknown_never_zero() -> None:
    found = olympiad(violation_reports=None, observation_missing=("сообщения: не выдала.",))
    by_place = {place.place: place for place in found.observation}
    assert set(by_place) == {VENUE_1, VENUE_5}
    assert by_place[VENUE_1].reports is None and by_place[VENUE_1].observed == 1
    unknown = olympiad(schedule=None)
    assert {p.place: p.observed for p in unknown.observation}[VENUE_5] is None
    assert {p.rounds for p in olympiad(round_days=None).observation} == {None}


def test_without_registration_there_are_no_venues_and_the_report_says_why() -> None:
    found = olympiad(
        venues_missing="служба регистрации не ответила; запросите справку позже.",
        video=None,
        video_missing=("места проведения работ не известны.",),
    )
    assert found.venues is None and found.flagged_venues == ()
    assert found.video is None
    assert len(found.schools) == 4  # schools come from publishing's own data


HEADING = documents.Heading(
    olympiad_title="Муниципальный этап ВсОШ 2025/26, Усть-Ишимский район",
    generated_at=dt.datetime(2025, 12, 20, 4, 30, tzinfo=dt.UTC),
    time_zone="Asia/Omsk",
)


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    try:
        return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in document)
    finally:
        document.close()


def test_the_pdf_states_the_figures_the_marks_and_what_the_system_does_not_hold() -> None:
    body = documents.render_pdf(HEADING, olympiad())
    document = pypdfium2.PdfDocument(body)
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    assert width > height  # landscape: the tables have up to ten columns
    text = pdf_text(body)
    assert "Информационная справка о результатах мониторинга объективности" in text
    assert "Сформирована 20.12.2025 10:30 (Asia/Omsk)" in text
    assert "Таблиц: 2; работ: 19, из них в рейтинге: 16, аннулировано: 3." in text
    assert "Математика 9 2 предварительные 40 11 2" in text
    assert "Муниципалитет (все работы) 16 25 25 18.8 31.3 49.9 2 4 37.5" in text
    assert f"{GYMNASIUM} * 5 0 20 0 80" in text
    assert f"Организация {GYMNASIUM}: доля высоких результатов 80 % (4 из 5)" in text
    assert "Эксперт 1" in text and "jury-ivanova" not in text  # anonymised
    assert "Протокол проверки не получен — Физика, 10 класс" in text
    assert "нет данных в системе" in text
    assert "Передача доставочных пакетов с бланками ответов позднее 1 часа" in text
    assert "Сообщения общественных наблюдателей" not in text.split("12. Чего нет в системе")[1]
    assert f"{VENUE_5} 2 1 1 1 0 0 1" in text  # physics unobserved, one report undecided
    assert f"{VENUE_5}, математика, 18.11.2025: наблюдатель по графику не назначен." in text
    assert "Муниципальный координатор олимпиады" in text


def test_the_html_page_has_server_drawn_svg_plots_no_script_and_escapes_names() -> None:
    odd_school = '<b>МБОУ "СОШ № 3" & ко</b>'
    people = tuple(
        (code, name, odd_school if code == "М9-10" else school, venue, total, status)
        for code, name, school, venue, total, status in MATH_9
    )
    found = olympiad(tables=[table("math", 9, "40", people, MATH_MARKS)])
    html = pages.html_page(documents.report(HEADING, found))
    assert html.count("<svg") >= 3  # schools, venues, experts
    assert "<script" not in html.lower() and "http://" not in html.split("<svg", 1)[0]
    assert odd_school not in html
    assert "&lt;b&gt;МБОУ &quot;СОШ № 3&quot; &amp; ко&lt;/b&gt;" in html
    assert "<?xml" not in html and "DOCTYPE svg" not in html
    # each plot clips to its own box: reportlab names every clip path alike
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and 'id="clip"' not in html
    assert "jury-petrov" not in html
    assert "default-src 'none'" in pages.CONTENT_SECURITY_POLICY
