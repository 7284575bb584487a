#!/usr/bin/env bash
# How a turn's cost grows with the length of its call. A voice platform sends the whole
# conversation on every turn, so turn N of a call carries N user messages (each with a phone
# number and a date of birth, spoken) and N-1 answers. One caller at a time, one call after
# another, through `masker serve` (development mode, SQLite vault, audit log synced) to the
# built-in `stub` upstream; prints the median and p90 latency of turns 1, 5, 10, 20 and 40, the
# audit records one call leaves, and the server's CPU time per turn (from /proc: steadier than
# latency on a shared machine).
#
# Usage: bench/call-length.sh [calls, default 10] [turns per call, default 40]
# MASKER_BIN picks the binary (default: builds and uses .build/release/masker).
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS="${1:-10}"
TURNS="${2:-40}"
if [ -z "${MASKER_BIN:-}" ]; then
  swift build -c release --product masker >/dev/null
  MASKER_BIN=.build/release/masker
fi
WORK=$(mktemp -d)
PORT=18490
cleanup() {
  [ -n "${MASKER_PID:-}" ] && kill "$MASKER_PID" 2>/dev/null && wait "$MASKER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" MASKER_LISTEN_ADDR="127.0.0.1:$PORT" MASKER_LOG_LEVEL=warning \
  MASKER_RATE_LIMIT_PER_MINUTE=0 "$MASKER_BIN" serve 2>"$WORK/masker.log" &
MASKER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" "$MASKER_BIN" admin token --quiet | tail -1)
AGENT=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"call-length","upstream":"stub"}' "http://127.0.0.1:$PORT/api/v1/agents" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

CPU_BEFORE=$(awk '{print $14 + $15}' "/proc/$MASKER_PID/stat")
python3 - "$PORT" "$AGENT" "$CALLS" "$TURNS" "$WORK/data/audit.jsonl" <<'PY'
import http.client, json, random, statistics, sys, time
port, agent, calls, turns, audit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
words = "zero one two three four five six seven eight nine".split()
months = "january february march april may june july august september october november december".split()
random.seed(7)
connection = http.client.HTTPConnection("127.0.0.1", port)
latency = {}  # turn number -> [ms]
def records():
    with open(audit) as f:
        return sum(1 for _ in f)
per_call = []
for call in range(calls):
    before = records()
    messages = [{"role": "system", "content": "You are a clinic's scheduling assistant."}]
    for turn in range(1, turns + 1):
        number = " ".join(random.choice(words) for _ in range(10))
        said = (f"ok so my number is {number} and my date of birth is {random.choice(months)} "
                f"{random.randint(1, 28)} nineteen {random.choice(words[2:])}ty {random.choice(words[1:])}")
        messages.append({"role": "user", "content": said})
        body = json.dumps({"model": "m", "messages": messages})
        start = time.perf_counter()
        connection.request("POST", f"/proxy/{agent}/v1/chat/completions", body,
                           {"Content-Type": "application/json", "Masker-Session-Id": f"call-{call}"})
        reply = connection.getresponse()
        answer = json.loads(reply.read())
        latency.setdefault(turn, []).append((time.perf_counter() - start) * 1000)
        if reply.status != 200:
            sys.exit(f"turn {turn} of call {call}: HTTP {reply.status}: {answer}")
        messages.append({"role": "assistant", "content": answer["choices"][0]["message"]["content"]})
    per_call.append(records() - before)
print(f"{calls} calls of {turns} turns, one caller, stub upstream")
print(f"{'turn':>6} {'bytes':>7} {'p50 ms':>8} {'p90 ms':>8}")
size = lambda n: len(json.dumps({"model": "m", "messages": messages[: 2 * n]}))
for turn in [t for t in (1, 5, 10, 20, 40, 80) if t <= turns]:
    values = sorted(latency[turn])
    print(f"{turn:>6} {size(turn):>7} {statistics.median(values):>8.2f} {values[int(0.9 * (len(values) - 1))]:>8.2f}")
print(f"audit records per call: {statistics.median(per_call):.0f}")
PY
CPU_AFTER=$(awk '{print $14 + $15}' "/proc/$MASKER_PID/stat")
python3 -c "print(f'server CPU per turn: {($CPU_AFTER - $CPU_BEFORE) * 1000 / $(getconf CLK_TCK) / ($CALLS * $TURNS):.2f} ms (all turns of all calls)')"
