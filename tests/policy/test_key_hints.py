"""An unquoted key that YAML cuts short (at a ``#`` or a second ``: ``) gets a hint naming its line."""

from __future__ import annotations

import pytest

from privprep import PolicyError, parse_policy

HEAD = "version: 1\nname: t\n"
HASH = "has a '#' that YAML reads as a comment; quote the key"
COLON = "has a key with ': ' in it, which YAML reads as a nested mapping; quote it"

CASES = [
    ("hash-in-the-only-key", "columns:\n  Phone #: mask\n", 4, f"line 4 {HASH}"),
    ("hash-before-the-error-line", "columns:\n  email: drop\n  Phone #: mask\n", 6, f"line 5 {HASH}"),
    ("colon-in-a-key", "columns:\n  Phone: home: mask\n  email: drop\n", 4, f"line 4 {COLON}"),
    ("colon-in-the-last-key", "columns:\n  email: drop\n  Phone: home: mask\n", 5, f"line 5 {COLON}"),
]


@pytest.mark.parametrize(("text", "line", "hint"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_key_cut_short_by_yaml_gets_a_hint(text: str, line: int, hint: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(HEAD + text)
    [problem] = err.value.problems
    assert (problem.line, problem.message.endswith(hint)) == (line, True), problem


@pytest.mark.parametrize(
    "text",
    [
        "columns:\n  a: {action: mask, char: xx}\n",  # flow mappings hold ': ' legitimately
        "columns:\n  a: mask\n  b: {action: hash, width: 0}\n",
    ],
)
def test_no_hint_where_no_key_was_cut(text: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(HEAD + text)
    assert all("quote" not in p.message for p in err.value.problems)


def test_keys_with_a_quoted_hash_or_a_bare_colon_are_kept_whole() -> None:
    policy = parse_policy(HEAD + "columns:\n  'Phone #': mask\n  time:stamp: drop\n  'a: b': drop\n")
    assert set(policy.columns) == {"Phone #", "time:stamp", "a: b"}
