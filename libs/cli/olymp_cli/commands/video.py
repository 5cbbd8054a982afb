"""`olymp video`: hand room recordings over to the registration service (§21) and read the
coverage and deadline report.

An upload survives a dropped connection: the upload id is kept in a small state file next to the
video (or under .olymp/uploads/ when that folder is read-only, e.g. a camera's card), and running
the same command again sends only the parts that did not arrive intact. The service verifies the
whole file's SHA-256 before it indexes the recording.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import click
import httpx

DEFAULT_URL = "http://127.0.0.1:8101"
_CHUNK = 1 << 20
_STATE_SUFFIX = ".olymp-upload.json"

Progress = Callable[[int, int], None]  # bytes stored so far, file size
Pause = Callable[[float], Awaitable[None]]


class UploadStopped(Exception):
    """The transfer stopped; the state file is kept, so running the upload again resumes it."""


class UploadRefused(Exception):
    """The service refused the file (not a video, truncated, unknown room...): do not retry."""


@dataclass(frozen=True)
class RecordingTarget:
    olympiad: str
    venue: str
    room: str
    subject: str
    camera: str = ""
    round_code: str | None = None
    claimed_start: dt.datetime | None = None


@dataclass(frozen=True)
class UploadOutcome:
    recording: dict[str, Any]
    duplicate: bool
    parts_sent: int
    parts_skipped: int


def state_file(video: Path, fallback_dir: Path | None = None) -> Path:
    """Where the upload id of `video` is kept: beside it, else under .olymp/uploads/."""
    if os.access(video.parent, os.W_OK):
        return video.with_name(f".{video.name}{_STATE_SUFFIX}")
    folder = fallback_dir or Path.cwd() / ".olymp" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{video.name}{_STATE_SUFFIX}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read_part(path: Path, number: int, part_size: int) -> bytes:
    with path.open("rb") as source:
        source.seek((number - 1) * part_size)
        return source.read(part_size)


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    return str(body.get("detail") or body.get("title") or body)


async def upload_recording(
    http: httpx.AsyncClient,
    path: Path,
    target: RecordingTarget,
    *,
    token: str,
    state: Path | None = None,
    progress: Progress | None = None,
    retries: int = 5,
    pause: Pause = asyncio.sleep,
) -> UploadOutcome:
    """Upload `path` for `target` through the service at `http.base_url`, resuming an upload
    recorded in the state file. One part is in memory at a time, whatever the file's size."""
    state = state or state_file(path)
    headers = {"Authorization": f"Bearer {token}"}
    size = (await asyncio.to_thread(path.stat)).st_size
    sha256 = await asyncio.to_thread(file_sha256, path)
    base = f"/olympiads/{target.olympiad}/venues/{quote(target.venue, safe='')}/video/uploads"
    upload = await _resumed(http, state, base, sha256, headers)
    if upload is None:
        body = {
            "room": target.room,
            "camera": target.camera,
            "subject_code": target.subject,
            "round_code": target.round_code,
            "file_name": path.name,
            "size": size,
            "sha256": sha256,
            "claimed_start": target.claimed_start.isoformat() if target.claimed_start else None,
        }
        response = await _call(http, "POST", base, pause, retries, headers=headers, json=body)
        if response.status_code not in (200, 201):
            raise UploadRefused(_problem(response))
        started = response.json()
        if started.get("existing"):
            return UploadOutcome(started["existing"], True, 0, 0)
        upload = started["upload"]
        await asyncio.to_thread(
            state.write_text, json.dumps({"upload_id": upload["upload_id"], "sha256": sha256})
        )
    part_size, count = int(upload["part_size"]), int(upload["part_count"])
    arrived = {int(p["number"]): p["md5"] for p in upload["arrived"]}
    urls = {int(p["number"]): p["url"] for p in upload["parts"]}
    checksums: list[dict[str, Any]] = []
    done, sent = 0, 0
    for number in range(1, count + 1):
        data = await asyncio.to_thread(_read_part, path, number, part_size)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        checksums.append({"number": number, "md5": md5})
        if arrived.get(number) != md5:
            if number not in urls and upload.get("next_part") is not None:
                # the service hands out part links a page at a time: ask for the page from here
                urls.update(
                    await _part_links(http, f"{base}/{upload['upload_id']}", number, headers)
                )
            url = urls.get(number) or f"{base}/{upload['upload_id']}/parts/{number}"
            await _send_part(
                http, url, data, md5, bool(upload["signed_urls"]), headers, pause, retries
            )
            sent += 1
        done += len(data)
        if progress:
            progress(done, size)
    response = await _call(
        http,
        "POST",
        f"{base}/{upload['upload_id']}/complete",
        pause,
        retries,
        headers=headers,
        json={"parts": checksums},
    )
    if response.status_code not in (200, 201):
        if response.status_code != 422 or response.json().get("type", "").endswith(
            "checksum-mismatch"
        ):
            raise UploadStopped(_problem(response))
        await asyncio.to_thread(state.unlink, missing_ok=True)
        raise UploadRefused(_problem(response))
    completed = response.json()
    if completed["recording"]["sha256"] != sha256:
        raise UploadStopped("служба сохранила другой файл: контрольные суммы не совпадают")
    await asyncio.to_thread(state.unlink, missing_ok=True)
    return UploadOutcome(completed["recording"], completed["duplicate"], sent, count - sent)


async def _resumed(
    http: httpx.AsyncClient, state: Path, base: str, sha256: str, headers: dict[str, str]
) -> dict[str, Any] | None:
    if not await asyncio.to_thread(state.exists):
        return None
    saved = json.loads(await asyncio.to_thread(state.read_text))
    if saved.get("sha256") != sha256:
        return None  # the file changed since: a new upload
    response = await http.get(f"{base}/{saved['upload_id']}", headers=headers)
    if response.status_code != 200:
        return None  # completed, rejected or forgotten: start afresh
    found: dict[str, Any] = response.json()
    return found


