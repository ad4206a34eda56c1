"""Canonical JSON and the signed hash chain that makes the audit log tamper-evident."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from privprep.audit.sign import Signer

GENESIS = "0" * 64
SEAL = ("prev_hash", "signer", "pubkey", "hash", "sig")  # set by seal(), never by the caller
UNHASHED = ("hash", "sig")  # the hash covers every other field, the signature covers the hash


def canonical(obj: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def seal(record: dict[str, Any], prev_hash: str, signer: Signer | None = None) -> dict[str, Any]:
    """The record linked to ``prev_hash``, hashed, and signed when a signer is given.

    ``hash`` = SHA-256 over every field but ``hash`` and ``sig`` (so ``signer`` and ``pubkey`` are
    covered); ``sig`` = Ed25519 over the hash.
    """
    body = {k: v for k, v in record.items() if k not in SEAL} | {"prev_hash": prev_hash}
    if signer is not None:
        body |= {"signer": signer.fingerprint, "pubkey": signer.pubkey}
    sealed = body | {"hash": digest(body)}
    return sealed | {"sig": signer.sign(sealed["hash"])} if signer is not None else sealed


def record_hash_ok(record: dict[str, Any]) -> bool:
    body = {k: v for k, v in record.items() if k not in UNHASHED}
    return record.get("hash") == digest(body)
