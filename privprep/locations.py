"""Where the audit log and the DP budget ledger live: one rule, used by every command and the API.

The first that applies wins:

1. the path given explicitly (``apply --audit-log``, ``--log`` of ``audit``/``report``, ``--ledger``);
2. the policy's own setting (``output.audit_log``, ``aggregates.ledger``);
3. the folder named by ``$PRIVPREP_HOME``;
4. beside the data: the audit log beside the output file (``apply -o``, else the policy's
   ``output.path``), the ledger beside the input file (the budget follows the data);
5. the current directory (as an absolute path).

>>> audit_log_location(None, policy_setting=None, beside=Path("out")).path
PosixPath('out/privprep-audit.jsonl')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from privprep.errors import PrivprepError, ReasonCode, fail

HOME_ENV = "PRIVPREP_HOME"
AUDIT_LOG_NAME = "privprep-audit.jsonl"
LEDGER_NAME = "privprep-budget.sqlite"


@dataclass(frozen=True)
class Location:
    """A resolved path and the step of the rule that chose it (for "not found" messages)."""

    path: Path
    chosen_by: str
    flag: str

    def not_found(self, what: str, code: ReasonCode, note: str = "") -> PrivprepError:
        """The error for a file that is not there: where it looked, why there, how to point elsewhere."""
        return fail(code, f"no {what} at {self.path}; {self.hint()}{note}")

    def hint(self) -> str:
        """Why this path, and the ways to name another."""
        return (
            f"looked there because {self.chosen_by}; point elsewhere with {self.flag} PATH, "
            f"--policy POLICY or {HOME_ENV}=FOLDER"
        )


def audit_log_location(
    explicit: str | Path | None, *, policy_setting: str | None = None, beside: Path | None = None
) -> Location:
    """The audit log: ``explicit``, the policy's ``output.audit_log``, ``$PRIVPREP_HOME``, the
    ``beside`` folder (the output's), else the current directory."""
    return _resolve(
        explicit, policy_setting, "output.audit_log", beside, "the output", AUDIT_LOG_NAME, "--log"
    )


def ledger_location(
    explicit: str | Path | None, *, policy_setting: str | None = None, beside: Path | None = None
) -> Location:
    """The budget ledger: ``explicit``, the policy's ``aggregates.ledger``, ``$PRIVPREP_HOME``, the
    ``beside`` folder (the input's), else the current directory."""
    return _resolve(
        explicit, policy_setting, "aggregates.ledger", beside, "the data", LEDGER_NAME, "--ledger"
    )


def _resolve(
    explicit: str | Path | None,
    policy_setting: str | None,
    setting: str,
    beside: Path | None,
    beside_what: str,
    name: str,
    flag: str,
) -> Location:  # fmt: skip
    if explicit is not None:
        return Location(Path(explicit), f"it was given ({flag})", flag)
    if policy_setting:
        return Location(Path(policy_setting), f"the policy's {setting} says so", flag)
    home = os.environ.get(HOME_ENV)
    if home:
        return Location(Path(home) / name, f"{HOME_ENV} is set", flag)
    if beside is not None:
        return Location(beside / name, f"it is the default place, beside {beside_what}", flag)
    return Location(Path.cwd() / name, f"none of {flag}, --policy or {HOME_ENV} was given", flag)
