#!/usr/bin/env bash
# Fuzzes the proxy's trust boundary for a bounded time (Tests/fuzz/proxy_request_fuzz.py, atheris):
# random chat-completions requests with PHI anywhere, through a running `masker serve`, to a
# recording upstream; fails if any PHI value reaches the upstream, a refused request reaches it,
# or the server answers anything but 200 or 400.
#
# Usage: scripts/fuzz.sh [seconds, default 60]
# Uses MASKER_BINARY (default .build/debug/masker; build it first) and installs atheris (PyPI,
# Apache-2.0) into the .build/python-e2e virtualenv scripts/setup.sh makes. A failing input is kept
# as .build/fuzz/crash-*; rerun one with: .build/python-e2e/bin/python Tests/fuzz/proxy_request_fuzz.py FILE
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_BOUND="${1:-60}"
PYTHON=.build/python-e2e/bin/python
if ! "$PYTHON" -c "import atheris" >/dev/null 2>&1; then
  "$PYTHON" -m pip install -q --disable-pip-version-check -r Tests/fuzz/requirements.txt
fi
export MASKER_BINARY="${MASKER_BINARY:-$PWD/.build/debug/masker}"
mkdir -p .build/fuzz/corpus
cd .build/fuzz
exec "../../$PYTHON" ../../Tests/fuzz/proxy_request_fuzz.py -max_total_time="$SECONDS_BOUND" -timeout=60 -print_final_stats=1 corpus
