#!/usr/bin/env bash
# The proxy under load, on loopback (issue 8's targets). wrk with 100 connections sends a
# non-streaming chat turn (bench/load/chat.lua; its phone number and SSN differ on every request):
#   latency: each connection (a caller) sends a turn, waits for the answer, pauses 100 ms, and so
#     on, straight to an OpenAI-compatible upstream (nginx answering a fixed completion) and then
#     through `masker serve` to that same upstream; the difference is Masker's added latency.
#     100 callers at ~10 turns/s each (~1,000 turns/s) load this 2-core machine, which wrk and
#     nginx share, to about three quarters, so the same pair of runs is repeated with 1 s pauses
#     (~100 turns/s, still several times a real call's pace): service time without queueing.
#   floor: the same latency runs (both paces against nginx, and behind the model) through
#     bench/proxy-floor, a forwarder built from the same server and client as Masker that does
#     nothing else: what the stack costs before Masker's own work (JSON, detection, tokens, vault,
#     audit) begins.
#   throughput: back to back with no pause, through `masker serve` to the built-in `stub` upstream
#     (no network hop, so this is the proxy's own rate) and to the nginx upstream.
#   behind a model: the latency pair again, with 100 ms pauses, against bench/load/model.py, a
#     stand-in model that answers after MODEL_DELAY_MS (default 25, faster than any hosted model)
#     and repeats the caller's message back, so Masker restores the turn's tokens and records that
#     before releasing the answer, as it does in a real call: what a caller would notice.
# Prints p50/p99 latency, requests/s, the added latency, Masker's CPU time per proxied turn (from
# /proc: steadier than latency on a shared machine) and its peak RSS.
#
# Usage: scripts/load-test.sh [seconds per run, default 20] [connections, default 100]
# Installs wrk and nginx from Debian if missing; builds the release binaries, or runs the ones named
# by MASKER_BINARY and FLOOR_BINARY (to set two builds side by side); leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNECTIONS="${2:-100}"
THREADS=2

. scripts/apt-need.sh
apt_need wrk nginx
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -n "${MASKER_BINARY:-}" ]; then
  MASKER="$MASKER_BINARY"
else
  swift build -c release --product masker >/dev/null
  MASKER=.build/release/masker
fi
# The stack's floor (bench/proxy-floor): the same server and client, forwarding and nothing else.
if [ -n "${FLOOR_BINARY:-}" ]; then
  FLOOR="$FLOOR_BINARY"
else
  swift build -c release --product proxy-floor >/dev/null
  FLOOR=.build/release/proxy-floor
