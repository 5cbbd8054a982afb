"""`olymp materials`: push a package to the regional hub and read who is ready (§24, §25)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import httpx

DEFAULT_HUB = "http://127.0.0.1:8102"
CHUNK = 256 * 1024
KINDS = ("tasks", "criteria", "equipment")


def _headers(token: str | None) -> dict[str, str]:
    if not token:
        raise click.ClickException(
            "Нет токена: передайте --token или задайте OLYMP_TOKEN (выдаётся командой "
            "`olymp token issue --role coordinator`)."
        )
    return {"Authorization": f"Bearer {token}"}


def _chunks(path: Path, bar: Any) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            bar.update(len(chunk))
            yield chunk


def _fail(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    raise click.ClickException(f"{response.status_code}: {detail}")


_hub = click.option("--hub", default=lambda: os.environ.get("OLYMP_MATERIALS_URL", DEFAULT_HUB))
_token = click.option("--token", default=lambda: os.environ.get("OLYMP_TOKEN"))


@click.group()
def materials() -> None:
    """Пакеты заданий, критериев и перечни оборудования на региональном узле."""


@materials.command()
@click.argument("olympiad_id")
@click.argument("subject_code")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", help="Пароль архива WinZip-AES, если пакет — такой архив.")
@click.option("--release-at", help="Момент раскрытия с часовым поясом; иначе по умолчанию (§24).")
@_hub
@_token
def push(
    olympiad_id: str,
    subject_code: str,
    kind: str,
    file: Path,
    password: str | None,
    release_at: str | None,
    hub: str,
    token: str | None,
) -> None:
    """Загрузить пакет на региональный узел; муниципалитеты получат его сразу, ключ — в момент раскрытия."""
    headers = _headers(token)
    if password:
        headers["X-Package-Password"] = password
    params = {"release_at": release_at} if release_at else {}
    size = file.stat().st_size
    with click.progressbar(length=size, label=f"Загрузка {file.name}", file=None) as bar:
        response = httpx.post(
            f"{hub}/olympiads/{olympiad_id}/subjects/{subject_code}/packages/{kind}",
            content=_chunks(file, bar),
            params=params,
            headers={**headers, "Content-Length": str(size)},
            timeout=httpx.Timeout(30.0, write=None),
        )
    _fail(response)
    body = response.json()
    click.echo(
        f"Пакет {body['package_id']} (версия {body['version']}) объявлен; раскрытие "
        f"{body['release_at']}; SHA-256 {body['sha256']}"
    )


def _mark(value: bool | None) -> str:
    return "да" if value else "—"


@materials.command()
@click.argument("olympiad_id")
@_hub
@_token
def status(olympiad_id: str, hub: str, token: str | None) -> None:
    """Таблица готовности: получен ли пакет, ключ, подтверждение, проблемы, кто опаздывает."""
    response = httpx.get(
        f"{hub}/olympiads/{olympiad_id}/packages/status", headers=_headers(token), timeout=30
    )
    _fail(response)
    body = response.json()
    header = f"{'муниципалитет':<24} {'пакет':>5} {'ключ':>5} {'получение':>9}  проблемы"
    for package in body["items"]:
        released = package["released_at"] or "не раскрыт"
        click.echo(
            f"\n{package['subject_code']} / {package['kind']} — раскрытие {package['release_at']}"
            f" ({released}), версия {package['version']}"
        )
        click.echo(header)
        for row in package["municipalities"]:
            problems = ", ".join(row["missing"]) or (row["problems"] or "")
            late = f"ОПАЗДЫВАЕТ (> {body['late_after_min']} мин) " if row["late"] else ""
            click.echo(
                f"{row['municipality_id']:<24} {_mark(row['ciphertext_fetched']):>5} "
                f"{_mark(row['key_delivered']):>5} {_mark(row['receipt_confirmed']):>9}  "
                f"{late}{problems}"
            )
