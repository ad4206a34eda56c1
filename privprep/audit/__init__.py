"""The append-only, hash-chained audit log."""

from privprep.audit.store import DEFAULT_NAME, AuditLog
from privprep.audit.verify import Verification, verify_log

__all__ = ["DEFAULT_NAME", "AuditLog", "Verification", "verify_log"]
