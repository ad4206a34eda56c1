"""Shared benchmark helpers: a large realistic table, and timed, memory-measured child processes.

Every measured operation runs in its own child process, so the peak resident set
size it reports (the kernel's high-water mark, ``VmHWM``) belongs to that operation
alone and earlier runs cannot warm its heap::

    path = ensure_table(Path("/tmp/bench"), rows=1_000_000)
    m = run_child("bench/bench_apply.py", "copy", {"src": str(path), "dst": "/tmp/copy.parquet"})
    print(m.seconds, m.peak_mib)

The child imports the module file, calls the function once under a timer and
prints one JSON line; import time is not counted. ``run_command`` does the same
for a whole command line (wall time including interpreter start-up).
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from faker import Faker

COLUMNS = ("id", "name", "email", "phone", "zip", "birth_date", "salary", "city", "label", "score")
DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me", "web.de")
NULL_RATE = 0.01  # share of missing e-mails and phones, as in real exports
_MARK = "__bench_result__ "


def _pool(faker: Faker, draw: str, size: int) -> pl.Series:
    """``size`` draws of a Faker provider (duplicates kept: common names stay common)."""
    method = getattr(faker, draw)
    return pl.Series(draw, [method() for _ in range(size)], pl.String)


def make_table(rows: int, seed: int = 0) -> pl.DataFrame:
    """A realistic ten-column customer table, generated column-wise (Faker runs ~3,000 times in all).

    Names and cities are gathered from Faker pools; e-mails are built from the same
    names plus a number (nearly all distinct); phones mix three US formats; ~1 % of
    e-mails and phones are null.
    """
    rng = np.random.default_rng(seed)
    faker = Faker("en_US")
    faker.seed_instance(seed)
    first, last, city = (
        _pool(faker, "first_name", 1000),
        _pool(faker, "last_name", 1000),
        _pool(faker, "city", 500),
    )
    fi, li = rng.integers(0, len(first), rows), rng.integers(0, len(last), rows)
    digits = rng.integers(0, 10, (rows, 10), dtype=np.int8)
    d = [pl.Series(f"d{i}", digits[:, i]).cast(pl.String) for i in range(10)]
    area = pl.concat_str([pl.Series(np.array(rng.integers(2, 10, rows))).cast(pl.String), d[1], d[2]])
    exchange, line = pl.concat_str(d[3:6]), pl.concat_str(d[6:10])
    style = rng.integers(0, 3, rows)
    phone_styles = [
        pl.concat_str([pl.lit("+1 ("), area, pl.lit(") "), exchange, pl.lit("-"), line]),
        pl.concat_str([area, exchange, line], separator="-"),
        pl.concat_str([area, exchange, line], separator="."),
    ]
    frame = pl.DataFrame(
        {
            "id": rng.permutation(rows).astype(np.int64) + 10_000_000,
            "first": first.gather(fi),
            "last": last.gather(li),
            "number": rng.integers(1, 10_000, rows),
            "domain": pl.Series(DOMAINS).gather(rng.integers(0, len(DOMAINS), rows)),
            "style": style,
            "missing_email": rng.random(rows) < NULL_RATE,
            "missing_phone": rng.random(rows) < NULL_RATE,
            "zip": pl.Series(rng.integers(501, 99_951, rows)).cast(pl.String).str.zfill(5),
            "birth_date": pl.Series(rng.integers(-10_957, 12_784, rows).astype(np.int32)).cast(pl.Date),
            "salary": np.round(rng.lognormal(10.9, 0.5, rows), 2),
            "city": city.gather(rng.integers(0, len(city), rows)),
            "label": (rng.random(rows) < 0.2).astype(np.int8),
            "score": rng.random(rows),
        }
    )
    email = pl.concat_str(
        [pl.col("first").str.to_lowercase(), pl.lit("."), pl.col("last").str.to_lowercase(),
         pl.col("number").cast(pl.String), pl.lit("@"), pl.col("domain")]
    )  # fmt: skip
    phone = pl.when(pl.col("style") == 0).then(phone_styles[0])
    phone = phone.when(pl.col("style") == 1).then(phone_styles[1]).otherwise(phone_styles[2])
    return frame.select(
        "id",
        pl.concat_str(["first", "last"], separator=" ").alias("name"),
        pl.when(~pl.col("missing_email")).then(email).alias("email"),
        pl.when(~pl.col("missing_phone")).then(phone).alias("phone"),
        *COLUMNS[4:],
    )


def ensure_table(folder: Path, rows: int, seed: int = 0) -> Path:
    """``folder/customers-<rows>-<seed>.parquet``, generated once and reused when already there."""
    path = folder / f"customers-{rows}-{seed}.parquet"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        run_child(__file__, "write_table", {"path": str(tmp), "rows": rows, "seed": seed})
        tmp.rename(path)
    return path


@dataclass
class Measurement:
    """One measured child run: wall and CPU seconds of the timed call, peak RSS, what the call returned.

    CPU seconds (user + system, all threads) are much less disturbed by other load on the
    machine than wall seconds; a ratio of CPU seconds is the steadier comparison.
    """

    seconds: float
    peak_kib: int
    cpu_seconds: float = 0.0
    anon_kib: int = 0
    baseline_kib: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024

    @property
    def anon_mib(self) -> float:
        return self.anon_kib / 1024


def write_table(path: str, rows: int, seed: int = 0) -> dict[str, Any]:
    """Child-side writer for :func:`ensure_table` (keeps the benchmark's own process small)."""
    make_table(rows, seed).write_parquet(path)
    return {}


def status_kib(field: str, pid: int | str = "self") -> int:
    """A ``kB`` field of ``/proc/<pid>/status`` (``VmHWM``, ``RssAnon``...); 0 where there is none."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_kib() -> int:
    """Peak RSS of this process image in KiB.

    ``VmHWM`` belongs to the current address space only; ``ru_maxrss`` would also count the
    parent's RSS copied at fork time (Linux carries it across ``exec``), so it is the fallback.
    It includes file pages mapped from the input (reclaimable); see :class:`AnonSampler`.
    """
    return status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class AnonSampler(threading.Thread):
    """Samples a process's anonymous RSS (heap, not mapped file pages) every ``interval`` seconds."""

    def __init__(self, pid: int | str = "self", interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.peak_kib = max(self.peak_kib, status_kib("RssAnon", self.pid))

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kib


def _child_env(root: Path | None = None) -> dict[str, str]:
    """The environment of a child: privprep imported from ``root`` (default: this checkout)."""
    first = str(root or Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (first, env.get("PYTHONPATH")) if p)
    return env


def run_child(
    module: str | Path, function: str, kwargs: dict[str, Any], root: Path | None = None
) -> Measurement:
    """Call ``function(**kwargs)`` from the file ``module`` in a fresh interpreter and measure it
    (with privprep imported from the checkout ``root``, default this one)."""
    args = [sys.executable, str(Path(__file__).resolve()), str(module), function, json.dumps(kwargs)]
    proc = subprocess.run(args, capture_output=True, text=True, env=_child_env(root), check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(_MARK)]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise RuntimeError(f"benchmark child {function} failed with exit code {proc.returncode}")
    return Measurement(**json.loads(lines[-1][len(_MARK) :]))


def run_command(args: list[str], env: dict[str, str] | None = None, root: Path | None = None) -> Measurement:
    """Run a command line; wall seconds include start-up.

    Peak RSS is the child's ``ru_maxrss`` from ``wait4``: on Linux it is at least the caller's RSS
    at spawn time, so keep the calling process small (generate data with :func:`ensure_table`).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, env={**_child_env(root), **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    sampler = AnonSampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    anon = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    _, stderr = proc.communicate()
    if proc.returncode != 0:
        sys.stderr.write(stderr.decode())
        raise RuntimeError(f"{args[0]} failed with exit code {proc.returncode}")
    return Measurement(seconds, usage.ru_maxrss, _cpu_seconds(usage), anon)


def median(values: list[float]) -> float:
    return statistics.median(values)


def _cpu_seconds(usage: resource.struct_rusage | None = None) -> float:
    """User + system seconds of ``usage``, or of this process and its reaped children (forked helpers)."""
    if usage is not None:
        return usage.ru_utime + usage.ru_stime
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _serve(module: str, function: str, kwargs_json: str) -> None:
    """Child side of :func:`run_child`: import, then time the one call and report RSS in KiB."""
    spec = importlib.util.spec_from_file_location(f"bench_{Path(module).stem}", module)
    assert spec and spec.loader
    target = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = target  # dataclasses look their module up there
    spec.loader.exec_module(target)
    fn = getattr(target, function)
    baseline, sampler = peak_rss_kib(), AnonSampler()
    sampler.start()
    cpu, start = _cpu_seconds(), time.perf_counter()
    extra = fn(**json.loads(kwargs_json)) or {}
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    report = {"seconds": seconds, "cpu_seconds": cpu, "peak_kib": peak_rss_kib(), "anon_kib": sampler.stop(),
              "baseline_kib": baseline, "extra": extra}  # fmt: skip
    print(_MARK + json.dumps(report))


if __name__ == "__main__":
    _serve(*sys.argv[1:4])
