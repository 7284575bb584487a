#!/usr/bin/env bash
# CPU time per proxied turn, two builds alternated (A B, B A, A B …): `masker serve` on embedded
# defaults with a `stub` agent, the load test's ~200-byte turn (a spoken phone number and an SSN,
# new every time) sent one after another on one connection, and the server's own user + system
# time (from /proc) over TURNS turns after 300 of warm-up.
#
# Why: on this shared 2-core VM the load test's latencies move by half between runs, and its CPU
# per turn at ~100 turns/s is mostly the cost of waking up. Sequential turns measure the work of a
# turn alone, to a few microseconds when alternated (the clock tick is 10 ms over 2,000 turns).
#
# Usage: bench/cpu-per-turn.sh OLD_MASKER NEW_MASKER [ROUNDS, default 5] [TURNS, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -ge 2 ] || { echo "usage: bench/cpu-per-turn.sh OLD_MASKER NEW_MASKER [ROUNDS] [TURNS]" >&2; exit 64; }
BINARIES=("$1" "$2"); ROUNDS="${3:-5}"; TURNS="${4:-2000}"
WORK=$(mktemp -d)
PORT=18499
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
# CPU milliseconds per turn of one binary.
measure() {
  local data="$WORK/data-$RANDOM"
  MASKER_DEV=1 MASKER_DATA_DIR="$data" MASKER_LISTEN_ADDR="127.0.0.1:$PORT" MASKER_LOG_LEVEL=warning \
    MASKER_RATE_LIMIT_PER_MINUTE=0 "$1" serve 2>/dev/null &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
  local token agent before after
  token=$(MASKER_DEV=1 MASKER_DATA_DIR="$data" "$1" admin token --quiet | tail -1)
  agent=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"cpu","upstream":"stub"}' \
    "http://127.0.0.1:$PORT/api/v1/agents" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  python3 bench/load/turns.py "$PORT" "/proxy/$agent/v1/chat/completions" 300
  before=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  python3 bench/load/turns.py "$PORT" "/proxy/$agent/v1/chat/completions" "$TURNS"
  after=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  python3 -c "import os,sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) * 1000 / os.sysconf(\"SC_CLK_TCK\") / int(sys.argv[3]):.4f}')" \
    "$before" "$after" "$TURNS"
}
declare -a A B
# A B, then B A, and so on: a machine that gets busier during the run weighs on both alike.
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    A+=("$(measure "${BINARIES[0]}")"); B+=("$(measure "${BINARIES[1]}")")
  else
    B+=("$(measure "${BINARIES[1]}")"); A+=("$(measure "${BINARIES[0]}")")
  fi
  echo "round $round: ${A[-1]} ${B[-1]} ms per turn"
done
python3 - "${A[*]}" "${B[*]}" <<'PY'
import statistics, sys
a, b = (list(map(float, x.split())) for x in sys.argv[1:3])
print(f"median CPU per proxied turn: {statistics.median(a):.3f} ms (first), {statistics.median(b):.3f} ms (second), "
      f"difference {1000 * (statistics.median(b) - statistics.median(a)):+.0f} µs")
PY
