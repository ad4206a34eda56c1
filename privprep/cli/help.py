"""How ``--help`` reads: ``POLICY INPUT`` in the usage line, no type placeholder on flags, and an epilog
with an example and the exit codes (from :data:`privprep.errors.EXIT_CODES`, never listed twice)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from privprep.errors import EXIT_CODES


class _CleanParams:
    """Mixin for commands and groups: flags show no ``<bool>`` and arguments read ``POLICY``."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # a flag takes no value: show no type
            elif isinstance(param, TyperArgument) and param.metavar is None:
                param.metavar = param.name.upper() if param.name else None
        return params

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []  # type: ignore[attr-defined]
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                name += "..." if param.nargs != 1 else ""
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class Command(_CleanParams, TyperCommand):
    """Every privprep command."""


class Group(_CleanParams, TyperGroup):
    """``privprep`` and its command groups (``audit``, ``budget``)."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]


def exit_codes() -> str:
    """One line per exit code with its reason codes: ``3  input_not_found, input_invalid, ...``."""
    by_exit: dict[int, list[str]] = defaultdict(list)
    for reason, code in EXIT_CODES.items():
        by_exit[code].append(reason.value)
    by_exit[2].append("usage error")
    lines = ["  0  success", *(f"{code:>3}  {', '.join(by_exit[code])}" for code in sorted(by_exit))]
    return "Exit codes (docs/cli.md):\n\n" + "\n".join(lines)


def epilog(*examples: str) -> str:
    """A command's epilog: its examples, one per line, then the exit codes."""
    shown = "\n".join(f"  $ {example}" for example in examples)
    return f"Example{'s' if len(examples) > 1 else ''}:\n\n{shown}\n\n{exit_codes()}"


class App(typer.Typer):
    """A Typer app whose commands are :class:`Command` unless told otherwise."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kw: Any) -> Any:
        return super().command(name, cls=cls or Command, **kw)
