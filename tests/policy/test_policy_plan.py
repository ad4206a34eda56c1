"""compile_plan(policy, schema): pure, decides every column, reports every misfit at once."""

from __future__ import annotations

import polars as pl
import pytest
from core_helpers import KEY, make_policy

from privprep import PrivprepError, ReasonCode, parse_policy
from privprep.keys import MasterKey
from privprep.plan import compile_plan, unlisted_columns
from privprep.policy.columns import Drop, Keep, Mask

SCHEMA = pl.Schema(
    {"id": pl.Int64, "email": pl.String, "api_token": pl.String, "tmp_x": pl.Float64, "age": pl.Int64}
)


def actions(policy_text: str, schema: pl.Schema = SCHEMA) -> dict[str, tuple[str, str]]:
    plan = compile_plan(parse_policy(policy_text), schema)
    return {c.name: (c.action, c.source) for c in plan.columns}


HEAD = "version: 1\nname: t\n"


@pytest.mark.parametrize(
    ("unlisted", "expected"),
    [
        (
            "keep",
            {
                "id": ("pseudonymize", "policy"),
                "email": ("drop", "policy"),
                "api_token": ("keep", "unlisted"),
                "tmp_x": ("keep", "unlisted"),
                "age": ("keep", "unlisted"),
            },
        ),
        (
            "drop",
            {
                "id": ("pseudonymize", "policy"),
                "email": ("drop", "policy"),
                "api_token": ("drop", "unlisted"),
                "tmp_x": ("drop", "unlisted"),
                "age": ("drop", "unlisted"),
            },
        ),
    ],
)
def test_unlisted_columns(unlisted: str, expected: dict[str, tuple[str, str]]) -> None:
    plan = compile_plan(make_policy({"id": "pseudonymize", "email": "drop"}, unlisted), SCHEMA)
    assert {c.name: (c.action, c.source) for c in plan.columns} == expected
    assert [c.name for c in plan.output_columns] == [n for n, (a, _) in expected.items() if a != "drop"]


def test_unlisted_fail_names_every_unlisted_column() -> None:
    with pytest.raises(PrivprepError) as err:
        compile_plan(make_policy({"id": "keep"}, "fail"), SCHEMA)
    assert err.value.code is ReasonCode.UNLISTED_COLUMN and err.value.exit_code == 3
    assert [p.where for p in err.value.problems] == [
        "column email",
        "column api_token",
        "column tmp_x",
        "column age",
    ]


def test_missing_columns_are_all_reported() -> None:
    with pytest.raises(PrivprepError) as err:
        compile_plan(make_policy({"nope": "drop", "id": "keep", "gone": "keep"}, "drop"), SCHEMA)
    assert err.value.code is ReasonCode.COLUMN_MISSING and err.value.exit_code == 3
    assert [str(p) for p in err.value.problems] == [
        "columns.nope: the input has no such column",
        "columns.gone: the input has no such column",
    ]


def test_rules_select_unlisted_columns_by_glob_and_regex() -> None:
    text = HEAD + (
        "columns:\n  id: keep\n  email: {action: fake, kind: email}\n"
        "rules:\n"
        "  - match: {name: '*_token'}\n    action: drop\n"
        "  - match: {regex: '^tmp_'}\n    action: {action: generalize, round_to: 10}\n"
        "  - match: {name: 'ema*'}\n    action: redact\n"  # never applies: email is named
        "unlisted: fail\n"
    )
    with pytest.raises(PrivprepError) as err:  # age is matched by no rule
        actions(text)
    assert [p.where for p in err.value.problems] == ["column age"]
    got = actions(text.replace("unlisted: fail", "unlisted: drop"))
    assert got == {
        "id": ("keep", "policy"),
        "email": ("fake", "policy"),
        "api_token": ("drop", "rule"),
        "tmp_x": ("generalize", "rule"),
        "age": ("drop", "unlisted"),
    }


def test_the_first_matching_rule_wins_and_both_conditions_must_hold() -> None:
    text = HEAD + (
        "rules:\n"
        "  - match: {name: 'a*', regex: 'token$'}\n    action: drop\n"
        "  - match: {name: 'a*'}\n    action: {action: mask, keep_last: 1}\n"
        "  - match: {name: '*'}\n    action: redact\n"
        "unlisted: fail\n"
    )
    plan = compile_plan(parse_policy(text), SCHEMA)
    rules = {c.name: c.rule for c in plan.columns}
    assert (
        rules["api_token"] == Drop() and rules["age"] == Mask(keep_last=1) and rules["id"].action == "redact"
    )


def test_glob_matching_is_case_sensitive() -> None:
    plan = compile_plan(
        parse_policy(HEAD + "rules:\n  - match: {name: 'ID'}\n    action: drop\nunlisted: keep\n"), SCHEMA
    )
    assert {c.name: c.rule for c in plan.columns}["id"] == Keep()


def test_unlisted_columns_helper() -> None:
    policy = parse_policy(
        HEAD + "columns:\n  id: keep\nrules:\n  - match: {name: 'tmp_*'}\n    action: drop\n"
    )
    assert unlisted_columns(policy, SCHEMA) == ["email", "api_token", "age"]


