"""k-anonymity and l-diversity under Spark: the same measurements, decisions and suppressed rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, make_policy, records, stray_files
from spark_helpers import assert_same_rows, both

from privprep.errors import PrivprepError
from privprep.spark.engine import run as spark_run

pytestmark = [pytest.mark.spark, pytest.mark.slow]
COLUMNS = {
    "id": "pseudonymize",
    "zip": {"action": "generalize", "keep_prefix": 3},
    "age": {"action": "generalize", "bins": [30, 50]},
    "gender": "keep",
    "diagnosis": "keep",
}


def people(rows: int = 400) -> pl.DataFrame:
    """Classes of every size, including unique ones and a null quasi-identifier."""
    i = pl.int_range(rows, eager=True)
    return pl.DataFrame({
        "id": i,
        "zip": [None if n % 97 == 0 else str(10000 + (n % 7) * 1000 + n % 3) for n in range(rows)],
        "age": (i * 37) % 80,
        "gender": pl.Series(["f", "m", "x", None])[i % 4],
        "diagnosis": pl.Series(["flu", "cold", "none", "asthma", None])[(i * 13) % 5],
    })  # fmt: skip


def checks(most: float | None) -> dict[str, Any]:
    """Both checks on the same columns; suppressing up to ``most`` of the rows (``None``: refuse)."""
    qis = ["zip", "age", "gender"]
    gate = {"on_fail": "fail"} if most is None else {"on_fail": "suppress", "max_suppression": most}
    return {
        "k_anonymity": {"quasi_identifiers": qis, "k": 5, **gate},
        "l_diversity": {"quasi_identifiers": qis, "sensitive": "diagnosis", "l": 2, **gate},
    }


@pytest.fixture(scope="module")
def people_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("people") / "people.parquet"
    people().write_parquet(path)
    return path


def test_suppression_decisions_and_rows_are_identical(spark: Any, people_file: Path, tmp_path: Path) -> None:
    policy = make_policy(COLUMNS, unlisted="fail", checks=checks(0.5))
    single, on_spark = both(spark, policy, people_file, tmp_path, KEY)
    assert single.record["result"]["checks"] == on_spark.record["result"]["checks"]
    measured = on_spark.record["result"]["checks"]
    assert 0 < measured["rows_suppressed"] < measured["rows_checked"]  # the gate did suppress here
    assert measured["k_anonymity"]["input"]["rows"] == people().height  # input baselines from Spark too
    spark_rows = pl.read_parquet(tmp_path / "spark.parquet" / "*.parquet")
    assert_same_rows(pl.read_parquet(tmp_path / "single.parquet"), spark_rows)
    assert spark_rows.height == measured["rows_written"]
    assert single.record["result"]["output"]["digest"] == on_spark.record["result"]["output"]["digest"]
    assert single.warnings == on_spark.warnings


def test_a_failing_gate_refuses_alike_and_writes_nothing(
    spark: Any, people_file: Path, tmp_path: Path
) -> None:
    policy = make_policy(COLUMNS, unlisted="fail", checks=checks(None))
    log = tmp_path / "audit.jsonl"
    failures = []
    for engine in ("polars", "spark"):
        out = tmp_path / f"{engine}.parquet"
        with pytest.raises(PrivprepError) as caught:
            if engine == "spark":
                spark_run(policy, spark.read.parquet(str(people_file)), output=out, key=KEY, audit_log=log)
            else:
                import privprep

                privprep.apply(policy, people_file, out, KEY, audit_log=log)
        failures.append(caught.value)
        assert not out.exists()
    assert failures[0].code == failures[1].code and str(failures[0]) == str(failures[1])
    finished = [r for r in records(log) if r["kind"] == "finished"]
    assert [r["result"]["status"] for r in finished] == ["failed", "failed"]
    assert finished[0]["result"]["checks"] == finished[1]["result"]["checks"]
    assert stray_files(tmp_path) == []
