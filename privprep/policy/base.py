"""Base class for every policy spec: frozen, unknown keys rejected (the loader names the allowed ones)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    """A frozen, strictly validated piece of a policy."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
