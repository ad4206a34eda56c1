"""Master key loading and per-purpose key derivation (HKDF-style, HMAC-SHA256).

The master key comes from an environment variable or a key file named by the
policy, never from the policy itself. Each column/purpose gets its own derived
key, so tokens from different columns cannot be joined unless a policy puts
them in one ``domain``. Only a fingerprint of the key is ever recorded.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from privprep.errors import ReasonCode, fail
from privprep.policy.model import KeySource

MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class MasterKey:
    """Secret bytes; ``repr`` never shows them."""

    secret: bytes = field(repr=False)

    def derive(self, purpose: str, domain: str) -> str:
        """Hex key for one purpose (``pseudonymize``, ``fake``, ``shift``...) and domain."""
        info = f"privprep/v1/{purpose}/{domain}".encode()
        return hmac.new(self.secret, info, hashlib.sha256).hexdigest()

    def stretched(self, purpose: str) -> bytes:
        """32 bytes for anything published (fingerprint, audit signing key): scrypt-stretched, so each guessed
        key costs an attacker one scrypt (n=2**15, r=8)."""
        return _stretch(self.secret, purpose)

    @property
    def fingerprint(self) -> str:
        """Public identifier of the key: safe to store in audit records."""
        return "sha256:" + hmac.new(self.secret, b"privprep/v1/fingerprint", hashlib.sha256).hexdigest()[:16]


@functools.lru_cache(maxsize=32)
def _stretch(secret: bytes, purpose: str) -> bytes:
    salt = f"privprep/v1/stretch/{purpose}".encode()
    return hashlib.scrypt(secret, salt=salt, n=2**15, r=8, p=1, maxmem=64 * 2**20, dklen=32)


def resolve_key(source: KeySource, explicit: str | bytes | None = None) -> MasterKey:
    """Key passed in code wins; otherwise read the policy's env variable or key file."""
    if explicit is not None:
        secret = explicit.encode() if isinstance(explicit, str) else explicit
        where = "the key argument"
    elif source.env is not None:
        value = os.environ.get(source.env)
        if not value:
            raise fail(
                ReasonCode.KEY_MISSING,
                f"environment variable {source.env} is not set; it must hold the master key"
                f" (at least {MIN_KEY_BYTES} bytes)",
            )
        secret, where = value.encode(), f"environment variable {source.env}"
    else:
        path = Path(source.file or "")
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise fail(ReasonCode.KEY_MISSING, f"cannot read key file {path}: {exc.strerror}") from None
        where = f"key file {path}"
    if len(secret) < MIN_KEY_BYTES:
        raise fail(ReasonCode.KEY_MISSING, f"the key in {where} is shorter than {MIN_KEY_BYTES} bytes")
    return MasterKey(secret)
