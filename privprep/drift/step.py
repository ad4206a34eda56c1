"""The ``drift`` step of a run: profile the output, compare with the baseline, warn or fail."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from privprep.drift.compare import compare, profile_of
from privprep.drift.history import named_run, previous_run
from privprep.drift.model import Comparison, DriftInfo, DriftProfile, DriftSection
from privprep.drift.profile import Binning, drift_profile
from privprep.errors import ReasonCode, fail
from privprep.keys import MasterKey
from privprep.policy.drift import DriftCheck
from privprep.policy.model import Policy

if TYPE_CHECKING:
    from privprep.plan import Plan
    from privprep.steps import StepState


def drift_step(
    state: StepState, plan: Plan, written: pl.LazyFrame, key: MasterKey | None, input_path: Path | None
) -> None:
    """Runs when the policy has ``checks.drift`` or ``labels``; records the profile and any comparison."""
    policy = state.policy
    spec = policy.checks.drift if policy.checks else None
    if spec is None and not policy.labels:
        return
    with state.step("drift") as done:
        baseline_id, baseline = _baseline(state, spec, input_path)
        base = state.profile.output.model_dump(mode="json") if state.profile else None
        profile = drift_profile(written, binning(policy, baseline, key), base)
        comparison = None
        if spec is not None and baseline is not None:
            comparison = compare(
                baseline, profile, psi_limit=spec.psi, null_rate_limit=spec.null_rate,
                baseline=baseline_id, current=state.run_id,
            )  # fmt: skip
        state.drift = DriftSection(
            profile=profile,
            against=spec.against if spec else None,
            baseline=baseline_id,
            comparison=comparison,
        )
        done(_info(profile, comparison))
        if spec is not None and comparison is not None:
            _settle(state, spec, comparison)


def binning(policy: Policy, baseline: DriftProfile | None, key: MasterKey | None) -> Binning:
    """How this policy's output is binned: taxonomies and split names, the policy's edges, the baseline."""
    from privprep.prep.step import report_k

    labels = {name: list(spec.classes) for name, spec in policy.labels.items()}
    if policy.split is not None:  # the split names are the policy's too
        labels[policy.split.column] = [n for n, f in policy.split.fractions.items() if f > 0]
    spec = policy.checks.drift if policy.checks else None
    edges = dict(spec.bins) if spec else {}
    return Binning(labels=labels, edges=edges, baseline=baseline, k=report_k(policy), key=key)


def _baseline(
    state: StepState, spec: DriftCheck | None, input_path: Path | None
) -> tuple[str | None, DriftProfile | None]:
    """The run to compare with: the previous one of this policy and input, or the one named."""
    if spec is None:
        return None, None
    if spec.against == "previous":
        dataset = str(input_path) if input_path else None
        found = previous_run(state.log_path, state.policy.name, dataset)
    else:
        found = named_run(state.log_path, spec.against)
    return (found["run_id"], profile_of(found)) if found else (None, None)


def _info(profile: DriftProfile, comparison: Comparison | None) -> DriftInfo:
    schema = comparison.schema_ if comparison else None
    return DriftInfo(
        columns=len(profile.columns),
        histograms=sum(c.histogram is not None for c in profile.columns.values()),
        compared=comparison is not None,
        drifted=len(comparison.drifted) if comparison else 0,
        schema_changes=len(schema.added) + len(schema.removed) + len(schema.retyped) if schema else 0,
    )


def _settle(state: StepState, spec: DriftCheck, comparison: Comparison) -> None:
    """Warn about every change; fail when the policy says a schema change or a drift must stop the run."""
    problems = comparison.problems()
    if not problems:
        return
    schema_failed = comparison.schema_.changed and spec.schema_ == "fail"
    drift_failed = bool(comparison.drifted) and spec.on_fail == "fail"
    where = f"drift against run {comparison.baseline}"
    if schema_failed or drift_failed:
        raise fail(ReasonCode.DRIFT_DETECTED, f"{where}: " + "; ".join(problems))
    state.warnings.extend(f"{where}: {line}" for line in problems)
