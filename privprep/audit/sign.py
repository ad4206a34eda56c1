"""Ed25519 signatures over record hashes.

The key pair is derived from the master key (scrypt-stretched, so the public key does not help anyone
guess a weak master key); a reviewer verifies with the public key alone, which each record carries.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from privprep.keys import MasterKey

PURPOSE = "audit-signing"


def fingerprint(public: bytes) -> str:
    """``ed25519:`` + 32 hex characters (128 bits) of SHA-256 over the raw public key."""
    return "ed25519:" + hashlib.sha256(public).hexdigest()[:32]


@dataclass(frozen=True)
class Signer:
    """Signs record hashes: ``Signer.from_master(key).sign(hash)``; ``repr`` never shows the key."""

    private: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def from_master(cls, master: MasterKey) -> Signer:
        return cls(Ed25519PrivateKey.from_private_bytes(master.stretched(PURPOSE)))

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes_raw()  # no serialization module: 40 ms of import

    @property
    def pubkey(self) -> str:
        return base64.b64encode(self.public).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def sign(self, record_hash: str) -> str:
        return base64.b64encode(self.private.sign(record_hash.encode())).decode()


def signature_problem(record: dict[str, Any]) -> str | None:
    """Why ``record``'s ``signer``/``pubkey``/``sig`` do not prove its ``hash``; ``None`` when they do."""
    try:
        public = base64.b64decode(str(record.get("pubkey")), validate=True)
        signature = base64.b64decode(str(record.get("sig")), validate=True)
        key = Ed25519PublicKey.from_public_bytes(public)
    except (binascii.Error, ValueError):
        return "its public key or signature is malformed"
    if record.get("signer") != fingerprint(public):
        return "its signer fingerprint does not match its public key"
    try:
        key.verify(signature, str(record.get("hash")).encode())
    except InvalidSignature:
        return "its signature does not match its hash (edited or re-chained without the key)"
    return None
