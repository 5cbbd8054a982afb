"""The olympiad's index page: every published table, its latest version and the earlier ones."""

from __future__ import annotations

from html import escape

from olymp_publishing.documents.tables import local_text
from olymp_publishing.schemas import ResultIndex, ResultIndexEntry, VersionSummary

STAGES = {"preliminary": "предварительные", "final": "итоговые"}


def index_page(index: ResultIndex, time_zone: str | None) -> str:
    """A plain page like the tables': language set, one h1, a list per table, no scripts."""
    heading = "Результаты олимпиады"
    olympiad = (
        f'<p class="olympiad">{escape(index.olympiad_title)}</p>\n' if index.olympiad_title else ""
    )
    schedule = (
        f'<p class="schedule"><a href="{escape(index.schedule_url)}">Анализ заданий, показ работ, '
        "апелляции и расписание общественного наблюдения</a></p>\n"
        if index.schedule_url
        else ""
    )
    if index.tables:
        items = "\n".join(_entry(entry, time_zone) for entry in index.tables)
        body = f"<ul>\n{items}\n</ul>"
    else:
        body = "<p>Результаты ещё не опубликованы. Зайдите позже.</p>"
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
li {{ margin-bottom: 0.6rem; }}
p.olympiad {{ font-size: 1.1rem; margin-bottom: 0; }}
</style>
</head>
<body>
<main>
<header>
{olympiad}<h1>{heading}</h1>
</header>
{schedule}{body}
</main>
</body>
</html>
"""


def _entry(entry: ResultIndexEntry, time_zone: str | None) -> str:
    name = escape(f"{entry.subject_name.capitalize()}, {entry.grade} класс")
    links = entry.links
    latest = entry.latest
    earlier = [v for v in entry.versions if v.version != latest.version]
    others = ""
    if earlier:
        versions = ", ".join(
            f'<a href="{escape(links["html"])}?version={v.version}">{_version_text(v, time_zone)}</a>'
            for v in earlier
        )
        others = f"<br>Прежние версии: {versions}."
    return (
        f'<li><a href="{escape(links["html"])}">{name}</a>:'
        f" {_version_text(latest, time_zone)}"
        f' (<a href="{escape(links["csv"])}">CSV</a>, <a href="{escape(links["xlsx"])}">XLSX</a>)'
        f"{others}</li>"
    )


def _version_text(version: VersionSummary, time_zone: str | None) -> str:
    stage = STAGES.get(version.stage, version.stage)
    note = f" — {version.note}" if version.note else ""
    return escape(
        f"{stage}, версия {version.version} от {local_text(version.published_at, time_zone)}" + note
    )
