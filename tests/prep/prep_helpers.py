"""Helpers for the prep tests: policies built in code, the prep plan on an in-memory frame."""

from __future__ import annotations

from typing import Any

import polars as pl
from core_helpers import KEY

from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.policy.model import Policy
from privprep.prep.records import PrepRecord
from privprep.prep.step import measure

MASTER = MasterKey(KEY.encode())


def prep_policy(**prep: Any) -> Policy:
    """A policy with only prep keys (``labels=``, ``dedupe=``, ``split=``); every column is kept."""
    return Policy.model_validate({"version": 1, "name": "prep", **prep})


def prepared(frame: pl.DataFrame, key: MasterKey = MASTER, **prep: Any) -> pl.DataFrame:
    """The output of the plan's projection for a prep-only policy."""
    plan = compile_plan(prep_policy(**prep), frame.schema)
    staged, outputs = plan.projection(key)
    return plan.frame(frame.lazy(), key, staged, outputs).collect()


def counts(frame: pl.DataFrame, key: MasterKey = MASTER, **prep: Any) -> PrepRecord:
    """The prep step's audit record for ``frame``."""
    plan = compile_plan(prep_policy(**prep), frame.schema)
    assert plan.prep is not None
    return measure(plan.prep, frame.lazy(), key, 10)
