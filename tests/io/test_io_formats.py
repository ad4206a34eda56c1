"""Every input kind, read from a real file, folder, database or object, gives the Parquet path's output."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pytest
from core_helpers import records
from io_helpers import FRAME, POLICY, expected, run

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.io.fingerprint import sha256_file

WRITERS = {
    "in.csv": lambda f, p: f.write_csv(p),
    "in.tsv": lambda f, p: f.write_csv(p, separator="\t"),
    "in.ndjson": lambda f, p: f.write_ndjson(p),
    "in.jsonl": lambda f, p: f.write_ndjson(p),
    "in.json": lambda f, p: f.write_json(p),
    "in.arrow": lambda f, p: f.write_ipc(p),
    "in.feather": lambda f, p: f.write_ipc(p),
    "in.parquet": lambda f, p: f.write_parquet(p),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_each_file_format_gives_the_parquet_output(tmp_path: Path, name: str) -> None:
    WRITERS[name](FRAME, tmp_path / name)
    result = run(tmp_path / name, tmp_path / "out.parquet")
    assert pl.read_parquet(result.output_path).equals(expected(tmp_path))
    header = result.record["header"]["input"]
    assert header["sha256"] == sha256_file(tmp_path / name) and header["files"] is None


def test_a_folder_a_glob_and_a_hive_dataset(tmp_path: Path) -> None:
    want = expected(tmp_path)
    (tmp_path / "flat").mkdir()
    FRAME[:3].write_parquet(tmp_path / "flat" / "a.parquet")
    FRAME[3:].write_parquet(tmp_path / "flat" / "b.parquet")
    (tmp_path / "flat" / "_SUCCESS").write_text("")
    folder = run(tmp_path / "flat", tmp_path / "o1.parquet")
    assert pl.read_parquet(folder.output_path).equals(want)
    files = folder.record["header"]["input"]["files"]
    assert [(f["path"], f["sha256"]) for f in files] == [
        ("a.parquet", sha256_file(tmp_path / "flat" / "a.parquet")),
        ("b.parquet", sha256_file(tmp_path / "flat" / "b.parquet")),
    ]
    glob = run(str(tmp_path / "flat" / "*.parquet"), tmp_path / "o2.parquet")
    assert pl.read_parquet(glob.output_path).equals(want)
    assert glob.record["header"]["input"]["sha256"] == folder.record["header"]["input"]["sha256"]
    FRAME.lazy().sink_parquet(pl.PartitionByKey(tmp_path / "hive", by="split", include_key=False), mkdir=True)
    hive = run(tmp_path / "hive", tmp_path / "o3.parquet")
    assert pl.read_parquet(hive.output_path).sort("id").equals(want.sort("id"))
    log = (tmp_path / "audit.jsonl").read_text()
    assert "split=*" in log and "split=train" not in log  # partition values are data: never recorded


def test_the_fingerprint_changes_with_any_file_of_a_set(tmp_path: Path) -> None:
    (tmp_path / "set").mkdir()
    FRAME[:3].write_parquet(tmp_path / "set" / "a.parquet")
    FRAME[3:].write_parquet(tmp_path / "set" / "b.parquet")
    first = privprep.open_input(tmp_path / "set").sha256
    FRAME[3:5].write_parquet(tmp_path / "set" / "b.parquet")
    assert privprep.open_input(tmp_path / "set").sha256 != first


def test_csv_options_from_the_policy_and_from_overrides(tmp_path: Path) -> None:
    text = "id;email;city;score;split\n" + "\n".join(
        ";".join("NA" if v is None else str(v) for v in row) for row in FRAME.rows()
    )
    (tmp_path / "in.txt").write_bytes(text.replace("Oslo", "Øslo").encode("cp1252"))
    csv = {"separator": ";", "encoding": "cp1252", "null_values": ["NA"]}
    policy = with_input(format="csv", csv=csv, dtypes={"id": "Int64"})
    got = pl.read_parquet(run(tmp_path / "in.txt", tmp_path / "out.parquet", policy=policy).output_path)
    want = expected(tmp_path).with_columns(pl.col("city").str.replace("Oslo", "Øslo"))
    assert got.equals(want)
    (tmp_path / "plain.txt").write_text(text.split("\n", 1)[1].replace(";", "|"))  # no header, | and NA
    options = {"format": "csv", "separator": "|", "has_header": False, "null_values": ["NA"]}
    source = privprep.open_input(tmp_path / "plain.txt", POLICY.input.overridden(options))
    assert source.schema.names() == ["column_1", "column_2", "column_3", "column_4", "column_5"]
    FRAME.write_parquet(tmp_path / "in.parquet")  # typed formats are cast to the policy's dtypes
    assert (
        privprep.open_input(tmp_path / "in.parquet", with_input(dtypes={"id": "String"}).input).schema["id"]
        == pl.String
    )


def with_input(**section: object) -> privprep.Policy:
    """The shared policy with an ``input:`` section (validated as a policy file's would be)."""
    spec = privprep.Policy.model_validate({"version": 1, "name": "io", "input": section}).input
    return POLICY.model_copy(update={"input": spec})


def test_a_late_csv_value_of_another_type_is_a_user_error(tmp_path: Path) -> None:
    rows = [{**row, "id": str(row["id"])} for row in FRAME.rows(named=True)] * 20
    rows.append({**rows[0], "id": "secret-id"})
    pl.DataFrame(rows).write_csv(tmp_path / "late.csv")
    policy = with_input(csv={"infer_schema_length": 10})
    with pytest.raises(PrivprepError) as caught:
        run(tmp_path / "late.csv", tmp_path / "out.parquet", policy=policy)
    assert caught.value.code == ReasonCode.INPUT_INVALID and "infer_schema_length" in str(caught.value)
    assert "secret-id" not in str(caught.value) and not (tmp_path / "out.parquet").exists()
    fixed = with_input(csv={"infer_schema_length": 10}, dtypes={"id": "String"})
    assert (
        run(tmp_path / "late.csv", tmp_path / "out.parquet", policy=fixed).record["result"]["status"]
        == "success"
    )


def test_a_value_input_dtypes_cannot_cast_is_a_user_error(tmp_path: Path) -> None:
    pl.DataFrame({"id": ["secret-id", "12"], "n": [1, 2]}).write_parquet(tmp_path / "in.parquet")
    policy = with_input(dtypes={"id": "Int64"}).model_copy(update={"columns": {}, "unlisted": "keep"})
    with pytest.raises(PrivprepError) as caught:
        run(tmp_path / "in.parquet", tmp_path / "out.parquet", policy=policy)
    assert caught.value.code == ReasonCode.INPUT_INVALID and "input.dtypes" in str(caught.value)
    assert "secret-id" not in str(caught.value) and not (tmp_path / "out.parquet").exists()


def test_unknown_extension_and_bad_files_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "data.xlsx").write_bytes(b"\x00secret-value")
    with pytest.raises(PrivprepError) as caught:
        privprep.open_input(tmp_path / "data.xlsx")
    assert caught.value.code == ReasonCode.INPUT_INVALID and "--format" in str(caught.value)
    (tmp_path / "bad.parquet").write_text("secret-value,1\n")
    with pytest.raises(PrivprepError) as caught:
        privprep.open_input(tmp_path / "bad.parquet")
    assert "secret-value" not in str(caught.value) and caught.value.code == ReasonCode.INPUT_INVALID
    (tmp_path / "bad.json").write_text('[{"a": "secret-value"')
    with pytest.raises(PrivprepError) as caught:
        privprep.open_input(tmp_path / "bad.json")
    assert "secret-value" not in str(caught.value)
    with pytest.raises(PrivprepError) as caught:
        privprep.open_input(str(tmp_path / "none-*.csv"))
    assert caught.value.code == ReasonCode.INPUT_NOT_FOUND


