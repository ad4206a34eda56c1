"""``pseudonymize`` formats: the same HMAC bits as hex, base32, binary or Int64; bad combinations refused."""

from __future__ import annotations

import base64
import hashlib
import hmac

import polars as pl
import pytest
from core_helpers import KEY, make_policy, one
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from privprep.keys import MasterKey
from privprep.transforms.pseudonymize import pseudonym_expr

VALUES = ["maria@example.com", "", None, "名前"]


def expected_hex(value: str, domain: str = "column:v") -> str:
    key_hex = MasterKey(KEY.encode()).derive("pseudonymize", domain)
    return hmac.new(key_hex.encode(), value.encode(), hashlib.sha256).hexdigest()


def test_formats_carry_the_same_bits() -> None:
    hexes = one(VALUES, {"action": "pseudonymize"})
    binary = one(VALUES, {"action": "pseudonymize", "format": "binary"})
    int64 = one(VALUES, {"action": "pseudonymize", "format": "int64"})
    b32 = one(VALUES, {"action": "pseudonymize", "format": "base32"})
    for value, h, b, i, t in zip(VALUES, hexes, binary, int64, b32, strict=True):
        if value is None:
            assert h is None and b is None and i is None and t is None
            continue
        assert h == expected_hex(value)[:32]
        assert b == bytes.fromhex(h)
        assert t == base64.b32encode(b).decode().rstrip("=").lower() and len(t) == 26
        assert i == int.from_bytes(bytes.fromhex(expected_hex(value)[:16]), "big", signed=True)


def test_output_dtypes() -> None:
    frame = pl.DataFrame({"v": ["a"]})
    from core_helpers import transform

    out = transform(frame, {"v": {"action": "pseudonymize", "format": "int64"}})
    assert out.schema["v"] == pl.Int64
    out = transform(frame, {"v": {"action": "pseudonymize", "format": "binary", "length": 16}})
    assert out.schema["v"] == pl.Binary and len(out["v"][0]) == 8


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"format": "int64", "length": 20}, "length does not apply to format: int64"),
        ({"format": "binary", "prefix": "u_"}, "prefix applies only to format: hex or base32"),
        ({"format": "base32", "length": 17}, "format: base32 needs an even length"),
        ({"format": "binary", "length": 17}, "even length"),
        ({"format": "base64"}, "hex"),
    ],
)
def test_invalid_combinations(rule: dict, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        make_policy({"v": {"action": "pseudonymize", **rule}})


@given(st.lists(st.one_of(st.none(), st.text()), max_size=8), st.integers(8, 32), st.sampled_from(["", "t_"]))
@settings(max_examples=60, deadline=None)
def test_base32_is_rfc4648_of_the_token_bytes(values: list[str | None], size: int, prefix: str) -> None:
    """Every length (a last group of one to five bytes) against Python's own base32."""
    key_hex = MasterKey(KEY.encode()).derive("pseudonymize", "column:v")
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    got = frame.select(pseudonym_expr(pl.col("v"), key_hex, 2 * size, prefix, "base32")).to_series()
    for value, token in zip(values, got.to_list(), strict=True):
        if value is None:
            assert token is None
            continue
        digest = hmac.new(key_hex.encode(), value.encode(), hashlib.sha256).hexdigest()
        raw = bytes.fromhex(digest[: 2 * size])
        assert token == prefix + base64.b32encode(raw).decode().rstrip("=").lower()
