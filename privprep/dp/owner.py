"""Which process owns a budget reservation, and whether it still runs.

A process is named by host, pid and (on Linux) its start time, so a recycled pid is not
mistaken for the owner. Owners on other hosts, or whose liveness cannot be told, count as alive:
their reservations stay spent until they resolve them.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks since boot) of ``pid``, or None where /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], fields[19]


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    start: str | None

    def alive(self) -> bool:
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        stat = _stat(self.pid)
        if stat is None:  # gone since the kill probe, or no /proc on this system
            return not Path("/proc/self/stat").exists()
        state, start = stat
        return state not in ("Z", "X") and self.start in (None, start)


def current_owner() -> Owner:
    pid = os.getpid()
    stat = _stat(pid)
    return Owner(socket.gethostname(), pid, stat[1] if stat else None)
