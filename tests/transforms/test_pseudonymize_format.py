"""``pseudonymize`` formats: the same HMAC bits as hex, binary or Int64; invalid combinations refused."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl
import pytest
from core_helpers import KEY, make_policy, one
from pydantic import ValidationError

from privprep.keys import MasterKey

VALUES = ["maria@example.com", "", None, "名前"]


def expected_hex(value: str, domain: str = "column:v") -> str:
    key_hex = MasterKey(KEY.encode()).derive("pseudonymize", domain)
    return hmac.new(key_hex.encode(), value.encode(), hashlib.sha256).hexdigest()


def test_formats_carry_the_same_bits() -> None:
    hexes = one(VALUES, {"action": "pseudonymize"})
    binary = one(VALUES, {"action": "pseudonymize", "format": "binary"})
    int64 = one(VALUES, {"action": "pseudonymize", "format": "int64"})
    for value, h, b, i in zip(VALUES, hexes, binary, int64, strict=True):
        if value is None:
            assert h is None and b is None and i is None
            continue
        assert h == expected_hex(value)[:32]
        assert b == bytes.fromhex(h)
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
        ({"format": "binary", "prefix": "u_"}, "prefix applies only to format: hex"),
        ({"format": "binary", "length": 17}, "even length"),
        ({"format": "base64"}, "hex"),
    ],
)
def test_invalid_combinations(rule: dict, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        make_policy({"v": {"action": "pseudonymize", **rule}})
