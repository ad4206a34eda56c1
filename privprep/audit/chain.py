"""Canonical JSON and the hash chain that makes the audit log tamper-evident."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(obj: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def seal(record: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """The record with ``prev_hash`` set and ``hash`` = SHA-256 over everything else."""
    body = {k: v for k, v in record.items() if k != "hash"} | {"prev_hash": prev_hash}
    return body | {"hash": digest(body)}


def record_hash_ok(record: dict[str, Any]) -> bool:
    body = {k: v for k, v in record.items() if k != "hash"}
    return record.get("hash") == digest(body)
