"""The backup's manifest: what it holds, and the checks a restore runs before it touches anything."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

FORMAT = "olymp-backup/1"
MANIFEST = "manifest.json"
OBJECTS_LIST = "objects.jsonl"
OBJECT_COPIES = "objects"
_CHUNK = 1 << 20


class BackupFile(BaseModel):
    path: str  # relative to the backup's directory
    bytes: int
    sha256: str


class DatabaseDump(BackupFile):
    database: str  # the name it had when it was dumped


class ObjectEntry(BaseModel):
    key: str
    size: int
    sha256: str
    content_type: str
    metadata: dict[str, str] = {}


class ObjectsListing(BackupFile):
    count: int
    total_bytes: int
    copied: bool  # the objects' bytes are in the backup, not only their checksums


class Manifest(BaseModel):
    format: str = FORMAT
    suite_version: str
    created_at: str  # ISO 8601, UTC
    pg_dump_version: str
    databases: dict[str, DatabaseDump]  # service -> its dump
    objects: ObjectsListing
    seconds: float  # how long the backup took

    def files(self) -> list[BackupFile]:
        return [*self.databases.values(), self.objects]


class DamagedBackup(Exception):
    """The backup cannot be trusted: nothing may be restored from it."""


def file_digest(path: Path) -> tuple[int, str]:
    """Size and sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def describe(directory: Path, relative: str) -> BackupFile:
    size, sha256 = file_digest(directory / relative)
    return BackupFile(path=relative, bytes=size, sha256=sha256)


def copy_path(directory: Path, sha256: str) -> Path:
    """Where an object's bytes are kept in the backup: by content, so equal objects share a file."""
    return directory / OBJECT_COPIES / sha256[:2] / sha256


def write_manifest(directory: Path, manifest: Manifest) -> None:
    (directory / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n")


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise DamagedBackup(f"{path} is missing: {directory} is not a backup") from None
    except ValidationError as exc:
        raise DamagedBackup(f"{path} cannot be read ({exc.error_count()} errors)") from None
    if manifest.format != FORMAT:
        raise DamagedBackup(f"{path} is of format {manifest.format!r}; this olymp reads {FORMAT}")
    return manifest


def read_objects(directory: Path, manifest: Manifest) -> list[ObjectEntry]:
    lines = (directory / manifest.objects.path).read_text().splitlines()
    return [ObjectEntry.model_validate(json.loads(line)) for line in lines if line]


def check(directory: Path) -> tuple[Manifest, list[ObjectEntry]]:
    """The manifest and the object listing, once every file's size and sha256 match the manifest
    (and every copied object its own); else DamagedBackup naming each file that does not."""
    manifest = read_manifest(directory)
    problems = []
    for entry in manifest.files():
        path = directory / entry.path
        if not path.is_file():
            problems.append(f"{entry.path} is missing")
            continue
        size, sha256 = file_digest(path)
        if (size, sha256) != (entry.bytes, entry.sha256):
            problems.append(
                f"{entry.path} has {size} bytes, sha256 {sha256[:16]}…; "
                f"the manifest says {entry.bytes} bytes, {entry.sha256[:16]}…"
            )
    if problems:
        raise DamagedBackup("; ".join(problems))
    objects = read_objects(directory, manifest)
    if manifest.objects.copied:
        for copied in {o.sha256: o for o in objects}.values():
            path = copy_path(directory, copied.sha256)
            if not path.is_file() or file_digest(path) != (copied.size, copied.sha256):
                problems.append(f"the copy of {copied.key} ({path.relative_to(directory)})")
        if problems:
            shown = "; ".join(problems[:5]) + (
                f" and {len(problems) - 5} more" if len(problems) > 5 else ""
            )
            raise DamagedBackup(f"object copies missing or changed: {shown}")
    return manifest, objects
