"""Glue between `olymp demo`, the running suite and the day's report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from olymp_cli.demo.client import SuiteClient
from olymp_cli.demo.day import JURY, SUBJECTS, DayReport, OlympiadDay
from olymp_cli.suite import PRIVATE_KEY, Layout
from olymp_core.auth import TokenIssuer
from olymp_core.settings import SERVICES


async def run_day(
    layout: Layout,
    *,
    participants: int,
    schools: int,
    seed: int,
    say: Callable[[str], None],
    retry_within_s: float = 0.0,
    on_command: Callable[[int, str], None] | None = None,
    subjects: Sequence[str] = SUBJECTS,
    jury: Sequence[str] = JURY,
    concurrency: int = 1,
) -> DayReport:
    """One day on the running suite; with `retry_within_s` calls survive restarting services,
    `on_command(n, what)` hears of each command before it is sent; `concurrency` requests at once
    where people work side by side (check-in, marking)."""
    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    client = SuiteClient(
        {s: layout.base_url(s) for s in SERVICES}, issuer, retry_within_s=retry_within_s
    )
    client.on_command = on_command
    try:
        day = OlympiadDay(
            client,
            participants=participants,
            schools=schools,
            seed=seed,
            say=say,
            subjects=subjects,
            jury=jury,
            concurrency=concurrency,
        )
        return await day.run()
    finally:
        await client.close()


async def run_demo(
    layout: Layout,
    *,
    participants: int,
    schools: int,
    seed: int,
    say: Callable[[str], None],
) -> str:
    report = await run_day(layout, participants=participants, schools=schools, seed=seed, say=say)
    return render_table(report.example_table) + f"\nПубличная страница: {report.public_page}"


def render_table(table: dict[str, Any]) -> str:
    lines = [
        f"{str(table.get('subject_name', '')).capitalize()}, {table.get('grade')} класс: "
        f"{table.get('stage_label', '')} результаты, версия {table.get('version')}",
        f"{'Место':>6}  {'Участник':<28} {'Образовательная организация':<36} {'Баллы':>6}  Статус",
    ]
    for row in table.get("rows", []):
        lines.append(
            f"{row.get('place', row.get('rank', ''))!s:>6}  {row.get('participant') or '—':<28} "
            f"{row.get('school') or ''!s:<36.36} {row.get('score', row.get('total', ''))!s:>6}  "
            f"{row.get('status', '')}"
        )
    return "\n".join(lines)
