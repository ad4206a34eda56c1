"""DP releases, rendered generically from whatever fields the release records carry.

Budget fields (ε spent, δ, remaining budget) are lifted into a headline; scalar fields become
a key-value list; lists of mappings (per-statistic metrics: scale, accuracy...) become tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privprep.report import fmt

NAME_KEYS = ("name", "release", "table", "query")
EPSILON_KEYS = ("epsilon_spent", "epsilon", "spent", "cost")
BUDGET_WORDS = ("epsilon", "delta", "rho", "remaining", "budget")


@dataclass(frozen=True)
class ReleaseView:
    name: str
    epsilon: float | None
    headline: list[tuple[str, str]]
    details: list[tuple[str, str]]
    tables: list[tuple[str, list[str], list[list[str]]]]


def release_views(releases: list[dict[str, Any]]) -> list[ReleaseView]:
    return [_view(i, r) for i, r in enumerate(releases, start=1) if isinstance(r, dict)]


def _view(index: int, release: dict[str, Any]) -> ReleaseView:
    name_key = next((k for k in NAME_KEYS if isinstance(release.get(k), str)), None)
    name = release[name_key] if name_key else f"release {index}"
    epsilon = next((release[k] for k in EPSILON_KEYS if isinstance(release.get(k), int | float)), None)
    headline, details, tables = [], [], []
    for key, value in _flatten(release):
        if key == name_key:
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(_table(key, value))
        elif any(word in key.lower() for word in BUDGET_WORDS):
            headline.append((fmt.label(key), fmt.scalar(value)))
        else:
            details.append((fmt.label(key), fmt.scalar(value)))
    return ReleaseView(str(name), float(epsilon) if epsilon is not None else None, headline, details, tables)


def _flatten(mapping: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings become dotted keys; lists stay as they are."""
    out: list[tuple[str, Any]] = []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        out += _flatten(value, f"{name}.") if isinstance(value, dict) and value else [(name, value)]
    return out


def _table(title: str, rows: list[dict[str, Any]]) -> tuple[str, list[str], list[list[str]]]:
    flat = [dict(_flatten(row)) for row in rows]
    header: list[str] = []
    for row in flat:
        header += [k for k in row if k not in header]
    return (
        fmt.label(title),
        [fmt.label(h) for h in header],
        [[fmt.scalar(r.get(h)) for h in header] for r in flat],
    )
