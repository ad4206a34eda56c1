"""privprep on Apache Spark: the same plan per Arrow batch, global steps in two phases.

>>> from privprep.spark import apply
>>> private = apply("policy.yaml", spark.read.parquet("people.parquet"), key=os.environ["KEY"])

Install with ``pip install 'privprep[spark]'`` (pyspark 4, Java 17). See docs/spark.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from privprep.policy import Policy, load_policy

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["apply"]


def apply(
    policy: str | Path | Policy,
    df: DataFrame,
    output: str | Path | None = None,
    key: str | bytes | None = None,
    *,
    audit_log: str | Path | None = None,
) -> DataFrame:
    """Apply ``policy`` to the Spark frame ``df``; returns the private Spark frame.

    With ``output`` (or the policy's ``output.path``) the result is written there as a folder of
    Parquet part files and read back; otherwise the returned frame is the unwritten transformation.
    Either way the run's audit record is appended first.
    """
    from privprep.spark.engine import run

    policy_path = None if isinstance(policy, Policy) else policy
    loaded = policy if isinstance(policy, Policy) else load_policy(policy)
    return run(loaded, df, output=output, key=key, audit_log=audit_log, policy_path=policy_path).frame
