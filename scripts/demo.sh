#!/usr/bin/env bash
# Sets up Masker and runs its main job on embedded defaults: a sample call transcript (as speech
# recognition writes it) is masked with the default policy (development key generated on first use,
# SQLite vault in a throwaway data directory), the masked text is what a model would see, and
# rehydration restores it; the audit log is verified and a signed report made. Then the proxy:
# `masker serve` with the stub upstream, called as a voice platform would. Then the policy tools.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product masker
masker=.build/debug/masker

echo "== masker detect: PHI in a call transcript, spans on the original text"
"$masker" detect --input scripts/sample-call.txt

echo; echo "== masker mask: what the model sees (dev mode: a generated key and a vault in a temporary directory)"
demo_data=$(mktemp -d)
trap 'rm -rf "$demo_data"' EXIT
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" mask --quiet --session demo-call --input scripts/sample-call.txt > "$demo_data/masked.txt"
cat "$demo_data/masked.txt"

echo; echo "== masker rehydrate --session demo-call: the model's words with the caller's own values back (only that session's tokens restore)"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" rehydrate --quiet --session demo-call --input "$demo_data/masked.txt"
if MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" rehydrate --quiet --session demo-call --input "$demo_data/masked.txt" | cmp -s - scripts/sample-call.txt; then
  echo "(identical to the original, byte for byte)"
fi

echo; echo "== masker synthesize: the same call with realistic fakes that refer to nobody (a fixed seed: fixtures and demos only)"
"$masker" synthesize --quiet --seed 0xC0FFEE --input scripts/sample-call.txt

echo; echo "== masker audit verify: every masked span and restored token was logged, chained, without PHI"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" audit verify
echo "first record:"; head -1 "$demo_data/audit.jsonl"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" report --quiet --session-id demo-call --output "$demo_data/report.json"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" report verify "$demo_data/report.json"

echo; echo "== masker serve: the OpenAI-compatible proxy, with the stub upstream (it echoes what the model would see)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" MASKER_LISTEN_ADDR="127.0.0.1:$port" "$masker" serve --quiet > "$demo_data/serve.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$demo_data"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.2; done
token=$(MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" admin token --quiet | tail -1)
server_cli() { MASKER_SERVER="http://127.0.0.1:$port" MASKER_API_TOKEN="$token" "$masker" "$@"; }
echo "-- masker agents create front-desk --upstream stub"
agent=$(server_cli agents create front-desk --upstream stub --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "agent $agent; a voice platform's custom-LLM URL: http://127.0.0.1:$port/proxy/$agent/v1"
turn='{"messages":[{"role":"user","content":"hi this is about my appointment, my number is four one five five five five two six seven one and my email is sarah dot chen at gmail dot com"}]}'
echo "-- the answer the caller hears (rehydrated):"
curl -sf -H 'Masker-Session-Id: demo-call-2' -d "$turn" "http://127.0.0.1:$port/proxy/$agent/v1/chat/completions" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["choices"][0]["message"]["content"])'
echo "-- the same turn streamed (server-sent events, tokens restored across chunk boundaries):"
curl -sfN -d "${turn%\}}"',"stream":true}' "http://127.0.0.1:$port/proxy/$agent/v1/chat/completions" \
  | python3 -c 'import json,sys
out=""
for line in sys.stdin:
    if line.startswith("data: {"):
        for c in json.loads(line[6:])["choices"]: out+=c["delta"].get("content") or ""
print(out)'
echo "-- masker sessions list: what the model was sent is kept only as counts and timings"
server_cli sessions list --agent "$agent"
kill -TERM "$server_pid"; wait "$server_pid" || true

echo; echo "== a throwaway key for kid K_HEALTHCARE (in production it comes from your secret store)"
# Exported, never printed: keys do not belong in terminals or logs.
export "$("$masker" keys generate --kid K_HEALTHCARE)"
echo "MASKER_KEY_K_HEALTHCARE is set"

echo; echo "== masker policy validate configs/mask_policy.yaml"
"$masker" policy validate configs/mask_policy.yaml

echo; echo "== masker policy show (first lines of the effective policy)"
shown=$("$masker" policy show)
sed -n 1,16p <<<"$shown"

echo; echo "== masker policy diff: the shipped default against the seed's 9-kind example"
"$masker" policy diff configs/mask_policy.yaml Tests/MaskerCoreTests/Fixtures/policies/seed-example.yaml

echo; echo "== a policy with a typo is refused with its line and a fix (exit code 3)"
printf 'name: typo\nversion: 1\nkid: K_HEALTHCARE\ntokenization: vault-deterministic\npasses: [regex, gemini]\nentities:\n  PHONE: {action: tokenise}\n' \
  | "$masker" policy validate - || echo "(exit code $?)"
