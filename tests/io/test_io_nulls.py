"""An action that turns more than 1% of a column's values into nulls is flagged (or fails the run)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, records

import privprep
from privprep import PrivprepError, ReasonCode

ROWS = 400
FRAME = pl.DataFrame(
    {
        "id": list(range(ROWS)),
        "note": [f"visit {i}" for i in range(ROWS)],  # not dates at all
        "born": ["1984-03-07" if i % 10 else "07 of March" for i in range(ROWS)],  # 10% unparseable
        "seen": ["2020-01-02" if i % 200 else "soon" for i in range(ROWS)],  # 0.5%: under the threshold
    }
)
TEXT = (
    "version: 1\nname: nulls\nunlisted: fail\ncolumns:\n  id: keep\n"
    "  note: {action: shift_date, max_days: 30}\n  born: {action: generalize, to: decade}\n"
    "  seen: {action: generalize, to: year}\n"
)


def test_nulled_values_warn_with_count_and_reason(tmp_path: Path) -> None:
    result = privprep.apply(privprep.parse_policy(TEXT), FRAME, key=KEY, audit_log=tmp_path / "a.jsonl")
    found = {f["column"]: f for f in result.record["result"]["null_increases"]}
    assert set(found) == {"note", "born"}
    assert found["note"] == {
        "column": "note", "action": "shift_date", "reason": "unparseable",
        "nulls_added": ROWS, "non_null_input": ROWS, "share": 1.0,
    }  # fmt: skip
    assert found["born"]["nulls_added"] == ROWS // 10 and found["born"]["share"] == 0.1
    warned = [w for w in result.warnings if "into nulls" in w]
    assert len(warned) == 2 and any("'born': generalize turned 40 of 400" in w for w in warned)
    assert not any("1984" in w or "March" in w for w in result.warnings)


def test_the_policy_can_make_it_an_error(tmp_path: Path) -> None:
    policy = privprep.parse_policy(TEXT + "checks:\n  null_increase: fail\n  max_null_increase: 0.2\n")
    FRAME.write_parquet(tmp_path / "in.parquet")
    with pytest.raises(PrivprepError) as caught:
        privprep.apply(policy, tmp_path / "in.parquet", tmp_path / "out.parquet", key=KEY)
    assert caught.value.code == ReasonCode.CHECK_FAILED and "'note'" in str(caught.value)
    assert "'born'" not in str(caught.value)  # 10% is under this policy's 20%
    assert not (tmp_path / "out.parquet").exists()
    last = records(tmp_path / "privprep-audit.jsonl")[-1]["result"]
    assert last["status"] == "failed" and [f["column"] for f in last["null_increases"]] == ["note"]