def test_plan_keeps_input_order_and_needs_no_data() -> None:
    policy = make_policy(
        {"age": "keep", "id": "pseudonymize", "email": {"action": "fake", "kind": "email"}}, "drop"
    )
    plan = compile_plan(policy, SCHEMA)
    assert [c.name for c in plan.columns] == ["id", "email", "api_token", "tmp_x", "age"]
    assert [c.name for c in plan.output_columns] == ["id", "email", "age"]
    assert plan.needs_key
    staged, outputs = plan.projection(MasterKey(KEY.encode()))
    assert len(outputs) == 3 and all(isinstance(e, pl.Expr) for e in [*staged.values(), *outputs])


@pytest.mark.parametrize(
    ("columns", "needs"),
    [
        ({"id": "keep", "email": "drop", "age": {"action": "generalize", "bins": [18]}}, False),
        ({"email": "mask"}, False),
        ({"email": "redact"}, False),
        ({"id": "pseudonymize"}, True),
        ({"email": {"action": "fake", "kind": "name"}}, True),
        ({"email": {"action": "shift_date", "max_days": 3}}, True),  # date strings: compile checks dtypes
    ],
)
def test_needs_key_only_for_keyed_actions(columns: dict, needs: bool) -> None:
    assert compile_plan(make_policy(columns, "drop"), SCHEMA).needs_key is needs


def test_column_params_are_the_policy_parameters() -> None:
    plan = compile_plan(make_policy({"email": {"action": "mask", "keep_last": 3}}, "drop"), SCHEMA)
    params = {c.name: c.params for c in plan.columns}
    assert params["email"] == {"keep_first": 0, "keep_last": 3, "char": "*"} and params["id"] == {}


class _Finding:
    """A detection finding as the plan sees one (see :class:`privprep.plan.Finding`)."""

    def __init__(self, name: str, entity: str) -> None:
        self.name, self.entity, self.score, self.evidence = name, entity, 0.9, {}

    @property
    def is_pii(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("columns", "unlisted", "findings", "code", "codes"),
    [
        ({"nope": "drop"}, "fail", {}, ReasonCode.COLUMN_MISSING,
         [ReasonCode.COLUMN_MISSING, *[ReasonCode.UNLISTED_COLUMN] * 5]),
        ({"id": "keep", "api_token": "keep", "tmp_x": "keep", "age": "keep"}, "keep",
         {"email": _Finding("email", "EMAIL_ADDRESS")}, ReasonCode.UNDECLARED_PII,
         [ReasonCode.UNDECLARED_PII]),
        ({"email": {"action": "generalize", "round_to": 5}}, "fail", {}, ReasonCode.TYPE_MISMATCH,
         [ReasonCode.UNLISTED_COLUMN] + [ReasonCode.TYPE_MISMATCH] + [ReasonCode.UNLISTED_COLUMN] * 3),
        ({"email": {"action": "fake", "kind": "nme"}}, "drop", {}, ReasonCode.POLICY_INVALID,
         [ReasonCode.POLICY_INVALID]),
    ],
)  # fmt: skip
def test_each_problem_carries_its_code_and_the_most_severe_decides(
    columns: dict, unlisted: str, findings: dict, code: ReasonCode, codes: list[ReasonCode]
) -> None:
    with pytest.raises(PrivprepError) as err:
        compile_plan(make_policy(columns, unlisted), SCHEMA, findings)  # type: ignore[arg-type]
    assert err.value.code is code
    assert sorted(p.code for p in err.value.problems) == sorted(codes)


def test_a_policy_built_in_code_gets_the_operators_checks_too() -> None:
    with pytest.raises(PrivprepError) as err:
        compile_plan(make_policy({"email": {"action": "scrub", "entities": ["PERSONN"]}}, "drop"), SCHEMA)
    assert [(p.where, p.code) for p in err.value.problems] == [
        ("columns.email.entities.0", ReasonCode.POLICY_INVALID)
    ]


@pytest.mark.parametrize(
    ("with_", "needs"), [("tag", False), ("redact", False), ("fake", True), ("pseudonymize", True)]
)
def test_scrub_needs_a_key_only_to_fake_or_pseudonymize(with_: str, needs: bool) -> None:
    plan = compile_plan(make_policy({"email": {"action": "scrub", "with": with_}}, "drop"), SCHEMA)
    assert plan.needs_key is needs


def test_a_plan_without_keyed_columns_projects_without_a_key() -> None:
    plan = compile_plan(make_policy({"email": "mask", "id": "keep"}, "drop"), SCHEMA)
    _, outputs = plan.projection(None)
    assert len(outputs) == 2
    keyed = compile_plan(make_policy({"email": "pseudonymize"}, "drop"), SCHEMA)
    with pytest.raises(PrivprepError) as err:
        keyed.projection(None)
    assert err.value.code is ReasonCode.KEY_MISSING


def test_a_dropped_column_of_any_dtype_fits() -> None:
    schema = pl.Schema({"blob": pl.Binary, "id": pl.Int64})
    plan = compile_plan(make_policy({"blob": "drop", "id": "keep"}), schema)
    assert [c.name for c in plan.output_columns] == ["id"]


def test_a_column_an_operator_reads_must_exist_and_the_plan_says_so() -> None:
    policy = make_policy({"email": {"action": "shift_date", "max_days": 3, "by": "customer"}}, "drop")
    with pytest.raises(PrivprepError) as err:
        compile_plan(policy, SCHEMA)
    assert err.value.code is ReasonCode.COLUMN_MISSING
    assert [str(p) for p in err.value.problems] == [
        "columns.email.by: names column 'customer', which the input does not have"
    ]
