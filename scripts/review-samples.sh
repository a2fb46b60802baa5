#!/usr/bin/env bash
# Set up .venv and run the annual review of 真岡市 (Moka), 令和7年度, on the bundled sample facts.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q -e .
rm -f samples.db
.venv/bin/nintei --db sqlite:///samples.db review --policy moka --fiscal-year 2025 --facts facts/samples/moka
