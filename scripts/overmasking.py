#!/usr/bin/env python3
"""Over-masking report on MTS-Dialog (doctor-patient conversations, CC BY 4.0; Ben Abacha et al., EACL 2023).

By default it reads the validation and test splits only: the embedded NER model was trained with
sentences of the training split. MTS-Dialog is nearly free of PHI, so what Masker flags there is mostly over-masking. Prints masked spans
per 1,000 words by kind and the most frequent masked texts, for docs/detection.md. The texts it prints
come from the public data set, not from patients.

    python3 scripts/overmasking.py [--data ../shared/data/mts-dialog] [--masker .build/release/masker]
"""
import argparse
import collections
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mts-dialog"))
parser.add_argument("--masker", default=".build/debug/masker")
parser.add_argument("--top", type=int, default=25)
parser.add_argument("--include-training", action="store_true",
                    help="also read the training split (the NER model's carrier text comes from it, so it is left out by default)")
args = parser.parse_args()

files = sorted(f for f in glob.glob(os.path.join(args.data, "*.csv")) if args.include_training or "TrainingSet" not in f)
if not files:
    sys.exit(f"no MTS-Dialog CSV files under {args.data}; pass --data")
dialogues = []
for path in files:
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            text = row.get("dialogue") or row.get("conversation") or ""
            if text.strip():
                dialogues.append((f"{os.path.basename(path)}:{row.get('ID', len(dialogues))}", text))

words = sum(len(text.split()) for _, text in dialogues)
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as batch:
    for identifier, text in dialogues:
        batch.write(json.dumps({"id": identifier, "text": text}) + "\n")
result = subprocess.run([args.masker, "detect", "--batch", batch.name], capture_output=True, text=True, check=True)
os.unlink(batch.name)

by_kind = collections.Counter()
texts = collections.Counter()
for line in result.stdout.splitlines():
    for event in json.loads(line).get("events", []):
        by_kind[event["kind"]] += 1
        texts[(event["kind"], event["text"].lower())] += 1

total = sum(by_kind.values())
print(f"MTS-Dialog: {len(dialogues)} dialogues, {words} words, {total} masked spans, "
      f"{1000 * total / max(words, 1):.2f} per 1,000 words")
for kind, count in by_kind.most_common():
    print(f"  {kind:12s} {count:5d}  ({1000 * count / words:.3f} per 1,000 words)")
print(f"top {args.top} masked texts:")
for (kind, text), count in texts.most_common(args.top):
    print(f"  {count:4d}  {kind:12s} {text!r}")
