"""Column operators, registered by action name (importing this package registers them all)."""

from privprep.transforms import basic, fake, generalize, pseudonymize, shift_date
from privprep.transforms.fake import fake_from_digest, fake_values
from privprep.transforms.pseudonymize import pseudonym_expr, pseudonym_values
from privprep.transforms.registry import Context, build, known_actions, register

__all__ = [
    "Context",
    "basic",
    "build",
    "fake",
    "fake_from_digest",
    "fake_values",
    "generalize",
    "known_actions",
    "pseudonym_expr",
    "pseudonym_values",
    "pseudonymize",
    "register",
    "shift_date",
]
