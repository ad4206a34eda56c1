"""Policy models and loading."""

from privprep.policy.load import load_policy, parse_policy
from privprep.policy.model import KeySource, OutputSpec, Policy

__all__ = ["KeySource", "OutputSpec", "Policy", "load_policy", "parse_policy"]
