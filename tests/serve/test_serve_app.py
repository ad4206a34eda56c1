"""The ASGI app (in process) and ``privprep serve`` (as a subprocess)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, make_policy, records

import privprep

uvicorn = pytest.importorskip("uvicorn")
from privprep.serve.app import _encode, create_app  # noqa: E402

SCHEMA = {"email": pl.String, "age": pl.Int64, "seen": pl.Date}
COLUMNS = {"email": "pseudonymize", "age": {"action": "generalize", "bins": [18, 65]}, "seen": "keep"}


class Http:
    """A real uvicorn server in a thread, spoken to with urllib."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        request.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post(self, value: object) -> tuple[int, object]:
        status, text = self.call("POST", "/transform", json.dumps(value).encode())
        return status, json.loads(text)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    log = tmp_path_factory.mktemp("app") / "audit.jsonl"
    t = privprep.compile(make_policy(COLUMNS), key=KEY, schema=SCHEMA, audit_log=log)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(t), port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield Http(port), t
    server.should_exit = True
    thread.join(10)
    assert records(log)[-1]["session"]["closed"]


def test_transform_one_and_many(client) -> None:  # type: ignore[no-untyped-def]
    http, t = client
    record = {"email": "maria@example.com", "age": 37, "seen": "2024-03-01"}
    assert http.post(record) == (200, {**t.transform(record), "seen": "2024-03-01"})
    _, many = http.post([record, {"age": 3}])
    assert [r["age"] for r in many] == ["[18, 65)", "<18"]  # type: ignore[union-attr]
    health = json.loads(http.call("GET", "/health")[1])
    assert health == {"status": "ok", "policy": "t", "fields": ["email", "age", "seen"]}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (json.dumps({"email": "maria@example.com", "maria@example.org": 1}), "1 unknown field(s)"),
        (json.dumps({"age": "maria@example.com"}), "field 'age': needs Int64"),
        (json.dumps([{"age": 1}, {"age": "maria@example.com"}]), "record 1: field 'age'"),
        ('{"email": "maria@example.com"', "not valid JSON"),
        (json.dumps("maria@example.com"), "must be an object"),
    ],
)
def test_refusals_are_422_without_values(client, body: str, says: str) -> None:  # type: ignore[no-untyped-def]
    http, _ = client
    status, text = http.call("POST", "/transform", body.encode())
    assert status == 422
    assert says in json.loads(text)["message"]
    assert "maria" not in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_cli_serves_and_closes_its_session_on_sigterm(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: served\ncolumns:\n  email: pseudonymize\n")
    port, log = _free_port(), tmp_path / "audit.jsonl"
    env = {**os.environ, "PRIVPREP_KEY": KEY}
    command = [
        sys.executable,
        "-m",
        "privprep",
        "serve",
        str(policy),
        "--port",
        str(port),
        "--audit-log",
        str(log),
    ]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        request = urllib.request.Request(
            f"{url}/transform", data=b'{"email": "maria@example.com"}', method="POST"
        )
        answer = json.loads(urllib.request.urlopen(request, timeout=5).read())
        assert len(answer["email"]) == 32 and "maria" not in answer["email"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    assert b"maria" not in stderr
    sessions = [r["session"] for r in records(log)]
    assert sessions[-1]["closed"] and sessions[-1]["records"] == 1


def test_other_routes(client) -> None:  # type: ignore[no-untyped-def]
    http, _ = client
    assert http.call("GET", "/transform")[0] == 405
    assert http.call("GET", "/nowhere")[0] == 404


def test_answers_are_json_for_every_output_type() -> None:
    outputs = {
        "nan": float("nan"), "inf": float("inf"), "token": b"\x01\xff", "age": dt.timedelta(seconds=1.5),
        "day": dt.date(2024, 1, 2), "at": dt.datetime(2024, 1, 2, 3, 4, 5, 6), "n": -(2**63), "s": "é",
    }  # fmt: skip
    assert json.loads(_encode(outputs)) == {
        "nan": None, "inf": None, "token": "01ff", "age": 1.5, "day": "2024-01-02",
        "at": "2024-01-02T03:04:05.000006", "n": -(2**63), "s": "é",
    }  # fmt: skip


@pytest.mark.slow
def test_a_text_longer_than_scrub_analyzes_is_a_422_without_values(tmp_path: Path) -> None:
    schema = {"name": pl.String, "note": pl.String}
    columns = {"name": "pseudonymize", "note": {"action": "scrub", "with": "tag"}}
    t = privprep.compile(make_policy(columns), key=KEY, schema=schema, audit_log=tmp_path / "audit.jsonl")
    body = json.dumps({"name": "Maria Lopez", "note": "Maria Lopez called. " * 6000}).encode()
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/transform", "method": "POST"}
    asyncio.run(create_app(t)(scope, receive, send))
    t.close()
    assert sent[0]["status"] == 422
    answer = json.loads(sent[1]["body"])  # type: ignore[arg-type]
    assert answer["error"] == "input_invalid" and "longer than 100,000 characters" in answer["message"]
    assert "Maria" not in str(sent)
