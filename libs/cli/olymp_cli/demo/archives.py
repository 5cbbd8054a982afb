"""The password archive a regional coordinator makes today (WinZip-AES ZIP), for the demo day."""

from __future__ import annotations

import io

import pyzipper


def winzip_aes(password: str, files: dict[str, bytes]) -> bytes:
    """A ZIP archive whose every file is AES-256 encrypted with `password`."""
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def archive_names(content: bytes, password: str) -> list[str]:
    """Open the archive with `password`, read every file (checking it) and return the names."""
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(password.encode())
        for member in archive.infolist():
            archive.read(member)
        return [member.filename for member in archive.infolist()]
