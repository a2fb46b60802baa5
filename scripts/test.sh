#!/usr/bin/env bash
# Set up .venv (Python 3.11/3.12: durable_rules does not import on 3.13) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q -e '.[test]'
# tests/test_explain_html.py prints explain's HTML in a real headless Chromium (Debian's), with a
# Japanese font so that the page it prints is readable
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
command -v chromium >/dev/null || ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium)
# tests/test_review_outputs.py and tests/test_report.py convert the workbooks headless with LibreOffice
command -v soffice >/dev/null || ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq libreoffice-calc-nogui)
# tests/test_durable_seam.py watches durable_rules' C engine read memory under valgrind
command -v valgrind >/dev/null || ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq valgrind)
fc-list :lang=ja 2>/dev/null | grep -q . || ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq fonts-ipafont-gothic)
set +e
.venv/bin/python -m pytest -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit "$rc"
