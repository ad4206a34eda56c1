"""The log under faults: a torn tail is read around, reported and recovered; bad lines are AUDIT_INVALID;
a failed append leaves nothing behind; a run refuses to start on a log it could not append to."""

from __future__ import annotations

import hashlib
import json
import resource
import signal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, OTHER_KEY, records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privprep
import privprep.audit.store as store
from privprep import PrivprepError, ReasonCode
from privprep.audit import AuditLog, verify_log
from privprep.audit.chain import GENESIS, digest
from privprep.audit.sign import Signer
from privprep.keys import MasterKey

SIGNER = Signer.from_master(MasterKey(KEY.encode()))
POLICY = privprep.parse_policy("version: 1\nname: s\ncolumns:\n  id: pseudonymize\nunlisted: fail\n")


def finished(run_id: str, status: str = "failed") -> dict[str, Any]:
    header = {"run_id": run_id}
    return {"kind": "finished", "run_id": run_id, "header": header, "header_sha256": digest(header)} | {
        "result": {"status": status}
    }


def signed_log(path: Path, n: int = 3) -> AuditLog:
    log = AuditLog(path, SIGNER)
    for i in range(n):
        log.append(finished(f"r{i}"))
    return log


def test_a_torn_tail_is_read_around_and_reported(tmp_path: Path) -> None:
    log = signed_log(tmp_path / "audit.jsonl")
    head, size = log.head(), log.path.stat().st_size
    with log.path.open("ab") as fh:
        fh.write(b'{"kind": "finished", "run_id": "r3", "hea')  # a crash mid-append
    assert [r["run_id"] for r in log.records()] == ["r0", "r1", "r2"] and log.head() == head
    torn = log.torn_tail()
    assert torn is not None and (torn.offset, torn.length) == (size, 41)
    result = verify_log(log)
    assert result.problems == [
        f"{log.path} ends with 41 bytes of a torn record (a crash or a full disk while appending,"
        " or a truncated log); the next run sets them aside"
    ]


def test_the_next_append_sets_the_torn_bytes_aside_behind_a_recovery_record(tmp_path: Path) -> None:
    log = signed_log(tmp_path / "audit.jsonl")
    for n, tail in enumerate((b'{"torn": tr', "\u00e9".encode()[:1]), start=1):  # also half a UTF-8 character
        size = log.path.stat().st_size
        with log.path.open("ab") as fh:
            fh.write(tail)
        log.append(finished(f"after-{n}"))
        assert (tmp_path / f"audit.jsonl.torn-{n}").read_bytes() == tail
        recovery, after = records(log.path)[-2:]
        assert recovery["kind"] == "recovery" and after["run_id"] == f"after-{n}"
        assert recovery["torn"] == {
            "offset": size,
            "bytes": len(tail),
            "sha256": hashlib.sha256(tail).hexdigest(),
            "moved_to": f"audit.jsonl.torn-{n}",
        }
        assert recovery["signer"] == SIGNER.fingerprint and after["prev_hash"] == recovery["hash"]
    result = verify_log(log)
    assert result.ok, result.problems
    assert [n for n in result.notes if "recovery" in n] == [
        f"record 4: recovery: 11 bytes of a torn record were set aside in {tmp_path / 'audit.jsonl.torn-1'}",
        f"record 6: recovery: 1 bytes of a torn record were set aside in {tmp_path / 'audit.jsonl.torn-2'}",
    ]
    (tmp_path / "audit.jsonl.torn-1").write_bytes(b"something else")
    assert verify_log(log).problems == [
        f"record 4: {tmp_path / 'audit.jsonl.torn-1'} no longer holds the torn bytes it recorded"
    ]


def test_a_run_after_a_crash_mid_append_succeeds_and_verifies(tmp_path: Path) -> None:
    """The reproduction of the issue: a partial last line used to break every later run (exit 1)."""
    log = tmp_path / "audit.jsonl"
    frame = pl.DataFrame({"id": ["a", "b"]})
    privprep.apply(POLICY, frame, tmp_path / "o1.parquet", key=KEY, audit_log=log)
    with log.open("ab") as fh:
        fh.write(b"\0" * 300)  # what a full disk or a crash can leave
    result = privprep.apply(POLICY, frame, tmp_path / "o2.parquet", key=KEY, audit_log=log)
    assert [r.get("kind") for r in records(log)][-3:] == ["recovery", "started", "finished"]
    assert result.record == records(log)[-1]
    checked = verify_log(AuditLog(log))
    assert checked.ok and checked.outputs_checked == 2, checked.problems


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"[1, 2, 3]", "is not a JSON object"),
        (b'"a string"', "is not a JSON object"),
        (b"42", "is not a JSON object"),
        (b"{not json", "is not valid JSON"),
        (b'{"a": "\xff\xfe"}', "is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
    ],
    ids=["array", "string", "number", "broken", "not-utf8", "deeply-nested"],
)
def test_a_complete_line_that_is_not_an_object_is_audit_invalid(
    tmp_path: Path, line: bytes, message: str
) -> None:
    log = signed_log(tmp_path / "audit.jsonl", 2)
    with log.path.open("ab") as fh:
        fh.write(line + b"\n")
    with pytest.raises(PrivprepError, match=f"line 3 {message}") as err:
        verify_log(log)
    assert err.value.code is ReasonCode.AUDIT_INVALID and err.value.exit_code == 7
    with pytest.raises(PrivprepError) as refused:  # nor does a run chain onto it, or start at all
        privprep.apply(
            POLICY, pl.DataFrame({"id": ["a"]}), tmp_path / "o.parquet", key=KEY, audit_log=log.path
        )
    assert refused.value.code is ReasonCode.AUDIT_INVALID
    assert not (tmp_path / "o.parquet").exists() and log.path.read_bytes().endswith(line + b"\n")


