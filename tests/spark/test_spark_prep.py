"""Training-data steps under Spark: labels, dedupe and split give the single-machine rows and counts."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, POLICIES, SAMPLE, make_policy, records, stray_files
from spark_helpers import assert_same_rows

import privprep
import privprep.spark
from privprep.errors import PrivprepError, ReasonCode
from privprep.keys import MasterKey
from privprep.policy import load_policy
from privprep.prep.split import split_expr
from privprep.spark.engine import run as spark_run

pytestmark = [pytest.mark.spark, pytest.mark.slow]
COLUMNS = {"customer_id": "pseudonymize", "comment": "keep", "amount": "keep", "status": "keep"}
LABELS = {
    "normalize": ["strip", "casefold", "unicode", "collapse_spaces"],
    "map": {"churn": "churned", "yes": "churned", "no": "active", "ACTIVE ": "active"},
    "classes": ["active", "churned", "paused"],
    "taxonomy_version": 2,
}
PREP: dict[str, dict[str, Any]] = {
    "near-duplicates, keep none, other class, split": {
        "labels": {"status": {**LABELS, "unknown": "other:paused"}},
        "dedupe": {
            "on": ["customer_id", "comment"], "keep": "none", "normalize": {"comment": ["strip", "casefold"]}
        },
        "split": {"by": "customer_id", "train": 0.6, "validation": 0.2, "test": 0.2},
    },
    "all columns, keep first, unknown null, split": {
        "labels": {"status": {**LABELS, "unknown": "null"}},
        "dedupe": {"on": "all", "keep": "first"},
        "split": {"by": "customer_id", "seed_domain": "other"},
    },
    "all columns, keep last": {"dedupe": {"on": "all", "keep": "last"}},
    "all columns, keep none": {"dedupe": {"on": "all", "keep": "none"}},
    "split alone": {"split": {"by": "customer_id", "column": "fold"}},
    "stratified split after dedupe": {
        "labels": {"status": {**LABELS, "unknown": "null"}},
        "dedupe": {"on": "all", "keep": "none"},
        "split": {"by": "customer_id", "stratify": "status", "train": 0.5, "validation": 0.25, "test": 0.25},
    },
}  # fmt: skip


def customers(rows: int = 300) -> pl.DataFrame:
    """Entities with several rows, exact and near duplicates, messy and unknown labels, nulls, unicode."""
    spellings = ["active", " Active", "CHURN", "yes", "no", "paused", "Ünknown", None, "ａｃｔｉｖｅ", "ok "]
    comments = ["fine", " Fine ", "FINE", "late payment", None, "Zoë said ✓"]
    n = range(rows)
    return pl.DataFrame({
        "customer_id": [None if i % 41 == 0 else f"c{i % 53}" for i in n],
        "comment": [comments[(i * 7) % len(comments)] for i in n],
        "amount": [float(i % 5) for i in n],
        "status": [spellings[(i * 3) % len(spellings)] for i in n],
    })  # fmt: skip


@pytest.fixture(scope="module")
def customers_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("customers") / "customers.parquet"
    frame = customers()
    pl.concat([frame, frame.head(40)]).write_parquet(path)  # exact duplicates too
    return path


def _both(spark: Any, policy: Any, path: Path, folder: Path) -> tuple[Any, Any]:
    """Each engine with its own audit log (a run's record notes the previous run's taxonomy)."""
    single = privprep.apply(policy, path, folder / "single.parquet", KEY, audit_log=folder / "single.jsonl")
    df = spark.read.parquet(str(path)).repartition(3)
    out, log = folder / "spark.parquet", folder / "spark.jsonl"
    return single, spark_run(policy, df, output=out, key=KEY, audit_log=log)


@pytest.mark.parametrize("prep", sorted(PREP))
def test_prep_steps_give_the_single_machine_rows_and_counts(
    spark: Any, customers_file: Path, tmp_path: Path, prep: str
) -> None:
    policy = make_policy(COLUMNS, unlisted="fail", **PREP[prep])
    single, on_spark = _both(spark, policy, customers_file, tmp_path)
    written = pl.read_parquet(tmp_path / "spark.parquet" / "*.parquet")
    expected = pl.read_parquet(tmp_path / "single.parquet")
    assert_same_rows(expected, written)
    assert on_spark.record["result"]["output"]["digest"] == single.record["result"]["output"]["digest"]
    counted = single.record["result"]["prep"]
    assert on_spark.record["result"]["prep"] == counted
    if counted.get("dedupe"):
        assert counted["dedupe"]["rows_out"] < counted["dedupe"]["rows_in"]  # the data has duplicates
    if split := counted.get("split"):
        assert sum(split["rows"].values()) + split["rows_without_entity"] == expected.height
    assert [w for w in on_spark.warnings if "dedupe" in w] == [w for w in single.warnings if "dedupe" in w]


def test_unknown_labels_under_fail_stop_the_run_before_anything_is_written(
    spark: Any, customers_file: Path, tmp_path: Path
) -> None:
    policy = make_policy(COLUMNS, unlisted="fail", labels={"status": {**LABELS, "unknown": "fail"}})
    out, log = tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    with pytest.raises(PrivprepError) as on_spark:
        spark_run(policy, spark.read.parquet(str(customers_file)), output=out, key=KEY, audit_log=log)
    with pytest.raises(PrivprepError) as single:
        privprep.apply(policy, customers_file, tmp_path / "one.parquet", KEY, audit_log=tmp_path / "b.jsonl")
    assert on_spark.value.code == single.value.code == ReasonCode.LABEL_UNKNOWN
    assert str(on_spark.value) == str(single.value)  # the same counts, no value named
    assert not out.exists() and stray_files(tmp_path) == []
    failed = records(log)[-1]
    assert failed["result"]["status"] == "failed" and failed["result"]["failed_step"] == "prep"
    assert failed["result"]["prep"]["labels"]["status"]["unknown"] > 0


@pytest.mark.parametrize(
    ("prep", "where"),
    [
        ({"dedupe": {"on": ["customer_id"], "keep": "first"}}, "dedupe.keep"),
        ({"dedupe": {"on": list(COLUMNS), "keep": "last"}}, "dedupe.keep"),  # decided without the schema
        ({"dedupe": {"on": "all", "keep": "last", "normalize": {"comment": ["strip"]}}}, "dedupe.keep"),
    ],
)  # fmt: skip
def test_forms_without_a_spark_equivalent_are_refused_before_the_run_starts(
    spark: Any, customers_file: Path, tmp_path: Path, prep: dict[str, Any], where: str
) -> None:
    policy = make_policy(COLUMNS, unlisted="fail", **prep)
    out, log = tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    with pytest.raises(PrivprepError) as caught:
        spark_run(policy, spark.read.parquet(str(customers_file)), output=out, key=KEY, audit_log=log)
    assert caught.value.code == ReasonCode.POLICY_INVALID
    assert [p.where for p in caught.value.problems] == [where]
    assert "single-machine engine" in caught.value.problems[0].message
    assert not out.exists() and [r["kind"] for r in records(log)] == ["finished"]  # no started record


@pytest.mark.parametrize("prep", [p for p in PREP if "split" in PREP[p] and p != "split alone"])
def test_the_split_key_stays_out_of_the_spark_plan(
    spark: Any, customers_file: Path, tmp_path: Path, prep: str
) -> None:
    policy = make_policy(COLUMNS, unlisted="fail", **PREP[prep])
    df = spark.read.parquet(str(customers_file))
    private = privprep.spark.apply(policy, df, key=KEY, audit_log=tmp_path / "audit.jsonl")  # unwritten
    execution = private._jdf.queryExecution()
    plans = [execution.toString()]
    for mode in ("simple", "extended", "codegen", "cost", "formatted"):
        plans.append(private._sc._jvm.PythonSQLUtils.explainString(execution, mode))
    assert "privprep_batches" in plans[0]
    assert policy.split is not None
    master = MasterKey(KEY.encode())
    split_key = master.derive("split", f"domain:{policy.split.seed_domain}")
    assert split_key.encode() in pickle.dumps(split_expr(policy.split, master))  # what the batches hold
    for secret in (KEY, KEY.encode().hex(), split_key):
        assert all(secret not in text for text in plans), "a key is in the Spark plan"


def test_the_example_training_data_policy_gives_the_single_machine_run(spark: Any, tmp_path: Path) -> None:
    policy = load_policy(POLICIES / "customers-ml.yaml")  # dedupe, labels, split, k-anonymity, drift
    single, on_spark = _both(spark, policy, SAMPLE, tmp_path)
    written = pl.read_parquet(tmp_path / "spark.parquet")
    assert_same_rows(pl.read_parquet(tmp_path / "single.parquet"), written)
    one, other = single.record["result"], on_spark.record["result"]
    assert one["output"]["digest"] == other["output"]["digest"]
    for section in ("prep", "checks", "drift"):
        assert one[section] and other[section] == one[section], section