async def _part_links(
    http: httpx.AsyncClient, upload_url: str, from_part: int, headers: dict[str, str]
) -> dict[int, str]:
    response = await http.get(upload_url, params={"from_part": from_part}, headers=headers)
    if response.status_code != 200:
        raise UploadStopped(_problem(response))
    return {int(p["number"]): p["url"] for p in response.json()["parts"]}


async def _send_part(
    http: httpx.AsyncClient,
    url: str,
    data: bytes,
    md5: str,
    signed: bool,
    headers: dict[str, str],
    pause: Pause,
    retries: int,
) -> None:
    target = url if signed else urljoin(str(http.base_url), url)
    response = await _call(
        http, "PUT", target, pause, retries, headers=None if signed else headers, content=data
    )
    if response.status_code != 200:
        raise UploadStopped(_problem(response))
    if response.headers.get("etag", "").strip('"') != md5:
        raise UploadStopped("часть файла дошла повреждённой; запустите загрузку ещё раз")


async def _call(
    http: httpx.AsyncClient, method: str, url: str, pause: Pause, retries: int, **kwargs: Any
) -> httpx.Response:
    """The request, retried with growing pauses over a dropped connection or a 5xx answer."""
    for attempt in range(retries + 1):
        try:
            response = await http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            failure = f"соединение прервалось ({type(exc).__name__})"
        else:
            if response.status_code < 500:
                return response
            failure = f"служба ответила {response.status_code}"
        if attempt < retries:
            await pause(min(2.0**attempt, 30.0))
    raise UploadStopped(f"{failure}; запустите ту же команду ещё раз — загрузка продолжится")


async def fetch_report(
    http: httpx.AsyncClient, olympiad: str, venue: str, subject: str, token: str
) -> dict[str, Any]:
    response = await http.get(
        f"/olympiads/{olympiad}/video/report",
        params={"venue": venue, "subject": subject},
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code != 200:
        raise UploadRefused(_problem(response))
    report: dict[str, Any] = response.json()
    return report


def render_report(report: dict[str, Any]) -> str:
    lines = [f"Площадка «{report['venue']}», предмет {report['subject_code']}"]
    for round_ in report["rounds"]:
        lines.append(f"Тур {round_['round_code']} ({round_['day']}):")
        for room in round_["rooms"]:
            lines.append(f"  {room['room']}: записей {room['recordings']}")
        lines += [f"  ! {finding['message']}" for finding in round_["findings"]]
    lines.append("Замечаний нет." if report["complete"] else "Есть замечания (отмечены «!»).")
    return "\n".join(lines)


_service_options = [
    click.option("--url", envvar="OLYMP_REGISTRATION_URL", default=DEFAULT_URL, show_default=True),
    click.option(
        "--token", envvar="OLYMP_TOKEN", required=True, help="Bearer token (olymp token issue)."
    ),
]


def _with_service(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_service_options):
        f = option(f)
    return f


@click.group()
def video() -> None:
    """Room video (§21): upload recordings, check coverage and the handover deadline."""


@video.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--olympiad", required=True, help="Olympiad id.")
@click.option("--venue", required=True, help="Venue name as in the olympiad.")
@click.option("--room", required=True, help="Room name as in the venue's list.")
@click.option("--subject", required=True, help="Subject code, e.g. chemistry.")
@click.option("--camera", default="", help="Camera label when a room has several.")
@click.option("--round", "round_code", default=None, help="Round code for two-round subjects.")
@click.option(
    "--started-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    default=None,
    help="Recorder start with offset, used only if the file has no creation time.",
)
@_with_service
def upload(
    file: Path,
    olympiad: str,
    venue: str,
    room: str,
    subject: str,
    camera: str,
    round_code: str | None,
    started_at: dt.datetime | None,
    url: str,
    token: str,
) -> None:
    """Upload FILE; after a dropped connection run the same command again to resume."""
    target = RecordingTarget(olympiad, venue, room, subject, camera, round_code, started_at)
    size = file.stat().st_size
    with click.progressbar(length=size, label=file.name) as bar:
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal shown
            bar.update(done - shown)
            shown = done

        async def run() -> UploadOutcome:
            timeout = httpx.Timeout(30.0, write=300.0)
            async with httpx.AsyncClient(base_url=url, timeout=timeout) as http:
                return await upload_recording(http, file, target, token=token, progress=progress)

        try:
            outcome = asyncio.run(run())
        except (UploadStopped, UploadRefused) as exc:
            raise click.ClickException(str(exc)) from None
    recording = outcome.recording
    if outcome.duplicate:
        click.echo(f"Этот файл уже загружен: запись {recording['recording_id']}.")
    else:
        click.echo(
            f"Запись {recording['recording_id']} принята: {recording['duration_s']:.0f} с, "
            f"SHA-256 {recording['sha256']} совпадает."
        )
    for flag in recording["flags"]:
        click.echo(f"Отметка: {flag}")


@video.command()
@click.option("--olympiad", required=True)
@click.option("--venue", required=True)
@click.option("--subject", required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_with_service
def report(olympiad: str, venue: str, subject: str, as_json: bool, url: str, token: str) -> None:
    """Rooms without video, late starts, early ends, gaps and late handovers (§21)."""

    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=url, timeout=30.0) as http:
            return await fetch_report(http, olympiad, venue, subject, token)

    try:
        found = asyncio.run(run())
    except UploadRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else render_report(found))
