"""The ``--format`` and ``--csv-*`` options shared by the commands that read an input."""

from __future__ import annotations

from typing import Any

import typer

Format = typer.Option(
    None,
    "--format",
    help="Input format (default: from the extension): parquet, csv, tsv, ndjson, json, ipc, delta.",
)
Separator = typer.Option(None, "--csv-separator", help="CSV field separator (default , or tab for .tsv).")
Encoding = typer.Option(None, "--csv-encoding", help="CSV encoding: utf8, utf8-lossy or a Python codec.")
NoHeader = typer.Option(False, "--csv-no-header", help="The CSV has no header row.")
Nulls = typer.Option(None, "--csv-null", help="A CSV text read as null (repeatable).")
Quiet = typer.Option(False, "--quiet", "-q", help="No progress output on stderr.")
InferRows = typer.Option(None, "--csv-infer-schema-length", help="CSV rows read to infer dtypes.")


def input_options(
    format: str | None, separator: str | None, encoding: str | None, no_header: bool,
    nulls: list[str] | None, infer_rows: int | None,
) -> dict[str, Any]:  # fmt: skip
    """The flags given, as ``apply(input_options=...)`` takes them (unset flags are left out)."""
    options = {
        "format": format, "separator": separator, "encoding": encoding,
        "has_header": False if no_header else None, "null_values": nulls or None,
        "infer_schema_length": infer_rows,
    }  # fmt: skip
    return {k: v for k, v in options.items() if v is not None}
