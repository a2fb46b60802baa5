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
cat >&2 <<HINT

この審査は $PWD/samples-$POLICY.db に保存しました。続けて同じデータベースで（docs/clerk.md）:
  source $PWD/.venv/bin/activate
  nintei --db sqlite:///$PWD/samples-$POLICY.db review --policy $POLICY --fiscal-year 令和7年度 --out 結果.xlsx
  nintei --db sqlite:///$PWD/samples-$POLICY.db explain <職員番号> --policy $POLICY --fiscal-year 令和7年度
HINT
