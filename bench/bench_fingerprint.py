"""What a guessed key costs an attacker who holds an audit record's key fingerprint.

The candidate list is the dictionary attack that found ``Summer2024!Summer`` in 480 guesses
against the old fingerprint (HMAC-SHA256 of the raw key): 4 seasons × 12 years × 10 suffix
patterns, the right key last. The same list is then tried against today's fingerprint, which
is an HMAC under the scrypt-stretched key (n=2**15, r=8), so every guess costs one scrypt.

    python bench/bench_fingerprint.py            # ~1 minute on a 2-core box
"""

from __future__ import annotations

import hashlib
import hmac
import time

from privprep.keys import MasterKey, _root

SEASONS = ("Spring", "Summer", "Autumn", "Winter")
YEARS = range(2013, 2025)
SUFFIXES = ("", "!", "!!", "#", "123", "!{s}", "#{s}", "@{s}", "{s}", "!{S}")


def candidates() -> list[str]:
    """480 guesses; the last is the key."""
    out = [
        f"{season}{year}{suffix.format(s=season, S=season.upper())}"
        for season in SEASONS
        for year in YEARS
        for suffix in SUFFIXES
    ]
    out.remove("Summer2024!Summer")
    return [*out, "Summer2024!Summer"]


def old_fingerprint(secret: bytes) -> str:
    return "sha256:" + hmac.new(secret, b"privprep/v1/fingerprint", hashlib.sha256).hexdigest()[:16]


def attack(fingerprint: str, compute: object, guesses: list[str]) -> tuple[int, float]:
    """Guesses tried until ``fingerprint`` matched, and the seconds they took."""
    start = time.perf_counter()
    for n, guess in enumerate(guesses, 1):
        if compute(guess.encode()) == fingerprint:  # type: ignore[operator]
            return n, time.perf_counter() - start
    raise SystemExit("not found")


def main() -> None:
    guesses = candidates()
    secret = b"Summer2024!Summer"
    old_n, old_s = attack(old_fingerprint(secret), old_fingerprint, guesses)
    target = MasterKey(secret).fingerprint
    _root.cache_clear()  # the attacker has no cache of our stretched key
    new_n, new_s = attack(target, lambda s: MasterKey(s).fingerprint, guesses)
    per_guess = new_s / new_n
    print(f"guesses: {len(guesses)} candidates, key found after {old_n} (old) and {new_n} (new)")
    years = 2**48 * per_guess / 3.15e7
    print(f"old fingerprint (HMAC of the raw key): {old_s:.4f} s in all, {old_s / old_n * 1e6:.1f} µs/guess")
    print(f"new fingerprint (HMAC under scrypt):   {new_s:.1f} s in all, {per_guess:.3f} s/guess")
    print(f"ratio: {new_s / old_s:,.0f}x; 2^48 guesses at this rate: {years:,.0f} core-years")


if __name__ == "__main__":
    main()
