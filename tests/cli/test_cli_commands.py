"""The ``privprep`` command as a user runs it: subprocesses, exit codes, messages, no tracebacks, no values.

Commands that do not depend on each other run concurrently (each pays ~1 s of interpreter start-up).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, POLICIES, SAMPLE, finished, records, run_cli

import privprep

AGGREGATES = POLICIES / "customers-aggregates.yaml"

pytestmark = pytest.mark.slow  # every test here runs the CLI as a subprocess (a few seconds each)

Commands = dict[str, subprocess.CompletedProcess[str]]


def run_all(commands: dict[str, tuple[tuple[str | Path, ...], dict[str, object]]]) -> Commands:
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(run_cli, *args, **kwargs) for name, (args, kwargs) in commands.items()}
        return {name: future.result() for name, future in futures.items()}


def user_error(proc: subprocess.CompletedProcess[str], code: int, reason: str) -> str:
    """Assert the run failed as a user error: exit code, one clear message, no traceback."""
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith(f"error ({reason}): ")
    return proc.stderr


def sample_values() -> list[str]:
    """Values of the sample's personal columns that no command may print."""
    raw = pl.read_parquet(SAMPLE)
    columns = ("full_name", "email", "phone", "street_address", "ssn", "notes")
    return [v.strip() for c in columns for v in raw[c].drop_nulls().unique().to_list() if len(v.strip()) >= 8]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two successful runs (customers.yaml, minimal.yaml) on the sample, logged to audit.jsonl."""
    path = tmp_path_factory.mktemp("cli")
    for policy, out in (("customers.yaml", "out.parquet"), ("minimal.yaml", "min.parquet")):
        proc = run_cli("apply", POLICIES / policy, SAMPLE, "-o", out, "--audit-log", "audit.jsonl", cwd=path)
        assert proc.returncode == 0, proc.stderr
        (path / f"{out}.stdout").write_text(proc.stdout + proc.stderr)
    return path


@pytest.fixture(scope="module")
def reads(folder: Path) -> Commands:
    """Read-only commands on the runs above."""
    run_id = finished(folder / "audit.jsonl")[0]["run_id"]
    bad = folder / "bad.yaml"
    bad.write_text(
        "version: 1\nname: bad\ncolumns:\n  email:\n    action: fake\n    kind: emial\nunlisted: maybe\n"
    )
    here = {"cwd": folder}
    return run_all(
        {
            "validate": (("validate", POLICIES / "customers.yaml"), here),
            "validate-bad": (("validate", bad), here),
            "validate-spark": (("validate", AGGREGATES, "--engine", "spark"), here),
            "plan": (("plan", POLICIES / "customers.yaml", SAMPLE), here),
            "plan-minimal": (("plan", POLICIES / "minimal.yaml", SAMPLE), here),
            "list": (("audit", "list", "--log", "audit.jsonl"), here),
            "show": (("audit", "show", run_id[:20], "--log", "audit.jsonl"), here),
            "show-json": (("audit", "show", run_id, "--log", "audit.jsonl", "--json"), here),
            "verify": (("audit", "verify", "--log", "audit.jsonl"), here),
        }
    )


def test_apply_writes_the_output_and_says_so(folder: Path) -> None:
    rows = finished(folder / "audit.jsonl")
    assert [r["header"]["policy"]["name"] for r in rows] == ["customers-training", "minimal"]
    assert all(r["result"]["status"] == "success" for r in rows)
    printed = (folder / "out.parquet.stdout").read_text()
    written = rows[0]["result"]["output"]["rows"]
    assert f"run {rows[0]['run_id']}: wrote out.parquet ({written} rows)" in printed
    assert "audit record appended to audit.jsonl" in printed and "Traceback" not in printed
    assert pl.read_parquet(folder / "out.parquet").height == written < 5000  # the risk gate suppressed some
    assert pl.read_parquet(folder / "min.parquet").columns == ["customer_id", "email", "churned"]


def test_validate(reads: Commands) -> None:
    assert reads["validate"].returncode == 0
    assert "policy 'customers-training' is valid (21 column rules)" in reads["validate"].stdout
    message = user_error(reads["validate-bad"], 2, "policy_invalid")
    assert "has 2 problem(s)" in message
    assert "columns.email.kind (line 6): unknown fake kind 'emial'; known: name, first_name" in message
    assert "unlisted (line 7): unknown value 'maybe'; known: keep, drop, fail" in message
    spark = user_error(reads["validate-spark"], 2, "policy_invalid")  # what apply --engine spark refuses
    assert "aggregates (line " in spark and "refused under --engine spark" in spark


def test_plan_prints_every_column(reads: Commands) -> None:
    proc = reads["plan"]
    assert proc.returncode == 0, proc.stderr
    lines = {line.split("│")[1].strip(): line for line in proc.stdout.splitlines() if line.count("│") > 2}
    assert set(lines) == set(pl.read_parquet_schema(SAMPLE))
    assert "pseudonymize" in lines["customer_id"] and "domain=customer" in lines["customer_id"]
    assert (
        "drop" in lines["ssn"]
        and "shift_date" in lines["signup_at"]
        and "by=customer_id" in lines["signup_at"]
    )


def test_plan_shows_columns_dropped_as_unlisted(reads: Commands) -> None:
    assert "ssn" in reads["plan-minimal"].stdout


def test_audit_list_and_show(reads: Commands, folder: Path) -> None:
    rows = finished(folder / "audit.jsonl")
    listed = reads["list"]
    assert listed.returncode == 0 and all(r["run_id"] in listed.stdout for r in rows)
    assert listed.stdout.count("success") == 2
    shown = reads["show"]
    assert shown.returncode == 0 and rows[0]["run_id"] in shown.stdout
    assert "customers-training" in shown.stdout and "signup_at" in shown.stdout
    assert json.loads(reads["show-json"].stdout)["record"] == rows[0]


def test_audit_verify(reads: Commands) -> None:
    assert reads["verify"].returncode == 0, reads["verify"].stderr
    assert "4 records, chain intact; 2 output file(s) match their records" in reads["verify"].stdout


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Commands]:
    """Two logs of two runs each (made in-process): one gets an edited record, one a modified output."""
    policy = privprep.parse_policy("version: 1\nname: small\ncolumns:\n  id: pseudonymize\nunlisted: fail\n")
    edited, changed = tmp_path_factory.mktemp("edited"), tmp_path_factory.mktemp("changed")
    for folder in (edited, changed):
        for i in range(2):
            frame = pl.DataFrame({"id": [f"x{i}", f"y{i}"]})
            privprep.apply(policy, frame, folder / f"o{i}.parquet", key=KEY, audit_log=folder / "audit.jsonl")
    rows = records(edited / "audit.jsonl")
    rows[1]["result"]["output"]["rows"] = 3
    (edited / "audit.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = bytearray((changed / "o1.parquet").read_bytes())
    data[len(data) // 4] ^= 0x01
    (changed / "o1.parquet").write_bytes(bytes(data))
    verify = ("audit", "verify", "--log", "audit.jsonl")
    return changed, run_all({"edited": (verify, {"cwd": edited}), "changed": (verify, {"cwd": changed})})


def test_verify_fails_with_exit_7_after_tampering(tampered: tuple[Path, Commands]) -> None:
    changed, procs = tampered
    assert "record 2 (run " in user_error(procs["edited"], 7, "audit_invalid")  # record 1: its started record
    assert "content does not match its hash (edited)" in procs["edited"].stderr
    message = user_error(procs["changed"], 7, "audit_invalid")
    assert f"record 4: output {changed / 'o1.parquet'} was modified after the run" in message  # 2 per run


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Commands]:
    path = tmp_path_factory.mktemp("failures")
    shutil.copy(SAMPLE, path / "in.parquet")
    (path / "typed.yaml").write_text(
        "version: 1\nname: typed\ncolumns:\n  full_name: {action: generalize, round_to: 10}\nunlisted: drop\n"
    )
    customers, here = POLICIES / "customers.yaml", {"cwd": path}
    return path, run_all(
        {
            "no-key": (("apply", customers, "in.parquet", "-o", "o1.parquet"), {**here, "key": None}),
            "no-input": (("apply", customers, "missing.parquet", "-o", "o3.parquet"), here),
            "type": (("apply", path / "typed.yaml", "in.parquet", "-o", "o4.parquet"), here),
            "same": (("apply", customers, "in.parquet", "-o", "in.parquet"), here),
        }
    )


@pytest.mark.parametrize(
    ("name", "code", "reason", "fragment"),
    [
        ("no-key", 4, "key_missing", "environment variable PRIVPREP_KEY is not set"),
        ("no-input", 3, "input_not_found", "input file missing.parquet does not exist"),
        (
            "type",
            3,
            "type_mismatch",
            "column 'full_name' has dtype String; this action needs a numeric column",
        ),
        ("same", 8, "output_failed", "is the input file"),
    ],
)
def test_user_errors_exit_with_their_code_and_one_message(
    failures: tuple[Path, Commands], name: str, code: int, reason: str, fragment: str
) -> None:
    path, procs = failures
    assert fragment in user_error(procs[name], code, reason)
    assert not any(p.name.startswith("o") and p.suffix == ".parquet" for p in path.iterdir())
    assert not [p for p in path.iterdir() if p.name.endswith(".tmp")]


def test_failed_runs_are_audited_and_the_input_is_untouched(failures: tuple[Path, Commands]) -> None:
    path, _ = failures
    assert (path / "in.parquet").read_bytes() == SAMPLE.read_bytes()
    reasons = sorted(r["result"]["reason_code"] for r in finished(path / "out" / "privprep-audit.jsonl"))
    assert reasons == ["input_not_found", "key_missing", "output_failed"]
    assert finished(path / "privprep-audit.jsonl")[0]["result"]["reason_code"] == "type_mismatch"


def test_no_command_prints_a_sample_value(
    folder: Path, reads: Commands, tampered: tuple[Path, Commands], failures: tuple[Path, Commands]
) -> None:
    printed = [(folder / f"{name}.stdout").read_text() for name in ("out.parquet", "min.parquet")]
    for proc in [*reads.values(), *tampered[1].values(), *failures[1].values()]:
        printed += [proc.stdout, proc.stderr]
    values = sample_values()
    assert len(values) > 10_000
    assert not [v for v in values if any(v in text for text in printed)]


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "privprep", "validate", str(POLICIES / "minimal.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0 and "policy 'minimal' is valid" in proc.stdout
    assert KEY not in proc.stdout
