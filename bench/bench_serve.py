"""Serving latency: ``Transformer.transform`` in process, and ``privprep serve`` under load over loopback.

In process (warm): a 10-field record with 6 protected fields through the scalar twins, beside the
same record through the operators' Polars expressions on a one-row frame (the exact path every
twin is checked against), and a record whose 300-character note is scrubbed (table-aware + Presidio).
Over loopback: ``privprep serve`` in a child process; the load client is this process, one asyncio
event loop (uvloop when installed) holding 1, 8 or 32 raw keep-alive HTTP/1.1 connections with the
requests encoded beforehand, each level for ``--seconds``: p50/p99 latency, requests/s, and the CPU
share of server and client (both run on the same cores, so a cheap client matters).

Goals (issue 13): structured p99 ≤ 100 µs, scrubbed p99 ≤ 20 ms, serve p99 ≤ 5 ms at concurrency 8.

    python bench/bench_serve.py                 # ~1 minute
    python bench/bench_serve.py --seconds 3 --records 5000
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import privprep

try:
    import uvloop

    run = uvloop.run
except ImportError:  # the serve extra brings it; asyncio's own loop otherwise
    run = asyncio.run

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


def in_process(folder: Path, n: int, n_notes: int) -> dict[str, float]:
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
    notes = [{**record(i), "note": NOTE.format(i=i, **record(i))} for i in range(n_notes + 20)]
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


_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending prepared requests back to back, timing each answer."""

    def __init__(
        self, requests: list[bytes], stop: float, found: dict[str, list], done: asyncio.Future
    ) -> None:
        self.requests, self.stop, self.found, self.done = requests, stop, found, done
        self.buffer, self.length, self.sent, self.started = bytearray(), 0, 0, 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        if time.perf_counter() >= self.stop:
            self.transport.close()
            return
        self.buffer.clear()
        self.length = 0
        self.started = time.perf_counter()
        self.transport.write(self.requests[self.sent % len(self.requests)])  # type: ignore[attr-defined]
        self.sent += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.length:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.length = end + 4 + int(_LENGTH.search(self.buffer, 0, end + 2).group(1))  # type: ignore[union-attr]
        if len(self.buffer) >= self.length:
            self.found["latency"].append(time.perf_counter() - self.started)
            if self.buffer[9:12] != b"200":
                self.found["errors"].append(int(self.buffer[9:12]))
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _requests(n: int) -> list[bytes]:
    head = (
        "POST /transform HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        "content-length: {}\r\n\r\n"
    )
    bodies = [json.dumps(record(i)).encode() for i in range(n)]
    return [head.format(len(body)).encode() + body for body in bodies]


async def _load(port: int, level: int, seconds: float, requests: list[bytes]) -> dict[str, list]:
    loop = asyncio.get_running_loop()
    found: dict[str, list] = {"latency": [], "errors": []}
    stop, waits = time.perf_counter() + seconds, []
    for k in range(level):
        done = loop.create_future()
        share = requests[k::level]
        await loop.create_connection(
            lambda s=share, d=done: _Connection(s, stop, found, d), "127.0.0.1", port
        )
        waits.append(done)
    await asyncio.gather(*waits)
    return found


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
        requests = _requests(4096)
        run(_load(port, 4, 1.0, requests))  # warm: connections, caches, the server's first requests
        heading = (
            f"{'p50':>10} {'p99':>10} {'req/s':>10} {'server cpu/req':>15} {'cpu server':>11} {'client':>7}"
        )
        heading += "  load"
        print(f"\n{'privprep serve over loopback':34} {heading}")
        for level in levels:
            begin, cpu_before, client_before = (
                time.perf_counter(),
                cpu_seconds(server.pid),
                time.process_time(),
            )
            results = run(_load(port, level, seconds, requests))
            elapsed = time.perf_counter() - begin
            server_cpu, client_cpu = cpu_seconds(server.pid) - cpu_before, time.process_time() - client_before
            lat, errors = results["latency"], results["errors"]
            p50, p99 = percentiles(lat)
            note = f"  ({len(errors)} errors)" if errors else ""
            rate, per_request = len(lat) / elapsed, server_cpu / max(1, len(lat))
            shares = f"{server_cpu / elapsed:10.0%} {client_cpu / elapsed:7.0%}"
            line = f"{p50 * 1e3:8.2f}ms {p99 * 1e3:8.2f}ms {rate:10.0f} {per_request * 1e6:13.0f}µs {shares}"
            print(f"{f'concurrency {level}':34} {line}  {os.getloadavg()[0]:.1f}{note}")
            found[f"serve_c{level}_p99_ms"] = p99 * 1e3
    finally:
        server.terminate()
        server.wait(20)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--notes", type=int, default=400, help="scrubbed records timed")
    parser.add_argument("--seconds", type=float, default=5.0, help="per concurrency level")
    parser.add_argument("--levels", default="1,8,32")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (clients and server share them)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        found = in_process(folder, args.records, args.notes)
        found |= over_http(folder, args.seconds, [int(x) for x in args.levels.split(",")])
    print("\ngoal                     measured      goal")
    for name, goal in GOALS.items():
        value = found.get(name)
        if value is not None:
            print(f"{name:24} {value:9.2f} {'≤':>3} {goal:<6} {'met' if value <= goal else 'MISSED'}")


if __name__ == "__main__":
    main()
