"""Glue between `olymp demo`, the running suite and the day's report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from olymp_cli.demo.client import SuiteClient
from olymp_cli.demo.day import JURY, MUNICIPALITY, SUBJECTS, DayReport, OlympiadDay
from olymp_cli.suite import PRIVATE_KEY, Layout
from olymp_core.auth import Role, ScopeKind, TokenIssuer
from olymp_core.clock import SystemClock
from olymp_core.db import UnitOfWorkFactory, make_engine
from olymp_core.settings import SERVICES
from olymp_portal import handlers as portal_handlers
from olymp_portal import store as portal_store
from olymp_portal.domain import Grant


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
    until: str | None = None,
    scans: bool = False,
) -> DayReport:
    """One day on the running suite; with `retry_within_s` calls survive restarting services,
    `on_command(n, what)` hears of each command before it is sent; `concurrency` requests at once
    where people work side by side (check-in, marking)."""
    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    client = SuiteClient(
        {s: layout.base_url(s) for s in SERVICES},
        issuer,
        retry_within_s=retry_within_s,
        # the demo's organiser acts for its own municipality, as the portal's would
        pinned={ScopeKind.MUNICIPALITY: [MUNICIPALITY]},
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
            scans=scans,
        )
        return await day.run(until)
    finally:
        await client.close()


async def run_demo(
    layout: Layout,
    *,
    participants: int,
    schools: int,
    seed: int,
    say: Callable[[str], None],
    until: str | None = None,
    scans: bool = True,
) -> str:
    created = await ensure_demo_accounts(layout)
    say(
        f"0. Портал: {layout.base_url('portal')}/ — учётные записи {', '.join(DEMO_ACCOUNTS)}, "
        f"пароль «{DEMO_PASSWORD}»" + (f" (созданы: {len(created)})" if created else "")
    )
    report = await run_day(
        layout,
        participants=participants,
        schools=schools,
        seed=seed,
        say=say,
        until=until,
        scans=scans,
    )
    if until:
        return (
            f"Демонстрация остановлена после этапа «{until}». Олимпиада {report.olympiad_id}; "
            f"работ: {report.works}. Проверка — в портале: {layout.base_url('portal')}/"
        )
    return render_table(report.example_table) + f"\nПубличная страница: {report.public_page}"


# the municipality whose organiser the demo's portal account is: the demo olympiad's
DEMO_MUNICIPALITY = MUNICIPALITY


def _subjects(*codes: str) -> dict[ScopeKind, frozenset[str]]:
    return {ScopeKind.SUBJECT: frozenset(codes)}


# the demo's jury marks the works of both its subjects
_JURY = Grant(Role.JURY_MEMBER, _subjects(*SUBJECTS))


# The demo's people in the staff portal: the demo's jury (the same ids its marks carry), a chair,
# a coding officer, one person with two roles who picks one at sign-in, the organiser and the
# appeal commission (the ids its votes carry). Created once; a
# password changed with `olymp user add` is kept.
DEMO_PASSWORD = "olymp-demo-2026"  # noqa: S105 (the demo's, printed by the demo itself)
DEMO_ACCOUNTS: dict[str, tuple[str, tuple[Grant, ...]]] = {
    "jury-ivanova": ("Иванова Елена Андреевна", (_JURY,)),
    "jury-petrov": ("Петров Сергей Николаевич", (_JURY,)),
    "jury-kuzmina": ("Кузьмина-Ветрова Ольга Ильинична", (_JURY,)),
    "jury-sokolov": ("Соколов Артём Павлович", (_JURY,)),
    "jury-yolkina": (
        "Ёлкина Алёна Фёдоровна",
        (_JURY, Grant(Role.JURY_CHAIR, _subjects("physics"))),
    ),
    "chair-smirnova": ("Смирнова Татьяна Викторовна", (Grant(Role.JURY_CHAIR, _subjects("math")),)),
    "coding-orlov": ("Орлов Денис Игоревич", (Grant(Role.CODING_OFFICER),)),
    "organiser-ustishim": (
        "Белова Ирина Николаевна",
        (
            Grant(
                Role.MUNICIPAL_COORDINATOR, {ScopeKind.MUNICIPALITY: frozenset({DEMO_MUNICIPALITY})}
            ),
        ),
    ),
    # the appeal commission of mathematics, its chair first (olymp_cli.demo.day.COMMISSION)
    "appeal-orlova": ("Орлова Наталья Викторовна", (Grant(Role.APPEAL_MEMBER),)),
    "appeal-belov": ("Белов Андрей Сергеевич", (Grant(Role.APPEAL_MEMBER),)),
    "appeal-zhukova": ("Жукова-Равич Светлана Петровна", (Grant(Role.APPEAL_MEMBER),)),
    "appeal-yolkin": ("Ёлкин Григорий Семёнович", (Grant(Role.APPEAL_MEMBER),)),
}


async def ensure_demo_accounts(layout: Layout) -> list[str]:
    """The demo's portal accounts that did not exist yet, now created."""
    database_url = layout.database_url("portal")
    engine = make_engine(database_url, pool_size=1)
    created = []
    try:
        uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
        for login, (name, grants) in DEMO_ACCOUNTS.items():
            async with uows() as uow:
                if await portal_store.get_account(uow.session, login) is not None:
                    continue
            async with uows() as uow:
                command = portal_handlers.AddAccount(login, name, grants, DEMO_PASSWORD)
                await portal_handlers.add_account(command, uow, operator="olymp-demo")
            created.append(login)
    finally:
        await engine.dispose()
    return created


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
