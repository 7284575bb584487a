#!/usr/bin/env bash
# Masker against Presidio on the same texts, in one run, one core each (issue 9: ≥ 100× Presidio's
# throughput). Installs presidio-analyzer and spaCy from PyPI into a throwaway virtualenv, then
# times Presidio's AnalyzerEngine and `masker bench --stages detect` (every pass: regex, spoken
# forms, the embedded NER model) over each corpus and prints MB/s, p50 and p99 per turn, and
# Masker's throughput as a multiple of each Presidio configuration's.
#
#   bench/compare.sh [CORPUS.jsonl ...]     default: bench/corpus/turns.jsonl bench/corpus/notes.jsonl
#
# Presidio needs a spaCy model, and spaCy publishes its trained models on GitHub, not PyPI. The
# script times Presidio in each configuration it can build:
#   - "en_core_web_sm" (or $SPACY_MODEL): the trained model, when `pip install` finds it (set
#     SPACY_MODEL_URL to a wheel's URL or path to install it from elsewhere);
#   - "sm-standin": a pipeline of en_core_web_sm's architecture with untrained weights
#     (bench/spacy_standin.py). It costs what the trained model costs per token, but finds noise,
#     so only its time is meaningful;
#   - "no-ner": a blank English pipeline: Presidio's tokenizer and pattern recognizers, no NER.
#     Less work than any model, so Masker's multiple over it is a lower bound.
# Environment: PRESIDIO_VERSION (default 2.2.366), SPACY_VERSION (default 3.8.7), COMPARE_VENV (a
# virtualenv to reuse instead of a throwaway one), ROUNDS (Masker's rounds per corpus, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESIDIO_VERSION=${PRESIDIO_VERSION:-2.2.366}
SPACY_VERSION=${SPACY_VERSION:-3.8.7}
SPACY_MODEL=${SPACY_MODEL:-en_core_web_sm}
ROUNDS=${ROUNDS:-5}
corpora=("$@")
[ ${#corpora[@]} -gt 0 ] || corpora=(bench/corpus/turns.jsonl bench/corpus/notes.jsonl)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${COMPARE_VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { echo "compare.sh: python3 -m venv failed; install python3-venv (apt-get install python3-venv)" >&2; exit 69; }
fi
echo "installing presidio-analyzer $PRESIDIO_VERSION and spacy $SPACY_VERSION into $venv ..." >&2
"$venv/bin/pip" install -q "presidio-analyzer==$PRESIDIO_VERSION" "spacy==$SPACY_VERSION" >&2

models=()
if "$venv/bin/python" -c "import spacy, sys; sys.exit(0 if spacy.util.is_package('$SPACY_MODEL') else 1)" 2>/dev/null \
   || "$venv/bin/pip" install -q "${SPACY_MODEL_URL:-$SPACY_MODEL}" >/dev/null 2>&1; then
    models+=("$SPACY_MODEL")
else
    echo "compare.sh: the spaCy model '$SPACY_MODEL' is not installable here (spaCy's models are not on PyPI); timing an untrained stand-in of its architecture instead" >&2
fi
"$venv/bin/python" bench/spacy_standin.py "$work/sm-standin" >&2 && models+=("sm-standin")
models+=("no-ner")

swift build -c release --product masker >/dev/null
export MASKER_NER_DIR=${MASKER_NER_DIR:-$PWD/Sources/MaskerCore/Resources/ner}
printf '%-16s %-22s %9s %10s %10s %7s %9s\n' CORPUS TOOL MB/S "P50 µs" "P99 µs" TURNS "MASKER ×"
for corpus in "${corpora[@]}"; do
    results=()
    for model in "${models[@]}"; do
        case $model in
            sm-standin) argument=$work/sm-standin ;;
            no-ner) argument=blank ;;
            *) argument=$model ;;
        esac
        results+=("$model=$("$venv/bin/python" bench/presidio_timing.py "$corpus" --model "$argument")")
    done
    masker=$(.build/release/masker bench --corpus "$corpus" --stages detect --rounds "$ROUNDS" --json)
    python3 - "$corpus" "$masker" "${results[@]}" <<'PY'
import json, sys
corpus, masker = sys.argv[1].rsplit("/", 1)[-1], json.loads(sys.argv[2])
stage = next(s for s in masker["stages"] if s["stage"] == "detect")
for entry in sys.argv[3:]:
    name, result = entry.split("=", 1)
    presidio = json.loads(result)
    ratio = stage["mb_per_s"] / presidio["mb_per_s"]
    print(f"{corpus:<16} {'presidio ' + name:<22} {presidio['mb_per_s']:9.3f} {presidio['p50_us']:10.0f} "
          f"{presidio['p99_us']:10.0f} {presidio['turns']:7d} {ratio:8.0f}x")
print(f"{corpus:<16} {'masker (all passes)':<22} {stage['mb_per_s']:9.3f} {stage['p50_us']:10.1f} {stage['p99_us']:10.1f} {stage['turns']:7d}")
PY
done
