#!/usr/bin/env bash
# Rebuilds synthetic mode's public tables (Sources/MaskerCore/Resources/synthetic) from PyPI
# packages, deterministically: the same package versions give byte-identical files.
# See Resources/synthetic/README.md and docs/synthetic.md.
#
# Needs: python3 with venv; a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.build/synthetic-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q names==0.3.0 zipcodes==3.0.0
fi
"$VENV/bin/python" data/synthetic/build_tables.py Sources/MaskerCore/Resources/synthetic
ls -l Sources/MaskerCore/Resources/synthetic
