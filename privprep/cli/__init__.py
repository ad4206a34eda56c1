"""The ``privprep`` command: thin commands over the public API, errors mapped to exit codes."""

from __future__ import annotations

import signal
from typing import NoReturn

from privprep.cli import apply, audit, budget, detect, drift, report, serve  # noqa: F401  (registers commands)
from privprep.cli.app import app


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def main() -> None:
    """Console entry point; SIGTERM is handled like Ctrl-C so a stopped run cleans up and is audited."""
    signal.signal(signal.SIGTERM, _interrupt)
    app()


__all__ = ["app", "main"]
