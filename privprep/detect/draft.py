"""``draft_policy``: a complete, commented policy for a table, from its scan.

Identifiers are pseudonymized; names, e-mails, phones and places are faked in one domain
(so a person named in free text and in a name column becomes the same fake person);
free text is scrubbed; birth dates, postcodes and ages are generalized; the rest is kept.
``unlisted: fail`` makes every column added later a decision for a person.
"""

from __future__ import annotations

import re

import yaml

from privprep.detect.nested import UNSCANNABLE
from privprep.detect.report import FREE_TEXT, ColumnFinding, ScanReport
from privprep.transforms.fake import ENTITY_FAKES

DOMAIN = "person"
PSEUDONYMIZED = frozenset({
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER", "US_ITIN",
    "UK_NHS", "MEDICAL_LICENSE", "IP_ADDRESS", "URL", "CRYPTO", "MAC_ADDRESS",
})  # fmt: skip
FAKED = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "USERNAME": "username"}
NESTED = ("List(", "Array(", "Struct(", "Binary")  # rendered dtypes no per-value operator takes
SCRUB_DEFAULT = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION")
NOT_SCRUBBED = frozenset({"DATE_TIME", "NRP"})
HANDLED = frozenset(
    {"PERSON", "LOCATION", "NRP", "DATE_OF_BIRTH", "ZIP_CODE", "AGE", "GENDER", "DATE_TIME", *FAKED}
)


def draft_policy(report: ScanReport, *, input_name: str) -> str:
    """YAML policy text for the scanned table; ``privprep.parse_policy`` accepts it as is."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", input_name.rsplit(".", 1)[0]).strip("_.-") or "table"
    lines = [
        f"# privprep policy drafted from a scan of {_printable(input_name)}"
        f" ({report.rows_sampled} rows sampled,",
        f"# NER {'on' if report.ner else 'off: pattern recognizers only'}). Review every line before use:",
        "# detection is evidence, not proof. Scores and signals are in `privprep scan --json`.",
        "version: 1",
        f"name: {_scalar(stem)}",
        f"description: {_scalar('Drafted by privprep init from ' + input_name)}",
        "key: {env: PRIVPREP_KEY}  # master key for pseudonyms and fakes; never put it in this file",
        "",
        "columns:",
    ]
    for finding in report.columns:
        action, why = _action(finding)
        lines += [f"  # {why}", f"  {_key(finding.name)}: {action}"]
    lines += [
        "",
        "unlisted: fail  # a column not named above stops the run: new columns need a decision",
        "",
        "detect:",
        "  threshold: 0.5",
        "  on_undeclared_pii: fail",
        *_checks_hint(report),
    ]
    return "\n".join(lines) + "\n"


def _action(f: ColumnFinding) -> tuple[str, str]:
    """The rule for one column and the comment explaining it."""
    seen = f"{f.entity} (score {f.score:.2f})"
    dtype = str(f.evidence.get("dtype", ""))
    if f.entity == FREE_TEXT:
        return _scrub(f)
    if f.free_text:
        return "keep", "free text; no personal data found in the sample: consider scrub"
    if f.entity is None:
        return "keep", "no personal data detected"
    if f.entity == "PASSWORD":
        return "drop", f"{seen}: a credential or secret, never training data: dropped"
    if f.entity == UNSCANNABLE or dtype.startswith(NESTED):
        return "drop", f"{seen}: personal data inside a nested or binary column: dropped"
    if f.entity in PSEUDONYMIZED or f.entity not in HANDLED:
        return "pseudonymize", f"{seen}: an identifier, replaced by a keyed token"
    if f.entity == "PERSON":
        kind = (
            f.evidence.get("kind_hint")
            if f.evidence.get("kind_hint") in ("first_name", "last_name")
            else "name"
        )
        return _fake(kind), f"{seen}: a fake {kind.replace('_', ' ')}, the same for the same person"
    if f.entity == "LOCATION":
        kind = "address" if f.evidence.get("kind_hint") == "address" else "city"
        return _fake(kind), f"{seen}: a fake {kind}"
    if f.entity in FAKED:
        return _fake(FAKED[f.entity]), f"{seen}: a fake {FAKED[f.entity]}, format kept"
    if f.entity == "NRP":
        return "drop", f"{seen}: nationality, religion or politics, a special category: dropped"
    return _quasi(f, seen, dtype)


def _quasi(f: ColumnFinding, seen: str, dtype: str) -> tuple[str, str]:
    if f.entity == "DATE_OF_BIRTH":
        return "{action: generalize, to: year}", f"{seen}: quasi-identifier, kept as the year"
    if f.entity == "ZIP_CODE" and (dtype == "String" or "Int" in dtype):
        return "{action: generalize, keep_prefix: 3}", f"{seen}: quasi-identifier, first 3 characters kept"
    if f.entity == "AGE" and ("Int" in dtype or "Float" in dtype):
        return "{action: generalize, round_to: 10, top: 90}", f"{seen}: quasi-identifier, 10-year bands, 90+"
    hint = (
        "consider generalize (to: month)" if f.entity == "DATE_TIME" else "consider it in a k-anonymity check"
    )
    return "keep", f"{seen}: quasi-identifier, kept; {hint}"


def _scrub(f: ColumnFinding) -> tuple[str, str]:
    contains = f.evidence.get("contains", {})
    entities = sorted(set(SCRUB_DEFAULT) | {e for e in contains if e not in NOT_SCRUBBED})
    found = ", ".join(f"{e} {share:.0%}" for e, share in contains.items()) or "none"
    why = f"free text with personal data (share of sampled texts: {found})"
    if all(e in ENTITY_FAKES for e in entities):
        rule = f"{{action: scrub, entities: [{', '.join(entities)}], with: fake, domain: {DOMAIN}}}"
        return rule, why + "; spans faked like the name columns"
    return f"{{action: scrub, entities: [{', '.join(entities)}], with: tag}}", why + "; spans tagged"


def _fake(kind: str) -> str:
    return f"{{action: fake, kind: {kind}, domain: {DOMAIN}}}"


def _key(name: str) -> str:
    """A column name as a YAML key: bare when plainly safe, else one double-quoted line."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else _scalar(name)


def _scalar(text: str) -> str:
    """``text`` as one double-quoted YAML line: newlines, lone surrogates and the like escaped."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    return dumped.removesuffix("\n").removesuffix("\n...")


def _printable(text: str) -> str:
    """``text`` for a comment: every character that could end the line or not encode escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _checks_hint(report: ScanReport) -> list[str]:
    qis = [f.name for f in report.columns if f.is_quasi_identifier]
    if not qis:
        return []
    return [
        "",
        "# Quasi-identifiers found; to bound re-identification risk, enable a k-anonymity check:",
        "# checks:",
        f"#   k_anonymity: {{quasi_identifiers: [{', '.join(_key(q) for q in qis)}], k: 5, on_fail: suppress,"
        " max_suppression: 0.05}",
    ]