def test_a_duckdb_query_and_relation(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.db"
    with duckdb.connect(str(db)) as con:
        con.register("frame", FRAME.to_arrow())
        con.execute("create table customers as select * from frame")
    query = "select * from customers order by id"
    policy = with_input(duckdb=str(db), query=query)
    result = run(None, tmp_path / "out.parquet", policy=policy)
    assert pl.read_parquet(result.output_path).equals(expected(tmp_path))
    header = result.record["header"]["input"]
    assert header["query"] == {"text": query, "database": str(db), "database_sha256": sha256_file(db)}
    with duckdb.connect(str(db), read_only=True) as con:
        relation = run(con.sql(query), None)
    assert relation.frame.equals(expected(tmp_path))
    bad = policy.model_copy(
        update={"input": policy.input.model_copy(update={"query": "select 'secret' + 1"})}
    )
    with pytest.raises(PrivprepError) as caught:
        run(None, tmp_path / "o.parquet", policy=bad)
    assert "secret" not in str(caught.value)
    with pytest.raises(PrivprepError) as caught:  # a query and another input: which one?
        run(FRAME, tmp_path / "o.parquet", policy=policy)
    assert caught.value.code == ReasonCode.INPUT_INVALID


def test_pyarrow_tables_and_datasets(tmp_path: Path) -> None:
    want = expected(tmp_path)
    assert run(FRAME.to_arrow(), None).frame.equals(want)
    FRAME.write_parquet(tmp_path / "d.parquet")
    assert run(ds.dataset(tmp_path / "d.parquet"), None).frame.equals(want)


def test_a_delta_table(tmp_path: Path) -> None:
    pytest.importorskip("deltalake")
    FRAME.write_delta(tmp_path / "delta")
    result = run(tmp_path / "delta", tmp_path / "out.parquet")
    assert pl.read_parquet(result.output_path).equals(expected(tmp_path))
    assert result.record["header"]["input"]["format"] == "delta"


def test_no_output_may_overwrite_any_input_file(tmp_path: Path) -> None:
    (tmp_path / "set").mkdir()
    FRAME[:3].write_parquet(tmp_path / "set" / "a.parquet")
    FRAME[3:].write_parquet(tmp_path / "set" / "b.parquet")
    before = sha256_file(tmp_path / "set" / "b.parquet")
    with pytest.raises(PrivprepError) as caught:
        run(tmp_path / "set", tmp_path / "set" / "b.parquet")
    assert caught.value.code == ReasonCode.OUTPUT_FAILED and "input file 2" in str(caught.value)
    assert sha256_file(tmp_path / "set" / "b.parquet") == before
    assert (
        json.loads(json.dumps(records(tmp_path / "set" / "audit.jsonl")[-1]))["result"]["status"] == "failed"
    )
