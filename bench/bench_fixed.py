"""Fixed costs of ``privprep.apply`` in a warm process: one small frame, many calls, one growing audit log.

Each tree (this one, and with ``--base`` another checkout of privprep) runs in its own child
process, alternately: ``--calls`` applies of a 1-row frame to a fresh log, timing each call.
Prints the median ms per call over the first and last 100 calls (a cost that grows with the log
shows as a rising last-100 figure) and the ratio base/this side by side.

    python bench/bench_fixed.py --base /path/to/other/checkout --calls 600
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
KEY = "bench-key-7f3a9c2e4b1d8f6a"
CHILD = """
import json, sys, tempfile, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
import polars as pl, privprep
calls, key = int(sys.argv[1]), sys.argv[2]
policy = privprep.parse_policy(
    "version: 1\\nname: fixed\\ncolumns:\\n  email: pseudonymize\\n  name: {action: fake, kind: name}\\n"
    "  age: {action: generalize, bins: [18, 65]}\\nunlisted: fail\\n")
frame = pl.DataFrame({"email": ["maria@example.com"], "name": ["Maria Lopez"], "age": [37]})
log = Path(tempfile.mkdtemp()) / "audit.jsonl"
times = []
for i in range(calls):
    start = time.perf_counter()
    privprep.apply(policy, frame, key=key, audit_log=log)
    times.append(time.perf_counter() - start)
print(json.dumps({"times": times, "log_bytes": log.stat().st_size, "from": privprep.__file__}))
"""


def child(root: Path, calls: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", CHILD, str(calls), KEY]
    with tempfile.TemporaryDirectory() as cwd:  # not the checkout: ``-c`` puts the cwd first on sys.path
        out = subprocess.run(command, env=env, capture_output=True, text=True, cwd=cwd)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="another privprep checkout to compare with")
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    trees = {"this": HERE} | ({"base": args.base.resolve()} if args.base else {})
    found: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.repeat):
        for name, root in trees.items():
            found[name].append(child(root, args.calls))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.calls} calls per child")
    print(f"{'tree':6} {'first 100 (ms)':>15} {'last 100 (ms)':>14} {'log (kB)':>9}")
    summary = {}
    for name, runs in found.items():
        first = statistics.median(statistics.median(r["times"][10:110]) for r in runs) * 1e3
        last = statistics.median(statistics.median(r["times"][-100:]) for r in runs) * 1e3
        summary[name] = (first, last)
        print(f"{name:6} {first:15.1f} {last:14.1f} {runs[0]['log_bytes'] / 1024:9.0f}  {runs[0]['from']}")
    if "base" in summary:
        (bf, bl), (tf, tl) = summary["base"], summary["this"]
        print(f"{'ratio base/this':22} first {bf / tf:.2f}×  last {bl / tl:.2f}×")


if __name__ == "__main__":
    main()
