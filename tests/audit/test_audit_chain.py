"""The hash-chained audit log: verify finds edited, deleted, reordered, inserted records, changed outputs."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, records

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.audit import AuditLog, verify_log
from privprep.audit.chain import GENESIS, canonical, digest, record_hash_ok, seal
from privprep.audit.sign import Signer
from privprep.keys import MasterKey

POLICY = privprep.parse_policy(
    "version: 1\nname: chain\ncolumns:\n  id: pseudonymize\n  n: keep\nunlisted: fail\n"
)


SIGNER = Signer.from_master(MasterKey(KEY.encode()))


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A log of four successful runs, each with its own output file (built in place: ~0.2 s).

    Each run writes two records: run ``i``'s ``started`` record is record ``2i+1`` and its ``finished``
    record is ``2i+2``; its output's metadata holds the hash of its ``started`` record.
    """
    for i in range(4):
        frame = pl.DataFrame({"id": [f"a{i}", f"b{i}"], "n": [i, i + 1]})
        out = tmp_path / f"out{i}.parquet"
        privprep.apply(POLICY, frame, out, key=KEY, audit_log=tmp_path / "audit.jsonl")
    return tmp_path / "audit.jsonl"


def write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))


def problems(path: Path) -> list[str]:
    return verify_log(AuditLog(path)).problems


def test_an_untouched_log_verifies(log: Path) -> None:
    result = verify_log(AuditLog(log))
    assert result.ok and result.records == 8 and result.outputs_checked == 4
    assert result.head == records(log)[-1]["hash"]


