"""The objectivity monitoring's information report (seed 000 §2.10) as a `Report` of
`olymp_core.protocol_documents`: a PDF laid out as the suite's protocols are, and the sections
the HTML page (`page`) shows. The plots are drawn once (`charts`) for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from olymp_core.pdf_fonts import register_fonts
from olymp_core.protocol_documents import Cell, Report, Section, render_report, signature_line
from olymp_publishing.documents.tables import local_text
from olymp_publishing.domain import points_text
from olymp_publishing.domain.publication import STAGE_LABELS, subject_name
from olymp_publishing.monitoring.documents import charts
from olymp_publishing.monitoring.domain import (
    ANNULMENT_KINDS,
    FINDING_KINDS,
    NO_DATA,
    SHARE_BANDS,
    TOP_SHARE,
    VENUE_UNKNOWN,
    AnnulmentKind,
    GroupFigures,
    ObjectivityReport,
)

TITLE: Final = (
    "Информационная справка о результатах мониторинга объективности проведения муниципального"
    " этапа всероссийской олимпиады школьников"
)
DASH: Final = "—"
MARK: Final = " *"  # after the name of a marked school, venue or expert
MESSAGES_IN_PDF: Final = 40  # video findings listed one by one, at most; the rest are counted


@dataclass(frozen=True)
class Heading:
    olympiad_title: str | None
    generated_at: dt.datetime
    time_zone: str | None


def _cell(value: Decimal | int | None) -> Cell:
    return DASH if value is None else value


def _text(value: Decimal | None) -> str:
    return DASH if value is None else points_text(value)


def _float(value: Decimal | None) -> float:
    return 0.0 if value is None else float(value)


def report(heading: Heading, found: ObjectivityReport) -> Report:
    font, _ = register_fonts()
    return Report(
        heading=(
            heading.olympiad_title or "Муниципальный этап всероссийской олимпиады школьников",
            TITLE,
            f"Сформирована {local_text(heading.generated_at, heading.time_zone)} по последним"
            " опубликованным версиям рейтинговых таблиц; предварительные результаты могут"
            " измениться после апелляций.",
        ),
        sections=(
            _tables(found),
            _summary(found),
            *_groups("Образовательные организации", 3, found.schools, found, font, None),
            *_groups("Места проведения", 5, found.venues, found, font, found.venues_missing),
            _annulled("7. Аннулированные работы по образовательным организациям", found.schools),
            _annulled("8. Аннулированные работы по местам проведения", found.venues),
            _markers(found, font),
            _observation(found),
            _video(found),
            _not_in_system(found),
        ),
        signatures=(signature_line("Муниципальный координатор олимпиады"),),
        wide=True,
    )


def render_pdf(heading: Heading, found: ObjectivityReport) -> bytes:
    return render_report(report(heading, found), "pdf")


def _tables(found: ObjectivityReport) -> Section:
    whole = found.municipality
    return Section(
        title="1. Рейтинговые таблицы в справке",
        lines=(
            f"Таблиц: {len(found.tables)}; работ: {whole.works}, из них в рейтинге:"
            f" {whole.ranked}, аннулировано: {whole.annulled_total}.",
        ),
        header=(
            "Предмет",
            "Класс",
            "Версия",
            "Результаты",
            "Макс. балл",
            "В рейтинге",
            "Аннулировано",
        ),
        rows=tuple(
            (
                subject_name(t.subject_code).capitalize(),
                t.grade,
                t.version,
                STAGE_LABELS.get(t.stage, t.stage),
                t.max_total,
                t.ranked,
                t.annulled,
            )
            for t in found.tables
        ),
        weights=(2.2, 0.7, 0.8, 1.4, 1.0, 1.1, 1.2),
    )


def _summary(found: ObjectivityReport) -> Section:
    whole = found.municipality
    top = points_text(TOP_SHARE * 100)
    marked = [
        *(f"Организация {g.name}: " + "; ".join(g.flags) + "." for g in found.flagged_schools),
        *(f"Место проведения {g.name}: " + "; ".join(g.flags) + "." for g in found.flagged_venues),
        *(f"{m.code}: " + "; ".join(m.flags) + "." for m in found.flagged_markers),
    ]
    return Section(
        title="2. Итоги по муниципалитету и отметки",
        lines=(
            "Итоговый балл каждой работы взят как доля максимального балла её таблицы, поэтому"
            " предметы и классы складываются. Высокий результат — не менее"
            f" {top} % максимального балла: порог в документах олимпиады не установлен; это"
            " верхняя четверть шкалы, и он выше половины максимума, которую квота по умолчанию"
            " требует от призёра.",
            f"По муниципалитету: средний результат {_text(whole.mean_percent)} % максимального"
            f" балла; высоких результатов {whole.top} ({_text(whole.top_percent)} %);"
            f" победителей {whole.winners}, призёров {whole.prize_winners}"
            f" ({_text(whole.awarded_percent)} % работ в рейтинге); аннулировано"
            f" {whole.annulled_total} ({_text(whole.annulled_percent)} % работ), из них с"
            f" удалением участника {whole.removed}.",
            "Правило отметки: " + found.rule.text,
            "Эксперт отмечается, если у него не менее"
            f" {found.rule.min_works} заданий, проверенных в паре с другим экспертом, и доля"
            " переданных третьему эксперту превышает долю по всем заданиям в"
            f" {points_text(found.rule.ratio)} раза и более (не менее {found.rule.min_count}"
            " заданий).",
            *(["Отмечены:", *marked] if marked else ["Отмеченных нет."]),
        ),
    )


def _group_row(group: GroupFigures) -> tuple[Cell, ...]:
    return (
        group.name + (MARK if group.flags else ""),
        group.ranked,
        *(_cell(share) for share in group.band_percents),
        _cell(group.mean_percent),
        group.winners,
        group.prize_winners,
        _cell(group.awarded_percent),
    )


def _groups(
    what: str,
    number: int,
    groups: Sequence[GroupFigures] | None,
    found: ObjectivityReport,
    font: str,
    missing: str | None,
) -> tuple[Section, ...]:
    """The table with the bands' plot, then the share of high results beside the
    municipality's: two sections, since a section has one plot and both may fill a page."""
    title = f"{number}. {what}"
    if groups is None:
        return (
            Section(title=title, lines=(f"Сведения о местах проведения не получены: {missing}",)),
        )
    every = (found.municipality, *groups)
    names = [group.name for group in every]
    top = points_text(TOP_SHARE * 100)
    table = Section(
        title=title,
        lines=(
            "Распределение работ в рейтинге по доле максимального балла, % работ; первая строка —"
            " муниципалитет. Граница интервала относится к интервалу выше неё.",
        ),
        header=(
            "Наименование",
            "В рейтинге",
            *SHARE_BANDS,
            "Средний результат, %",
            "Победителей",
            "Призёров",
            "Победителей и призёров, %",
        ),
        rows=tuple(_group_row(group) for group in every),
        weights=(3.0, 1.0, 0.85, 0.85, 0.85, 0.85, 1.1, 1.25, 1.0, 1.3),
        notes=(
            *(
                [f"{MARK.strip()} — отмечено по правилу раздела 2."]
                if any(g.flags for g in groups)
                else []
            ),
            *(
                [f"«{VENUE_UNKNOWN}»: в заявке площадка не названа; эта строка не отмечается."]
                if any(g.name == VENUE_UNKNOWN for g in groups)
                else []
            ),
        ),
        chart=charts.band_shares(
            names,
            [[_float(share) for share in group.band_percents] for group in every],
            SHARE_BANDS,
            font,
        )
        if groups
        else None,
    )
    if not groups:
        return (table,)
    tops = Section(
        title=f"{number + 1}. {what}: доля высоких результатов",
        lines=(
            f"Доля работ с итоговым баллом не менее {top} % максимального, %: серым —"
            " муниципалитет, красным — отмеченные по правилу раздела 2.",
        ),
        chart=charts.marked_shares(
            names,
            [_float(group.top_percent) for group in every],
            [bool(group.flags) for group in every],
            font,
        ),
    )
    return table, tops


