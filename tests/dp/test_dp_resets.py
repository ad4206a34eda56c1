"""Every way issue 9 reset the budget, tried through ``privprep.apply``: each one is refused."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from dp_helpers import CRM_POLICY, KEY, customers

import privprep
from privprep.dp.ledger import Ledger
from privprep.errors import ReasonCode
from privprep.policy.aggregates import Budget


class Site:
    """An input, a policy and an audit log that has seen the budget spent in full (2 runs of ε=1)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data" / "in.parquet"
        self.data.parent.mkdir()
        customers().write_parquet(self.data)
        self.log = root / "audit" / "log.jsonl"
        self.runs = 0

    def apply(self, extra: str = "", log: Path | None = None, data: Path | None = None) -> privprep.Result:
        self.runs += 1
        policy = self.root / f"policy{self.runs}.yaml"
        policy.write_text(CRM_POLICY % extra)
        out = self.root / "out" / f"run{self.runs}.parquet"
        return privprep.apply(policy, data or self.data, out, audit_log=log or self.log)

    @property
    def ledger(self) -> Path:
        return self.data.parent / "privprep-budget.sqlite"  # the default: beside the input

    def sql(self, *statements: str) -> None:
        with closing(sqlite3.connect(self.ledger)) as conn:
            for statement in statements:
                conn.execute(statement)
            conn.commit()


@pytest.fixture
def site(tmp_path: Path, key: str) -> Site:
    site = Site(tmp_path)
    site.apply()
    site.apply()
    with pytest.raises(privprep.PrivprepError) as info:
        site.apply()
    assert info.value.code is ReasonCode.BUDGET_EXCEEDED
    return site


def _copy_input(site: Site) -> Path:
    """The same input bytes in another folder: the default ledger there is a fresh one."""
    copy = site.root / "copy" / site.data.name
    copy.parent.mkdir()
    shutil.copy(site.data, copy)
    return copy


ATTACKS: dict[str, tuple[Callable[[Site], dict], ReasonCode]] = {
    "delete-ledger": (lambda s: s.ledger.unlink() or {}, ReasonCode.AUDIT_INVALID),
    "update-rolled-back": (
        lambda s: s.sql("UPDATE spends SET state = 'rolled_back'") or {},
        ReasonCode.AUDIT_INVALID,
    ),
    "update-epsilon": (lambda s: s.sql("UPDATE spends SET epsilon = 0") or {}, ReasonCode.AUDIT_INVALID),
    "raise-total": (lambda s: s.sql("UPDATE budgets SET epsilon = 100") or {}, ReasonCode.AUDIT_INVALID),
    "delete-rows": (lambda s: s.sql("DELETE FROM spends") or {}, ReasonCode.AUDIT_INVALID),
    "delete-last-row": (
        lambda s: s.sql("DELETE FROM spends WHERE id = (SELECT max(id) FROM spends)") or {},
        ReasonCode.AUDIT_INVALID,
    ),
    "empty-every-table": (
        lambda s: s.sql(*(f"DELETE FROM {t}" for t in ("spends", "inputs", "budgets", "meta"))) or {},
        ReasonCode.AUDIT_INVALID,
    ),
    "other-ledger-path": (
        lambda s: {"extra": "ledger: " + str(s.root / "fresh.sqlite")},
        ReasonCode.AUDIT_INVALID,
    ),
    "new-dataset-name": (lambda s: {"extra": "dataset: crm-2"}, ReasonCode.DP_INVALID),
    "other-audit-dir": (lambda s: {"log": s.root / "elsewhere" / "log.jsonl"}, ReasonCode.BUDGET_EXCEEDED),
    "input-copied-elsewhere": (
        lambda s: {"data": _copy_input(s)},
        ReasonCode.AUDIT_INVALID,
    ),
    "copy-and-rename": (
        lambda s: {
            "data": _copy_input(s),
            "extra": "dataset: crm-2",
        },
        ReasonCode.DP_INVALID,
    ),
}


@pytest.mark.parametrize(("attack", "code"), ATTACKS.values(), ids=ATTACKS.keys())
def test_reset_attack_is_refused(site: Site, attack: Callable[[Site], dict], code: ReasonCode) -> None:
    changes = attack(site)
    with pytest.raises(privprep.PrivprepError) as info:
        site.apply(**changes)
    assert info.value.code is code, str(info.value)
    assert not (site.root / "out" / f"run{site.runs}.parquet").exists()


def test_older_copy_of_the_ledger_is_refused(tmp_path: Path, key: str) -> None:
    """A ledger put back from a backup taken before the last run lacks a spend the audit log knows."""
    site = Site(tmp_path)
    site.apply()
    backup = tmp_path / "backup.sqlite"
    shutil.copy(site.ledger, backup)
    site.apply()
    shutil.copy(backup, site.ledger)
    with pytest.raises(privprep.PrivprepError) as info:
        site.apply()
    assert info.value.code is ReasonCode.AUDIT_INVALID and "does not hold" in str(info.value)


def test_another_key_cannot_reuse_the_ledger(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVPREP_KEY", "another key of enough length 0123456789")
    with pytest.raises(privprep.PrivprepError) as info:
        site.apply()
    assert info.value.code is ReasonCode.AUDIT_INVALID and "MAC" in str(info.value)


def test_input_binding_follows_the_first_spend(tmp_path: Path) -> None:
    """An input is bound to a dataset by a spend; a run that failed before releasing binds nothing."""
    ledger, sha, budget = Ledger(tmp_path / "l.sqlite", KEY), "ab" * 32, Budget(epsilon=1.0)
    ledger.rollback(ledger.reserve("a", "rows=1", budget, "r1", [("x", 0.1, 0.0)], input_sha256=sha))
    ids = ledger.reserve("b", "rows=1", budget, "r2", [("x", 0.1, 0.0)], input_sha256=sha)
    ledger.mark_released(ids)
    ledger.commit(ids)
    with pytest.raises(privprep.PrivprepError) as info:
        ledger.reserve("c", "rows=1", budget, "r3", [("x", 0.1, 0.0)], input_sha256=sha)
    assert info.value.code is ReasonCode.DP_INVALID and "under dataset 'b'" in str(info.value)
