"""How to read the input (``input:``) and how to lay out the output files (``output:``).

```yaml
input:
  csv: {separator: ";", encoding: cp1252, has_header: true, null_values: ["", "NA"]}
  dtypes: {zip: String, amount: "Decimal(10,2)"}
# or a query against a DuckDB database file (then no INPUT argument is needed):
input: {duckdb: warehouse.db, query: "select * from customers"}
output: {path: out/, partition_by: [split], row_group_size: 100000, compression: zstd}
```
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from privprep.errors import PolicyError, Problem
from privprep.policy.base import Spec

FORMATS = ("parquet", "csv", "tsv", "ndjson", "json", "ipc", "delta")
Format = Literal["parquet", "csv", "tsv", "ndjson", "json", "ipc", "delta"]
DTYPE_NAMES = (
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64",
    "String", "Boolean", "Date", "Datetime", "Time",
)  # fmt: skip
DECIMAL = r"Decimal\(\d{1,2},\s*\d{1,2}\)"


class CsvOptions(Spec):
    """Options for CSV/TSV inputs (the CLI's ``--csv-*`` flags override them)."""

    separator: str | None = Field(None, min_length=1, max_length=1, description="default , (\\t for .tsv)")
    encoding: str = "utf8"
    has_header: bool = True
    null_values: list[str] = Field(default_factory=list)
    infer_schema_length: int | None = Field(10_000, ge=1, description="rows read to infer dtypes; null: all")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value.replace("utf8-lossy", "utf8"))
        except LookupError:
            raise ValueError(
                f"unknown encoding {value!r}; use utf8, utf8-lossy or a Python codec name"
            ) from None
        return value


class InputSpec(Spec):
    """The ``input`` section: format, CSV options, dtype overrides, or a DuckDB query."""

    format: Format | None = Field(None, description="default: from the file extension")
    csv: CsvOptions = CsvOptions()
    dtypes: dict[str, str] = Field(default_factory=dict, description="per-column dtypes of a file input")
    duckdb: str | None = None
    query: str | None = Field(None, min_length=1)

    @field_validator("dtypes")
    @classmethod
    def _known_dtypes(cls, value: dict[str, str]) -> dict[str, str]:
        for column, name in value.items():
            if name not in DTYPE_NAMES and not re.fullmatch(DECIMAL, name):
                allowed = ", ".join(DTYPE_NAMES)
                raise ValueError(
                    f"dtype {name!r} of column {column!r} is unknown; allowed: {allowed}, Decimal(p,s)"
                )
        return value

    def overridden(self, options: dict[str, object] | None) -> InputSpec:
        """This spec with ``options`` on top: ``format``, ``dtypes`` or any CSV option (``None``: not given).

        >>> InputSpec().overridden({"format": "csv", "separator": ";"}).csv.separator
        ';'
        """
        given = {k: v for k, v in (options or {}).items() if v is not None}
        data = self.model_dump()
        for name in ("format", "dtypes"):
            if name in given:
                data[name] = given.pop(name)
        data["csv"] |= given
        return InputSpec.model_validate(data)

    @model_validator(mode="after")
    def _query_with_database(self) -> InputSpec:
        if (self.duckdb is None) != (self.query is None):
            raise ValueError("input needs both duckdb (a database file) and query, or neither")
        if self.duckdb is not None and self.format is not None:
            raise ValueError("input.format does not apply to a duckdb query")
        return self


def input_spec(policy: object, options: dict[str, object] | None) -> InputSpec:
    """The policy's ``input:`` section with ``options`` (the CLI's flags, ``apply(input_options=)``) on top.

    Invalid options raise a PolicyError naming each, like the policy file's own.
    """
    spec: InputSpec = policy.input  # type: ignore[attr-defined]
    if not options:
        return spec
    try:
        return spec.overridden(options)
    except ValidationError as exc:
        problems = [Problem("input." + ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        raise PolicyError("invalid input options", problems) from None


class OutputSpec(Spec):
    """Where the output goes; ``partition_by`` makes ``path`` a dataset folder (hive layout)."""

    path: str | None = None
    audit_log: str | None = None
    partition_by: list[str] = Field(default_factory=list)
    row_group_size: int | None = Field(None, ge=1)
    compression: Literal["zstd", "snappy", "lz4", "gzip", "brotli", "uncompressed"] = "zstd"

    @field_validator("partition_by")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("partition_by lists a column twice")
        return value
