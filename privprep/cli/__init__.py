"""The ``privprep`` command: thin commands over the public API, errors mapped to exit codes."""

from __future__ import annotations

from privprep.cli import apply, audit, budget, detect, report  # noqa: F401  (registers commands)
from privprep.cli.app import app


def main() -> None:
    """Console entry point."""
    app()


__all__ = ["app", "main"]