_ANNULMENT_HEADERS: Final = {
    AnnulmentKind.REMOVED: "Удаление (п. 53)",
    AnnulmentKind.IDENTIFYING_MARKS: "Пометки (п. 47, 52, 68)",
    AnnulmentKind.VIOLATION: "Нарушение (п. 119)",
    AnnulmentKind.OTHER: "Иная причина",
}


def _annulled(title: str, groups: Sequence[GroupFigures] | None) -> Section:
    if groups is None:
        return Section(title=title, lines=("Сведения о местах проведения не получены.",))
    return Section(
        title=title,
        header=(
            "Наименование",
            "Работ",
            "Аннулировано (доля, %)",
            *(_ANNULMENT_HEADERS[kind] for kind in ANNULMENT_KINDS),
            "Удалений, % работ",
        ),
        rows=tuple(
            (
                group.name,
                group.works,
                f"{group.annulled_total} ({_text(group.annulled_percent)})",
                *group.annulled,
                _cell(group.removed_percent),
            )
            for group in groups
        ),
        weights=(2.6, 0.8, 1.3, 1.0, 1.2, 1.0, 1.0, 1.1),
        notes=(
            "Причины — по протоколу проверки: " + "; ".join(k.label for k in ANNULMENT_KINDS) + ".",
        ),
    )


