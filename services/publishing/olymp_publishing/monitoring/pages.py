"""The information report as one printable HTML page: the PDF's sections, tables and plots, the
plots as SVG drawn on the server from the same drawings. No script, no font or style from
elsewhere: the page prints as it is shown and can be kept as a file.
"""

from __future__ import annotations

import re
from html import escape
from typing import Final

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing

from olymp_core.protocol_documents import Report, Section, cell_text

# The page's one policy: nothing but its own inline styles and SVG (sent as a header too).
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
    " form-action 'none'; frame-ancestors 'none'"
)
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_EMPTY_TITLE = re.compile(r"<title>\.\.\.</title>\s*<desc>\.\.\.</desc>\s*")
_IDS = re.compile(r'(\bid="|url\(#)([A-Za-z][\w-]*)([")])')

_STYLE: Final = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 1.5rem; color: #111;
  font-size: 0.9rem; max-width: 60rem; }
h1 { font-size: 1.2rem; }
h2 { font-size: 1.05rem; margin-top: 1.6rem; break-after: avoid; }
table { border-collapse: collapse; margin: 0.5rem 0; width: 100%; }
th, td { border: 1px solid #888; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
td.num { text-align: right; }
p.note { font-size: 0.8rem; margin: 0.2rem 0; }
figure { margin: 0.6rem 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figure svg text { font-family: "DejaVu Sans", system-ui, sans-serif !important; }
.signature { margin-top: 2rem; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; max-width: none; } }
"""


def html_page(found: Report) -> str:
    """The page of a report; every text escaped."""
    title = escape(found.heading[1])
    lines = "".join(f"<p>{escape(line)}</p>\n" for line in found.heading[2:])
    sections = "\n".join(_section(section, number) for number, section in enumerate(found.sections))
    signatures = "".join(f'<p class="signature">{escape(line)}</p>\n' for line in found.signatures)
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<header>
<p>{escape(found.heading[0])}</p>
<h1>{title}</h1>
{lines}</header>
{sections}
{signatures}</main>
</body>
</html>
"""


def _section(section: Section, number: int) -> str:
    parts = [f"<section>\n<h2>{escape(section.title)}</h2>"]
    parts += [f"<p>{escape(line)}</p>" for line in section.lines]
    if section.header:
        head = "".join(f'<th scope="col">{escape(name)}</th>' for name in section.header)
        rows = "\n".join(
            "<tr>"
            + "".join(
                f'<td class="num">{escape(cell_text(cell))}</td>'
                if not isinstance(cell, str)
                else f"<td>{escape(cell)}</td>"
                for cell in row
            )
            + "</tr>"
            for row in section.rows
        )
        parts.append(
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
        )
    parts += [f'<p class="note">{escape(line)}</p>' for line in section.notes]
    if section.chart is not None:
        label = escape(section.title, quote=True)
        figure = svg(section.chart, f"s{number}")
        parts.append(f'<figure role="img" aria-label="{label}">{figure}</figure>')
    parts.append("</section>")
    return "\n".join(parts)


def svg(drawing: Drawing, prefix: str) -> str:
    """The drawing as an inline <svg> element: no XML prologue or doctype, no empty title, and
    its ids prefixed — reportlab names every drawing's clip path «clip», and on one page the
    first of them would clip all the others."""
    text = _EMPTY_TITLE.sub(
        "", _PROLOGUE.sub("", renderSVG.drawToString(drawing), count=1), count=1
    )
    return _IDS.sub(lambda found: f"{found[1]}{prefix}-{found[2]}{found[3]}", text)
