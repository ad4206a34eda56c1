"""Column operators, registered by action name (importing this package registers them all)."""

from privprep.transforms import basic, fake, generalize, pseudonymize, shift_date
from privprep.transforms.fake import fake_values
from privprep.transforms.pseudonymize import pseudonym_expr, pseudonym_values
from privprep.transforms.registry import Context, build, known_actions, operator, register, rule_problems

__all__ = [
    "Context",
    "basic",
    "build",
    "fake",
    "fake_values",
    "generalize",
    "known_actions",
    "operator",
    "pseudonym_expr",
    "pseudonym_values",
    "pseudonymize",
    "register",
    "rule_problems",
    "shift_date",
]
