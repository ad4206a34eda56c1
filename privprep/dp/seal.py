"""MACs over the budget ledger's rows and over the whole ledger, under a key derived from the master key.

Every row of ``budgets``, ``inputs`` and ``spends`` carries ``mac`` = HMAC-SHA256 over its table
name and every other column, so an edited row (``UPDATE spends SET state = 'rolled_back'``) no
longer verifies. The ``meta`` row ``seal`` is a MAC over every row's MAC in order, so a deleted or
inserted row breaks it too. Only a process holding the master key can write a ledger that
verifies. The MAC key is ``HMAC(stretched("ledger"), ...)``: the ledger lies on disk next to the
data, and a fast HMAC of the raw key over its known rows would let anyone test guesses of a weak
master key at HMAC speed; stretching makes each guess cost one scrypt.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import sqlite3
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from privprep.audit.chain import canonical
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.keys import MasterKey

TABLES = {"budgets": "dataset", "inputs": "sha256", "spends": "id"}  # each sealed table and its key
ACTIVE = ("reserved", "released", "committed")  # the spend states that count as spent


@functools.lru_cache(maxsize=4096)
def exact(value: float) -> Fraction:
    """The decimal a policy wrote (``repr`` of a float is its shortest round-tripping decimal)."""
    return Fraction(repr(float(value)))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def read_row(conn: sqlite3.Connection, table: str, key: Any) -> dict[str, Any]:
    """The row of ``table`` whose primary key is ``key``, as a dict; ``{}`` if there is none."""
    cur = conn.execute(f"SELECT * FROM {table} WHERE {TABLES[table]} = ?", (key,))
    values = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], values, strict=True)) if values else {}


class LedgerSeal:
    """Computes and checks the MACs of one ledger file."""

    def __init__(self, key: MasterKey, path: str) -> None:
        self._key = hmac.new(key.stretched("ledger"), b"privprep/v1/ledger-mac", hashlib.sha256).digest()
        self.path = path

    def mac(self, table: str, row: dict[str, Any]) -> str:
        body = {k: v for k, v in row.items() if k != "mac"}
        return hmac.new(self._key, canonical([table, body]), hashlib.sha256).hexdigest()

    def head(self, conn: sqlite3.Connection) -> str:
        """MAC over every row's MAC, table by table in key order: changes with any row added or removed."""
        macs = [
            [table, *(r[0] for r in conn.execute(f"SELECT mac FROM {table} ORDER BY {pk}"))]
            for table, pk in TABLES.items()
        ]
        return hmac.new(self._key, canonical(["head", macs]), hashlib.sha256).hexdigest()

    def verify(self, conn: sqlite3.Connection) -> None:
        """Raise AUDIT_INVALID unless every row and the seal verify (an empty ledger verifies)."""
        rows = 0
        for table in TABLES:
            cur = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cur.description]
            if "mac" not in names:
                raise self._tampered("it was written by a privprep without ledger MACs")
            for values in cur:
                rows += 1
                row = dict(zip(names, values, strict=True))
                if not hmac.compare_digest(str(row["mac"]), self.mac(table, row)):
                    where = f"{table} row {row[TABLES[table]]!s:.16}"
                    raise self._tampered(
                        f"{where} does not match its MAC (edited, or written under another key)"
                    )
        found = conn.execute("SELECT value FROM meta WHERE name = 'seal'").fetchone()
        if found is None and rows:
            raise self._tampered("its seal is missing")
        if found is not None and not hmac.compare_digest(found[0], self.head(conn)):
            raise self._tampered("its rows do not match its seal (a row was deleted or inserted)")

    def put(self, conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
        """Insert or replace ``row`` with its MAC."""
        row = {k: v for k, v in row.items() if k != "mac"}
        row["mac"] = self.mac(table, row)
        marks = ", ".join("?" * len(row))
        sql = f"INSERT OR REPLACE INTO {table} ({', '.join(row)}) VALUES ({marks})"
        conn.execute(sql, tuple(row.values()))

    def reseal(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('seal', ?)", (self.head(conn),))

    def _tampered(self, why: str) -> PrivprepError:
        return fail(
            ReasonCode.AUDIT_INVALID,
            f"the budget ledger {self.path} fails verification: {why}. privprep refuses to release"
            " from a ledger whose spends cannot be trusted; restore it from a trusted copy (see docs/dp.md)",
        )
