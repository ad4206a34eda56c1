"""``--help`` reads cleanly for every command (usage names, no type placeholders on flags, an example,
the exit codes) and ``--version`` prints the version."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

import privprep
from privprep.cli import app
from privprep.errors import EXIT_CODES


def _commands(group: typer.core.TyperGroup, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_is_covered() -> None:
    assert {"apply", "validate", "plan", "scan", "init", "report"} <= {c[-1] for c in COMMANDS}
    assert {("audit", "list"), ("audit", "show"), ("audit", "verify"), ("budget", "show")} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_command_help_has_usage_names_no_placeholders_and_an_example(command: tuple[str, ...]) -> None:
    text = help_text(*command)
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage and "<" not in usage, usage
    assert all(word.isupper() for word in re.findall(r"\b[A-Za-z_]+\b", usage.split("[OPTIONS]")[1])), usage
    assert "<bool>" not in text
    assert re.search(rf"Examples?:\s+\$ .*privprep {' '.join(command)} ", text), text
    assert re.search(r"^\s*7\s+audit_invalid", text, re.M)  # the exit codes


def test_main_help_lists_every_exit_code_and_version() -> None:
    text = help_text()
    for code in set(EXIT_CODES.values()):
        reasons = [r.value for r, c in EXIT_CODES.items() if c == code]
        assert re.search(rf"^\s*{code}\s+{re.escape(reasons[0])}", text, re.M), (code, text)
    assert "--version" in text and "<bool>" not in text


def test_usage_of_apply_names_its_arguments() -> None:
    assert "apply [OPTIONS] POLICY [INPUT]" in help_text("apply")  # INPUT: omitted for a query input
    assert "audit show [OPTIONS] RUN_ID" in help_text("audit", "show")


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"privprep {privprep.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", privprep.__version__)
