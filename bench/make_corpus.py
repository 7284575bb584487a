#!/usr/bin/env python3
"""Builds bench/corpus/turns.jsonl: call-transcript turns of 100-400 bytes for `masker bench`.

Carrier text is MTS-Dialog (Ben Abacha et al., EACL 2023; CC BY 4.0), rewritten the way speech
recognition writes it (lowercase, no punctuation but commas). About a third of the turns carry
PHI, taken from the development-set generator (data/devset/generate.py) so they contain spoken
digits, spelled names and written identifiers. Deterministic.

    python3 bench/make_corpus.py [--data ../shared/data/mts-dialog] [--turns 2000] [--min 100 --max 400 --out turns.jsonl]
    python3 bench/make_corpus.py --min 180 --max 220 --out turns-200.jsonl   # the 200-byte figure
    python3 bench/make_corpus.py --turns 100 --min 2000 --max 20000 --phi-per-kb 2 --out notes.jsonl   # long notes
"""
import argparse
import csv
import glob
import json
import os
import random
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "data", "devset"))
import generate  # noqa: E402  (the dev-set generator's PHI line builders)

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "mts-dialog"))
parser.add_argument("--turns", type=int, default=2000)
parser.add_argument("--min", type=int, default=100)
parser.add_argument("--max", type=int, default=400)
parser.add_argument("--out", default="turns.jsonl")
parser.add_argument("--phi-per-kb", type=float, default=0.0,
                    help="PHI lines per 1,000 bytes (long notes); 0 keeps the turns' rule of one line in about a third")
args = parser.parse_args()

rng = random.Random(7)
utterances = []
for path in sorted(glob.glob(os.path.join(args.data, "MTS-Dialog-TrainingSet.csv"))):
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            for line in row["dialogue"].splitlines():
                _, _, said = line.partition(":")
                said = re.sub(r"[^a-z0-9,' ]+", " ", said.lower())
                said = re.sub(r"\s+", " ", said).strip()
                if len(said) > 20:
                    utterances.append(said)
if not utterances:
    sys.exit(f"no MTS-Dialog training set under {args.data}; pass --data")

builders = [generate.call_line, generate.message_line, generate.clinical_line]
with open(os.path.join(here, "corpus", args.out), "w") as out:
    for number in range(args.turns):
        target = rng.randint(args.min, args.max)
        parts = []
        if args.phi_per_kb:
            for _ in range(max(1, round(target / 1000 * args.phi_per_kb))):
                parts.append(rng.choice(builders)().text)
        elif rng.random() < 0.35:
            parts.append(rng.choice(builders)().text)
        while sum(len(p) + 1 for p in parts) < target:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(utterances))
        text = " ".join(parts)
        if len(text) > args.max:
            text = text[:args.max].rsplit(" ", 1)[0]
        out.write(json.dumps({"id": number + 1, "text": text}) + "\n")
print(f"wrote {args.turns} turns to bench/corpus/{args.out}")
