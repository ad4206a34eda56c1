"""The Python API: ``apply`` a policy to data."""

from __future__ import annotations

from pathlib import Path

from privprep.engine import Result, run
from privprep.io.parquet import Data
from privprep.policy import Policy, load_policy
from privprep.steps import Stage


def apply(
    policy: str | Path | Policy,
    data: Data,
    output: str | Path | None = None,
    key: str | bytes | None = None,
    *,
    audit_log: str | Path | None = None,
    on_stage: Stage | None = None,
    report: str | Path | None = None,
) -> Result:
    """Apply ``policy`` to ``data`` (Parquet path, Polars or pandas frame).

    Writes ``output`` (or the policy's ``output.path``; for a path input, ``<stem>.private.parquet``);
    with an in-memory input and no output path, the result holds the frame instead.

    >>> result = apply("policies/minimal.yaml", df, key="a-secret-of-16-bytes-or-more")
    >>> result.frame, result.record["result"]["status"]
    """
    policy_path = None if isinstance(policy, Policy) else policy
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    return run(
        policy, data, output=output, key=key, audit_log=audit_log, on_stage=on_stage,
        policy_path=policy_path, report=report,
    )  # fmt: skip
