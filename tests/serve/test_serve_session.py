"""What compile refuses, what a record may hold, and the session's audit records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, make_policy, records

import privprep
from privprep.audit.store import AuditLog
from privprep.audit.verify import verify_log
from privprep.errors import PrivprepError
from privprep.serve import RecordError

SCHEMA = {"email": pl.String, "age": pl.Int64, "seen": pl.Date, "city": pl.String}
COLUMNS = {"email": "pseudonymize", "age": {"action": "generalize", "bins": [18, 65]}, "seen": "keep",
           "city": "drop"}  # fmt: skip
K_ANON = {"k_anonymity": {"quasi_identifiers": ["age"], "k": 5}}


def compile_(tmp_path: Path, columns=COLUMNS, schema=SCHEMA, **extra):  # type: ignore[no-untyped-def]
    policy = make_policy(columns, unlisted="keep", **extra)
    return privprep.compile(policy, key=KEY, schema=schema, audit_log=tmp_path / "audit.jsonl")


def test_table_steps_are_refused_all_at_once(tmp_path: Path) -> None:
    schema = {**SCHEMA, "notes": pl.String}  # an unlisted column kept: detection would classify it
    with pytest.raises(PrivprepError) as caught:
        compile_(tmp_path, schema=schema, checks=K_ANON)
    message = str(caught.value)
    assert "2 step(s) that need the whole table" in message
    assert "serve: {skip: [checks]}" in message and "serve: {skip: [detect]}" in message
    assert not (tmp_path / "audit.jsonl").exists()  # nothing opened


def test_serve_skip_allows_them_and_the_session_says_so(tmp_path: Path) -> None:
    schema = {**SCHEMA, "notes": pl.String}
    with compile_(tmp_path, schema=schema, checks=K_ANON, serve={"skip": ["checks", "detect"]}) as t:
        assert t.transform({"notes": "kept as is"})["notes"] == "kept as is"
    assert records(tmp_path / "audit.jsonl")[-1]["session"]["skipped"] == ["checks", "detect"]


def test_one_record_per_flush_never_per_transformed_record(tmp_path: Path) -> None:
    t = compile_(tmp_path)
    for i in range(500):
        t.transform({"email": f"u{i}@example.com", "age": i % 90, "seen": "2024-01-02"})
    t.transform_batch([{"email": None}, {"age": 3}])
    with pytest.raises(RecordError):
        t.transform({"age": "37"})
    t.close()
    t.close()  # idempotent
    log = tmp_path / "audit.jsonl"
    found = records(log)
    assert [r["kind"] for r in found] == ["serve", "serve"]  # opened, closed
    first, last = found[0]["session"], found[-1]["session"]
    assert (first["records"], first["closed"], last["closed"]) == (0, False, True)
    assert last["records"] == 502 and last["refused"] == 1
    assert last["values"] == {"generalize": 501, "keep": 500, "pseudonymize": 500}
    assert found[0]["header"]["key_fingerprint"].startswith("sha256:")
    assert found[0]["header"]["policy"]["sha256"] == make_policy(COLUMNS).sha256
    result = verify_log(AuditLog(log), check_outputs=False)
    assert result.problems == []
    assert "u1@example.com" not in log.read_text()


def test_periodic_flush(tmp_path: Path) -> None:
    policy = make_policy(COLUMNS)
    t = privprep.compile(policy, key=KEY, schema=SCHEMA, audit_log=tmp_path / "a.jsonl", flush_seconds=0.05)
    t.transform({"email": "a@example.com"})
    deadline = dt.datetime.now() + dt.timedelta(seconds=5)
    while len(records(tmp_path / "a.jsonl")) < 2 and dt.datetime.now() < deadline:
        pass
    t.close()
    sessions = [r["session"] for r in records(tmp_path / "a.jsonl")]
    assert sessions[1]["records"] == 1 and not sessions[1]["closed"] and sessions[-1]["closed"]


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ({"email": "x@example.com", "maria.lopez@example.com": 1}, "1 unknown field(s)"),
        ({"age": "thirty-seven"}, "field 'age': needs Int64"),
        ({"seen": "07/03/1984"}, "field 'seen': needs Date"),
        (["maria.lopez@example.com"], "a record must be an object"),
    ],
)
def test_bad_records_are_refused_without_their_values(tmp_path: Path, record: object, says: str) -> None:
    with compile_(tmp_path) as t, pytest.raises(RecordError) as caught:
        t.transform(record)  # type: ignore[arg-type]
    message = str(caught.value)
    assert says in message
    for secret in ("maria.lopez", "thirty-seven", "07/03/1984"):
        assert secret not in message


def test_missing_fields_are_null_and_dropped_columns_absent(tmp_path: Path) -> None:
    with compile_(tmp_path) as t:
        assert t.transform({"seen": dt.date(2024, 1, 2)}) == {
            "email": None,
            "age": None,
            "seen": dt.date(2024, 1, 2),
        }
        batch = t.transform_batch([{"age": 10}, {"age": 70}])
    assert [r["age"] for r in batch] == ["<18", ">=65"]


def test_key_is_required_when_an_operator_is_keyed(tmp_path: Path, no_key: None) -> None:
    with pytest.raises(PrivprepError, match="PRIVPREP_KEY is not set"):
        privprep.compile(make_policy(COLUMNS), schema=SCHEMA, audit_log=tmp_path / "a.jsonl")


def test_schema_from_a_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    pl.DataFrame(
        {"email": ["a@example.com"], "age": [30], "seen": [dt.date(2024, 1, 1)], "city": ["x"]}
    ).write_parquet(path)
    policy = make_policy(COLUMNS)
    with privprep.compile(policy, key=KEY, schema=path, audit_log=tmp_path / "a.jsonl") as t:
        assert t.fields == ["email", "age", "seen", "city"]
