"""privprep.apply: inputs (path, Polars, lazy, pandas), outputs (file or frame), defaults, Result."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from core_helpers import KEY, OTHER_KEY, finished

import privprep
from privprep import PrivprepError, ReasonCode

TEXT = (
    "version: 1\nname: api\nkey: {env: PRIVPREP_KEY}\n"
    "columns:\n"
    "  id: pseudonymize\n"
    "  email: {action: fake, kind: email}\n"
    "  ssn: drop\n"
    "  note: redact\n"
    "  age: {action: generalize, bins: [18, 65]}\n"
    "  score: keep\n"
    "unlisted: fail\n"
)
FRAME = pl.DataFrame(
    {
        "id": [1, 2, 3, None],
        "email": ["a@x.io", "b@x.io", None, "a@x.io"],
        "ssn": ["111-22-3333", "222-33-4444", None, "333-44-5555"],
        "note": ["call me", None, "ok", "x"],
        "age": [12, 40, 70, None],
        "score": [0.5, None, 1.5, 2.0],
    }
)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(TEXT)
    return path


def check_transformed(out: pl.DataFrame) -> None:
    assert out.columns == ["id", "email", "note", "age", "score"]
    assert out["id"][0] != "1" and out["id"][3] is None
    assert out["email"][0] == out["email"][3] != out["email"][1] and out["email"][2] is None
    assert out["note"].to_list() == ["[REDACTED]", None, "[REDACTED]", "[REDACTED]"]
    assert out["age"].to_list() == ["<18", "[18, 65)", ">=65", None]
    assert out["score"].to_list() == FRAME["score"].to_list()


def test_a_parquet_path_in_a_parquet_file_out(workdir: Path, key: str, policy_file: Path) -> None:
    FRAME.write_parquet(workdir / "in.parquet")
    result = privprep.apply(policy_file, "in.parquet", "out.parquet")
    assert result.output_path == Path("out.parquet") and result.frame is None and result.releases == {}
    assert result.audit_log == Path("privprep-audit.jsonl") and finished(result.audit_log) == [result.record]
    assert result.record["result"]["status"] == "success"
    assert result.warnings == result.record["result"]["warnings"]
    check_transformed(pl.read_parquet(workdir / "out.parquet"))
    assert sorted(p.name for p in workdir.iterdir()) == [
        "in.parquet",
        "out.parquet",
        "policy.yaml",
        "privprep-audit.jsonl",
        "privprep-audit.jsonl.lock",
    ]


def test_the_default_output_sits_beside_the_input(tmp_path: Path, key: str, policy_file: Path) -> None:
    FRAME.write_parquet(tmp_path / "data.parquet")
    result = privprep.apply(str(policy_file), str(tmp_path / "data.parquet"))
    assert result.output_path == tmp_path / "data.private.parquet" and result.output_path.exists()
    assert result.audit_log == tmp_path / "privprep-audit.jsonl"


def test_the_policy_output_section_is_used(workdir: Path, key: str) -> None:
    text = TEXT + "output:\n  path: out/data.parquet\n  audit_log: logs/audit.jsonl\n"
    FRAME.write_parquet(workdir / "in.parquet")
    result = privprep.apply(privprep.parse_policy(text), "in.parquet")
    assert result.output_path == Path("out/data.parquet") and (workdir / "out" / "data.parquet").exists()
    assert (
        result.audit_log == Path("logs/audit.jsonl") and len(finished(workdir / "logs" / "audit.jsonl")) == 1
    )
    explicit = privprep.apply(privprep.parse_policy(text), FRAME, "other.parquet", audit_log="other.jsonl")
    assert explicit.output_path == Path("other.parquet") and explicit.audit_log == Path("other.jsonl")


@pytest.mark.parametrize(
    ("data", "kind"),
    [(FRAME, pl.DataFrame), (FRAME.lazy(), pl.DataFrame), (FRAME.to_pandas(), pd.DataFrame)],
    ids=["polars", "lazy", "pandas"],
)
def test_in_memory_in_same_kind_out(workdir: Path, data: object, kind: type) -> None:
    result = privprep.apply(privprep.parse_policy(TEXT), data, key=KEY)
    assert isinstance(result.frame, kind) and result.output_path is None
    out = pl.from_pandas(result.frame) if isinstance(result.frame, pd.DataFrame) else result.frame
    check_transformed(out)
    assert result.audit_log == workdir / "privprep-audit.jsonl"
    assert result.record["result"]["output"] is None


def test_a_frame_with_an_output_path_is_written(tmp_path: Path) -> None:
    result = privprep.apply(privprep.parse_policy(TEXT), FRAME, tmp_path / "o.parquet", key=KEY)
    assert result.frame is None
    check_transformed(pl.read_parquet(tmp_path / "o.parquet"))
    assert result.record["header"]["input"] == {
        "path": None,
        "sha256": None,
        "rows": 4,
        "schema": {
            "id": "Int64",
            "email": "String",
            "ssn": "String",
            "note": "String",
            "age": "Int64",
            "score": "Float64",
        },
        "format": "frame",
        "files": None,
        "query": None,
    }


def test_same_input_and_key_same_output_another_key_other_tokens(tmp_path: Path) -> None:
    policy = privprep.parse_policy(TEXT)
    runs = [
        privprep.apply(policy, FRAME, tmp_path / f"{i}.parquet", key=k)
        for i, k in enumerate([KEY, KEY, OTHER_KEY])
    ]
    frames = [pl.read_parquet(r.output_path) for r in runs]
    assert frames[0].equals(frames[1])
    assert not set(frames[0]["id"].drop_nulls()) & set(frames[2]["id"].drop_nulls())
    assert len({r.run_id for r in runs}) == 3


def test_the_key_argument_wins_over_the_environment(tmp_path: Path, key: str) -> None:
    policy = privprep.parse_policy(TEXT)
    env = privprep.apply(policy, FRAME, tmp_path / "a.parquet")
    arg = privprep.apply(policy, FRAME, tmp_path / "b.parquet", key=OTHER_KEY)
    assert env.record["header"]["key_fingerprint"] != arg.record["header"]["key_fingerprint"]


def test_a_key_file(tmp_path: Path, no_key: None) -> None:
    (tmp_path / "master.key").write_text(KEY + "\n")
    policy = privprep.parse_policy(
        TEXT.replace("{env: PRIVPREP_KEY}", f"{{file: {tmp_path / 'master.key'}}}")
    )
    result = privprep.apply(policy, FRAME, tmp_path / "o.parquet")
    reference = privprep.apply(privprep.parse_policy(TEXT), FRAME, tmp_path / "r.parquet", key=KEY)
    assert pl.read_parquet(result.output_path).equals(pl.read_parquet(reference.output_path))


def test_no_key_is_needed_without_keyed_actions(tmp_path: Path, no_key: None) -> None:
    text = "version: 1\nname: nokey\ncolumns:\n  email: mask\n  ssn: drop\nunlisted: keep\n"
    frame = FRAME.select("email", "ssn")
    result = privprep.apply(privprep.parse_policy(text), frame, tmp_path / "o.parquet")
    assert result.record["header"]["key_fingerprint"] is None
    assert pl.read_parquet(result.output_path)["email"].to_list() == ["******", "******", None, "******"]


def test_zero_rows(tmp_path: Path) -> None:
    result = privprep.apply(privprep.parse_policy(TEXT), FRAME.clear(), tmp_path / "o.parquet", key=KEY)
    out = pl.read_parquet(result.output_path)
    assert out.height == 0 and out.columns == ["id", "email", "note", "age", "score"]
    assert result.record["result"]["output"]["rows"] == 0


def test_a_larger_frame_streams_through_unchanged_in_shape(tmp_path: Path) -> None:
    n = 200_000
    frame = pl.DataFrame(
        {
            "id": range(n),
            "email": [f"user{i}@corp.example" for i in range(n)],
            "ssn": ["x"] * n,
            "note": ["n"] * n,
            "age": [i % 90 for i in range(n)],
            "score": [float(i) for i in range(n)],
        }
    )
    src = tmp_path / "big.parquet"
    frame.write_parquet(src, row_group_size=50_000)
    result = privprep.apply(privprep.parse_policy(TEXT), src, tmp_path / "o.parquet", key=KEY)
    out = pl.read_parquet(result.output_path)
    assert out.height == n and out["email"].n_unique() == n and out["id"].n_unique() == n
    assert out["score"].equals(frame["score"])


def test_a_policy_error_raises_before_any_run(workdir: Path, key: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEXT.replace("kind: email", "kind: emial"))
    with pytest.raises(privprep.PolicyError) as err:
        privprep.apply(bad, FRAME, "out.parquet")
    assert err.value.code is ReasonCode.POLICY_INVALID
    assert "columns.email.kind (line 6): unknown fake kind 'emial'" in str(err.value)
    assert not (workdir / "out.parquet").exists() and not (workdir / "privprep-audit.jsonl").exists()


def test_errors_are_privprep_errors_with_codes(tmp_path: Path) -> None:
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.parse_policy(TEXT), FRAME.drop("ssn"), tmp_path / "o.parquet", key=KEY)
    assert err.value.code is ReasonCode.COLUMN_MISSING and err.value.exit_code == 3
    assert [str(p) for p in err.value.problems] == ["columns.ssn: the input has no such column"]


def test_column_names_with_spaces_dots_and_unicode(tmp_path: Path) -> None:
    frame = pl.DataFrame({"e-mail addr.": ["a@x.io", None], "名前": ["山田", "佐藤"], "x y": [1, 2]})
    text = (
        "version: 1\nname: names\ncolumns:\n  'e-mail addr.': {action: fake, kind: email}\n"
        "  名前: pseudonymize\n  x y: drop\nunlisted: fail\n"
    )
    result = privprep.apply(privprep.parse_policy(text), frame, tmp_path / "o.parquet", key=KEY)
    out = pl.read_parquet(result.output_path)
    assert out.columns == ["e-mail addr.", "名前"] and out["e-mail addr."][1] is None
    assert "@" in out["e-mail addr."][0] and out["名前"].str.contains(r"^[0-9a-f]{32}$").all()
