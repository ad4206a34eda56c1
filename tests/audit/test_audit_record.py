"""A started and a finished record per run (only finished for one that fails before it could start);
the output's metadata links them back."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from core_helpers import KEY, records

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.audit.chain import GENESIS, record_hash_ok
from privprep.audit.record import Header, Outcome
from privprep.audit.sign import Signer
from privprep.digest import path_digest
from privprep.io.parquet import read_privprep_metadata
from privprep.keys import MasterKey

TEXT = (
    "version: 1\nname: rec\ndescription: record test\n"
    "columns:\n  id: {action: pseudonymize, length: 16}\n  email: {action: fake, kind: email}\n"
    "  secret: drop\n"
    "  age: {action: generalize, bins: [18, 65]}\nunlisted: keep\n"
)
POLICY = privprep.parse_policy(TEXT)
FRAME = pl.DataFrame(
    {"id": [1, 2, 3], "email": ["a@x.io", None, "c@x.io"], "secret": ["s1", "s2", "s3"], "age": [10, 40, 70]}
)


@pytest.fixture
def run(tmp_path: Path) -> tuple[privprep.Result, Path]:
    src = tmp_path / "in.parquet"
    FRAME.write_parquet(src)
    return privprep.apply(POLICY, src, tmp_path / "out.parquet", key=KEY), src


def test_a_success_record_describes_the_run(run: tuple[privprep.Result, Path]) -> None:
    result, src = run
    begun, record = records(result.audit_log)
    assert record == result.record and record_hash_ok(record) and record_hash_ok(begun)
    seal = {"prev_hash", "hash", "signer", "pubkey", "sig"}  # signed with the key pair the master key derives
    assert set(record) == {"kind", "run_id", "header", "header_sha256", "result"} | seal
    assert set(begun) == {"kind", "run_id", "header", "header_sha256", "intent"} | seal
    assert (begun["kind"], record["kind"]) == ("started", "finished") and begun["signer"] == record["signer"]
    assert begun["intent"]["outputs"][0]["path"] == str(result.output_path.absolute())
    assert record["signer"] == Signer.from_master(MasterKey(KEY.encode())).fingerprint
    header, outcome = record["header"], record["result"]
    assert set(header) == set(Header.model_fields) and set(outcome) == set(Outcome.model_fields)
    assert record["run_id"] == header["run_id"] == result.run_id
    assert header["policy"] == {"name": "rec", "sha256": POLICY.sha256, "description": "record test"}
    assert header["input"] == {
        "path": str(src),
        "sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
        "rows": 3,
        "schema": {"id": "Int64", "email": "String", "secret": "String", "age": "Int64"},
        "format": "parquet",
        "files": None,
        "query": None,
    }
    assert header["key_fingerprint"] == MasterKey(KEY.encode()).fingerprint
    assert {v for k, v in header["versions"].items() if k in ("privprep", "polars")} != {"not installed"}
    assert [(c["name"], c["action"], c["source"]) for c in header["columns"]] == [
        ("id", "pseudonymize", "policy"),
        ("email", "fake", "policy"),
        ("secret", "drop", "policy"),
        ("age", "generalize", "policy"),
    ]
    assert header["columns"][0]["params"] == {"domain": None, "length": 16, "prefix": "", "format": "hex"}
    assert outcome["status"] == "success" and outcome["reason_code"] is None and outcome["message"] is None
    out = result.output_path
    assert outcome["output"] == {
        "path": str(out),
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "rows": 3,
        "schema": None,
        "format": "parquet",
        "files": None,
        "query": None,
        "digest": path_digest(out),  # order-independent: the Spark engine records the same
    }
    assert outcome["engine"] == {"name": "polars", "version": pl.__version__, "partitions": None}
    steps = [s["step"] for s in outcome["steps"]]  # typed step records replace the old timings
    assert steps == ["open", "compile", "audit", "write", "profile"]
    assert all(s["seconds"] >= 0 and s["started_at"] >= header["started_at"] for s in outcome["steps"])
    assert outcome["steps"][0]["info"] == {"rows": 3, "columns": len(header["input"]["schema"])}
    assert outcome["finished_at"] >= header["started_at"]


def test_the_output_metadata_links_the_record(run: tuple[privprep.Result, Path]) -> None:
    result, _ = run
    meta = read_privprep_metadata(result.output_path)
    assert meta["run_id"] == result.run_id
    assert meta["policy_sha256"] == POLICY.sha256
    assert meta["record_hash"] == result.record["header_sha256"]
    begun = records(result.audit_log)[0]
    assert meta["audit_head"] == begun["hash"] != GENESIS  # the run's started record, already in the log
    assert meta["audit_log"] == str(result.audit_log.absolute())
    header = Header.model_validate(result.record["header"])
    assert header.sha256 == result.record["header_sha256"]


def test_the_record_never_holds_the_key_or_a_value(run: tuple[privprep.Result, Path]) -> None:
    result, _ = run
    text = result.audit_log.read_text()
    assert KEY not in text and "a@x.io" not in text and "c@x.io" not in text
    assert not any(f'"{value}"' in text for value in ("s1", "s2", "s3"))


def test_a_failed_run_is_recorded_with_its_reason(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    bad = FRAME.with_columns(age=pl.lit("old"))
    with pytest.raises(PrivprepError) as err:
        privprep.apply(POLICY, bad, tmp_path / "out.parquet", key=KEY, audit_log=log)
    assert err.value.code is ReasonCode.TYPE_MISMATCH
    [record] = records(log)
    outcome = record["result"]
    assert outcome["status"] == "failed" and outcome["reason_code"] == "type_mismatch"
    assert outcome["message"] == str(err.value) and outcome["output"] is None
    assert record_hash_ok(record)


def test_records_accumulate_in_one_chain(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    for i in range(3):
        privprep.apply(POLICY, FRAME, tmp_path / f"o{i}.parquet", key=KEY, audit_log=log)
    with pytest.raises(PrivprepError):
        privprep.apply(POLICY, FRAME.drop("age"), tmp_path / "o.parquet", key=KEY, audit_log=log)
    rows = records(log)
    # the last run fails at compile, before it could write its started record
    assert [r["kind"] for r in rows] == ["started", "finished"] * 3 + ["finished"]
    assert [r["result"]["status"] for r in rows if r["kind"] == "finished"] == ["success"] * 3 + ["failed"]
    assert len({r["run_id"] for r in rows}) == 4
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))


def test_the_default_log_sits_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out.parquet"
    result = privprep.apply(POLICY, FRAME, out, key=KEY)
    assert result.audit_log == out.parent / "privprep-audit.jsonl" and result.audit_log.exists()
    assert pq.read_metadata(out).metadata[b"privprep.audit_log"] == str(result.audit_log).encode()
