#!/usr/bin/env bash
# Heap allocations per unit of work (issue 9: "allocation counts"): for each `masker bench` stage,
# allocations per turn (per chunk, event or surrogate where that is the stage's unit), and for
# `masker serve`, allocations per proxied turn to the built-in `stub` upstream.
#
# Unlike a timing, an allocation count does not depend on what the machine's neighbours are doing,
# so two builds can be compared on a busy host run by run: allocations are a large share of the
# retain/release and malloc time `perf` shows in the server (docs/performance.md, "Allocations").
#
# How: uprobes on glibc's allocation entry points (malloc, calloc, realloc, posix_memalign,
# aligned_alloc/memalign), counted by `perf stat` around two runs of different length; the
# difference divided by the difference in work, so start-up, model loading and warm-up cancel out.
#
# Usage: bench/allocations.sh [CORPUS, default bench/corpus/turns-200.jsonl]
#   MASKER_BINARY=... to measure another build (default: builds .build/release/masker)
#   STAGES=detect,mask to measure some stages only; SERVER=0 to skip the proxied turn
# Needs root (perf probe) and a kernel with uprobes; installs perf from Debian if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-bench/corpus/turns-200.jsonl}"
STAGES="${STAGES:-tokenize,normalize,detect_regex,detect_gemma,detect,mask,rehydrate,rehydrate_stream,audit_append,synthesize}"
SERVER="${SERVER:-1}"

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/allocations.sh: perf probe needs root; run it with sudo" >&2
  exit 1
fi
if ! command -v perf >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
fi
LIBC=$(ldconfig -p | awk '/libc\.so\.6 .*x86-64|libc\.so\.6 .*aarch64/ {print $NF; exit}')
[ -n "$LIBC" ] || LIBC=$(ldconfig -p | awk '/libc\.so\.6/ {print $NF; exit}')

if [ -n "${MASKER_BINARY:-}" ]; then
  MASKER="$MASKER_BINARY"
else
  swift build -c release --product masker >/dev/null
  MASKER=.build/release/masker
fi

# The probes this script adds are removed on exit; probes that were there before are left alone.
ADDED=()
WORK=$(mktemp -d)
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  for probe in "${ADDED[@]}"; do perf probe -q --del "probe_libc:$probe" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
for function in malloc calloc realloc posix_memalign aligned_alloc; do
  if ! perf probe -l 2>/dev/null | grep -q "probe_libc:$function "; then
    if ! perf probe -q -x "$LIBC" --add "$function" 2>"$WORK/probe.err"; then
      echo "bench/allocations.sh: cannot add a uprobe on $function in $LIBC:" >&2
      cat "$WORK/probe.err" >&2
      echo "this needs a kernel built with CONFIG_UPROBE_EVENTS and perf for it" >&2
      exit 1
    fi
    ADDED+=("$function")
  fi
done
EVENTS=probe_libc:malloc,probe_libc:calloc,probe_libc:realloc,probe_libc:posix_memalign,probe_libc:aligned_alloc

# Allocations made by a command (perf stat's CSV: value first, one line per event).
count() {
  perf stat -x, -e "$EVENTS" -o "$WORK/stat.csv" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
    echo "bench/allocations.sh: '$*' failed:" >&2
    cat "$WORK/err.txt" >&2
    exit 1
  }
  awk -F, '/probe_libc/ {sum += $1} END {print sum + 0}' "$WORK/stat.csv"
}

# Units of work a bench run measured, from its --json output.
units() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stages"][0]["turns"])' "$WORK/out.txt"; }

printf '%-18s %14s %10s\n' stage allocs_per_unit units
IFS=, read -r -a stage_list <<<"$STAGES"
for stage in "${stage_list[@]}"; do
  few=$(count "$MASKER" bench --json --corpus "$CORPUS" --stages "$stage" --rounds 1)
  few_units=$(units)
  many=$(count "$MASKER" bench --json --corpus "$CORPUS" --stages "$stage" --rounds 3)
  many_units=$(units)
  # The vault_insert stages do a fixed amount of work whatever --rounds says: nothing to divide.
  python3 -c "import sys; a,b,c,d=map(int,sys.argv[1:5]); print(f'{sys.argv[5]:<18} {(b-a)/(d-c):14.1f} {d-c:10d}' if d > c else f'{sys.argv[5]:<18} {\"(fixed work)\":>14} {0:10d}')" \
    "$few" "$many" "$few_units" "$many_units" "$stage"
done

[ "$SERVER" = "1" ] || exit 0

# A proxied turn: `masker serve` on embedded defaults (SQLite vault and server store, audit log,
# development key), a `stub` agent that echoes the masked turn (so the answer's tokens are
# restored and recorded, as behind a real model), turns sent one after another on one connection.
PORT=18489
MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" MASKER_LISTEN_ADDR="127.0.0.1:$PORT" MASKER_LOG_LEVEL=warning \
  MASKER_RATE_LIMIT_PER_MINUTE=0 "$MASKER" serve 2>>"$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" "$MASKER" admin token --quiet | tail -1)
AGENT=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"allocations","upstream":"stub"}' "http://127.0.0.1:$PORT/api/v1/agents" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# The turn of bench/load/chat.lua: about 200 bytes, a spoken phone number and an SSN that differ
# every time (so no detection or token is reused), the same system prompt.
TURNS="python3 bench/load/turns.py $PORT /proxy/$AGENT/v1/chat/completions"
$TURNS 100 # warm-up: connection pools, first allocations, caches
few=$(count -p "$SERVER_PID" -- $TURNS 200)
many=$(count -p "$SERVER_PID" -- $TURNS 600)
python3 -c "import sys; a,b=map(int,sys.argv[1:]); print(f'{\"proxied turn\":<18} {(b-a)/400:14.1f} {400:10d}')" "$few" "$many"