def _markers(found: ObjectivityReport, font: str) -> Section:
    title = "9. Проверка работ экспертами (п. 69–75)"
    missing = (
        ("Протокол проверки не получен — " + "; ".join(found.markers_missing),)
        if found.markers_missing
        else ()
    )
    if not found.markers:
        return Section(title=title, lines=(*missing, "Сведений о проверке экспертами нет."))
    totals = found.marking
    markers = found.markers
    return Section(
        title=title,
        lines=(
            "По протоколам проверки работ (Приложение № 10). Эксперты (члены жюри) указаны"
            " кодами; код одного эксперта одинаков во всех копиях справки этой олимпиады.",
            f"Заданий, проверенных двумя экспертами: {totals.paired}; передано третьему"
            f" эксперту: {totals.third_called}.",
            *missing,
        ),
        header=(
            "Эксперт",
            "Предметы и классы",
            "Оценок",
            "В паре",
            "С расхождением, %",
            "Передано третьему, %",
            "Третьим экспертом",
            "Отклонение от балла по проверке",
            "Повышено после апелляции или исправления",
            "Понижено",
        ),
        rows=tuple(
            (
                m.code + (MARK if m.flags else ""),
                "; ".join(f"{subject_name(code)}, {grade}" for code, grade in m.tables),
                m.marks,
                m.paired,
                _cell(m.differing_percent),
                _cell(m.third_percent),
                m.as_third,
                _cell(m.deviation),
                m.raised,
                m.lowered,
            )
            for m in markers
        ),
        weights=(1.15, 1.7, 0.8, 0.8, 1.3, 1.1, 1.05, 1.2, 1.4, 1.0),
        notes=(
            "Отклонение — среднее абсолютное отличие баллов эксперта от балла задания по"
            " проверке, в баллах. Изменения после апелляции (п. 116) и исправления технической"
            " ошибки (п. 120) протокол проверки не различает; апелляции, отклонённые с"
            " сохранением баллов, в нём не видны.",
            *([f"{MARK.strip()} — отмечен по правилу раздела 2."] if found.flagged_markers else []),
        ),
        chart=charts.paired_bars(
            [m.code.replace("Эксперт ", "Э") for m in markers],
            [
                [_float(m.differing_percent) for m in markers],
                [_float(m.third_percent) for m in markers],
            ],
            ("С расхождением, % заданий в паре", "Передано третьему эксперту, %"),
            font,
        ),
    )


def _observation(found: ObjectivityReport) -> Section:
    title = "10. Общественное наблюдение (п. 18–19)"
    missing = tuple(f"Не получено — {line}" for line in found.observation_missing)
    if not found.observation:
        return Section(title=title, lines=(*missing, "Сведений о наблюдении нет."))
    unobserved = [
        f"{held.venue}, {subject_name(held.subject_code)}, {held.day:%d.%m.%Y}: наблюдатель"
        " по графику не назначен."
        for place in found.observation
        for held in place.unobserved
    ]
    return Section(
        title=title,
        lines=(
            "По графику общественного наблюдения и сообщениям наблюдателей о нарушениях (служба"
            " регистрации): туры на площадках, где выполнялись работы, и сообщения по месту, где"
            " наблюдатель был назначен.",
            *missing,
        ),
        header=(
            "Место",
            "Туров",
            "С наблюдателем",
            "Без наблюдателя",
            "Сообщений о нарушениях",
            "Подтверждено",
            "Не подтверждено",
            "Не рассмотрено",
        ),
        rows=tuple(
            (
                place.place,
                _cell(place.rounds),
                _cell(place.observed),
                _cell(None if place.observed is None else len(place.unobserved)),
                _cell(place.reports),
                *(
                    (place.confirmed, place.not_confirmed, place.undecided)
                    if place.reports is not None
                    else (DASH, DASH, DASH)
                ),
            )
            for place in found.observation
        ),
        weights=(2.6, 0.8, 1.2, 1.2, 1.3, 1.2, 1.2, 1.2),
        notes=tuple(unobserved),
    )


def _video(found: ObjectivityReport) -> Section:
    title = "11. Видеонаблюдение в аудиториях (п. 21)"
    missing = tuple(f"Отчёт о видеозаписях не получен — {line}" for line in found.video_missing)
    if not found.video:
        return Section(title=title, lines=missing or ("Отчётов о видеозаписях нет.",))
    messages = [message for venue in found.video for message in venue.messages]
    shown = messages[:MESSAGES_IN_PDF]
    rest = len(messages) - len(shown)
    return Section(
        title=title,
        lines=(
            "По отчётам службы регистрации о видеозаписях каждой площадки и предмета:"
            " запись с начала тура до упаковки бланков, передача не позднее 1 астрономического"
            " часа после окончания.",
            *missing,
        ),
        header=("Место проведения", "Предметов", "Туров", *(k.label for k in FINDING_KINDS)),
        rows=tuple(
            (venue.venue, venue.subjects, venue.rounds, *venue.counts) for venue in found.video
        ),
        weights=(1.8, 1.0, 0.8, *(1.15 for _ in FINDING_KINDS)),
        notes=(
            *shown,
            *(
                [f"… и ещё {rest}: полный перечень — в отчётах о видеозаписях площадок."]
                if rest
                else []
            ),
        ),
    )


def _not_in_system(found: ObjectivityReport) -> Section:
    return Section(
        title="12. Чего нет в системе",
        lines=(f"Эти сведения в справку не входят: {NO_DATA}.",),
        header=("Сведения", "Состояние", "Откуда могли бы поступить"),
        rows=tuple((item.what, NO_DATA, item.source) for item in found.not_in_system),
        weights=(2.2, 1.0, 3.0),
    )
