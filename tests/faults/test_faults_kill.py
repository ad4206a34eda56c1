"""Kill ``privprep apply`` at every step boundary; the invariant holds and the next run recovers.

Each case runs the CLI with ``PRIVPREP_FAULT=<point>`` (the process ``os._exit(137)``s there, as
under SIGKILL: no handler, no cleanup), then runs again to another target. A few cases run by
default; the full matrix, and real SIGKILLs at random moments, are ``slow``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from core_helpers import KEY, run_cli
from fault_helpers import (
    DETECT,
    DP,
    PLAIN,
    RELEASE_EPSILON,
    Folder,
    check_invariant,
    make_folder,
    run_of,
    spent,
    verify_problems,
)

import privprep

STEPS_PLAIN = ["open", "compile", "audit", "write", "profile"]
STEPS_DP = ["open", "compile", "audit", "reserve", "write", "check", "profile", "release"]
# Every distinct boundary: a step's "after" is the next one's "before" (nothing runs between them),
# and "finished:after" is the moment before the first rename.
TAIL = {"plain": ["finished:after"], "dp": ["finished:after", "rename:release:by_region"]}
POINTS = [
    (kind, point)
    for kind, steps in (("plain", STEPS_PLAIN), ("dp", STEPS_DP))
    for point in ["open:before", *(f"{s}:after" for s in steps), *TAIL[kind]]
] + [("detect", "detect:after")]  # detection loads the NLP model: one point, between open and compile
NOISE_DRAWN = {"release:after", "finished:after", "rename:release:by_region"}  # the DP measurement had run
QUICK = {("plain", "audit:after"), ("plain", "finished:after"), ("dp", "write:after")}
POLICIES = {"plain": PLAIN, "dp": DP, "detect": DETECT}


def next_run(folder_path: Path, policy: Path, data: Path, log: Path) -> privprep.Result:
    return privprep.apply(policy, data, folder_path / "out" / "next.parquet", key=KEY, audit_log=log)


@pytest.mark.parametrize(
    ("kind", "point"),
    [pytest.param(k, p, marks=() if (k, p) in QUICK else pytest.mark.slow, id=f"{k}-{p}") for k, p in POINTS],
)
def test_a_kill_at_every_step_boundary_leaves_all_or_nothing(tmp_path: Path, kind: str, point: str) -> None:
    folder = make_folder(tmp_path, POLICIES[kind])
    proc = run_cli(
        "apply", folder.policy, folder.input, "-o", folder.target, "--audit-log", folder.log,
        cwd=tmp_path, PRIVPREP_FAULT=point,
    )  # fmt: skip
    assert proc.returncode == 137, f"fault point {point} was not reached: {proc.returncode} {proc.stderr}"
    killed, kinds = run_of(folder.log, set())
    if point in ("open:before", "open:after", "detect:after", "compile:after"):
        assert "started" not in kinds  # killed before its intent was audited: it wrote nothing at all
    result = next_run(tmp_path, folder.policy, folder.input, folder.log)  # recovers, then succeeds
    assert result.record["result"]["status"] == "success"
    names = [name for k, name in POINTS if k == kind]
    if "write:after" in names and names.index(point) >= names.index("write:after"):  # a temp file was left
        assert any(w.startswith("recovery: ") for w in result.warnings), result.warnings  # and audited
    check_invariant(folder, killed, kinds, noise_drawn=kind == "dp" and point in NOISE_DRAWN)
    if kind == "dp":
        drawn = RELEASE_EPSILON if point in NOISE_DRAWN else 0.0
        assert spent(folder.ledger) == pytest.approx(RELEASE_EPSILON + drawn)
    assert verify_problems(folder.log, killed) == []


def start_apply(folder: Folder) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PRIVPREP_KEY": KEY}
    env.pop("PRIVPREP_FAULT", None)
    code = "from privprep.cli import main; main()"
    files = (folder.policy, folder.input, "-o", folder.target, "--audit-log", folder.log)
    args = ["apply", *map(str, files)]
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=folder.path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(folder: Folder, proc: subprocess.Popen[bytes], kind: str) -> float:
    """Poll the log until a ``kind`` record appears (or the process ends); the seconds it took."""
    began = time.monotonic()
    while proc.poll() is None:
        if folder.log.exists() and f'"kind": "{kind}"' in folder.log.read_text():
            break
        time.sleep(0.005)
    return time.monotonic() - began


def work_span(folder: Folder) -> float:
    """Seconds from a run's started record to just after its finished one (timed on a first run)."""
    proc = start_apply(folder)
    wait_for(folder, proc, "started")
    span = wait_for(folder, proc, "finished")
    proc.wait(timeout=60)
    return span + 0.05


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["plain", "dp"])
def test_real_sigkills_at_random_moments_leave_all_or_nothing(tmp_path: Path, kind: str) -> None:
    """SIGKILL from outside, at moments spread over the run's work (timed on a first run).

    Each kill is timed from the moment the run's started record appears, so a slow start (a
    loaded machine, cold caches) cannot push every kill before the run began.
    """
    rng = random.Random(9)
    span = work_span(make_folder(tmp_path / "warm", POLICIES[kind]))
    landed = []
    for attempt in range(5):
        folder = make_folder(tmp_path / f"k{attempt}", POLICIES[kind])
        proc = start_apply(folder)
        wait_for(folder, proc, "started")
        time.sleep(rng.uniform(0, span))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        killed, kinds = run_of(folder.log, set())
        landed.append("finished" if "finished" in kinds else "started" if kinds else "before")
        next_run(folder.path, folder.policy, folder.input, folder.log)
        # outputs all or nothing; whether noise was drawn is unknown here (the matrix checks spends)
        check_invariant(folder, killed, kinds, noise_drawn=True)
        assert verify_problems(folder.log, killed) == []
    print(f"random SIGKILLs ({kind}): {landed}")
    assert set(landed) - {"before"}, "no kill landed inside a run"
