"""A kill inside the prep or drift step leaves all or nothing, like every other step boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import KEY, run_cli
from fault_helpers import PLAIN, check_invariant, make_folder, run_of, verify_problems

import privprep

PREP = PLAIN.replace("name: plain", "name: prep") + (
    "dedupe: {on: all}\nsplit: {by: id}\nchecks: {drift: {against: previous}}\n"
)


@pytest.mark.slow  # two CLI subprocesses per point
@pytest.mark.parametrize("point", ["prep:before", "prep:after", "drift:before", "drift:after"])
def test_a_kill_in_prep_or_drift_leaves_all_or_nothing(tmp_path: Path, point: str) -> None:
    folder = make_folder(tmp_path, PREP)
    proc = run_cli(
        "apply", folder.policy, folder.input, "-o", folder.target, "--audit-log", folder.log,
        cwd=tmp_path, PRIVPREP_FAULT=point,
    )  # fmt: skip
    assert proc.returncode == 137, f"fault point {point} was not reached: {proc.stderr}"
    killed, kinds = run_of(folder.log, set())
    result = privprep.apply(
        folder.policy, folder.input, tmp_path / "next.parquet", key=KEY, audit_log=folder.log
    )
    assert result.record["result"]["status"] == "success"
    assert result.record["result"]["drift"]["baseline"] is None  # a killed run is never a baseline
    check_invariant(folder, killed, kinds, noise_drawn=False)
    assert verify_problems(folder.log, killed) == []
