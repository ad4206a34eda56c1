"""The bundled policies on the bundled sample: what each column becomes, and what never leaves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, POLICIES, SAMPLE, finished, leaks

import privprep
from privprep.audit import AuditLog, verify_log
from privprep.policy import OutputSpec


@pytest.fixture(scope="module", autouse=True)
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The working directory of this module: customers.yaml's output section names relative paths."""
    path = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(path)
        yield path


def ungated() -> privprep.Policy:
    """customers.yaml without its risk checks: every input row has its output row, in order."""
    return privprep.load_policy(POLICIES / "customers.yaml").model_copy(update={"checks": None})


@pytest.fixture(scope="module")
def run(folder: Path) -> tuple[privprep.Result, pl.DataFrame, pl.DataFrame]:
    result = privprep.apply(ungated(), SAMPLE, folder / "customers.parquet", key=KEY)
    assert result.audit_log == Path("out/privprep-audit.jsonl")  # from the policy's output section
    return result, pl.read_parquet(SAMPLE), pl.read_parquet(result.output_path)


def test_the_run_succeeds_and_verifies(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    result, raw, out = run
    assert result.record["result"]["status"] == "success" and out.height == raw.height == 5000
    dropped = ("ssn", "card_number", "zip", "city", "birth_date_str")
    assert out.columns == [c for c in raw.columns if c not in dropped]
    assert verify_log(AuditLog(result.audit_log)).ok


def test_identifiers_become_tokens_consistent_per_customer(
    run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame],
) -> None:
    _, raw, out = run
    pairs = pl.DataFrame({"raw": raw["customer_id"], "token": out["customer_id"]}).unique()
    assert pairs["raw"].is_unique().all() and pairs["token"].is_unique().all()  # a bijection
    assert out["customer_id"].str.contains(r"^[0-9a-f]{32}$").all()


def test_direct_identifiers_are_replaced(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    _, raw, out = run
    for column in ("full_name", "email", "phone", "street_address"):
        both = pl.DataFrame({"raw": raw[column], "fake": out[column]})
        assert (both["raw"].is_null() == both["fake"].is_null()).all(), column
        assert both.filter(pl.col("raw") == pl.col("fake")).height == 0, column
        assert both.drop_nulls().unique().group_by("raw").len()["len"].max() == 1  # deterministic per value
    emails = pl.DataFrame({"raw": raw["email"], "fake": out["email"]}).drop_nulls().unique()
    assert emails["fake"].n_unique() == emails["raw"].n_unique()  # unique: no two inputs share a fake
    assert out["full_name"].drop_nulls().str.contains(" ").all()


def test_phones_keep_their_format(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    _, raw, out = run
    for before, after in zip(raw["phone"], out["phone"], strict=True):
        assert (before is None) == (after is None)
        if before is not None:
            assert re.sub(r"\d", "#", before) == re.sub(r"\d", "#", after)


def test_quasi_identifiers_are_coarsened(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    _, raw, out = run
    decades = (raw["birth_date"].dt.year() // 10 * 10).cast(pl.Int32)
    assert out.schema["birth_date"] == pl.Int32 and out["birth_date"].equals(decades)
    assert set(out["age"].unique()) <= {"<18", "[18, 30)", "[30, 45)", "[45, 65)", ">=65"}
    salary = out["salary"].drop_nulls()
    assert salary.max() == 250_000 and salary.min() >= 0 and (salary % 1000 == 0).all()
    assert out["notes"].null_count() == raw["notes"].null_count()
    emails = raw["email"].drop_nulls().str.strip_chars().str.to_lowercase().unique().to_list()
    notes = "\n".join(out["notes"].drop_nulls().str.to_lowercase().to_list())
    assert not [e for e in emails if e in notes]  # scrubbed out of the free text


def test_sign_up_dates_shift_by_one_offset_per_customer(
    run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame],
) -> None:
    _, raw, out = run
    shifts = pl.DataFrame(
        {"id": raw["customer_id"], "days": (out["signup_at"] - raw["signup_at"]).dt.total_days()}
    )
    assert shifts["days"].is_between(-30, 30).all()
    assert (shifts.group_by("id").agg(pl.col("days").n_unique())["days"] == 1).all()
    # Datetimes now move by seconds (granularity: second), never by 0: the time of day changes too
    moved = (out["signup_at"] - raw["signup_at"]).dt.total_microseconds()
    assert (moved != 0).all() and (moved % 86_400_000_000 != 0).mean() > 0.99  # type: ignore[operator]


def test_features_and_labels_are_untouched(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    _, raw, out = run
    for column in ("region", "gender", "wait_minutes", "diagnosis", "label", "churned"):
        assert out[column].equals(raw[column]), column


def test_no_protected_value_leaves(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    """Values that cannot come out of a fake pool by chance must appear nowhere; names only not in place."""
    result, raw, _out = run
    distinctive = [
        v
        for column in ("email", "phone", "ssn")
        for v in raw[column].drop_nulls().unique().to_list()
        if len(v.strip()) >= 8
    ]
    cards = [str(int(v)) for v in raw["card_number"].drop_nulls().to_list() if v >= 1e15]
    assert len(distinctive) > 5000 and cards
    assert leaks([*distinctive, *cards], result.output_path, result.audit_log) == []
    names = [v.strip() for c in ("full_name", "street_address") for v in raw[c].drop_nulls().to_list()]
    assert not [v for v in names if len(v) >= 8 and v in result.audit_log.read_text()]


def test_an_in_memory_run_matches_the_file(run: tuple[privprep.Result, pl.DataFrame, pl.DataFrame]) -> None:
    _, raw, out = run
    policy = ungated().model_copy(update={"output": OutputSpec()})
    memory = privprep.apply(policy, raw, key=KEY, audit_log="memory.jsonl")
    assert memory.output_path is None and memory.frame.equals(out)


def test_the_risk_gate_suppresses_small_classes(tmp_path: Path) -> None:
    result = privprep.apply(POLICIES / "customers.yaml", SAMPLE, tmp_path / "gated.parquet", key=KEY)
    out = pl.read_parquet(result.output_path)
    qis = ["birth_date", "gender", "age", "region"]
    assert 0 < 5000 - out.height <= 500  # within max_suppression: 10%
    assert out.group_by(qis).len()["len"].min() >= 5
    assert out.group_by(qis).agg(pl.col("diagnosis").drop_nulls().n_unique())["diagnosis"].min() >= 2
    assert result.record["result"]["checks"] and result.record["result"]["output"]["rows"] == out.height


def test_the_minimal_policy(tmp_path: Path) -> None:
    result = privprep.apply(POLICIES / "minimal.yaml", SAMPLE, tmp_path / "min.parquet", key=KEY)
    out = pl.read_parquet(result.output_path)
    assert out.columns == ["customer_id", "email", "churned"] and out.height == 5000
    assert out["customer_id"].str.contains(r"^[0-9a-f]{32}$").all()


def test_the_record_lists_columns_dropped_as_unlisted(tmp_path: Path) -> None:
    result = privprep.apply(POLICIES / "minimal.yaml", SAMPLE, tmp_path / "min.parquet", key=KEY)
    [record] = finished(result.audit_log)
    actions = {c["name"]: (c["action"], c["source"]) for c in record["header"]["columns"]}
    assert len(actions) == 21 and actions["ssn"] == ("drop", "unlisted")
