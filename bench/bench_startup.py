"""Start-up cost: ``import privprep`` and ``privprep --help`` against a bare interpreter, side by side.

Goals (issue 10): each ≤ 0.3 s wall on an idle machine. Every command runs in a fresh process,
alternating, ``--repeat`` times; medians of wall and CPU seconds (CPU is the steadier figure on a
shared machine) and the ratio to ``python -c pass`` are printed.

    python bench/bench_startup.py --repeat 15
"""

from __future__ import annotations

import argparse
import sys

from _common import median, run_command

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import privprep": [sys.executable, "-c", "import privprep"],
    "privprep --help": [sys.executable, "-c", "from privprep.cli import main; main()", "--help"],
    "from privprep import apply": [sys.executable, "-c", "from privprep import apply"],
}
GOAL_SECONDS = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    wall: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            measured = run_command(command)
            wall[name].append(measured.seconds)
            cpu[name].append(measured.cpu_seconds)
    bare = median(wall["python -c pass"])
    print(f"{'command':28} {'wall s':>8} {'cpu s':>8} {'× bare':>8}  goal")
    for name in COMMANDS:
        goal = f"≤ {GOAL_SECONDS} s" if name in ("import privprep", "privprep --help") else ""
        seconds = median(wall[name])
        print(f"{name:28} {seconds:8.3f} {median(cpu[name]):8.3f} {seconds / bare:8.1f}  {goal}")


if __name__ == "__main__":
    main()
