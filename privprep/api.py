"""The Python API: ``apply`` a policy to data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privprep.engine import Result, run
from privprep.io.source import Data
from privprep.policy import Policy, load_policy
from privprep.policy.inputs import input_spec
from privprep.progress import ProgressCallback
from privprep.steps import Stage


def apply(
    policy: str | Path | Policy,
    data: Data | None,
    output: str | Path | None = None,
    key: str | bytes | None = None,
    *,
    audit_log: str | Path | None = None,
    on_stage: Stage | None = None,
    report: str | Path | None = None,
    input_options: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
) -> Result:
    """Apply ``policy`` to ``data``: a path (Parquet, CSV, JSON, IPC file, folder, glob, Delta table),
    a Polars, pandas or pyarrow table, a pyarrow dataset or a DuckDB relation; ``None`` runs the
    policy's ``input: {duckdb, query}``. ``input_options`` override the policy's ``input:`` section
    (``{"format": "csv", "separator": ";", "null_values": ["NA"]}``).

    A file or query input writes ``output`` (else the policy's ``output.path``, else
    ``<stem>.private.parquet``). An in-memory input writes only an explicit ``output``; without
    one, ``result.frame`` holds the output (pandas in, pandas out). ``progress`` is called with a
    :class:`privprep.progress.Progress` (stage, rows or columns done, total) as the run goes.

    >>> result = apply("policies/minimal.yaml", df, key="a-secret-of-16-bytes-or-more")
    >>> result.frame, result.record["result"]["status"]
    """
    policy_path = None if isinstance(policy, Policy) else policy
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    return run(
        policy, data, output=output, key=key, audit_log=audit_log, on_stage=on_stage,
        policy_path=policy_path, report=report, input_spec=input_spec(policy, input_options),
        progress=progress,
    )  # fmt: skip
