"""Child processes of the benchmarks and test suites that start services themselves."""

from __future__ import annotations

import os
from pathlib import Path


def listening(pid: int) -> bool:
    """Whether the process has a listening TCP socket open (Linux /proc): a service process
    listens once its start-up is done, so each of several sharing one port can be waited for."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        inodes |= {line.split()[9] for line in lines if line.split()[3] == "0A"}
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            return True
    return False
