#!/usr/bin/env bash
# Fuzzes Masker for a bounded time with atheris, through a running `masker serve`:
#   proxy   Tests/fuzz/proxy_request_fuzz.py: random chat-completions requests with PHI anywhere, to
#           a recording upstream; fails if any PHI value reaches the upstream, a refused request
#           reaches it, or the server answers anything but 200 or 400.
#   policy  Tests/fuzz/policy_fuzz.py: random agent policies (patterns built from regular-expression
#           fragments, YAML's tricks, raw text); fails unless the agent is answered 201 or 422 and a
#           turn through it 200 or 503 detection_timeout, each within 5 s.
#
# Usage: scripts/fuzz.sh [seconds per target, default 60] [proxy|policy|all, default all]
# Uses MASKER_BINARY (default .build/debug/masker; build it first) and installs atheris (PyPI,
# Apache-2.0) into the .build/python-e2e virtualenv scripts/setup.sh makes. A failing input is kept
# as .build/fuzz/<target>/crash-*; rerun one with:
#   .build/python-e2e/bin/python Tests/fuzz/<target script> FILE
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_BOUND="${1:-60}"
WHICH="${2:-all}"
PYTHON="$PWD/.build/python-e2e/bin/python"
if ! "$PYTHON" -c "import atheris" >/dev/null 2>&1; then
  "$PYTHON" -m pip install -q --disable-pip-version-check -r Tests/fuzz/requirements.txt
fi
export MASKER_BINARY="${MASKER_BINARY:-$PWD/.build/debug/masker}"
fuzz() {
  local name="$1" script="$2"
  echo "== fuzz: $name for ${SECONDS_BOUND} s"
  mkdir -p ".build/fuzz/$name/corpus"
  (cd ".build/fuzz/$name" && "$PYTHON" "../../../Tests/fuzz/$script" -max_total_time="$SECONDS_BOUND" -timeout=60 \
    -print_final_stats=1 corpus)
}
case "$WHICH" in
  proxy) fuzz proxy proxy_request_fuzz.py ;;
  policy) fuzz policy policy_fuzz.py ;;
  all) fuzz proxy proxy_request_fuzz.py; fuzz policy policy_fuzz.py ;;
  *) echo "usage: scripts/fuzz.sh [seconds] [proxy|policy|all]" >&2; exit 64 ;;
esac
