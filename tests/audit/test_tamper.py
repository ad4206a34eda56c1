"""The tamper suite: every way to edit, delete, reorder, insert, truncate, forge, re-chain or swap what the
audit log proves, each caught by ``privprep audit verify`` (a subprocess) with exit 7.

Each case gets its own history, built in place by real runs (three row-level runs and one DP release),
then tampers with it as an attacker holding write access but not the master key would. Each run wrote a
``started`` and a ``finished`` record: run ``i``'s are ``rows[2i]`` and ``rows[2i + 1]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest
from core_helpers import KEY, OTHER_KEY, records, run_cli
from typer.testing import CliRunner

import privprep
from privprep.audit import AuditLog
from privprep.audit.chain import GENESIS, digest, seal
from privprep.audit.sign import Signer
from privprep.cli import app
from privprep.io.parquet import privprep_metadata
from privprep.keys import MasterKey

ROWS = "version: 1\nname: rows\ncolumns:\n  id: pseudonymize\n  region: keep\nunlisted: fail\n"
DP = """version: 1
name: counts
unlisted: drop
columns:
  region: keep
aggregates:
  privacy_unit: {column: id, max_rows: 1}
  budget: {epsilon: 1.0}
  releases:
    - {name: by_region, epsilon: 0.5, group_by: [region], keys: [north, south], metrics: [count]}
"""
SIGNER = Signer.from_master(MasterKey(KEY.encode()))
ATTACKER = Signer.from_master(MasterKey(OTHER_KEY.encode()))
FRAME = pl.DataFrame({"id": [f"c{i}" for i in range(40)], "region": ["north", "south"] * 20})


def history(folder: Path, dp: bool = False) -> Path:
    """Three row-level runs (out0..out2.parquet), then optionally a DP run (dp.parquet, by_region.parquet)."""
    log = folder / "audit.jsonl"
    for i in range(3):
        privprep.apply(privprep.parse_policy(ROWS), FRAME, folder / f"out{i}.parquet", key=KEY, audit_log=log)
    if dp:
        privprep.apply(privprep.parse_policy(DP), FRAME, folder / "dp.parquet", key=KEY, audit_log=log)
    return log


def write(log: Path, rows: list[dict[str, Any]]) -> None:
    log.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))


def rechain(rows: list[dict[str, Any]], start: int, signer: Signer | None, keep_sigs: bool = False) -> None:
    """Recompute every hash from ``rows[start]`` on (what a forger with write access can do)."""
    prev = rows[start - 1]["hash"] if start else GENESIS
    for i in range(start, len(rows)):
        old = rows[i]
        rows[i] = seal(old, prev, signer)
        if keep_sigs and signer is None:  # the old signature stays beside the new hash
            rows[i] |= {k: old[k] for k in ("signer", "pubkey", "sig")}
        prev = rows[i]["hash"]


def edit(rows: list[dict[str, Any]]) -> None:
    rows[1]["result"]["output"]["rows"] = 7


# Each case: (log, rows) -> extra `audit verify` arguments; it rewrites the log or the files.
Case = Callable[[Path, list[dict[str, Any]]], list[str]]


def edit_keep_hash(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    write(log, rows)
    return []


def edit_and_rehash(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rows[1] = seal(rows[1], rows[1]["prev_hash"]) | {k: rows[1][k] for k in ("signer", "pubkey", "sig")}
    write(log, rows)
    return []


def edit_and_rechain_keeping_signatures(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rechain(rows, 1, None, keep_sigs=True)
    write(log, rows)
    return []


def edit_and_rechain_unsigned(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rechain(rows, 1, None)
    write(log, rows)
    return []


def strip_every_signature(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rechain(rows, 0, None)
    write(log, rows)
    return []


def edit_and_resign_with_another_key(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rechain(rows, 1, ATTACKER)
    write(log, rows)
    return []


def claim_the_pinned_signer(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rechain(rows, 0, ATTACKER)
    for row in rows:
        row["signer"] = SIGNER.fingerprint  # the name of the real key beside the attacker's key
    write(log, rows)
    return ["--expect-key", SIGNER.fingerprint]


def forge_a_whole_log(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    edit(rows)
    rechain(rows, 0, ATTACKER)  # valid chain, valid signatures, wrong key
    write(log, rows)
    return ["--expect-key", SIGNER.fingerprint]


def edit_header_rehash_only(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    rows[0]["header"]["policy"]["name"] = "approved"
    rows[0]["header"]["key_fingerprint"] = "sha256:0000000000000000"
    rechain(rows, 0, None, keep_sigs=True)
    write(log, rows)
    return []


def edit_header_with_the_key(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    rows[0]["header"]["policy"]["name"] = "approved"  # even resigned, header_sha256 no longer matches
    rechain(rows, 0, SIGNER)
    write(log, rows)
    return []


def delete_a_middle_record(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    write(log, rows[:1] + rows[2:])
    return []


def delete_the_last_records(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    write(log, rows[:-4])  # the last two runs, started and finished records
    for row in rows[-4:]:
        if row["kind"] == "finished":  # the outputs went too: only the anchor shows the loss
            Path(row["result"]["output"]["path"]).unlink()
    return ["--expect-head", rows[-1]["hash"]]


def delete_the_last_record_keeping_its_files(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    write(log, rows[:-1])  # the last finished record; out2.parquet still names the run and the log
    return []


def truncate_the_log(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    data = log.read_bytes()
    log.write_bytes(data[: len(data) // 2])
    return []


def torn_tail(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    with log.open("a") as fh:
        fh.write(json.dumps(rows[-1])[:100])  # a crash mid-append
    return []


def reorder(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    write(log, [*rows[0:2], *rows[4:6], *rows[2:4]])  # runs 1 and 2 swapped
    return []


def insert_a_forged_record(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    forged = json.loads(json.dumps(rows[1]))
    forged["run_id"] = forged["header"]["run_id"] = "20261201T000000Z-forged00"
    forged["header_sha256"] = digest(forged["header"])
    rows.insert(2, seal(forged, rows[1]["hash"], ATTACKER))
    write(log, rows)
    return []


def append_an_unsigned_success(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    forged = json.loads(json.dumps(rows[1]))  # run 0's finished record
    forged["run_id"] = forged["header"]["run_id"] = "20261201T000000Z-forged00"
    forged["header_sha256"] = digest(forged["header"])
    AuditLog(log).append(forged)  # no signer: a valid link, no signature
    return []


def swap_with_another_log(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    other = records(history(log.parent / "other"))  # same key, same policies
    write(log, [rows[0], other[1], *rows[2:]])
    return []


def modify_an_output(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    target = log.parent / "out1.parquet"
    pl.read_parquet(target).with_columns(region=pl.lit("west")).write_parquet(target)
    return []


def zero_the_dp_counts(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    [release] = rows[-1]["result"]["releases"]  # the default path carries the run id
    target = Path(release["path"])
    assert target.parent == log.parent and target.name.startswith("by_region.")
    table = pq.read_table(target)
    frame = pl.from_arrow(table).with_columns(pl.col("count") * 0)
    pq.write_table(frame.to_arrow().replace_schema_metadata(table.schema.metadata), target)  # metadata kept
    return []


def json_array_line(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join([*lines[:2], "[1, 2, 3]\n", *lines[2:]]))
    return []


def output_whose_run_never_finished(log: Path, rows: list[dict[str, Any]]) -> list[str]:
    """What a kill between the output's rename and the ``finished`` record leaves."""
    run_id, target = "20261203T000000Z-killed00", log.parent / "killed.parquet"
    header = rows[0]["header"] | {"run_id": run_id}
    intent = {"outputs": [{"path": str(target), "tmp": str(target) + ".tmp"}], "releases": []}
    started = {"kind": "started", "run_id": run_id, "header": header, "header_sha256": digest(header)}
    head = AuditLog(log, SIGNER).append(started | {"intent": intent})["hash"]
    meta = {"run_id": run_id, "audit_log": str(log), "audit_head": head}
    FRAME.write_parquet(target, metadata=privprep_metadata(meta))
    return []


