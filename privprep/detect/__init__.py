"""PII detection: column classification, free-text scrubbing, policy drafting.

Importing this package is light; Presidio and spaCy load when a scan or scrub runs.
"""

from privprep.detect.draft import draft_policy
from privprep.detect.report import ColumnFinding, ScanReport
from privprep.detect.scan import scan

__all__ = ["ColumnFinding", "ScanReport", "draft_policy", "scan"]
