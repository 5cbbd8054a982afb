"""Run the `olymp` command as an operator would: a separate process, against the test broker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from olymp_core.testing.databases import AMQP_URL


def olymp_command(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "olymp_cli", *args],
        env={**os.environ, "OLYMP_AMQP_URL": AMQP_URL, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
