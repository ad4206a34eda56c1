"""Inputs that used to end in ``internal error`` (exit 1) now fail with their documented code.

Binary columns under text actions (exit 3, ``type_mismatch``), two columns of one name (exit 3,
``input_invalid``) and a text cell too long to scrub (exit 3, ``input_invalid``): each with no
output written and a failed audit record.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from core_helpers import KEY, records, run_cli, stray_files

import privprep
from privprep import PrivprepError, ReasonCode, parse_policy
from privprep.detect.scrub import MAX_TEXT_CHARS

SECRET = b"\xffRAW-SECRET-BYTES\x00"


def _binary_input(folder: Path) -> Path:
    path = folder / "blob.parquet"
    pl.DataFrame({"id": [1, 2], "blob": [SECRET, b"abc"]}).write_parquet(path)
    return path


def _duplicated_input(folder: Path) -> Path:
    path = folder / "dup.parquet"
    table = pa.table([pa.array([1, 2]), pa.array(["a", "b"]), pa.array([3, 4])], names=["x", "y", "x"])
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize(
    "rule", ["mask", "pseudonymize", "{action: fake, kind: email}", "{action: generalize, keep_prefix: 2}"]
)
def test_a_binary_column_under_a_text_action_is_a_type_mismatch(tmp_path: Path, rule: str) -> None:
    policy = parse_policy(f"version: 1\nname: b\ncolumns:\n  id: keep\n  blob: {rule}\n")
    with pytest.raises(PrivprepError) as err:
        privprep.apply(policy, _binary_input(tmp_path), tmp_path / "out.parquet", key=KEY)
    assert err.value.code is ReasonCode.TYPE_MISMATCH and err.value.exit_code == 3
    assert "column 'blob' has dtype Binary; this action needs a string" in str(err.value)
    assert not (tmp_path / "out.parquet").exists() and not stray_files(tmp_path)
    [record] = records(tmp_path / "privprep-audit.jsonl")
    assert record["result"]["reason_code"] == "type_mismatch"


def test_two_columns_of_one_name_are_refused_not_dropped(tmp_path: Path) -> None:
    policy = parse_policy("version: 1\nname: d\ncolumns:\n  x: keep\n  y: keep\n")
    with pytest.raises(PrivprepError) as err:
        privprep.apply(policy, _duplicated_input(tmp_path), tmp_path / "out.parquet", key=KEY)
    assert err.value.code is ReasonCode.INPUT_INVALID and err.value.exit_code == 3
    assert "two columns named 'x' (positions 1 and 3)" in str(err.value)
    assert not (tmp_path / "out.parquet").exists()


def test_a_text_too_long_to_scrub_is_input_invalid(tmp_path: Path) -> None:
    """10 MB in one cell: refused before Presidio or spaCy sees it (spaCy would need ~100 GB)."""
    policy = parse_policy("version: 1\nname: s\ncolumns:\n  notes: {action: scrub, with: tag}\n")
    frame = pl.DataFrame({"notes": ["Call Maria Lopez. " * 600_000, "short"]})
    with pytest.raises(PrivprepError) as err:
        privprep.apply(policy, frame, tmp_path / "out.parquet", audit_log=tmp_path / "audit.jsonl")
    assert err.value.code is ReasonCode.INPUT_INVALID and err.value.exit_code == 3
    assert f"longer than {MAX_TEXT_CHARS:,} characters" in str(err.value) and "Maria" not in str(err.value)
    assert not (tmp_path / "out.parquet").exists() and not stray_files(tmp_path)
    assert records(tmp_path / "audit.jsonl")[-1]["result"]["reason_code"] == "input_invalid"


def test_the_commands_exit_3_with_the_reason(tmp_path: Path) -> None:
    """``privprep plan`` on a Binary column and ``apply`` on duplicated names, as subprocesses."""
    (tmp_path / "b.yaml").write_text("version: 1\nname: b\ncolumns:\n  id: keep\n  blob: mask\n")
    (tmp_path / "d.yaml").write_text("version: 1\nname: d\ncolumns:\n  x: keep\n  y: keep\n")
    commands = [
        ("plan", "b.yaml", _binary_input(tmp_path).name),
        ("apply", "d.yaml", _duplicated_input(tmp_path).name, "-o", "out.parquet"),
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        binary, duplicated = pool.map(lambda args: run_cli(*args, cwd=tmp_path), commands)
    for proc, reason, fragment in [
        (binary, "type_mismatch", "column 'blob' has dtype Binary"),
        (duplicated, "input_invalid", "positions 1 and 3"),
    ]:
        assert proc.returncode == 3, proc.stderr
        assert proc.stderr.startswith(f"error ({reason}): ") and fragment in " ".join(proc.stderr.split())
        assert "Traceback" not in proc.stderr and "RAW-SECRET" not in proc.stderr + proc.stdout
    assert not (tmp_path / "out.parquet").exists()
