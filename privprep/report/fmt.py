"""Number and value formatting shared by the HTML and terminal reports."""

from __future__ import annotations

from typing import Any

MISSING = "—"


def num(value: Any) -> str:
    """``1234`` → ``1,234``; floats to 4 significant digits; ``None`` → ``—``."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"
    return str(value)


def pct(value: float | None) -> str:
    """A share as a percentage: ``0.0123`` → ``1.23%``."""
    return MISSING if value is None else f"{value:.2%}"


def short(digest: str | None, length: int = 16) -> str:
    """The start of a hash, enough to compare by eye."""
    return MISSING if not digest else digest[:length] + ("…" if len(digest) > length else "")


def scalar(value: Any) -> str:
    """Any JSON value on one line (lists joined, mappings as ``k: v``)."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {scalar(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(scalar(v) for v in value)
    return num(value)


def params(values: dict[str, Any]) -> str:
    """An action's parameters as written in a policy, without the unset ones: ``keep_prefix=3``."""
    return ", ".join(f"{k}={_plain(v)}" for k, v in values.items() if v not in (None, [], "", {}))


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def label(key: str) -> str:
    """``epsilon_spent`` → ``epsilon spent``."""
    return key.replace("_", " ")
