"""The Typer application and the error boundary every command runs inside."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from privprep.errors import PrivprepError

app = typer.Typer(
    name="privprep",
    help="Turn raw tables into training-ready Parquet that is safe to share, and prove what was done.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
audit_app = typer.Typer(help="Read and verify the audit log.", no_args_is_help=True)
budget_app = typer.Typer(help="Inspect differential-privacy budgets.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(budget_app, name="budget")

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


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
