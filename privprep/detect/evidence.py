"""A column's signals: each a signed contribution to one entity, kept for the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Evidence:
    """Signals gathered for one column; ``scores`` sums them per entity."""

    signals: list[dict[str, Any]] = field(default_factory=list)

    def add(self, entity: str, signal: str, contribution: float, share: float | None = None) -> None:
        if abs(contribution) < 0.005:
            return
        item: dict[str, Any] = {"signal": signal, "entity": entity, "contribution": round(contribution, 3)}
        if share is not None:
            item["share"] = round(share, 3)
        self.signals.append(item)

    def totals(self) -> dict[str, float]:
        """Each entity's sum of contributions, before clipping."""
        totals: dict[str, float] = {}
        for s in self.signals:
            totals[s["entity"]] = totals.get(s["entity"], 0.0) + s["contribution"]
        return totals

    def scores(self) -> dict[str, float]:
        return {e: round(min(1.0, max(0.0, v)), 3) for e, v in self.totals().items()}

    def share(self, signal: str) -> float:
        """The share a signal recorded (0 when it was not added)."""
        return next((s.get("share", 0.0) for s in self.signals if s["signal"] == signal), 0.0)
