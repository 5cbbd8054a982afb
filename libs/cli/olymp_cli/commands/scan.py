"""`olymp scan upload DIR`: send a scan station's files to the coding service, with progress.

Each file goes as it is (the service splits PDFs and reads the labels); a file the service refuses
is reported by name with the service's reason and the rest carry on. Exit status 1 if any file was
refused, so a station script notices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import httpx

SCAN_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"})
DEFAULT_URL = "http://127.0.0.1:8103"
TOKEN_ENV = "OLYMP_TOKEN"  # noqa: S105  (the variable's name, not a token)
_OUTCOME_WORDS = {
    "work": "отнесено к работам",
    "title": "титульных листов",
    "manual": "в очереди ручной привязки",
    "duplicate": "повторных",
}


@dataclass
class UploadSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    manual: list[tuple[str, int, str]] = field(default_factory=list)  # (file, page, reason)


def scan_files(directory: Path) -> list[Path]:
    """The scans in `directory` (not its subfolders), in name order, as a station writes them."""
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and path.suffix.lower() in SCAN_SUFFIXES
    )


def upload_file(
    client: httpx.Client, olympiad_id: str, subject_code: str, path: Path, summary: UploadSummary
) -> None:
    with path.open("rb") as body:
        response = client.post(
            f"/olympiads/{olympiad_id}/scans",
            params={"filename": path.name, "subject_code": subject_code},
            content=body,
        )
    if response.status_code == 200:
        for page in response.json()["pages"]:
            summary.outcomes[page["outcome"]] += 1
            if page["outcome"] == "manual":
                summary.manual.append((path.name, page["page"], page["reason"] or ""))
        return
    summary.refused.append((path.name, _reason(response)))


def _reason(response: httpx.Response) -> str:
    try:
        problem: Any = response.json()
        return str(problem.get("detail") or problem)
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}"


def upload_all(
    client: httpx.Client, olympiad_id: str, subject_code: str, files: Iterable[Path]
) -> UploadSummary:
    summary = UploadSummary()
    files = list(files)
    with click.progressbar(
        files, label="Загрузка сканов", item_show_func=lambda p: p.name if p else None
    ) as bar:
        for path in bar:
            upload_file(client, olympiad_id, subject_code, path, summary)
    return summary


@click.group()
def scan() -> None:
    """Scan station: send scanned works to the coding service."""


@scan.command()
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option("--olympiad", "olympiad_id", required=True, help="Olympiad id (UUID).")
@click.option("--subject", "subject_code", required=True, help="Subject being scanned, e.g. math.")
@click.option("--url", default=DEFAULT_URL, show_default=True, help="The coding service.")
@click.option(
    "--token", envvar=TOKEN_ENV, required=True, help=f"Scanner's bearer token (or ${TOKEN_ENV})."
)
@click.option("--timeout", default=600.0, show_default=True, help="Seconds per file.")
def upload(
    directory: Path, olympiad_id: str, subject_code: str, url: str, token: str, timeout: float
) -> None:
    """Upload every PDF and image in DIR; pages are routed to works by their QR labels."""
    files = scan_files(directory)
    if not files:
        raise click.ClickException(
            f"В папке {directory} нет сканов (PDF, JPEG, PNG или TIFF): проверьте путь."
        )
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=timeout) as client:
            summary = upload_all(client, olympiad_id, subject_code, files)
    except httpx.TransportError as error:
        raise click.ClickException(
            f"Служба шифрования по адресу {url} не отвечает ({error}). "
            "Проверьте сеть и адрес (--url) и повторите: загруженные страницы не задвоятся."
        ) from None
    pages = sum(summary.outcomes.values())
    click.echo(
        f"Страниц: {pages}. "
        + "; ".join(
            f"{_OUTCOME_WORDS[name]}: {count}" for name, count in sorted(summary.outcomes.items())
        )
    )
    for name, number, reason in summary.manual:
        click.echo(f"  ручная привязка: {name}, стр. {number} — {reason}")
    for name, reason in summary.refused:
        click.echo(f"Не принят файл {name}: {reason}", err=True)
    if summary.refused:
        raise SystemExit(1)


__all__ = ["UploadSummary", "scan", "scan_files", "upload_all", "upload_file"]
