"""Re-identification risk gate: k-anonymity and l-diversity on the transformed output.

>>> outcome = run_checks(policy.checks, output_frame, before=input_frame)
>>> outcome.record["k_anonymity"]["k_achieved"], outcome.warnings
>>> written = outcome.suppress(output_frame) if outcome.suppress else output_frame
"""

from privprep.checks.gate import CheckOutcome, run_checks
from privprep.checks.quasi import quasi_identifier_warnings

__all__ = ["CheckOutcome", "quasi_identifier_warnings", "run_checks"]
