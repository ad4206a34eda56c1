"""What ``--engine spark`` refuses, decided from the policy alone.

``privprep validate --engine spark`` reports these with their YAML lines, ``apply --engine spark``
refuses them before a Spark session starts, and :func:`privprep.spark.apply` before anything is
read or written. No pyspark import: the checks need none.
"""

from __future__ import annotations

from privprep.policy.model import Policy

DP_REFUSED = (
    "aggregates (DP releases) are refused under --engine spark: a release's privacy guarantee rests on"
    " OpenDP measuring the whole table in one process with bounded contributions, and a distributed"
    " pre-aggregation has no proven sensitivity bound in privprep yet (docs/dp.md); run this policy"
    " with the single-machine engine, or remove its aggregates"
)
ORDER_REFUSED = (
    "keep: {keep} keeps the {keep} row of each group of duplicates in input order, and a Spark"
    " frame has no input order (its partitions are file splits, read in any order), so the row kept"
    " would depend on the layout; under --engine spark use keep: none, or on: all without normalize"
    " (the duplicates are then equal rows), or run this policy with the single-machine engine"
)


def spark_problems(policy: Policy) -> list[tuple[tuple[str, ...], str]]:
    """Each part of ``policy`` Spark cannot run with the single machine's outputs: (YAML path, why)."""
    found = []
    if policy.aggregates is not None:
        found.append((("aggregates",), DP_REFUSED))
    dedupe = policy.dedupe
    if dedupe is not None and dedupe.keep != "none" and (dedupe.normalize or dedupe.on != "all"):
        found.append((("dedupe", "keep"), ORDER_REFUSED.format(keep=dedupe.keep)))
    return found
