#!/usr/bin/env bash
# The proxy under a mixed load for a long time (issue 38): wrk sends bench/load/mixed.lua (turns to a
# stand-in model and to the stub, streamed and not, ongoing calls, /mask and /detect) at about
# RATE requests/s, in one-minute rounds, and after each round reads the answers' statuses, p50/p99
# latency and Masker's resident memory. At the end it reports errors, RSS growth (from the end of
# the first round, and from the end of the warm-up, below, to the end of the last) and latency
# drift (last round's p99 against the first's), and exits 1 if any answer was a 5xx or RSS grew by
# more than 10 % once warm.
#
# Usage: scripts/soak.sh [minutes, default 10] [rate, default 200]
# Installs wrk from Debian if missing; runs MASKER_BINARY (default: builds the release binary).
# Writes the per-minute table to stdout and leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-10}"
RATE="${2:-200}"
# The proxy's bounded memories fill in the first minutes (CallHistory's 65,536 digests take about
# seven at 200 turns/s): growth is judged from the end of minute SOAK_WARMUP_MINUTES (default 10
# for runs of 20 minutes or more, else 1), and reported from minute 1 too.
if [ "$MINUTES" -ge 20 ]; then WARMUP="${SOAK_WARMUP_MINUTES:-10}"; else WARMUP="${SOAK_WARMUP_MINUTES:-1}"; fi
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
if [ -n "${MASKER_BINARY:-}" ]; then
  MASKER="$MASKER_BINARY"
else
  swift build -c release --product masker >/dev/null
  MASKER=.build/release/masker
fi
WORK=$(mktemp -d)
PROXY_PORT=18580
MODEL_PORT=18582
cleanup() {
  [ -n "${MASKER_PID:-}" ] && kill "$MASKER_PID" 2>/dev/null && wait "$MASKER_PID" 2>/dev/null || true
  [ -n "${MODEL_PID:-}" ] && kill "$MODEL_PID" 2>/dev/null && wait "$MODEL_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 bench/load/model.py "$MODEL_PORT" 25 &
MODEL_PID=$!
MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" MASKER_LISTEN_ADDR="127.0.0.1:$PROXY_PORT" MASKER_LOG_LEVEL=warning \
  MASKER_RATE_LIMIT_PER_MINUTE=0 MASKER_OPENAI_BASE_URL="http://127.0.0.1:$MODEL_PORT/v1" \
  "$MASKER" serve 2>>"$WORK/masker.log" &
MASKER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PROXY_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(MASKER_DEV=1 MASKER_DATA_DIR="$WORK/data" "$MASKER" admin token --quiet | tail -1)
agent() {
  curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"upstream\":\"$2\"}" "http://127.0.0.1:$PROXY_PORT/api/v1/agents" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
export SOAK_MODEL_AGENT SOAK_STUB_AGENT SOAK_TOKEN="$TOKEN" LOAD_DELAY_MS=100
SOAK_MODEL_AGENT=$(agent soak-model openai:m)
SOAK_STUB_AGENT=$(agent soak-stub stub)
# Each connection sends about 8 requests/s (100 ms ± 50 % pauses, plus the answer's time).
CONNECTIONS=$(( (RATE + 7) / 8 ))
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$MASKER_PID/status"; }

echo "soak: $MINUTES min at ~$RATE requests/s ($CONNECTIONS connections), masker $MASKER"
printf "%6s %9s %9s %9s %8s %9s  %s\n" minute "req/s" "p50 ms" "p99 ms" "non-2xx" "RSS MB" statuses
for minute in $(seq "$MINUTES"); do
  out=$(wrk -t2 -c"$CONNECTIONS" -d60s --latency -s bench/load/mixed.lua "http://127.0.0.1:$PROXY_PORT")
  kill -0 "$MASKER_PID" 2>/dev/null || { echo "soak: masker serve died in minute $minute; see its log:"; tail -20 "$WORK/masker.log"; exit 1; }
  echo "$out" >>"$WORK/wrk.txt"
  python3 - "$out" "$minute" "$(rss_mb)" "$WORK/rounds.txt" <<'PY'
import json, re, sys
text, minute, rss, rounds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
def ms(label):
    m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
statuses = {int(code): int(count) for code, count in re.findall(r"^STATUS (\d+) (\d+)$", text, re.M)}
socket = re.search(r"Socket errors: (.*)", text)
row = {"minute": minute, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), "p50": ms("50"), "p99": ms("99"),
       "statuses": statuses, "rss": rss, "socket": socket.group(1) if socket else None}
with open(rounds, "a") as out:
    out.write(json.dumps(row) + "\n")
bad = sum(count for code, count in statuses.items() if not 200 <= code < 300)
extra = f" socket errors: {row['socket']}" if row["socket"] else ""
print(f"{minute:6d} {row['rps']:9.0f} {row['p50']:9.2f} {row['p99']:9.2f} {bad:8d} {rss:9.1f}  {statuses}{extra}", flush=True)
PY
done
python3 - "$WORK/rounds.txt" "$WARMUP" <<'PY'
import json, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
warmup = int(sys.argv[2])
total = sum(sum(r["statuses"].values()) for r in rounds)
errors = {}
for r in rounds:
    for code, count in r["statuses"].items():
        if int(code) >= 500:
            errors[code] = errors.get(code, 0) + count
first, last = rounds[0], rounds[-1]
warm = rounds[min(warmup, len(rounds)) - 1]
growth = (last["rss"] - first["rss"]) / first["rss"] * 100
warm_growth = (last["rss"] - warm["rss"]) / warm["rss"] * 100
print(f"soak: {total} requests in {len(rounds)} min ({total / (60 * len(rounds)):.0f}/s); 5xx: {sum(errors.values())} {errors or ''}")
print(f"soak: RSS {first['rss']:.1f} MB after minute 1, {warm['rss']:.1f} MB after minute {warm['minute']} (warm), "
      f"{last['rss']:.1f} MB after minute {last['minute']}: {growth:+.1f} % from minute 1, {warm_growth:+.1f} % once warm")
print(f"soak: p99 {first['p99']:.2f} ms in minute 1 -> {last['p99']:.2f} ms in minute {last['minute']}; p50 {first['p50']:.2f} -> {last['p50']:.2f} ms")
if errors or (len(rounds) > warmup and warm_growth > 10):
    print("soak: FAILED (5xx answers, or RSS grew by more than 10 % once warm)")
    sys.exit(1)
print("soak: passed")
PY
