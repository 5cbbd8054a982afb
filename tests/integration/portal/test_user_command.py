"""`olymp user add` / `olymp user list`, as an operator runs them: a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from olymp_core.clock import SystemClock
from olymp_core.db import UnitOfWorkFactory, make_engine
from olymp_core.migrations import drop_database
from olymp_portal.domain.accounts import Account, password_matches
from olymp_portal.store import get_account

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/"


def olymp(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "olymp_cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "OLYMP_POSTGRES_URL": POSTGRES},
    )


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    found = f"olymp_test_users_{uuid.uuid4().hex[:8]}_"
    yield found
    await drop_database(f"{POSTGRES}{found}portal")


async def stored(prefix: str, login: str) -> Account:
    engine = make_engine(f"{POSTGRES}{prefix}portal", pool_size=1)
    try:
        uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
        async with uows() as uow:
            found = await get_account(uow.session, login)
            assert found is not None, login
            return found
    finally:
        await engine.dispose()


async def test_an_operator_adds_a_person_with_two_roles_and_lists_them(prefix: str) -> None:
    added = olymp(
        "user", "add", "Sidorov", "--name", "Сидоров Пётр Ильич", "--role", "jury_chair",
        "--scope", "subject=math", "--password-stdin", "--database-prefix", prefix,
        stdin="первый пароль жюри\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Учётная запись sidorov создана: председатель жюри (предмет: math)" in added.stdout
    second = olymp(
        "user", "add", "sidorov", "--name", "Сидоров Пётр Ильич", "--role", "jury_member",
        "--scope", "subject=physics", "--keep-roles", "--password-stdin",
        "--database-prefix", prefix,
        stdin="второй пароль жюри\n",
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "обновлена" in second.stdout
    account = await stored(prefix, "sidorov")
    assert [g.label for g in account.grants] == [
        "председатель жюри (предмет: math)",
        "член жюри (предмет: physics)",
    ]
    assert password_matches(account.password_hash, "второй пароль жюри")
    listed = olymp("user", "list", "--database-prefix", prefix)
    assert listed.returncode == 0, listed.stderr
    assert "sidorov" in listed.stdout and "Сидоров Пётр Ильич" in listed.stdout
    assert "пароль" not in listed.stdout


async def test_a_short_password_is_refused_saying_what_to_do(prefix: str) -> None:
    refused = olymp(
        "user", "add", "petrova", "--name", "Петрова Анна", "--role", "jury_member",
        "--scope", "subject=math", "--password-stdin", "--database-prefix", prefix,
        stdin="коротко\n",
    )  # fmt: skip
    assert refused.returncode != 0
    assert "Пароль короче 10 знаков" in refused.stderr


async def test_p4_a_pinned_role_is_not_added_without_its_scope(prefix: str) -> None:
    refused = olymp(
        "user", "add", "belova", "--name", "Белова Ирина Николаевна",
        "--role", "municipal_coordinator", "--password-stdin", "--database-prefix", prefix,
        stdin="длинный пароль организатора\n",
    )  # fmt: skip
    assert refused.returncode != 0
    assert "--scope municipality=" in refused.stderr
    assert "«*»" in refused.stderr
    assert "belova" not in olymp("user", "list", "--database-prefix", prefix).stdout
