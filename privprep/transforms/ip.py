"""IP address fakes: a keyed permutation of the address bits below the first ``keep_bits``.

IPv4 stays IPv4 (parsed and written in Polars), IPv6 stays IPv6 (parsed and written with
:mod:`ipaddress`, once per distinct value; the bits are permuted in Polars). Keeping the first
``keep_bits`` bits keeps the subnet: ``keep_bits: 24`` maps ``192.0.2.17`` into ``192.0.2.0/24``.
Text that is not an address becomes null.
"""

from __future__ import annotations

import ipaddress

import polars as pl

from privprep.transforms.fpe import feistel

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4 = rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$"
V6_LIMBS = 4  # 128 bits in four limbs of at most 32 bits


def _limb_bits(free: int, limbs: int) -> list[int]:
    """``free`` bits cut into ``limbs`` near-equal widths, widest first."""
    return [free // limbs + (1 if i < free % limbs else 0) for i in range(limbs)]


def _permute_bits(values: list[int], width: int, keep_bits: int, key_hex: str, limbs: int) -> list[int]:
    """The ``width``-bit integers ``values`` with their low ``width - keep_bits`` bits permuted."""
    bits = _limb_bits(width - keep_bits, limbs)
    shifts = [sum(bits[i + 1 :]) for i in range(limbs)]
    columns = {f"b{i}": [(v >> shifts[i]) & ((1 << bits[i]) - 1) for v in values] for i in range(limbs)}
    frame = pl.DataFrame(
        {**columns, **{f"m{i}": [1 << bits[i]] * len(values) for i in range(limbs)},
         "tweak": [f"ip:{width}:{keep_bits}:{v >> (width - keep_bits)}" for v in values]},
        schema={**{f"b{i}": pl.Int64 for i in range(limbs)}, **{f"m{i}": pl.Int64 for i in range(limbs)},
                "tweak": pl.String},
    )  # fmt: skip
    frame = feistel(frame, [(f"b{i}", f"m{i}") for i in range(limbs)], "tweak", key_hex)
    kept = [(v >> (width - keep_bits)) << (width - keep_bits) if keep_bits else 0 for v in values]
    permuted = zip(*(frame[f"b{i}"].to_list() for i in range(limbs)), strict=True)
    return [
        k | sum(b << s for b, s in zip(parts, shifts, strict=True))
        for k, parts in zip(kept, permuted, strict=True)
    ]


def permute_ipv4(text: pl.Series, key_hex: str, keep_bits: int) -> pl.Series:
    """Dotted-quad IPv4 addresses, permuted in Polars; anything else null."""
    octets = pl.col("text").str.split(".")
    value = pl.sum_horizontal(
        octets.list.get(i, null_on_oob=True).cast(pl.Int64, strict=False) * 256 ** (3 - i) for i in range(4)
    )
    free = 32 - keep_bits
    hi, lo = _limb_bits(free, 2)
    frame = text.to_frame("text").with_columns(ok=pl.col("text").str.contains(IPV4))
    frame = frame.with_columns(v=pl.when(pl.col("ok")).then(value)).with_columns(
        hi=pl.col("v") // 2**lo % 2**hi, lo=pl.col("v") % 2**lo,
        mhi=pl.lit(2**hi, pl.Int64), mlo=pl.lit(2**lo, pl.Int64),
        tweak=pl.concat_str([pl.lit(f"ip:32:{keep_bits}"), pl.col("v") // 2**free], separator=":"),
    )  # fmt: skip
    frame = feistel(frame, [("hi", "mhi"), ("lo", "mlo")], "tweak", key_hex)
    new = pl.col("v") // 2**free * 2**free + pl.col("hi") * 2**lo + pl.col("lo")
    out = pl.concat_str([(new // 256 ** (3 - i) % 256) for i in range(4)], separator=".")
    return frame.select(pl.when(pl.col("ok")).then(out)).to_series().alias(text.name)


def permute_ipv6(text: pl.Series, key_hex: str, keep_bits: int) -> pl.Series:
    """IPv6 addresses (any text form :mod:`ipaddress` reads), written compressed; anything else null.

    Parsing and writing run once per distinct value; the permutation runs in Polars.
    """
    parsed: dict[str, int] = {}
    for value in text.filter(text.str.contains(":", literal=True)).unique().to_list():
        try:
            parsed[value] = int(ipaddress.IPv6Address(value))
        except ValueError:
            continue
    fakes = _permute_bits(list(parsed.values()), 128, keep_bits, key_hex, V6_LIMBS) if parsed else []
    lookup = pl.DataFrame(
        {"text": list(parsed), "fake": [str(ipaddress.IPv6Address(f)) for f in fakes]},
        schema={"text": pl.String, "fake": pl.String},
    )
    joined = text.to_frame("text").join(lookup, on="text", how="left", maintain_order="left")
    return joined["fake"].alias(text.name)


def permute_ips(text: pl.Series, key_hex: str, keep_bits: int = 0, keep_bits_v6: int = 0) -> pl.Series:
    """IPv4 and IPv6 in one column: each keeps its version (``keep_bits`` for v4, ``keep_bits_v6`` for v6)."""
    frame = pl.DataFrame(
        {"v4": permute_ipv4(text, key_hex, keep_bits), "v6": permute_ipv6(text, key_hex, keep_bits_v6)}
    )
    return frame.select(pl.coalesce("v4", "v6")).to_series().alias(text.name)
