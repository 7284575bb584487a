#!/usr/bin/env bash
# Sets up Masker and runs its main job on embedded defaults: a sample call transcript (as speech
# recognition writes it) is masked with the default policy (development key generated on first use,
# SQLite vault in a throwaway data directory), the masked text is what a model would see, and
# rehydration restores it; the audit log is verified and a signed report made. Then the policy tools. The proxy server extends this demo when it lands.
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

echo; echo "== masker rehydrate: the model's words with the caller's own values back"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" rehydrate --quiet --input "$demo_data/masked.txt"
if MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" rehydrate --quiet --input "$demo_data/masked.txt" | cmp -s - scripts/sample-call.txt; then
  echo "(identical to the original, byte for byte)"
fi

echo; echo "== masker audit verify: every masked span and restored token was logged, chained, without PHI"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" audit verify
echo "first record:"; head -1 "$demo_data/audit.jsonl"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" report --quiet --session-id demo-call --output "$demo_data/report.json"
MASKER_DEV=1 MASKER_DATA_DIR="$demo_data" "$masker" report verify "$demo_data/report.json"

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
