"""The monitoring's plots, drawn with reportlab.graphics: the same drawing goes into the PDF and,
rendered as SVG on the server, into the HTML page (no script, nothing fetched from elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from olymp_publishing.documents.charts import legend, style_axes

WIDTH: Final = 740.0  # points: the width of A4 landscape between the margins, nearly
# the tallest plot that fits under a section's title on a landscape page; past it, bars thin out
MAX_HEIGHT: Final = 440.0
_LABEL_WIDTH = 250
_LABEL_CHARS = 58
# from the lowest band (red) to the high results (green)
BAND_COLOURS: Final = tuple(
    colors.HexColor(value) for value in ("#c0392b", "#f1c40f", "#a3c94f", "#1e7b3c")
)
_SERIES = (colors.HexColor("#3b6ea5"), colors.HexColor("#e08a2c"))
_MUNICIPALITY = colors.HexColor("#7f8c8d")
_MARKED = colors.HexColor("#c0392b")
_PLAIN = colors.HexColor("#3b6ea5")


def shorten(text: str, limit: int = _LABEL_CHARS) -> str:
    """A long name cut for a plot's axis; the table beside it has it whole."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _row(bars: int, margins: float) -> float:
    """A bar's height: 14 points, less when that many would not fit on a page."""
    return min(14.0, (MAX_HEIGHT - margins) / max(bars, 1))


def band_shares(
    names: Sequence[str], shares: Sequence[Sequence[float]], bands: Sequence[str], font: str
) -> Drawing:
    """One stacked bar per group (the municipality's first): its works by band, % of them."""
    row = _row(len(names), 56)
    height = row * len(names) + 56
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = _LABEL_WIDTH, 34
    chart.width, chart.height = WIDTH - _LABEL_WIDTH - 12, height - 40
    chart.data = [[row[index] for row in shares] for index in range(len(bands))]
    chart.categoryAxis.categoryNames = [shorten(name) for name in names]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.reverseDirection = True  # the municipality on top
    style_axes(chart, font)
    chart.categoryAxis.labels.fontSize = min(7.0, row - 1)
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 25
    for index, colour in enumerate(BAND_COLOURS[: len(bands)]):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = colors.white
    drawing.add(chart)
    drawing.add(legend(bands, BAND_COLOURS, font, _LABEL_WIDTH, 10))
    return drawing


def marked_shares(
    names: Sequence[str], values: Sequence[float], marked: Sequence[bool], font: str
) -> Drawing:
    """One bar per group, % (the municipality's first, in grey); a marked group's bar in red."""
    row = _row(len(names), 30)
    height = row * len(names) + 30
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = _LABEL_WIDTH, 18
    chart.width, chart.height = WIDTH - _LABEL_WIDTH - 30, height - 24
    chart.data = [list(values)]
    chart.categoryAxis.categoryNames = [shorten(name) for name in names]
    chart.categoryAxis.reverseDirection = True
    style_axes(chart, font)
    chart.categoryAxis.labels.fontSize = min(7.0, row - 1)
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 25
    chart.bars[0].strokeColor = None
    for index, is_marked in enumerate(marked):
        colour = _MUNICIPALITY if index == 0 else _MARKED if is_marked else _PLAIN
        chart.bars[(0, index)].fillColor = colour
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = min(6.5, row - 1)
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def paired_bars(
    categories: Sequence[str],
    series: Sequence[Sequence[float | None]],
    names: Sequence[str],
    font: str,
) -> Drawing:
    """Vertical bars, two series per category, % (0–100)."""
    drawing = Drawing(WIDTH, 175)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 40, WIDTH - 48, 118
    chart.data = [list(values) for values in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.angle = 30 if len(categories) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 8 else "n"
    style_axes(chart, font)
    chart.valueAxis.valueMax = 100
    chart.barSpacing = 1
    for index, colour in enumerate(_SERIES[: len(series)]):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(legend(names, _SERIES, font, 36, 8))
    return drawing
