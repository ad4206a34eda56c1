"""Master key loading, strength check, stretching and per-purpose key derivation.

The master key comes from an environment variable or a key file named by the policy, never
from the policy itself. Everything derived from it (per-column keys, the fingerprint, the
audit signing seed) starts from ``stretched(purpose)``: one scrypt (n=2**15, r=8), so each
key an attacker guesses against a published fingerprint, signature or pseudonym costs one
scrypt, not one HMAC. Weak keys are refused before any of that: see :func:`key_bits`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from privprep.errors import ReasonCode, fail
from privprep.policy.model import KeySource

MIN_KEY_BYTES = 16
MIN_KEY_BITS = 48
"""Least zxcvbn-estimated guessing entropy of a key. With one scrypt per guess (~0.1 s on a
2-core box) 2**48 guesses take about a million core-years; zxcvbn counts dictionary words,
dates, keyboard walks, sequences and repeats, so ``Summer2024!Summer`` scores ~33 bits."""
ESTIMATE_CHARS = 64  # zxcvbn is super-linear in length; a prefix's estimate is a lower bound
HINT = "generate one with: openssl rand -hex 32"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEPARATORS = re.compile(r"[_\-./\\]+")
RANDOM_PART_BITS = 36


@dataclass(frozen=True)
class MasterKey:
    """Secret bytes; ``repr`` never shows them."""

    secret: bytes = field(repr=False)

    def stretched(self, purpose: str) -> bytes:
        """32 bytes for anything published (fingerprint, audit signing key): an HMAC under the key's one
        scrypt-stretched root, so each guessed key costs an attacker one scrypt (n=2**15, r=8) and a run
        pays for one scrypt, however many purposes it derives."""
        label = f"privprep/v1/stretch/{purpose}".encode()
        return hmac.new(_root(self.secret), label, hashlib.sha256).digest()

    def derive(self, purpose: str, domain: str) -> str:
        """Hex key for one purpose (``pseudonymize``, ``fake``, ``shift``...) and domain.

        Keyed by the stretched key: a known (value, pseudonym) pair does not let anyone test
        guessed master keys at HMAC speed.
        """
        info = f"privprep/v1/{purpose}/{domain}".encode()
        return hmac.new(self.stretched("derive"), info, hashlib.sha256).hexdigest()

    @property
    def fingerprint(self) -> str:
        """Public identifier of the key, safe in audit records: ``sha256:`` + 16 hex of an HMAC-SHA256
        under the scrypt-stretched key (format unchanged; each guess against it costs one scrypt)."""
        digest = hmac.new(self.stretched("fingerprint"), b"privprep/v1/fingerprint", hashlib.sha256)
        return "sha256:" + digest.hexdigest()[:16]


@functools.lru_cache(maxsize=8)
def _root(secret: bytes) -> bytes:
    """The one scrypt of a key (cached per process)."""
    return hashlib.scrypt(secret, salt=b"privprep/v1/stretch", n=2**15, r=8, p=1, maxmem=64 * 2**20, dklen=32)


@functools.lru_cache(maxsize=8)
def key_bits(secret: bytes) -> float:
    """Estimated guessing entropy in bits: zxcvbn's log2(guesses) over the first 64 characters.

    >>> key_bits(b"Summer2024!Summer") < MIN_KEY_BITS < key_bits(b"9f86d081884c7d659a2feaa0c55ad015")
    True
    """
    from zxcvbn import zxcvbn  # 30 ms import, only when a key is loaded

    try:
        text = secret.decode("utf-8")
    except UnicodeDecodeError:
        text = secret.decode("latin-1")  # a binary key file: every byte one character
    if not text.strip():
        return 0.0
    return math.log2(max(1.0, float(zxcvbn(text[:ESTIMATE_CHARS])["guesses"])))


def looks_secret(name: str) -> bool:
    """Whether a key.env name or a key.file path component may be a key pasted by mistake.

    True when longer than 40 characters, or when a part between ``_ - . /`` separators is 12+
    characters of two or more classes (lower, upper, digit, other) that zxcvbn cannot explain
    (≥ 2^36 guesses): ``PRIVPREP_KEY`` and ``master.key`` are names, ``k3J9x8QzP2vL7mWn`` is not.
    """
    return len(name) > 40 or any(_random(part) for part in _SEPARATORS.split(name))


def _random(part: str) -> bool:
    classes = sum(any(test(c) for c in part) for test in (str.islower, str.isupper, str.isdigit))
    classes += any(not c.isalnum() for c in part)
    return len(part) >= 12 and classes >= 2 and key_bits(part.encode()) >= RANDOM_PART_BITS


def resolve_key(
    source: KeySource,
    explicit: str | bytes | None = None,
    *,
    policy_text: str | None = None,
    not_key_files: Iterable[Path | None] = (),
) -> MasterKey:
    """Key passed in code wins; otherwise read the policy's env variable or key file.

    The key file may be neither the policy (``policy_text``, compared by content) nor any of
    ``not_key_files`` (the input). Messages never echo a name or path that ``looks_secret``.
    """
    if explicit is not None:
        secret = explicit.encode() if isinstance(explicit, str) else explicit
        where = "the key argument"
    elif source.env is not None:
        named = _env_words(source.env)
        value = os.environ.get(source.env)
        if not value:
            raise fail(
                ReasonCode.KEY_MISSING,
                f"{named} is not set; it must hold the master key (at least {MIN_KEY_BYTES} bytes)",
            )
        secret, where = value.encode(), named
    else:
        path = Path(source.file or "")
        named = _file_words(path)
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise fail(ReasonCode.KEY_MISSING, f"cannot read {named}: {exc.strerror}") from None
        _not_a_known_file(path, secret, named, policy_text, not_key_files)
        where = named
    _strong_enough(secret, where)
    return MasterKey(secret)


def _env_words(name: str) -> str:
    if _NAME.match(name) and not looks_secret(name):
        return f"environment variable {name}"
    return "the variable named in key.env (not shown: the name looks like a secret)"


def _file_words(path: Path) -> str:
    if not any(looks_secret(part) for part in path.parts):
        return f"key file {path}"
    return "the key file named in key.file (not shown: the path looks like a secret)"


def _not_a_known_file(
    path: Path, secret: bytes, named: str, policy_text: str | None, others: Iterable[Path | None]
) -> None:
    if policy_text is not None and secret == policy_text.encode().strip():
        raise fail(ReasonCode.KEY_MISSING, f"{named} is the policy file; the key must be a separate secret")
    resolved = path.resolve()
    if any(other is not None and Path(other).resolve() == resolved for other in others):
        raise fail(ReasonCode.KEY_MISSING, f"{named} is the input file; the key must be a separate secret")


def _strong_enough(secret: bytes, where: str) -> None:
    if len(secret) < MIN_KEY_BYTES:
        raise fail(ReasonCode.KEY_MISSING, f"the key in {where} is shorter than {MIN_KEY_BYTES} bytes")
    bits = key_bits(secret)
    if bits < MIN_KEY_BITS:
        raise fail(
            ReasonCode.KEY_MISSING,
            f"the key in {where} is too weak: about 2^{bits:.0f} guesses find it (repeats, words,"
            f" dates or sequences), at least 2^{MIN_KEY_BITS} are needed; {HINT}",
        )
