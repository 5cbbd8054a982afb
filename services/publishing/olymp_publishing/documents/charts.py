"""What every chart of publishing's reports shares (the analytic report, App. 13; the objectivity
monitoring): small axis labels in the document's font, a light grid from zero, one legend row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.legends import Legend
from reportlab.lib import colors


def style_axes(chart: Any, font: str) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")


def legend(names: Sequence[str], palette: Sequence[Any], font: str, x: float, y: float) -> Legend:
    found = Legend()
    found.fontName = font
    found.fontSize = 7
    found.x, found.y = x, y
    found.alignment = "right"
    found.columnMaximum = 1  # one row under the plot
    found.deltax = 8
    found.dxTextSpace = 4
    found.colorNamePairs = list(zip(palette, names, strict=False))
    return found
