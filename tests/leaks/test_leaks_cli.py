"""Leak suite through the command line: stdout and stderr of every command, the log and the reports.

Paths are printed by design: the input and output paths are the user's own (they name the
files in the audit record and in ``wrote ...``), so a marker in a file name shows up exactly
there; values read from the data never do, nor does a key.env name that looks like a secret.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from core_helpers import records, run_cli
from leak_data import every_dtype, found, found_in_files, with_nested_emails

pytestmark = pytest.mark.slow  # a dozen subprocesses, three of them load the NER model

PASTED = "sk_live_51HqLrKJ2eZvKYlo2C8Nf3Xq"  # a key pasted where the variable's name belongs
HEAD = "version: 1\nname: leak\n"
POLICIES = {
    "keep.yaml": HEAD + "columns: {id: keep}\nunlisted: keep\ndetect: {on_undeclared_pii: warn}\n",
    "typeerr.yaml": HEAD + "columns:\n  id: keep\n  e: {action: generalize, bins: [1, 2]}\nunlisted: drop\n",
    "nested.yaml": HEAD + "columns: {id: keep}\nunlisted: keep\ndetect: {on_undeclared_pii: fail}\n",
    "pasted.yaml": HEAD + f"key: {{env: {PASTED}}}\ncolumns: {{id: pseudonymize}}\nunlisted: drop\n",
}
INPUT = "in-filesecret.parquet"
Runs = dict[str, subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    folder = tmp_path_factory.mktemp("leaks")
    every_dtype().write_parquet(folder / INPUT)
    with_nested_emails().write_parquet(folder / "nested.parquet")
    for name, text in POLICIES.items():
        (folder / name).write_text(text)
    log = ("--audit-log", "audit.jsonl")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=folder)

    done = {
        "scan --json": cli("scan", INPUT, "--json", "--sample", "50"),
        "scan": cli("scan", "nested.parquet", "--sample", "50"),
        "validate": cli("validate", "typeerr.yaml"),
        "plan": cli("plan", "keep.yaml", INPUT),
        "plan type error": cli("plan", "typeerr.yaml", INPUT),
        "apply keep": cli("apply", "keep.yaml", INPUT, "-o", "out.parquet", *log, "--report", "r1.html"),
        "apply type error": cli("apply", "typeerr.yaml", INPUT, "-o", "bad.parquet", *log),
        "apply nested pii": cli("apply", "nested.yaml", "nested.parquet", "-o", "n.parquet", *log),
        "apply pasted key name": cli("apply", "pasted.yaml", INPUT, "-o", "k.parquet", *log),
    }
    run_ids = list(dict.fromkeys(r["run_id"] for r in records(folder / "audit.jsonl")))
    for i, run_id in enumerate(run_ids):
        done[f"report {i}"] = cli("report", run_id, "-o", f"report{i}.html", "--log", "audit.jsonl")
        done[f"audit show {i}"] = cli("audit", "show", run_id, "--log", "audit.jsonl")
    done["audit show --json"] = cli("audit", "show", run_ids[0], "--json", "--log", "audit.jsonl")
    done["audit list"] = cli("audit", "list", "--log", "audit.jsonl")
    done["audit verify"] = cli("audit", "verify", "--log", "audit.jsonl")
    done["folder"] = subprocess.CompletedProcess([], 0, str(folder), "")
    return done


EXPECTED = {"apply type error": 3, "plan type error": 3, "apply nested pii": 5, "apply pasted key name": 4}


def test_every_command_ran_as_expected(runs: Runs) -> None:
    codes = {name: run.returncode for name, run in runs.items()}
    tails = {name: run.stderr[-300:] for name, run in runs.items()}
    assert codes == {name: EXPECTED.get(name, 0) for name in runs}, tails


def test_no_marker_in_any_stdout_or_stderr(runs: Runs) -> None:
    leaked = {name: found(run.stdout, run.stderr) for name, run in runs.items() if name != "folder"}
    assert not any(leaked.values()), leaked


def test_no_marker_in_the_log_or_the_reports(runs: Runs) -> None:
    folder = Path(runs["folder"].stdout)
    reports = sorted(folder.glob("*.html"))
    assert len(reports) >= 5
    assert not found_in_files(folder / "audit.jsonl", *reports)


def test_errors_name_places_and_dtypes(runs: Runs) -> None:
    assert "Enum(1000 categories)" in runs["apply type error"].stderr.replace("\n", " ")
    nested = " ".join(runs["apply nested pii"].stderr.split())
    assert "column mail_list" in nested and "mail_list[]" in nested and "mail_struct.who.email" in nested


def test_a_secret_looking_key_env_name_is_not_echoed(runs: Runs) -> None:
    folder = Path(runs["folder"].stdout)
    assert "the variable named in key.env" in " ".join(runs["apply pasted key name"].stderr.split())
    everything = [r.stdout + r.stderr for r in runs.values()] + [folder.joinpath("audit.jsonl").read_text()]
    assert not any(PASTED in text for text in everything)


def test_the_input_path_is_printed_by_design_only_where_documented(runs: Runs) -> None:
    folder = Path(runs["folder"].stdout)
    headers = [r["header"]["input"]["path"] for r in records(folder / "audit.jsonl")]
    assert any(path and path.endswith(INPUT) for path in headers)
    assert "filesecret" not in runs["scan --json"].stdout  # the scan report holds no path