def test_a_run_refuses_to_start_without_room_for_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "MIN_FREE_BYTES", 1 << 62)
    with pytest.raises(PrivprepError, match="bytes free on its disk") as err:
        privprep.apply(POLICY, pl.DataFrame({"id": ["a"]}), tmp_path / "o.parquet", key=KEY)
    assert err.value.code is ReasonCode.OUTPUT_FAILED and not (tmp_path / "o.parquet").exists()
    assert (tmp_path / "privprep-audit.jsonl").read_bytes() == b""


def test_an_append_that_fails_mid_write_leaves_no_torn_bytes(tmp_path: Path) -> None:
    """A file-size limit makes the write fail part way, as a full disk does."""
    log = signed_log(tmp_path / "audit.jsonl", 2)
    before = log.path.read_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 50, hard))
    try:
        with pytest.raises(PrivprepError, match="cannot append to audit log") as err:
            log.append(finished("too-big") | {"padding": "x" * 1000})
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert err.value.code is ReasonCode.OUTPUT_FAILED
    assert log.path.read_bytes() == before and log.torn_tail() is None


def test_incomplete_runs_and_find(tmp_path: Path) -> None:
    log = signed_log(tmp_path / "audit.jsonl", 1)
    for run in ("run-a", "run-b"):
        header = {"run_id": run}
        log.append({"kind": "started", "run_id": run, "header": header, "header_sha256": digest(header)})
    log.append(finished("run-a", "success"))
    assert [r["run_id"] for r in log.incomplete_runs()] == ["run-b"]
    assert log.find("run-a")["kind"] == "finished" and log.find("run-b")["kind"] == "started"
    with pytest.raises(PrivprepError, match="2 runs"):
        log.find("run-")
    assert "record 3 (run run-b): run never completed" in verify_log(log).notes


def test_unsigned_failed_records_are_notes_and_a_key_change_needs_both_keys_pinned(tmp_path: Path) -> None:
    log = signed_log(tmp_path / "audit.jsonl", 1)
    AuditLog(log.path).append(finished("no-key"))
    other = Signer.from_master(MasterKey(OTHER_KEY.encode()))
    AuditLog(log.path, other).append(finished("rotated"))
    result = verify_log(log)
    assert "record 2 (run no-key): not signed (written before the run's master key was known)" in result.notes
    assert result.signers == [SIGNER.fingerprint, other.fingerprint]
    assert result.problems == [
        f"record 3: the signer changes from {SIGNER.fingerprint} to {other.fingerprint}"
        " (pass both with --expect-key to accept a key change)"
    ]
    assert verify_log(log, expect_key=[SIGNER.fingerprint, other.fingerprint.upper()]).ok
    pinned = verify_log(log, expect_key=SIGNER.fingerprint.removeprefix("ed25519:"))
    assert pinned.problems == [
        f"record 3: signed by {other.fingerprint} (1 record(s)), which is not an expected key"
    ]


def test_expect_head_takes_a_prefix_and_refuses_a_short_one(tmp_path: Path) -> None:
    log = signed_log(tmp_path / "audit.jsonl")
    first = records(log.path)[0]["hash"]
    assert verify_log(log, expect_head=first[:16].upper()).notes == ["the expected head is record 1 of 3"]
    assert verify_log(log, expect_head=first[:8]).problems == [
        "the expected head must be at least 16 hex characters of a record hash"
    ]
    assert verify_log(AuditLog(tmp_path / "empty.jsonl")).head == GENESIS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1, exclude_max=True))
def test_a_log_cut_anywhere_recovers_on_the_next_append(
    tmp_path_factory: pytest.TempPathFactory, cut: float
) -> None:
    """Invariant: wherever a crash cuts the log, reading never fails and the next append verifies."""
    path = tmp_path_factory.mktemp("cut") / "audit.jsonl"
    data = signed_log(path, 4).path.read_bytes()
    offset = int(len(data) * cut)
    path.write_bytes(data[:offset])
    log = AuditLog(path, SIGNER)
    kept = log.records()
    assert len(kept) == data[:offset].count(b"\n")
    torn = log.torn_tail()
    assert (torn is None) == (offset == 0 or data[offset - 1 : offset] == b"\n")
    log.append(finished("after"))
    result = verify_log(log)
    assert result.ok, result.problems
    assert json.loads(path.read_bytes().splitlines()[-1])["run_id"] == "after"
    assert result.records == len(kept) + 1 + (torn is not None)


INNER = ["kind", "run_id", "status", "output", "releases", "path", "sha256", "intent", "outputs", "moved_to"]
RECORD_FIELDS = ["kind", "run_id", "header", "header_sha256", "result", "hash", "prev_hash", "sig", "signer"]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["success", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(INNER), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(st.sampled_from([*RECORD_FIELDS, "pubkey", "torn"]), JSON), max_size=4))
def test_any_json_object_lines_verify_without_crashing(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]
) -> None:
    """Whatever objects a forger writes, verify reports problems (exit 7); it never fails with exit 1."""
    path = tmp_path_factory.mktemp("fuzz") / "audit.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = verify_log(AuditLog(path), expect_head="0" * 16)
    assert not result.ok
