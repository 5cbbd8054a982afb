"""A store from one configuration string, so every service configures storage the same way."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from olymp_core.storage.base import ObjectStore
from olymp_core.storage.local import LocalDirectoryStore
from olymp_core.storage.s3 import S3Store

EXAMPLES = (
    "file:///var/lib/olymp/objects, file:data/objects or"
    " s3://ACCESS_KEY:SECRET_KEY@minio.example:9000/olymp?secure=false&region=ru-1"
)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_FLAGS = {"true": True, "1": True, "false": False, "0": False}


def open_store(url: str) -> ObjectStore:
    """`file:///abs/path`, `file:relative/path` or `s3://ACCESS:SECRET@host:port/bucket?...`."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalDirectoryStore(_local_root(url, parts))
    if parts.scheme == "s3":
        return _s3_store(parts)
    raise _malformed(_redacted(parts), f"the scheme must be file: or s3:, not {parts.scheme!r}")


def _local_root(url: str, parts: SplitResult) -> Path:
    if parts.netloc not in ("", "localhost"):
        raise _malformed(url, f"a file URL names no host ({parts.netloc!r}); use file:/// or file:")
    if parts.query or parts.fragment:
        raise _malformed(url, "a file URL takes no '?' or '#' part")
    if not parts.path:
        raise _malformed(url, "the directory is missing")
    return Path(unquote(parts.path)).absolute()


def _s3_store(parts: SplitResult) -> S3Store:
    shown = _redacted(parts)
    if parts.fragment:
        raise _malformed(shown, "a '#' part is not allowed; percent-encode '#' in credentials")
    if not parts.username or not parts.password:
        raise _malformed(
            shown, "credentials are missing: put ACCESS_KEY:SECRET_KEY@ before the host"
        )
    if not parts.hostname:
        raise _malformed(shown, "the host is missing")
    try:
        port = parts.port
    except ValueError:
        raise _malformed(shown, "the port is not a number from 1 to 65535") from None
    bucket = parts.path.removeprefix("/")
    if not _BUCKET.match(bucket):
        raise _malformed(
            shown, f"the path must be one bucket name (3-63 of a-z, 0-9, '.', '-'), not {bucket!r}"
        )
    options: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in ("secure", "region") or name in options:
            raise _malformed(shown, f"unknown or repeated option {name!r}; known: secure, region")
        options[name] = value
    secure = _FLAGS.get(options.get("secure", "false").lower())
    if secure is None:
        raise _malformed(shown, f"secure must be true or false, not {options['secure']!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return S3Store(
        f"{host}:{port}" if port else host,
        unquote(parts.username),
        unquote(parts.password),
        bucket,
        secure=secure,
        region=options.get("region") or None,
    )


def _redacted(parts: SplitResult) -> str:
    # Error messages end up in logs, so the secret key never appears in them.
    if parts.fragment:  # an unencoded '#' in the secret: its head would show as the netloc
        return f"{parts.scheme}://***"
    if parts.password is None:
        return parts.geturl()
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def _malformed(url: str, problem: str) -> ValueError:
    return ValueError(f"malformed storage URL {url!r}: {problem}; for example {EXAMPLES}")
