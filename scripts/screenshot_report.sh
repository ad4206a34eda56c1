#!/usr/bin/env bash
# Render a privprep HTML report headless and save a PNG, to look at it as a reviewer would.
#
#   scripts/screenshot_report.sh report.html [out.png] [width,height]
#
# Without an argument it first makes a report: it applies a policy with k-anonymity and
# l-diversity checks to samples/customers.parquet in a temporary directory.
# Skips (exit 0) where Chromium is not installed (Debian: apt-get install -y chromium).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
  echo "screenshot_report: chromium not found; skipped" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
report="${1:-}"
png="${2:-$PWD/report.png}"
size="${3:-1280,2400}"

if [[ -z "$report" ]]; then
  report="$work/report.html"
  python - "$root" "$work" "$report" <<'EOF'
import sys
from pathlib import Path

import privprep
from privprep.audit import AuditLog
from privprep.report import write_report

root, work, report = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
text = (root / "policies/customers.yaml").read_text()
text = text.replace("keep_prefix: 3", "keep_prefix: 1").replace("to: year}\n", "to: decade}\n", 1)
text = text.split("\noutput:")[0] + """
checks:
  k_anonymity: {quasi_identifiers: [zip, birth_date, gender], k: 5, on_fail: suppress, max_suppression: 0.06}
  l_diversity: {quasi_identifiers: [zip, birth_date, gender], sensitive: diagnosis, l: 2, on_fail: suppress,
                max_suppression: 0.05}
"""
result = privprep.apply(privprep.parse_policy(text), root / "samples/customers.parquet", work / "out.parquet",
                        key="7f3a9c2e4b1d8f6a-screenshot")
write_report(result.record, report, log=AuditLog(result.audit_log))
EOF
fi

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size="$size" \
  --screenshot="$png" "file://$(realpath "$report")" >/dev/null 2>&1
echo "screenshot: $png"