def test_each_record_links_to_the_one_before(log: Path) -> None:
    rows = records(log)
    assert rows[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    assert all(record_hash_ok(r) for r in rows)


def test_seal_hashes_canonical_json() -> None:
    sealed = seal({"b": 1, "a": "é"}, GENESIS)
    assert sealed["hash"] == digest({"a": "é", "b": 1, "prev_hash": GENESIS})
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_an_edited_record_is_detected(log: Path) -> None:
    rows = records(log)
    rows[1]["result"]["output"]["rows"] = 999
    write(log, rows)
    assert problems(log) == [f"record 2 (run {rows[1]['run_id']}): content does not match its hash (edited)"]


def test_an_edited_and_resealed_record_breaks_the_next_link(log: Path) -> None:
    rows = records(log)
    rows[2]["header"]["policy"]["name"] = "something-else"  # run 1's started record
    rows[2]["header_sha256"] = digest(rows[2]["header"])
    rows[2] = seal(rows[2], rows[2]["prev_hash"], SIGNER)  # even the key's holder cannot hide an edit
    write(log, rows)
    link, head = problems(log)
    assert link.startswith("record 4 ") and "does not link" in link
    assert head.startswith(f"{log.parent / 'out1.parquet'} was written when the log's head was ")


def test_a_deleted_middle_record_is_detected(log: Path) -> None:
    rows = records(log)
    write(log, rows[:2] + rows[4:])  # both records of run 1
    link, orphan, head = problems(log)
    assert link.startswith("record 3 ") and "deleted, inserted or reordered" in link
    assert head.startswith(f"{log.parent / 'out1.parquet'} was written when the log's head was ")
    assert orphan == (
        f"output {log.parent / 'out1.parquet'} names run {rows[2]['run_id']}, which has no record in this log"
        " (records were deleted)"
    )


def test_a_deleted_finished_record_leaves_its_output_unaudited(log: Path) -> None:
    rows = records(log)
    write(log, rows[:-1])  # the last run's finished record; its output is on disk
    assert problems(log) == [
        f"output {log.parent / 'out3.parquet'} is not audited: its run {rows[6]['run_id']} never completed"
    ]


def test_reordered_records_are_detected(log: Path) -> None:
    rows = records(log)
    write(log, [*rows[0:2], *rows[4:6], *rows[2:4], *rows[6:8]])  # runs 1 and 2 swapped
    found = problems(log)
    assert len(found) == 3 and all("does not link" in p for p in found)


def test_an_inserted_record_is_detected(log: Path, tmp_path: Path) -> None:
    rows = records(log)
    other = AuditLog(tmp_path / "other" / "other.jsonl", SIGNER)
    header = rows[1]["header"] | {"run_id": "forged"}
    forged = {"kind": "finished", "run_id": "forged", "header": header, "header_sha256": digest(header)}
    foreign = other.append(forged | {"result": rows[1]["result"]})
    write(log, [*rows[:2], foreign, *rows[2:]])
    found = problems(log)
    assert [p.split(" (")[0] for p in found] == ["record 3", "record 4"]


def test_a_modified_output_is_detected(log: Path) -> None:
    target = Path(records(log)[5]["result"]["output"]["path"])  # run 2's finished record
    data = bytearray(target.read_bytes())
    data[len(data) // 3] ^= 0xFF  # one flipped byte inside a data page; the metadata survives
    target.write_bytes(bytes(data))
    assert problems(log) == [f"record 6: output {target} was modified after the run"]


def test_an_output_rewritten_by_another_tool_is_detected(log: Path) -> None:
    target = Path(records(log)[1]["result"]["output"]["path"])
    pl.read_parquet(target).with_columns(n=pl.lit(0)).write_parquet(target)  # no privprep metadata
    assert problems(log) == [f"record 2: output {target} was modified after the run"]


def test_an_output_replaced_by_garbage_is_detected(log: Path) -> None:
    target = Path(records(log)[1]["result"]["output"]["path"])
    target.write_bytes(b"garbage")
    assert problems(log) == [f"record 2: output {target} was modified after the run"]


def test_an_output_overwritten_by_a_later_run_is_a_note(log: Path) -> None:
    first = Path(records(log)[1]["result"]["output"]["path"])
    frame = pl.DataFrame({"id": ["z"], "n": [9]})
    privprep.apply(POLICY, frame, first, key=KEY, audit_log=log)
    result = verify_log(AuditLog(log))
    assert result.ok and result.records == 10
    assert result.notes == [f"record 2: output {first} was overwritten by a later run"]


def test_a_deleted_output_is_a_note(log: Path) -> None:
    target = Path(records(log)[1]["result"]["output"]["path"])
    target.unlink()
    result = verify_log(AuditLog(log))
    assert result.ok and result.outputs_checked == 3
    assert result.notes == [f"record 2: output {target} no longer exists (not checked)"]


def test_a_line_that_is_not_json_is_audit_invalid(log: Path) -> None:
    with log.open("a") as fh:
        fh.write("{not json\n")
    with pytest.raises(PrivprepError, match=r"line 9 is not valid JSON") as err:
        verify_log(AuditLog(log))
    assert err.value.code is ReasonCode.AUDIT_INVALID and err.value.exit_code == 7


def test_find_by_unique_prefix(log: Path) -> None:
    rows = records(log)
    store = AuditLog(log)
    assert store.find(rows[4]["run_id"]) == rows[5]  # run 2: its finished record
    with pytest.raises(PrivprepError, match="no run") as err:
        store.find("nonexistent-run")
    assert err.value.code is ReasonCode.AUDIT_INVALID
    with pytest.raises(PrivprepError, match="4 runs"):
        store.find("")


def test_append_creates_the_folder_and_a_missing_log_is_empty(tmp_path: Path) -> None:
    store = AuditLog(tmp_path / "a" / "b" / "log.jsonl")
    assert store.records() == [] and verify_log(store).ok
    sealed = store.append({"run_id": "r1"})
    assert sealed["prev_hash"] == GENESIS and store.records() == [sealed]


def test_verify_from_another_directory_still_checks_relative_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir, elsewhere = tmp_path / "run", tmp_path / "elsewhere"
    run_dir.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(run_dir)
    privprep.apply(POLICY, pl.DataFrame({"id": ["a"], "n": [1]}), "out.parquet", key=KEY)
    pl.read_parquet("out.parquet").with_columns(n=pl.lit(2)).write_parquet("out.parquet")
    monkeypatch.chdir(elsewhere)
    assert problems(run_dir / "privprep-audit.jsonl")
