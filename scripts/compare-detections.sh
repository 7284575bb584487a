#!/usr/bin/env bash
# Checks that two `masker` binaries find exactly the same spans: every corpus of the repo (the
# development set, both presidio-evaluator sets, the bench corpora), MTS-Dialog when
# ../shared/data is there, and a few edge cases, each with all passes and with the regex pass
# alone, compared byte for byte. A speed change to detection should leave this silent.
#
#   scripts/compare-detections.sh OLD_MASKER NEW_MASKER
#
# Exit 0 when every output is identical, 1 when one differs (each is named), 2 on bad usage.
set -euo pipefail
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
    echo "usage: scripts/compare-detections.sh OLD_MASKER NEW_MASKER (two executable masker binaries)" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
export MASKER_NER_DIR="${MASKER_NER_DIR:-$PWD/Sources/MaskerCore/Resources/ner}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each corpus as `detect --batch` input lines: {"id", "text"} only.
python3 - "$work" <<'EOF'
import csv, glob, json, os, sys
work = sys.argv[1]
def write(name, texts):
    with open(os.path.join(work, name + ".jsonl"), "w") as out:
        for number, text in enumerate(texts):
            out.write(json.dumps({"id": str(number), "text": text}) + "\n")
for path in ["data/devset/devset.jsonl", "data/external/presidio-written.jsonl",
             "data/external/presidio-spoken.jsonl", "bench/corpus/turns.jsonl",
             "bench/corpus/turns-200.jsonl", "bench/corpus/notes.jsonl"]:
    write(os.path.basename(path)[:-6], [json.loads(line)["text"] for line in open(path, encoding="utf-8")])
lines = []
for path in sorted(glob.glob("../shared/data/mts-dialog/*.csv")):
    for row in csv.DictReader(open(path, encoding="utf-8")):
        lines += [line.strip() for line in (row.get("dialogue") or "").split("\n") if line.strip()]
if lines:
    write("mts-dialog", lines)
write("edge-cases", [
    "Café José at 415-555-2671 ext 12", "7354x549", "o'brien's MRN is 12345678", "a" * 40 + " 123-45-6789",
    "my number is four one five, five five five, two six seven one", "née le 12/04/1990 📞 212 555 0199",
    "S as in Sam, C H E N", "double five triple two", "", "   ", "x",
    "IPv6 fe80::1ff:fe23:4567:890a and 10.0.0.1", "line one 12345\nline two 678\r\n901",
])
EOF

status=0
for input in "$work"/*.jsonl; do
    name=$(basename "$input" .jsonl)
    for passes in all regex; do
        flags=()
        [ "$passes" = regex ] && flags=(--passes regex)
        "$1" detect --batch "$input" "${flags[@]}" > "$work/$name.$passes.old"
        "$2" detect --batch "$input" "${flags[@]}" > "$work/$name.$passes.new"
        if cmp -s "$work/$name.$passes.old" "$work/$name.$passes.new"; then
            echo "same       $name ($passes passes, $(wc -l < "$input") lines)"
        else
            echo "DIFFERENT  $name ($passes passes)"
            status=1
        fi
    done
done
exit $status