CASES: list[Case] = [
    edit_keep_hash,
    edit_and_rehash,
    edit_and_rechain_keeping_signatures,
    edit_and_rechain_unsigned,
    strip_every_signature,
    edit_and_resign_with_another_key,
    claim_the_pinned_signer,
    forge_a_whole_log,
    edit_header_rehash_only,
    edit_header_with_the_key,
    delete_a_middle_record,
    delete_the_last_records,
    delete_the_last_record_keeping_its_files,
    truncate_the_log,
    torn_tail,
    reorder,
    insert_a_forged_record,
    append_an_unsigned_success,
    swap_with_another_log,
    modify_an_output,
    zero_the_dp_counts,
    json_array_line,
    output_whose_run_never_finished,
]


DP_CASES = {zero_the_dp_counts}


def verify(folder: Path, args: list[str], how: str) -> tuple[int, str]:
    """``privprep audit verify`` in a subprocess, or through the same Typer app in this process."""
    command = ["audit", "verify", "--log", str(folder / "audit.jsonl"), *args]
    if how == "subprocess":
        proc = run_cli(*command, cwd=folder)
        return proc.returncode, proc.stdout + proc.stderr
    result = CliRunner().invoke(app, command, env={"COLUMNS": "250", "NO_COLOR": "1"})
    return result.exit_code, result.output


HOW = ["in-process", pytest.param("subprocess", marks=pytest.mark.slow)]


@pytest.mark.parametrize("how", HOW)
def test_an_untouched_history_verifies_with_key_and_head_pinned(how: str, tmp_path: Path) -> None:
    head = records(history(tmp_path, dp=True))[-1]["hash"]
    code, printed = verify(tmp_path, ["--expect-key", SIGNER.fingerprint, "--expect-head", head], how)
    assert code == 0, printed
    assert f"signed by {SIGNER.fingerprint}" in printed
    summary = "8 records, chain intact; 4 output file(s) match their records; 1 DP release file(s) too"
    assert summary in printed


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_tampering_is_caught_with_exit_7(case: Case, how: str, tmp_path: Path) -> None:
    log = history(tmp_path, dp=case in DP_CASES)
    code, printed = verify(tmp_path, case(log, records(log)), how)
    assert code == 7, printed
    assert "error (audit_invalid): " in printed and "Traceback" not in printed


def test_verify_json_lists_the_problems_and_list_shows_unfinished_runs(tmp_path: Path) -> None:
    log = history(tmp_path)
    output_whose_run_never_finished(log, records(log))
    result = CliRunner().invoke(app, ["audit", "verify", "--log", str(log), "--json"])
    assert result.exit_code == 7
    printed = json.loads(result.stdout)
    assert printed["ok"] is False and printed["signers"] == [SIGNER.fingerprint] and printed["records"] == 7
    killed = tmp_path / "killed.parquet"
    reason = "its run 20261203T000000Z-killed00 never completed"
    assert printed["problems"] == [f"output {killed} is not audited: {reason}"]
    listed = CliRunner().invoke(app, ["audit", "list", "--log", str(log)], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and listed.stdout.count("success") == 3
    assert "20261203T000000Z-killed00" in listed.stdout and "started" in listed.stdout
