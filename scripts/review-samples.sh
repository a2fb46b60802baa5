#!/usr/bin/env bash
# Set up .venv and run the annual review, 令和7年度, on the bundled sample facts of one policy
# (default 真岡市 moka; also goka, oyama, tarumizu, kakamigahara): bash scripts/review-samples.sh oyama
set -euo pipefail
cd "$(dirname "$0")/.."
POLICY=${1:-moka}
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q -e .
rm -f "samples-$POLICY.db"
.venv/bin/nintei --db "sqlite:///samples-$POLICY.db" review --policy "$POLICY" --fiscal-year 2025 --facts "facts/samples/$POLICY"
