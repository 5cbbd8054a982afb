"""The analytic report on how the olympiad's tasks were done (Приложение № 13, §22, §78), PDF
and XLSX, laid out by `olymp_core.protocol_documents` as the protocols are, with plots drawn by
reportlab.graphics.

§22 calls it App. 13 and has the jury chair sign it; §78 sends it to the organiser after checking
and appeals (the paragraph's «Приложение № 12» is a slip of the seed: App. 12 is the jury
protocol).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from olymp_core import protocol_documents
from olymp_core.pdf_fonts import register_fonts
from olymp_core.protocol_documents import Cell, Report, Section, signature_line
from olymp_publishing.analytics.domain import BANDS, AnalyticReport, TaskDiscrepancy
from olymp_publishing.documents.charts import legend, style_axes
from olymp_publishing.documents.protocols import heading
from olymp_publishing.domain import points_text

TITLE: Final = "Аналитический отчёт о результатах выполнения олимпиадных заданий (Приложение № 13)"
FORMATS: Final = protocol_documents.FORMATS
DASH: Final = "—"

_WIDTH = 520.0  # points: the width of A4 portrait between the margins
_SERIES = (colors.HexColor("#3b6ea5"), colors.HexColor("#e08a2c"))
# from no points (red) to the full mark (green)
_BAND_COLOURS = tuple(
    colors.HexColor(value)
    for value in ("#c0392b", "#e67e22", "#f1c40f", "#a3c94f", "#5aa65a", "#1e7b3c")
)


def _cell(value: Decimal | int | None) -> Cell:
    return DASH if value is None else value


def _points(value: Decimal | None) -> str:
    return DASH if value is None else points_text(value)


def _task_name(task: str) -> str:
    return f"Задание {task}" if task else "Все задания"


def report(document: Mapping[str, Any], found: AnalyticReport, missing_marks: str | None) -> Report:
    """The report of one published version; `missing_marks`: why the checking protocol's marks
    are not in it (None when they are)."""
    regular, _ = register_fonts()
    return Report(
        heading=heading(document, f"{TITLE[:-1]}, п. 78)"),
        sections=(
            _summary(found),
            _tasks(found, regular),
            _bands(found, regular),
            _values(found),
            _totals(found, regular),
            _schools(found, regular),
            _discrepancies(found.discrepancies, missing_marks, regular),
        ),
        signatures=(signature_line("Председатель жюри"),),
    )


def render(
    extension: str, document: Mapping[str, Any], found: AnalyticReport, missing_marks: str | None
) -> bytes:
    return protocol_documents.render_report(report(document, found, missing_marks), extension)


def _summary(found: AnalyticReport) -> Section:
    totals, statuses = found.totals, found.statuses
    return Section(
        title="1. Общие сведения",
        lines=(
            f"Участников в рейтинге: {totals.count}; аннулировано работ: {found.annulled}.",
            f"Победителей: {statuses.winners}; призёров: {statuses.prize_winners};"
            f" участников: {statuses.participants}.",
            f"Наименьший балл победителя: {_points(statuses.winner_minimum)};"
            f" призёра: {_points(statuses.prize_winner_minimum)}.",
            f"Средний балл: {_points(totals.mean)} из {points_text(totals.max_total)}"
            f" ({_points(totals.mean_percent)} %); медиана: {_points(totals.median)}; наименьший:"
            f" {_points(totals.minimum)}; наибольший: {_points(totals.maximum)}.",
        ),
    )


def _tasks(found: AnalyticReport, font: str) -> Section:
    tasks = found.tasks
    chart = _vertical_bars(
        [f"Зад. {t.task}" for t in tasks],
        [
            [_number(t.mean_percent) for t in tasks],
            [_number(t.full_percent) for t in tasks],
        ],
        ("Средний балл, % от максимального", "Полный балл, % работ"),
        font,
        value_max=100,
    )
    return Section(
        title="2. Выполнение заданий",
        header=(
            "Задание",
            "Макс. балл",
            "Работ",
            "Средний балл",
            "Средний балл, % от макс.",
            "Полный балл, % работ",
            "Ноль баллов, % работ",
        ),
        rows=tuple(
            (
                t.task,
                _cell(t.max_points),
                t.count,
                _cell(t.mean),
                _cell(t.mean_percent),
                _cell(t.full_percent),
                _cell(t.zero_percent),
            )
            for t in tasks
        ),
        weights=(1.0, 1.0, 0.9, 1.1, 1.3, 1.3, 1.3),
        notes=_unknown_maxima(found),
        chart=chart,
    )


def _bands(found: AnalyticReport, font: str) -> Section:
    tasks = [t for t in found.tasks if t.bands is not None]
    shares = [
        [
            float(Decimal(100) * t.bands[index] / t.count) if t.bands and t.count else 0.0
            for t in tasks
        ]
        for index in range(len(BANDS))
    ]
    chart = _stacked_bars([f"Зад. {t.task}" for t in tasks], shares, BANDS, font)
    return Section(
        title="3. Распределение баллов по заданиям",
        lines=("Число работ по доле набранного балла от максимального балла задания.",),
        header=("Задание", *BANDS),
        rows=tuple((t.task, *(t.bands or ())) for t in tasks),
        notes=("Граница интервала относится к нижнему интервалу; «75–100 %» — без полного балла.",),
        chart=chart if tasks else None,
    )


def _values(found: AnalyticReport) -> Section:
    return Section(
        title="Баллы по заданиям: каждый выставленный балл",
        header=("Задание", "Балл", "Работ"),
        rows=tuple((t.task, points, count) for t in found.tasks for points, count in t.values),
        in_pdf=False,
    )


def _totals(found: AnalyticReport, font: str) -> Section:
    bins = found.totals.bins
    labels = [f"{points_text(b.low)}–{points_text(b.high)}" for b in bins]
    return Section(
        title="4. Распределение итоговых баллов",
        header=("Баллы", "Участников", "Доля, %"),
        rows=tuple(
            (label, b.count, _cell(b.percent)) for label, b in zip(labels, bins, strict=True)
        ),
        weights=(1.0, 1.0, 1.0),
        notes=(
            "Нижняя граница интервала входит в него, верхняя — нет; последний интервал включает"
            " максимальный балл.",
        ),
        chart=_vertical_bars(labels, [[b.count for b in bins]], ("Участников",), font),
    )


def _schools(found: AnalyticReport, font: str) -> Section:
    schools = found.schools
    chart = _horizontal_bars(
        [s.school for s in schools],
        [float(s.mean) for s in schools],
        font,
        value_max=float(found.totals.max_total) or None,
    )
    return Section(
        title="5. Сравнение образовательных организаций",
        lines=(f"Средний балл по всем участникам: {_points(found.totals.mean)}.",),
        header=(
            "Образовательная организация",
            "Участников",
            "Средний балл",
            "Наибольший балл",
            "Победителей",
            "Призёров",
            "Победителей и призёров, %",
        ),
        rows=tuple(
            (
                s.school,
                s.count,
                s.mean,
                s.maximum,
                s.winners,
                s.prize_winners,
                s.awarded_percent,
            )
            for s in schools
        ),
        weights=(1.9, 1.03, 0.82, 1.1, 1.15, 0.85, 1.15),
        chart=chart if schools else None,
    )


def _discrepancies(
    found: tuple[TaskDiscrepancy, ...] | None, missing: str | None, font: str
) -> Section:
    title = "6. Расхождения оценок членов жюри (п. 69, 73)"
    if found is None:
        return Section(
            title=title,
            lines=(f"Сведения о расхождениях оценок не получены: {missing or 'нет данных'}",),
        )
    tasks = [d for d in found if d.task]
    chart = _vertical_bars(
        [f"Зад. {d.task}" for d in tasks],
        [
            [_number(_share(d.differing, d.pairs)) for d in tasks],
            [_number(d.third_percent) for d in tasks],
        ],
        ("С расхождением, %", "Передано третьему члену жюри, %"),
        font,
        value_max=100,
    )
    return Section(
        title=title,
        lines=(
            "По протоколу проверки работ (Приложение № 10): задания работ, которые проверили два"
            " члена жюри; значительное расхождение передаёт задание третьему члену жюри (п. 73).",
        ),
        header=(
            "Задание",
            "Проверено двумя членами жюри",
            "С расхождением",
            "Передано третьему члену жюри",
            "Доля переданных, %",
            "Среднее расхождение, баллов",
        ),
        rows=tuple(
            (
                _task_name(d.task),
                d.pairs,
                d.differing,
                d.third_marked,
                _cell(d.third_percent),
                _cell(d.mean_difference),
            )
            for d in found
        ),
        weights=(0.7, 0.8, 0.95, 0.8, 0.95, 1.0),
        chart=chart if tasks else None,
    )


def _share(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(100) * part / whole


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _unknown_maxima(found: AnalyticReport) -> tuple[str, ...]:
    unknown = [t.task for t in found.tasks if t.max_points is None]
    if not unknown:
        return ()
    return (
        "Максимальный балл заданий " + ", ".join(unknown) + " не получен от службы проверки:"
        " доли от максимального балла для них не рассчитаны.",
    )


def _vertical_bars(
    categories: Sequence[str],
    series: Sequence[Sequence[float | None]],
    names: Sequence[str],
    font: str,
    *,
    value_max: float | None = None,
) -> Drawing:
    drawing = Drawing(_WIDTH, 175)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 40, _WIDTH - 48, 118
    chart.data = [list(values) for values in series]
    chart.categoryAxis.categoryNames = list(categories)
    style_axes(chart, font)
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
    chart.barSpacing = 1
    for index, colour in enumerate(_SERIES[: len(series)]):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(legend(names, _SERIES, font, 36, 12))
    return drawing


def _stacked_bars(
    categories: Sequence[str],
    shares: Sequence[Sequence[float]],
    names: Sequence[str],
    font: str,
) -> Drawing:
    height = 18 * len(categories) + 60
    drawing = Drawing(_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 60, 36, _WIDTH - 72, height - 44
    chart.data = [list(values) for values in shares]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.reverseDirection = True  # the first task on top
    style_axes(chart, font)
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 25
    for index, colour in enumerate(_BAND_COLOURS):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = colors.white
    drawing.add(chart)
    drawing.add(legend(names, _BAND_COLOURS, font, 60, 10))
    return drawing


def _horizontal_bars(
    categories: Sequence[str], values: Sequence[float], font: str, *, value_max: float | None
) -> Drawing:
    label_width = 190
    height = 14 * len(categories) + 30
    drawing = Drawing(_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 18
    chart.width, chart.height = _WIDTH - label_width - 12, height - 24
    chart.data = [list(values)]
    # a long school name is cut for the plot; the table above has it whole
    chart.categoryAxis.categoryNames = [_shorten(name, 42) for name in categories]
    chart.categoryAxis.reverseDirection = True  # the best mean on top
    style_axes(chart, font)
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
    chart.bars[0].fillColor = _SERIES[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _mean_label
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _mean_label(value: float) -> str:
    return points_text(Decimal(f"{value:.2f}"))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