fi
WORK=$(mktemp -d)
UPSTREAM_PORT=18481
PROXY_PORT=18480
MODEL_PORT=18482
FLOOR_PORT=18483
MODEL_FLOOR_PORT=18484
MODEL_DELAY_MS="${MODEL_DELAY_MS:-25}"
cleanup() {
  [ -n "${FLOOR_PID:-}" ] && kill "$FLOOR_PID" 2>/dev/null && wait "$FLOOR_PID" 2>/dev/null || true
  [ -n "${MODEL_FLOOR_PID:-}" ] && kill "$MODEL_FLOOR_PID" 2>/dev/null && wait "$MODEL_FLOOR_PID" 2>/dev/null || true
  [ -n "${MASKER_PID:-}" ] && kill "$MASKER_PID" 2>/dev/null && wait "$MASKER_PID" 2>/dev/null || true
  [ -n "${MODEL_PID:-}" ] && kill "$MODEL_PID" 2>/dev/null && wait "$MODEL_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The upstream: nginx answering every chat completion with the same small JSON, as fast as a
# model server could ever answer, so what the proxy adds is not lost in upstream noise.
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK;
  proxy_temp_path $WORK; fastcgi_temp_path $WORK; uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location /v1/chat/completions {
      default_type application/json;
      return 200 '{"id":"chatcmpl-load","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Thank you, I found your appointment for next Tuesday."},"finish_reason":"stop"}]}';
    }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf"

python3 bench/load/model.py "$MODEL_PORT" "$MODEL_DELAY_MS" &
MODEL_PID=$!
"$FLOOR" "$FLOOR_PORT" "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" >>"$WORK/floor.log" 2>&1 &
FLOOR_PID=$!
"$FLOOR" "$MODEL_FLOOR_PORT" "http://127.0.0.1:$MODEL_PORT/v1/chat/completions" >>"$WORK/floor.log" 2>&1 &
MODEL_FLOOR_PID=$!

# Starts `masker serve` with its `openai:` agents on the upstream at port $1 (the server keeps
# its agents and data across restarts, in $WORK/data).
start_masker() {
  MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" MASKER_LISTEN_ADDR="127.0.0.1:$PROXY_PORT" MASKER_LOG_LEVEL=warning \
    MASKER_RATE_LIMIT_PER_MINUTE=0 MASKER_OPENAI_BASE_URL="http://127.0.0.1:$1/v1" \
    "$MASKER" serve 2>>"$WORK/masker.log" &
  MASKER_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
}
start_masker "$UPSTREAM_PORT"
TOKEN=$(MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" "$MASKER" admin token --quiet | tail -1)
agent() {
  curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"upstream\":\"$2\"}" "http://127.0.0.1:$PROXY_PORT/api/v1/agents" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
OPENAI_AGENT=$(agent load-openai openai:m)
STUB_AGENT=$(agent load-stub stub)

# Masker's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$MASKER_PID/stat"; }

# Prints "p50_ms p99_ms requests_per_s errors cpu_ms_per_request" for one wrk run against URL with
# PAUSE ms between a connection's requests.
run() {
  local out before
  before=$(cpu_ticks)
  out=$(LOAD_DELAY_MS="$2" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/load/chat.lua "$1")
  echo "$out" >>"$WORK/wrk.txt"
  python3 - "$out" "$(( $(cpu_ticks) - before ))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = sys.argv[1]
def ms(label):
    m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
cpu_ms = int(sys.argv[2]) / int(sys.argv[3]) * 1000 / max(requests, 1)
errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
socket = re.search(r"Socket errors:.*", text)
print(f"{ms('50'):.3f} {ms('99'):.3f} {rps:.0f} {int(errors.group(1)) if errors else 0} {cpu_ms:.3f}{' ' + socket.group(0) if socket else ''}")
PY
}

# Warm up (connection pools, first allocations), then measure.
wrk -t1 -c10 -d2s -s bench/load/chat.lua "http://127.0.0.1:$PROXY_PORT/proxy/$OPENAI_AGENT/v1/chat/completions" >/dev/null
wrk -t1 -c10 -d1s -s bench/load/chat.lua "http://127.0.0.1:$FLOOR_PORT/v1/chat/completions" >/dev/null
PAUSE=100
read -r D50 D99 DRPS DERR DCPU DREST <<<"$(run "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" $PAUSE)"
read -r P50 P99 PRPS PERR PCPU PREST <<<"$(run "http://127.0.0.1:$PROXY_PORT/proxy/$OPENAI_AGENT/v1/chat/completions" $PAUSE)"
SLOW=1000
read -r E50 E99 ERPS EERR ECPU EREST <<<"$(run "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" $SLOW)"
read -r Q50 Q99 QRPS QERR QCPU QREST <<<"$(run "http://127.0.0.1:$PROXY_PORT/proxy/$OPENAI_AGENT/v1/chat/completions" $SLOW)"
read -r F50 F99 FRPS FERR FCPU FREST <<<"$(run "http://127.0.0.1:$FLOOR_PORT/v1/chat/completions" $PAUSE)"
read -r G50 G99 GRPS GERR GCPU GREST <<<"$(run "http://127.0.0.1:$FLOOR_PORT/v1/chat/completions" $SLOW)"
read -r S50 S99 SRPS SERR SCPU SREST <<<"$(run "http://127.0.0.1:$PROXY_PORT/proxy/$STUB_AGENT/v1/chat/completions" 0)"
read -r O50 O99 ORPS OERR OCPU OREST <<<"$(run "http://127.0.0.1:$PROXY_PORT/proxy/$OPENAI_AGENT/v1/chat/completions" 0)"
RSS_MB=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$MASKER_PID/status")
SESSIONS=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PROXY_PORT/api/v1/sessions?limit=1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')

# The same agent behind the stand-in model: restart the server on that upstream. The audit log
# already holds the stub runs' restorations (the stub echoes tokens), so count from here.
RESTORED_BEFORE=$(grep -c '"kind":"rehydration"' "$WORK/data/audit.jsonl" || true)
kill "$MASKER_PID" && wait "$MASKER_PID" 2>/dev/null || true
start_masker "$MODEL_PORT"
wrk -t1 -c10 -d2s -s bench/load/chat.lua "http://127.0.0.1:$PROXY_PORT/proxy/$OPENAI_AGENT/v1/chat/completions" >/dev/null
read -r M50 M99 MRPS MERR MCPU MREST <<<"$(run "http://127.0.0.1:$MODEL_PORT/v1/chat/completions" $PAUSE)"
read -r N50 N99 NRPS NERR NCPU NREST <<<"$(run "http://127.0.0.1:$PROXY_PORT/proxy/$OPENAI_AGENT/v1/chat/completions" $PAUSE)"
wrk -t1 -c10 -d1s -s bench/load/chat.lua "http://127.0.0.1:$MODEL_FLOOR_PORT/v1/chat/completions" >/dev/null
read -r H50 H99 HRPS HERR HCPU HREST <<<"$(run "http://127.0.0.1:$MODEL_FLOOR_PORT/v1/chat/completions" $PAUSE)"
RESTORED=$(( $(grep -c '"kind":"rehydration"' "$WORK/data/audit.jsonl" || true) - RESTORED_BEFORE ))

printf '\n%s connections, %s s per run, %s wrk threads, %s cores\n' "$CONNECTIONS" "$DURATION" "$THREADS" "$(nproc)"
printf '%-48s %9s %9s %10s %8s %14s\n' run p50_ms p99_ms req_per_s non_2xx masker_cpu_ms
printf '%-48s %9s %9s %10s %8s %14s\n' "latency: upstream directly (${PAUSE} ms pauses)" "$D50" "$D99" "$DRPS" "$DERR" "-"
printf '%-48s %9s %9s %10s %8s %14s\n' "latency: masker -> same upstream (${PAUSE} ms pauses)" "$P50" "$P99" "$PRPS" "$PERR" "$PCPU"
printf '%-48s %9s %9s %10s %8s %14s\n' "latency: upstream directly (${SLOW} ms pauses)" "$E50" "$E99" "$ERPS" "$EERR" "-"
printf '%-48s %9s %9s %10s %8s %14s\n' "latency: masker -> same upstream (${SLOW} ms pauses)" "$Q50" "$Q99" "$QRPS" "$QERR" "$QCPU"
printf '%-48s %9s %9s %10s %8s %14s\n' "floor: bare forwarder -> upstream (${PAUSE} ms)" "$F50" "$F99" "$FRPS" "$FERR" "-"
printf '%-48s %9s %9s %10s %8s %14s\n' "floor: bare forwarder -> upstream (${SLOW} ms)" "$G50" "$G99" "$GRPS" "$GERR" "-"
printf '%-48s %9s %9s %10s %8s %14s\n' "throughput: masker -> stub upstream" "$S50" "$S99" "$SRPS" "$SERR" "$SCPU"
printf '%-48s %9s %9s %10s %8s %14s\n' "throughput: masker -> nginx upstream" "$O50" "$O99" "$ORPS" "$OERR" "$OCPU"
printf '%-48s %9s %9s %10s %8s %14s\n' "model (${MODEL_DELAY_MS} ms, echoes) directly (${PAUSE} ms pauses)" "$M50" "$M99" "$MRPS" "$MERR" "-"
printf '%-48s %9s %9s %10s %8s %14s\n' "masker -> same model (${PAUSE} ms pauses)" "$N50" "$N99" "$NRPS" "$NERR" "$NCPU"
printf '%-48s %9s %9s %10s %8s %14s\n' "floor: bare forwarder -> same model" "$H50" "$H99" "$HRPS" "$HERR" "-"
python3 -c "print(f'added latency at $CONNECTIONS callers, ${PAUSE} ms pauses: p50 {float(\"$P50\") - float(\"$D50\"):.3f} ms, p99 {float(\"$P99\") - float(\"$D99\"):.3f} ms')"
python3 -c "print(f'added latency at $CONNECTIONS callers, ${SLOW} ms pauses: p50 {float(\"$Q50\") - float(\"$E50\"):.3f} ms, p99 {float(\"$Q99\") - float(\"$E99\"):.3f} ms')"
python3 -c "print(f'the stack alone (bench/proxy-floor: Hummingbird and async-http-client forwarding, nothing else) adds: p50 {float(\"$F50\") - float(\"$D50\"):.3f} / {float(\"$G50\") - float(\"$E50\"):.3f} ms, p99 {float(\"$F99\") - float(\"$D99\"):.3f} / {float(\"$G99\") - float(\"$E99\"):.3f} ms (${PAUSE} / ${SLOW} ms pauses), p50 {float(\"$H50\") - float(\"$M50\"):.3f} ms, p99 {float(\"$H99\") - float(\"$M99\"):.3f} ms behind the model')"
python3 -c "print(f'added latency behind a ${MODEL_DELAY_MS} ms model that repeats the turn: p50 {float(\"$N50\") - float(\"$M50\"):.3f} ms, p99 {float(\"$N99\") - float(\"$M99\"):.3f} ms ($RESTORED tokens restored behind the model, warm-up included)')"
echo "masker peak RSS (nginx and stub runs): ${RSS_MB} MB"
if [ -n "$DREST$PREST$EREST$QREST$FREST$GREST$SREST$OREST$MREST$NREST$HREST" ]; then echo "wrk socket errors: $DREST | $PREST | $EREST | $QREST | $FREST | $GREST | $SREST | $OREST | $MREST | $NREST | $HREST"; fi
if [ "$SESSIONS" != "1" ]; then echo "warning: no sessions were recorded"; fi
