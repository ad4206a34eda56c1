"""A SQL query against a DuckDB database file, opened read-only and streamed into Polars."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from privprep.errors import ReasonCode, fail
from privprep.io.fingerprint import sha256_file
from privprep.io.source import Query, Source


def open_query(database: Path, query: str) -> Source:
    """``input: {duckdb: warehouse.db, query: "select ..."}``; the record keeps the query and the file's hash.

    The connection is read-only, so a query cannot change the database. DuckDB's messages may
    quote the query's literals, so only the exception type is reported.
    """
    if not database.is_file():
        raise fail(ReasonCode.INPUT_NOT_FOUND, f"input database {database} does not exist")
    try:
        import duckdb
    except ImportError:
        raise fail(ReasonCode.INPUT_INVALID, "a duckdb input needs: pip install 'privprep[duckdb]'") from None
    database_sha256 = sha256_file(database)
    try:
        connection = duckdb.connect(str(database), read_only=True)
        frame = connection.sql(query).pl(lazy=True)
        schema = frame.collect_schema()
    except Exception as exc:
        message = f"query on input database {database} failed ({type(exc).__name__})"
        raise fail(ReasonCode.INPUT_INVALID, message) from None
    if not schema:
        raise fail(ReasonCode.INPUT_INVALID, f"query on input database {database} returns no columns")
    digest = hashlib.sha256(json.dumps([query, database_sha256]).encode()).hexdigest()
    return Source(
        frame, schema, database, None, digest, "duckdb", paths=(database,),
        query=Query(query, database, database_sha256),
    )  # fmt: skip
