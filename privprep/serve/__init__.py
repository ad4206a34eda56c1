"""Serving: the policy's row-local operators on single records, equal to what ``apply`` writes.

``compile(policy, key=...)`` → :class:`Transformer`; ``privprep serve`` wraps it in an ASGI app
(:mod:`privprep.serve.app`, extra ``privprep[serve]``).
"""

from privprep.serve.transformer import Transformer, compile, table_steps
from privprep.serve.values import RecordError

__all__ = ["RecordError", "Transformer", "compile", "table_steps"]
