#!/usr/bin/env bash
# Sets up Masker and runs it on embedded defaults: finds the PHI in a sample call transcript (as
# speech recognition writes it), then validates, shows and diffs the default policy. Masking,
# rehydration and the proxy extend this demo as they land.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product masker
masker=.build/debug/masker

echo "== masker detect: PHI in a call transcript, spans on the original text"
"$masker" detect --input scripts/sample-call.txt

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
