"""Policy language v1: short forms, defaults, and every error located by YAML path and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import POLICIES

import privprep
from privprep import PolicyError, ReasonCode, parse_policy
from privprep.policy.columns import (
    Drop,
    Fake,
    Generalize,
    Keep,
    Mask,
    Pseudonymize,
    Redact,
    Scrub,
    ShiftDate,
)
from privprep.transforms.fake import FAKE_KINDS

HEAD = "version: 1\nname: t\n"


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert err.value.code is ReasonCode.POLICY_INVALID
    assert err.value.exit_code == 2
    return [(p.where, p.line, p.message) for p in err.value.problems]


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_policies_load(path: Path) -> None:
    policy = privprep.load_policy(path)
    assert policy.version == 1 and policy.columns
    assert policy.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()


def test_the_customers_policy_says_what_its_comments_say() -> None:
    policy = privprep.load_policy(POLICIES / "customers.yaml")
    cols = policy.columns
    assert cols["ssn"] == Drop() and cols["city"] == Drop() and cols["region"] == Keep()
    assert cols["customer_id"] == Pseudonymize(domain="customer")
    assert cols["email"] == Fake(kind="email")
    assert cols["salary"] == Generalize(round_to=1000, top=250000, bottom=0)
    assert cols["signup_at"] == ShiftDate(max_days=30, by="customer_id")
    entities = ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION"]
    assert cols["notes"] == Scrub(entities=entities, with_="fake")
    assert policy.unlisted == "fail" and policy.key.env == "PRIVPREP_KEY"


@pytest.mark.parametrize(
    ("short", "model"),
    [
        ("keep", Keep()),
        ("drop", Drop()),
        ("redact", Redact()),
        ("mask", Mask()),
        ("pseudonymize", Pseudonymize()),
        ("{action: mask, keep_last: 4, char: '#'}", Mask(keep_last=4, char="#")),
        (
            "{action: pseudonymize, length: 16, prefix: 'c_', domain: cust}",
            Pseudonymize(length=16, prefix="c_", domain="cust"),
        ),
        ("{action: fake, kind: name, locale: de_DE}", Fake(kind="name", locale="de_DE")),
        ("{action: generalize, to: month}", Generalize(to="month")),
        ("{action: generalize, bins: [0, 18, 65]}", Generalize(bins=[0, 18, 65])),
    ],
)
def test_short_and_long_forms(short: str, model: object) -> None:
    assert parse_policy(f"{HEAD}columns:\n  c: {short}\n").columns["c"] == model


def test_defaults() -> None:
    policy = parse_policy(HEAD)
    assert policy.unlisted == "keep" and policy.columns == {} and policy.rules == []
    assert policy.key.env == "PRIVPREP_KEY" and policy.key.file is None
    assert policy.output.path is None and policy.output.audit_log is None


def test_policy_is_frozen() -> None:
    policy = parse_policy(HEAD)
    with pytest.raises(Exception, match="frozen"):
        policy.unlisted = "drop"  # type: ignore[misc]


def test_the_documented_example_error() -> None:
    text = (
        f"{HEAD}columns:\n  name: keep\n  id: drop\n  x: drop\n  email:\n    action: fake\n    kind: emial\n"
    )
    [(where, line, message)] = problems(text)
    assert (where, line) == ("columns.email.kind", 9)
    assert message.startswith("unknown fake kind 'emial'; known: ")
    assert set(message.split("known: ")[1].split(", ")) == set(FAKE_KINDS)


@pytest.mark.parametrize(
    ("body", "where", "line", "fragment"),
    [
        ("columns:\n  c: frobnicate\n", "columns.c", 4, "unknown action 'frobnicate'; known: keep, drop"),
        (
            "columns:\n  c: {action: generalize, to: century}\n",
            "columns.c.to",
            4,
            "unknown generalize target 'century'",
        ),
        (
            "columns:\n  c: {action: generalize}\n",
            "columns.c",
            4,
            "exactly one of: to, keep_prefix, bins, round_to",
        ),
        ("columns:\n  c: {action: generalize, to: year, bins: [1]}\n", "columns.c", 4, "(got to, bins)"),
        ("columns:\n  c: {action: generalize, bins: [3, 1]}\n", "columns.c", 4, "strictly increasing"),
        (
            "columns:\n  c: {action: generalize, keep_prefix: 2, top: 3}\n",
            "columns.c",
            4,
            "top and bottom go with round_to",
        ),
        (
            "columns:\n  c: {action: generalize, round_to: 5, top: 1, bottom: 5}\n",
            "columns.c",
            4,
            "bottom must be below top",
        ),
        ("columns:\n  c: {action: generalize, round_to: 0}\n", "columns.c.round_to", 4, "greater than 0"),
        (
            "columns:\n  c: {action: mask, keep_first: -1}\n",
            "columns.c.keep_first",
            4,
            "greater than or equal to 0",
        ),
        ("columns:\n  c: {action: mask, char: '**'}\n", "columns.c.char", 4, "at most 1 character"),
        (
            "columns:\n  c: {action: pseudonymize, length: 8}\n",
            "columns.c.length",
            4,
            "greater than or equal to 16",
        ),
        (
            "columns:\n  c: {action: pseudonymize, length: 65}\n",
            "columns.c.length",
            4,
            "less than or equal to 64",
        ),
        (
            "columns:\n  c: {action: pseudonymize, domain: 'a b'}\n",
            "columns.c.domain",
            4,
            "should match pattern",
        ),
        (
            "columns:\n  c: {action: fake, kind: name, locale: xx_YY}\n",
            "columns.c.locale",
            4,
            "unknown locale 'xx_YY'; known: ",
        ),
        ("columns:\n  c: {action: shift_date, max_days: 0}\n", "columns.c.max_days", 4, "greater than 0"),
        (
            "columns:\n  c: {action: shift_date, max_days: 5000}\n",
            "columns.c.max_days",
            4,
            "less than or equal to 3650",
        ),
        ("unlisted: maybe\n", "unlisted", 3, "unknown value 'maybe'; known: keep, drop, fail"),
        ("columns: [a, b]\n", "columns", 3, "valid dictionary"),
        (
            "rules:\n  - match: {}\n    action: drop\n",
            "rules.0.match",
            4,
            "match needs at least one of: entity, name, regex",
        ),
        (
            "rules:\n  - match: {name: 'x*'}\n    action: {action: fake, kind: nam}\n",
            "rules.0.action.kind",
            5,
            "unknown fake kind 'nam'",
        ),
        ("key: {env: A, file: b}\n", "key", 3, "exactly one of: env, file"),
    ],
)
def test_each_error_names_its_path_and_line(body: str, where: str, line: int, fragment: str) -> None:
    [(got_where, got_line, message)] = problems(HEAD + body)
    assert (got_where, got_line) == (where, line)
    assert fragment in message


@pytest.mark.parametrize(
    ("body", "where", "line", "allowed"),
    [
        ("bogus: 1\n", "bogus", 3, "allowed: aggregates, allow, checks, columns"),
        (
            "columns:\n  c: {action: mask, charr: x}\n",
            "columns.c.charr",
            4,
            "allowed: action, char, keep_first, keep_last",
        ),
        (
            "output: {path: x, extra: 1}\n",
            "output.extra",
            3,
            "allowed: audit_log, compression, partition_by, path, row_group_size",
        ),
        ("key: {env: K, value: abc}\n", "key.value", 3, "allowed: env, file"),
    ],
)
def test_unknown_keys_are_named_with_the_allowed_ones(body: str, where: str, line: int, allowed: str) -> None:
    [(got_where, got_line, message)] = problems(HEAD + body)
    assert (got_where, got_line) == (where, line)
    assert message.startswith(f"unknown key '{where.rsplit('.', 1)[-1]}'") and allowed in message


def test_every_problem_is_reported_at_once() -> None:
    text = HEAD + (
        "columns:\n"
        "  email:\n"
        "    action: fake\n"
        "    kind: emial\n"
        "  b: {action: mask, keep_first: -1, char: xx}\n"
        "  c: frobnicate\n"
        "  d: {action: generalize}\n"
        "unlisted: maybe\n"
    )
    found = problems(text)
    assert [(w, line) for w, line, _ in found] == [
        ("columns.email.kind", 6),
        ("columns.b.keep_first", 7),
        ("columns.b.char", 7),
        ("columns.c", 8),
        ("columns.d", 9),
        ("unlisted", 10),
    ]
    with pytest.raises(PolicyError, match=r"has 6 problem\(s\)"):
        parse_policy(text)


def test_an_unknown_key_does_not_hide_the_other_problems() -> None:
    found = problems(
        HEAD + "columns:\n  c: {action: mask, keep_first: -1, charr: x}\nunlisted: maybe\nbogus: 1\n"
    )
    assert [(w, line) for w, line, _ in found] == [
        ("columns.c.keep_first", 4),
        ("columns.c.charr", 4),
        ("unlisted", 5),
        ("bogus", 6),
    ]


def test_unknown_keys_inside_rules_name_the_allowed_keys_of_their_action() -> None:
    text = HEAD + "rules:\n  - match: {name: x, bogus: 1}\n    action: {action: fake, kind: name, extra: 2}\n"
    assert problems(text) == [
        ("rules.0.match.bogus", 4, "unknown key 'bogus'; allowed: entity, name, regex"),
        ("rules.0.action.extra", 5, "unknown key 'extra'; allowed: action, by, domain, keep_bits,"
         " keep_bits_v6, keep_first, kind, locale, locale_from, person"),
    ]


def test_the_allowed_keys_never_include_internal_fields() -> None:
    [(_where, _line, message)] = problems(HEAD + "bogus: 1\n")
    assert "source_text" not in message


@pytest.mark.parametrize(
    ("text", "where", "line", "message"),
    [
        (HEAD + "columns:\n  c: {action: fake}\n", "columns.c", 4, "required key 'kind' is missing"),
        ("version: 1\n", "", 1, "required key 'name' is missing"),
        (
            HEAD + "columns:\n  c: {action: shift_date}\n",
            "columns.c",
            4,
            "required key 'max_days' is missing",
        ),
    ],
)
def test_a_missing_key_is_named(text: str, where: str, line: int, message: str) -> None:
    assert problems(text) == [(where, line, message)]


def test_a_key_given_twice_is_an_error() -> None:
    assert problems(HEAD + "columns:\n  ssn: drop\n  ssn: keep\n") == [("columns.ssn", 5, "key given twice")]
    text = HEAD + "unlisted: keep\nunlisted: drop\ncolumns:\n  a: {action: mask, char: x, char: y}\n"
    assert [(w, line) for w, line, _ in problems(text)] == [("unlisted", 4), ("columns.a.char", 6)]


def test_an_invalid_rule_regex_is_a_policy_error() -> None:
    [(where, line, _message)] = problems(HEAD + "rules:\n  - match: {regex: '('}\n    action: drop\n")
    assert (where, line) == ("rules.0.match.regex", 4)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEAD + "columns:\n  a: [\n", 5),
        (HEAD + "columns:\n  a: keep\n   b: drop\n", 5),
        (HEAD + "columns:\n\tc: drop\n", 4),
    ],
)
def test_yaml_syntax_errors_have_a_line(text: str, line: int) -> None:
    [(_where, got_line, message)] = problems(text)
    assert got_line == line
    assert message.startswith("not valid YAML: ")


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_a_policy_must_be_a_mapping(text: str) -> None:
    [(_where, _line, message)] = problems(text)
    assert message == "expected a mapping at the top"


@pytest.mark.parametrize(
    "body", ["key: a-secret-value-inline-0123456789\n", "key: {secret: a-secret-value-inline-0123456789}\n"]
)
def test_a_key_cannot_be_written_inline_and_is_not_echoed(body: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(HEAD + body)
    assert err.value.problems[0].where.startswith("key")
    assert "a-secret-value-inline" not in str(err.value)


def test_key_sources() -> None:
    assert parse_policy(HEAD + "key: {env: MY_KEY}\n").key.env == "MY_KEY"
    assert parse_policy(HEAD + "key: {file: /run/secrets/k}\n").key.file == "/run/secrets/k"


def test_version_and_name_are_checked() -> None:
    assert problems("version: 2\nname: t\n")[0][:2] == ("version", 1)
    assert problems("version: 1\nname: 'a b'\n")[0][:2] == ("name", 2)


def test_rules_take_short_form_actions() -> None:
    policy = parse_policy(
        HEAD + "rules:\n  - match: {name: '*_token'}\n    action: drop\n"
        "  - match: {regex: '^tmp'}\n    action: {action: mask, keep_last: 2}\n"
    )
    assert [r.action for r in policy.rules] == [Drop(), Mask(keep_last=2)]
    assert policy.rules[0].match.name == "*_token" and policy.rules[1].match.regex == "^tmp"


def test_load_policy_reports_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy") as err:
        privprep.load_policy(tmp_path / "nope.yaml")
    assert err.value.exit_code == 2


def test_load_policy_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HEAD + "unlisted: maybe\n")
    with pytest.raises(PolicyError, match=r"policy .*p\.yaml has 1 problem"):
        privprep.load_policy(path)


def test_policy_hash_follows_the_text() -> None:
    a, b = parse_policy(HEAD), parse_policy(HEAD + "# comment\n")
    assert a.sha256 != b.sha256 and a.sha256 == parse_policy(HEAD).sha256


def test_column_names_that_yaml_would_read_as_numbers_or_booleans() -> None:
    policy = parse_policy(HEAD + "columns:\n  2024: drop\n  no: keep\n  null: redact\n")
    assert list(policy.columns) == ["2024", "no", "null"]
