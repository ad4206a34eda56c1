"""Serving latency: ``Transformer.transform`` in process, and ``privprep serve`` under load over loopback.

In process (warm): a 10-field record with 6 protected fields through the scalar twins, beside the
same record through the operators' Polars expressions on a one-row frame (the exact path every
twin is checked against), and a record whose 300-character note is scrubbed (table-aware + Presidio).
Over loopback: ``privprep serve`` in a child process, keep-alive HTTP clients in threads at
concurrency 1, 8 and 32, each level for ``--seconds``; p50/p99 latency and requests/s.

Goals (issue 13): structured p99 ≤ 100 µs, scrubbed p99 ≤ 20 ms, serve p99 ≤ 5 ms at concurrency 8.

    python bench/bench_serve.py                 # ~1 minute
    python bench/bench_serve.py --seconds 3 --records 5000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

import privprep

KEY = "bench-key-7f3a9c2e4b1d8f6a"
POLICY = """\
version: 1
name: bench-serve
columns:
  email: pseudonymize
  name: {action: fake, kind: name}
  phone: {action: mask, keep_last: 2}
  ssn: redact
  age: {action: generalize, bins: [18, 30, 50, 65]}
  birth: {action: shift_date, max_days: 30, by: email}
  id: keep
  city: keep
  score: keep
  active: keep
