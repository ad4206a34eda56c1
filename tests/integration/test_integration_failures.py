"""Bad policies, inputs, keys and outputs: the documented error, nothing written, a failed audit record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest
from core_helpers import KEY, finished, stray_files

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.errors import EXIT_CODES

RAW = [f"RAWVALUE-{i:05d}-SECRET" for i in range(3000)]
FRAME = pl.DataFrame({"name": RAW, "n": list(range(len(RAW))), "day": ["2020-01-01"] * len(RAW)})
GOOD = "version: 1\nname: fail\ncolumns:\n  name: pseudonymize\n  n: keep\n  day: keep\nunlisted: fail\n"


def write_input(folder: Path) -> Path:
    path = folder / "in.parquet"
    FRAME.write_parquet(path, compression="zstd")
    return path


def corrupt_pages(folder: Path) -> Path:
    """A file whose footer is fine but whose first data page is zeroed: reading fails mid-run."""
    path = write_input(folder)
    data = bytearray(path.read_bytes())
    start = pq.read_metadata(path).row_group(0).column(0).data_page_offset + 40
    data[start : start + 200] = bytes(200)
    path.write_bytes(bytes(data))
    return path


def junk(content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "in.parquet"
        path.write_bytes(content)
        return path

    return make


def truncated(folder: Path) -> Path:
    path = write_input(folder)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


# id, policy text, input maker, key, expected reason
CASES: list[tuple[str, str, Callable[[Path], Any], str | None, ReasonCode]] = [
    (
        "missing-column",
        GOOD.replace("unlisted:", "  ghost: drop\nunlisted:"),
        write_input,
        KEY,
        ReasonCode.COLUMN_MISSING,
    ),
    (
        "type-mismatch",
        GOOD.replace("name: pseudonymize", "name: {action: generalize, round_to: 5}"),
        write_input,
        KEY,
        ReasonCode.TYPE_MISMATCH,
    ),
    (
        "date-on-int",
        GOOD.replace("n: keep", "n: {action: shift_date, max_days: 3}"),
        write_input,
        KEY,
        ReasonCode.TYPE_MISMATCH,
    ),
    (
        "by-missing",
        GOOD.replace("day: keep", "day: {action: shift_date, max_days: 3, by: patient}"),
        write_input,
        KEY,
        ReasonCode.COLUMN_MISSING,
    ),
    ("unlisted-fail", GOOD.replace("  day: keep\n", ""), write_input, KEY, ReasonCode.UNLISTED_COLUMN),
    ("empty-file", GOOD, junk(b""), KEY, ReasonCode.INPUT_INVALID),
    ("not-parquet", GOOD, junk(b"name,n\nRAWVALUE-00000-SECRET,1\n"), KEY, ReasonCode.INPUT_INVALID),
    ("truncated", GOOD, truncated, KEY, ReasonCode.INPUT_INVALID),
    ("missing-input", GOOD, lambda folder: folder / "nope.parquet", KEY, ReasonCode.INPUT_NOT_FOUND),
    ("missing-key", GOOD, write_input, None, ReasonCode.KEY_MISSING),
    ("short-key", GOOD, write_input, "short-key-15byt", ReasonCode.KEY_MISSING),
]


@pytest.mark.parametrize(
    ("policy", "make_input", "key", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_failed_run_writes_nothing_and_is_audited(
    tmp_path: Path,
    no_key: None,
    policy: str,
    make_input: Callable[[Path], Any],
    key: str | None,
    code: ReasonCode,
) -> None:
    data = make_input(tmp_path)
    out, log = tmp_path / "out" / "result.parquet", tmp_path / "audit.jsonl"
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.parse_policy(policy), data, out, key=key, audit_log=log)
    assert err.value.code is code and err.value.exit_code == EXIT_CODES[code]
    assert not out.exists() and stray_files(tmp_path) == []
    [record] = finished(log)
    assert record["result"]["status"] == "failed" and record["result"]["reason_code"] == code.value
    assert record["result"]["message"] == str(err.value) and record["result"]["output"] is None
    text = str(err.value) + log.read_text()
    assert not any(raw in text for raw in RAW[:50])


def test_output_equal_to_input_is_refused_and_the_input_untouched(tmp_path: Path) -> None:
    src = write_input(tmp_path)
    before = src.read_bytes()
    same = tmp_path / "sub" / ".." / "in.parquet"
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.parse_policy(GOOD), src, same, key=KEY, audit_log=tmp_path / "a.jsonl")
    assert err.value.code is ReasonCode.OUTPUT_FAILED and err.value.exit_code == 8
    assert "is the input file" in str(err.value)
    assert src.read_bytes() == before and stray_files(tmp_path) == []
    assert finished(tmp_path / "a.jsonl")[0]["result"]["reason_code"] == "output_failed"


def test_a_failure_while_streaming_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    out.write_bytes(b"previous output")
    with pytest.raises(PrivprepError):
        privprep.apply(privprep.parse_policy(GOOD), corrupt_pages(tmp_path), out, key=KEY)
    assert out.read_bytes() == b"previous output" and stray_files(tmp_path) == []
    assert finished(tmp_path / "privprep-audit.jsonl")[0]["result"]["status"] == "failed"


def test_corrupt_data_pages_are_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.parse_policy(GOOD), corrupt_pages(tmp_path), tmp_path / "o.parquet", key=KEY)
    assert err.value.code is ReasonCode.INPUT_INVALID and err.value.exit_code == 3
    assert "has unreadable data pages" in str(err.value)
    assert finished(tmp_path / "privprep-audit.jsonl")[0]["result"]["reason_code"] == "input_invalid"


def test_an_output_that_is_a_directory_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "out.parquet").mkdir()
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.parse_policy(GOOD), FRAME, tmp_path / "out.parquet", key=KEY)
    assert err.value.code is ReasonCode.OUTPUT_FAILED and err.value.exit_code == 8
    assert "is a directory" in str(err.value)


def test_an_output_that_is_a_directory_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "out.parquet").mkdir()
    with pytest.raises(PrivprepError):
        privprep.apply(privprep.parse_policy(GOOD), FRAME, tmp_path / "out.parquet", key=KEY)
    assert stray_files(tmp_path) == [] and list((tmp_path / "out.parquet").iterdir()) == []


def raiser(exc: BaseException) -> Callable[..., None]:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise exc

    return fail


def test_an_interrupt_after_writing_discards_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "privprep.engine.profile_step", raiser(KeyboardInterrupt())
    )  # after the sink, before rename
    with pytest.raises(KeyboardInterrupt):
        privprep.apply(privprep.parse_policy(GOOD), FRAME, tmp_path / "o.parquet", key=KEY)
    assert not (tmp_path / "o.parquet").exists() and stray_files(tmp_path) == []
    outcome = finished(tmp_path / "privprep-audit.jsonl")[0]["result"]
    assert outcome["reason_code"] == "interrupted" and outcome["message"] == "the run was interrupted"


def test_a_library_error_is_internal_and_its_text_is_not_repeated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("privprep.engine.DEBUG", False)  # PRIVPREP_DEBUG=1 would re-raise the original
    monkeypatch.setattr("privprep.engine.profile_step", raiser(ValueError(f"could not parse {RAW[0]!r}")))
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.parse_policy(GOOD), FRAME, tmp_path / "o.parquet", key=KEY)
    assert err.value.code is ReasonCode.INTERNAL and err.value.exit_code == 1
    assert str(err.value) == "internal error (ValueError)"
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert RAW[0] not in (tmp_path / "privprep-audit.jsonl").read_text()
    assert not (tmp_path / "o.parquet").exists() and stray_files(tmp_path) == []


def test_a_policy_that_cannot_be_parsed_writes_no_record(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(GOOD.replace("pseudonymize", "frobnicate"))
    with pytest.raises(privprep.PolicyError):
        privprep.apply(policy, FRAME, tmp_path / "o.parquet", key=KEY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]


def test_an_output_folder_that_cannot_be_created_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(PrivprepError) as err:
        privprep.apply(
            privprep.parse_policy(GOOD),
            FRAME,
            tmp_path / "afile" / "o.parquet",
            key=KEY,
            audit_log=tmp_path / "a.jsonl",
        )
    assert err.value.code is ReasonCode.OUTPUT_FAILED
    assert finished(tmp_path / "a.jsonl")[0]["result"]["reason_code"] == "output_failed"


def test_an_unwritable_audit_log_fails_the_run_before_any_output(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(PrivprepError) as err:
        privprep.apply(
            privprep.parse_policy(GOOD),
            FRAME,
            tmp_path / "o.parquet",
            key=KEY,
            audit_log=tmp_path / "afile" / "a.jsonl",
        )
    assert err.value.code in (ReasonCode.AUDIT_INVALID, ReasonCode.OUTPUT_FAILED)
    assert not (tmp_path / "o.parquet").exists() and stray_files(tmp_path) == []
