"""The Typer application and the error boundary every command runs inside."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from privprep.cli.help import App, Group, exit_codes
from privprep.errors import PrivprepError

_SETTINGS = {"help_option_names": ["-h", "--help"]}
app = App(
    name="privprep",
    cls=Group,
    help="Turn raw tables into training-ready Parquet that is safe to share, and prove what was done.",
    epilog=exit_codes(),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=_SETTINGS,
)
audit_app = App(cls=Group, help="Read and verify the audit log.", no_args_is_help=True)
budget_app = App(cls=Group, help="Inspect differential-privacy budgets.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(budget_app, name="budget")

UNWRAPPED = 1_000_000
"""Room a console has when its stream is not a terminal: lines are never wrapped nor cells cut (``…``)."""


class Unwrapped(Console):
    """A console for a pipe or a file: each renderable is printed at its natural width, so a table or a
    panel is as wide as its content, and text is never wrapped."""

    def __init__(self, *, stderr: bool) -> None:
        super().__init__(stderr=stderr, width=UNWRAPPED, soft_wrap=True)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if objects and kwargs.get("width") is None:
            kwargs["width"] = max(1, *(self.measure(o).maximum for o in objects))
        super().print(*objects, **kwargs)


def console(*, stderr: bool = False) -> Console:
    """A console for a terminal as Rich sizes it; piped or redirected, one that never wraps or truncates."""
    found = Console(stderr=stderr)
    return found if found.is_terminal else Unwrapped(stderr=stderr)


out = console()
err = console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
JsonOption = typer.Option(False, "--json", help="Print one JSON document (shapes: docs/cli.md).")


def _print_version(value: bool) -> None:
    if value:
        from privprep.version import package_version

        print(f"privprep {package_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
    ),
) -> None:
    """Options of ``privprep`` itself (the app's ``help`` is what ``--help`` shows)."""


def user_errors(fn: F) -> F:
    """Print a PrivprepError as one clear message (no traceback) and exit with its code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PrivprepError as exc:
            err.print(f"[bold red]error[/] [dim]({exc.code.value})[/]: {escape(str(exc))}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted; nothing was written")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("PRIVPREP_DEBUG") == "1":
                raise
            # Library messages may quote data values: show the type only.
            err.print(f"internal error ({type(exc).__name__}); rerun with PRIVPREP_DEBUG=1 for details")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]