"""
SCHEMA = {
    "email": pl.String, "name": pl.String, "phone": pl.String, "ssn": pl.String, "age": pl.Int64,
    "birth": pl.Date, "id": pl.Int64, "city": pl.String, "score": pl.Float64, "active": pl.Boolean,
}  # fmt: skip
NOTE_POLICY = (
    POLICY.replace("name: bench-serve", "name: bench-scrub") + "  note: {action: scrub, with: fake}\n"
)
NOTE = (
    "Spoke with {name} about the renewal; she asked us to call her back at {phone} or email {email}."
    " She moved to Lyon last spring and her manager John Carter will sign the new contract in week {i}."
    " Follow up with the billing team about the overdue invoice and the new address."
)
GOALS = {"structured_p99_us": 100, "scrubbed_p99_ms": 20, "serve_c8_p99_ms": 5}


def record(i: int) -> dict:
    return {
        "email": f"user{i}@example.com", "name": f"Maria Lopez {i % 97}",
        "phone": f"+1 555 010 {i % 10000:04d}",
        "ssn": "123-45-6789", "age": i % 90, "birth": f"19{50 + i % 50}-03-07", "id": i, "city": "Lyon",
        "score": i / 7, "active": i % 2 == 0,
    }  # fmt: skip


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(fn, inputs: list) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    """Wall seconds per call, and CPU seconds per call (process time: Polars threads included)."""
    lat, cpu0 = [], time.process_time()
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        lat.append(time.perf_counter() - start)
    return lat, (time.process_time() - cpu0) / len(inputs)


def in_process(folder: Path, n: int) -> dict[str, float]:
    policy = privprep.parse_policy(POLICY)
    t = privprep.compile(policy, key=KEY, schema=SCHEMA, audit_log=folder / "audit.jsonl")
    rows = [record(i) for i in range(n)]
    for r in rows[:200]:
        t.transform(r)  # warm
    lat, cpu = timed(t.transform, rows)
    coerced = [t._row(r, None) for r in rows[: max(50, n // 20)]]
    names = list(t.twins)
    slow, slow_cpu = timed(lambda row: t.table.run([row], names), coerced)
    t.close()
    note_policy, note_schema = privprep.parse_policy(NOTE_POLICY), {**SCHEMA, "note": pl.String}
    note_t = privprep.compile(note_policy, key=KEY, schema=note_schema, audit_log=folder / "audit.jsonl")
    notes = [{**record(i), "note": NOTE.format(i=i, **record(i))} for i in range(120)]
    for r in notes[:20]:
        note_t.transform(r)
    scrub, scrub_cpu = timed(note_t.transform, notes[20:])
    note_t.close()
    p50, p99 = percentiles(lat)
    s50, s99 = percentiles(slow)
    n50, n99 = percentiles(scrub)
    print(f"note length: {len(notes[20]['note'])} characters")
    print(f"{'in process (warm)':34} {'p50':>10} {'p99':>10} {'cpu/call':>10}")
    print(f"{'structured, scalar twins':34} {p50 * 1e6:8.1f}µs {p99 * 1e6:8.1f}µs {cpu * 1e6:8.1f}µs")
    exact = f"{s50 * 1e6:8.1f}µs {s99 * 1e6:8.1f}µs {slow_cpu * 1e6:8.1f}µs"
    print(f"{'structured, Polars one-row frame':34} {exact}")
    print(f"{'  ratio Polars / twins':34} {s50 / p50:9.1f}× {s99 / p99:9.1f}×")
    print(f"{'300-char note scrubbed':34} {n50 * 1e3:8.2f}ms {n99 * 1e3:8.2f}ms {scrub_cpu * 1e3:8.2f}ms")
    return {"structured_p99_us": p99 * 1e6, "scrubbed_p99_ms": n99 * 1e3}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(port: int, stop: float, out: list[float], errors: list[int], start_at: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"content-type": "application/json"}
    i = start_at
    while time.perf_counter() < stop:
        body = json.dumps(record(i))
        t0 = time.perf_counter()
        conn.request("POST", "/transform", body, headers)
        answer = conn.getresponse()
        answer.read()
        out.append(time.perf_counter() - t0)
        if answer.status != 200:
            errors.append(answer.status)
        i += 1
    conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def over_http(folder: Path, seconds: float, levels: list[int]) -> dict[str, float]:
    policy = folder / "policy.yaml"
    policy.write_text(POLICY)
    schema = folder / "schema.parquet"
    pl.DataFrame(schema=SCHEMA).write_parquet(schema)
    port = _free_port()
    env = {**os.environ, "PRIVPREP_KEY": KEY}
    command = [
        sys.executable, "-m", "privprep", "serve", str(policy), "--port", str(port), "--schema", str(schema),
        "--audit-log", str(folder / "serve-audit.jsonl"),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    found = {}
    try:
        for _ in range(600):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
                break
            except OSError:
                time.sleep(0.05)
        heading = f"{'p50':>10} {'p99':>10} {'req/s':>10} {'server cpu/req':>15}"
        print(f"\n{'privprep serve over loopback':34} {heading}")
        for level in levels:
            lat: list[float] = []
            errors: list[int] = []
            stop = time.perf_counter() + seconds
            threads = [threading.Thread(target=_client, args=(port, stop, lat, errors, k * 1_000_000))
                       for k in range(level)]  # fmt: skip
            begin, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            elapsed = time.perf_counter() - begin
            p50, p99 = percentiles(lat)
            note = f"  ({len(errors)} errors)" if errors else ""
            rate, per_request = len(lat) / elapsed, (cpu_seconds(server.pid) - cpu_before) / max(1, len(lat))
            line = f"{p50 * 1e3:8.2f}ms {p99 * 1e3:8.2f}ms {rate:10.0f} {per_request * 1e6:13.0f}µs"
            print(f"{f'concurrency {level}':34} {line}{note}")
            found[f"serve_c{level}_p99_ms"] = p99 * 1e3
    finally:
        server.terminate()
        server.wait(20)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per concurrency level")
    parser.add_argument("--levels", default="1,8,32")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (clients and server share them)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        found = in_process(folder, args.records)
        found |= over_http(folder, args.seconds, [int(x) for x in args.levels.split(",")])
    print("\ngoal                     measured      goal")
    for name, goal in GOALS.items():
        value = found.get(name)
        if value is not None:
            print(f"{name:24} {value:9.2f} {'≤':>3} {goal:<6} {'met' if value <= goal else 'MISSED'}")


if __name__ == "__main__":
    main()
