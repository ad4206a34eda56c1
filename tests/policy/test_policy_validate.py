"""``privprep validate`` refuses everything ``apply`` would, each problem at its YAML path and line.

Every case is checked twice: through :func:`parse_policy` (path, line, message) and through the
``privprep validate`` command as a subprocess (exit 2, the path and line on stderr, no traceback).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from core_helpers import run_cli

from privprep import PolicyError, ReasonCode, load_policy, parse_policy
from privprep.policy.limits import MAX_POLICY_BYTES

HEAD = "version: 1\nname: t\n"
LAUGHS = (
    HEAD
    + "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
)  # 9⁹ ≈ 387 million strings once expanded

# name, policy text, YAML path, line, what the message says
CASES = [
    (
        "unknown-scrub-entity",
        HEAD + "columns:\n  notes: {action: scrub, entities: [PERSON, PERSONN]}\n",
        "columns.notes.entities.1", 4, "unknown entity 'PERSONN'; known: ",
    ),
    (
        "entity-without-fake",
        HEAD + "columns:\n  notes:\n    action: scrub\n    entities: [US_PASSPORT]\n    with: fake\n",
        "columns.notes.with", 7, "with: fake has no fake for 'US_PASSPORT'",
    ),
    (
        "custom-entity-is-known",  # and a sibling problem still reported with it
        HEAD + "recognizers:\n  - {entity: BADGE, pattern: 'B-\\d+'}\n"
        "columns:\n  notes: {action: scrub, entities: [BADGE, NOPE]}\n",
        "columns.notes.entities.1", 6, "unknown entity 'NOPE'",
    ),
    (
        "language",
        HEAD + "detect:\n  language: fr\n",
        "detect.language", 4, "unknown language 'fr'; known: en",
    ),
    (
        "apply-rules",
        HEAD + "detect:\n  on_undeclared_pii: apply_rules\n",
        "detect.on_undeclared_pii", 4, "apply_rules is not a setting",
    ),
    (
        "fake-kind-in-a-rule",
        HEAD + "rules:\n  - match: {name: '*_name'}\n    action: {action: fake, kind: nme}\n",
        "rules.0.action.kind", 5, "unknown fake kind 'nme'; known: name, first_name",
    ),
    (
        "fake-kind-beside-a-model-error",
        HEAD + "columns:\n  a: {action: fake, kind: nme}\n  b: {action: mask, char: xx}\n",
        "columns.a.kind", 4, "unknown fake kind 'nme'",
    ),
    ("billion-laughs", LAUGHS, "", 8, "more than 100,000 values once YAML aliases are expanded"),
    ("alias-loop", HEAD + "x: &x [*x]\n", "", 3, "an alias refers to the node that contains it"),
    ("deep-brackets", HEAD + "x: " + "[" * 5000 + "\n", "", 3, "more than 64 nested brackets"),
    (
        "deep-blocks",  # libyaml's composer would recurse in C; PyYAML's hit the recursion limit
        HEAD + "".join(" " * i + "a:\n" for i in range(1400)),
        "", 67, "nested more than 64 levels deep",
    ),
    (
        "a-megabyte-of-values",
        HEAD + "allow: [" + "a," * 520_000 + "]\n",
        "", 3, "more than 100,000 values",
    ),
    (
        "hash-in-a-key",
        HEAD + "columns:\n  Phone #: mask\n  email: drop\n",
        "", 5, "line 4 has a '#' that YAML reads as a comment; quote the key",
    ),
    (
        "hash-in-the-last-key",
        HEAD + "columns:\n  email: drop\n  Phone #: mask\nunlisted: fail\n",
        "", 6, "line 5 has a '#' that YAML reads as a comment; quote the key",
    ),
]  # fmt: skip
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("name", "text", "where", "line", "fragment"), CASES, ids=IDS)
def test_parse_policy_locates_the_problem(name: str, text: str, where: str, line: int, fragment: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert err.value.exit_code == 2
    found = [(p.where, p.line) for p in err.value.problems if fragment in p.message]
    assert found == [(where, line)], err.value
    assert all(p.code is ReasonCode.POLICY_INVALID for p in err.value.problems)


def test_every_problem_of_a_policy_is_listed_once_in_file_order() -> None:
    text = (HEAD + "columns:\n  a: {action: fake, kind: nme}\n  b: {action: mask, char: xx}\n"
            "  c: {action: scrub, entities: [PERSONN]}\ndetect: {language: fr}\n")  # fmt: skip
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert [(p.where, p.line) for p in err.value.problems] == [
        ("columns.a.kind", 4), ("columns.b.char", 5), ("columns.c.entities.0", 6), ("detect.language", 7),
    ]  # fmt: skip


def test_a_quoted_hash_is_a_key_like_any_other() -> None:
    policy = parse_policy(HEAD + "columns:\n  'Phone #': mask\n  email: drop  # a comment\n")
    assert set(policy.columns) == {"Phone #", "email"}


@pytest.mark.parametrize("name", ["billion-laughs", "deep-brackets", "deep-blocks", "a-megabyte-of-values"])
def test_a_hostile_policy_is_refused_fast(name: str) -> None:
    text = next(case[1] for case in CASES if case[0] == name)
    started = time.perf_counter()
    with pytest.raises(PolicyError):
        parse_policy(text)
    assert time.perf_counter() - started < 1.0


def test_a_few_aliases_still_work() -> None:
    text = HEAD + "x: &id {action: pseudonymize, domain: customer}\ncolumns:\n  a: *id\n  b: *id\n"
    with pytest.raises(PolicyError) as err:  # the anchor's own key is unknown, the aliases are fine
        parse_policy(text)
    assert [p.where for p in err.value.problems] == ["x"]
    policy = parse_policy(HEAD + "columns:\n  a: &id {action: pseudonymize, domain: c}\n  b: *id\n")
    assert policy.columns["a"] == policy.columns["b"]


def test_a_policy_over_1_mib_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(HEAD + "description: '" + "x" * MAX_POLICY_BYTES + "'\n")
    for load in (lambda: load_policy(path), lambda: parse_policy(path.read_text())):
        with pytest.raises(PolicyError, match="larger than 1 MiB"):
            load()


def test_a_policy_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + "description: caf\xe9\n".encode("latin-1"))
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert [(p.line, p.message) for p in err.value.problems] == [(3, "not UTF-8 text")]


def _validate_each(names: list[str], folder: Path) -> None:
    """One ``privprep validate`` subprocess per case, two side by side; each exits 2 naming the place."""
    cases = {case[0]: case for case in CASES if case[0] in names}
    for name, text, *_ in cases.values():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    with ThreadPoolExecutor(max_workers=2) as pool:
        procs = pool.map(lambda n: run_cli("validate", f"{n}.yaml", cwd=folder), cases)
        runs = dict(zip(cases, procs, strict=True))
    for name, (_, _, where, line, fragment) in cases.items():
        proc = runs[name]
        stderr = " ".join(proc.stderr.split())  # the console wraps long lines
        assert proc.returncode == 2 and "error (policy_invalid)" in stderr, (name, proc.stderr)
        assert fragment in stderr and f"{where} (line {line})".strip() in stderr, (name, proc.stderr)
        assert "Traceback" not in stderr and proc.stdout == ""


def test_privprep_validate_refuses_a_billion_laughs_and_an_unknown_entity(tmp_path: Path) -> None:
    _validate_each(["billion-laughs", "unknown-scrub-entity"], tmp_path)


@pytest.mark.slow
def test_privprep_validate_catches_each_case(tmp_path: Path) -> None:
    _validate_each(IDS, tmp_path)


SPARK_REFUSED = (
    HEAD
    + "columns:\n  email: pseudonymize\n"
    + "dedupe:\n  on: [email]\n  keep: first\n"
    + "aggregates:\n  dataset: d\n  privacy_unit: {column: email, max_rows: 1}\n  budget: {epsilon: 1.0}\n"
    + "  releases:\n    - {name: n, epsilon: 0.5, group_by: [], metrics: [count]}\n"
)


def test_what_spark_refuses_is_a_validate_problem_with_its_line() -> None:
    """``validate --engine spark`` catches what ``apply --engine spark`` refuses; polars runs it."""
    with pytest.raises(PolicyError) as caught:
        parse_policy(SPARK_REFUSED, engine="spark")
    problems = [(p.where, p.line) for p in caught.value.problems]
    assert problems == [("aggregates", 9), ("dedupe.keep", 7)]
    assert "input order" in str(caught.value) and "docs/dp.md" in str(caught.value)
    assert parse_policy(SPARK_REFUSED).dedupe is not None
