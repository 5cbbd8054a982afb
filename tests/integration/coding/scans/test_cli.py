"""`olymp scan upload DIR`: every scan file is sent, outcomes are tallied, refusals named."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from olymp_cli.commands.scan import scan, scan_files


def test_station_folder_is_uploaded_file_by_file_and_refusals_are_named(
    tmp_path: Path,
) -> None:
    (tmp_path / "0001.jpg").write_bytes(b"\xff\xd8\xff page")
    (tmp_path / "0002.pdf").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a scan")
    seen: list[tuple[str, str, bytes]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        name = request.url.params["filename"]
        seen.append((name, request.url.params["subject_code"], request.read()))
        if name == "0002.pdf":
            return httpx.Response(422, json={"detail": "Файл «0002.pdf» пустой (0 байт)."})
        pages = [
            {"page": 1, "outcome": "work", "reason": None},
            {"page": 2, "outcome": "manual", "reason": "код не распознан"},
        ]
        return httpx.Response(200, json={"filename": name, "pages": pages})

    real_client = httpx.Client

    def client(**kwargs: object) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(answer), **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx, "Client", client)
        result = CliRunner().invoke(
            scan,
            ["upload", str(tmp_path), "--olympiad", "o-1", "--subject", "math", "--token", "t"],
        )

    assert [path.name for path in scan_files(tmp_path)] == ["0001.jpg", "0002.pdf"]
    assert [(name, subject) for name, subject, _ in seen] == [
        ("0001.jpg", "math"),
        ("0002.pdf", "math"),
    ]
    assert seen[0][2] == b"\xff\xd8\xff page"
    assert result.exit_code == 1
    assert "в очереди ручной привязки: 1" in result.output
    assert "0001.jpg, стр. 2 — код не распознан" in result.output
    assert "Не принят файл 0002.pdf: Файл «0002.pdf» пустой" in result.output
