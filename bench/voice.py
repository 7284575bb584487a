#!/usr/bin/env python3
"""Speech path figures on the generated call fixtures (data/voice/render_calls.py): for each
recording form (16 kHz mono, stereo, 8 kHz telephone band), `masker-voice replay --json` is run and
scored against the script:

    WER      word error rate of the recognised words against the script's words (punctuation and
             case dropped; Levenshtein over words, all turns of a call in order)
    leak     share of the script's PHI characters whose words survive in the masked transcript:
             each PHI value's words are looked for, in order, in the masked text of the turns that
             overlap the value's turn in time (a recognised word that is not masked counts)
    DER      (stereo, and mono with --diarize) share of recognised speech time attributed to the wrong
             speaker: each recognised turn's time split over the script's turns it overlaps
             (confusion only: speech the recogniser missed, or heard in silence, is not counted)
    speed    audio seconds per second of wall time (recognition, detection, masking; one core)

    python3 bench/voice.py [--fixtures DIR] [--binary .build/release/masker-voice] [--forms mono16k+diarize,...]

Renders the fixtures first when DIR has none.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def distance(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def leaked(value, masked):
    """Characters of `value` whose words appear, in order, among the masked text's words."""
    targets, have = words(value), words(masked)
    count, position = 0, 0
    for word in targets:
        try:
            position = have.index(word, position) + 1
            count += len(word)
        except ValueError:
            pass
    return count


def replay(binary, path, env, extra=()):
    begun = time.time()
    out = subprocess.run([binary, "replay", "--input", path, "--json", "--quiet", *extra], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"replay failed on {path}: {out.stderr}")
    return json.loads(out.stdout), time.time() - begun


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", default=os.path.join(ROOT, ".build", "voice-fixtures"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "masker-voice"))
    parser.add_argument("--forms", default="mono16k,stereo,tel8k,mono16k+diarize,tel8k+diarize",
                        help="which rows to measure, comma-separated")
    args = parser.parse_args()
    if not os.path.isdir(args.fixtures) or not any(name.endswith(".json") for name in os.listdir(args.fixtures)):
        subprocess.run([sys.executable, os.path.join(ROOT, "data", "voice", "render_calls.py"), args.fixtures], check=True)
    env = dict(os.environ, MASKER_DEV="1", MASKER_DATA_DIR=tempfile.mkdtemp(prefix="masker-voice-bench-"))
    golds = sorted(name for name in os.listdir(args.fixtures) if name.endswith(".json"))
    print(f"{'form':<16} {'WER':>7} {'leak':>7} {'DER':>7} {'x real time':>12}")
    for label in args.forms.split(","):
        form, extra = label.split("+")[0], (("--diarize",) if label.endswith("+diarize") else ())
        errors = total = phi = leak = wrong = spoken = 0
        audio = wall = 0.0
        for name in golds:
            gold = json.load(open(os.path.join(args.fixtures, name)))
            result, seconds = replay(args.binary, os.path.join(args.fixtures, f"{gold['id']}-{form}.wav"), env, extra)
            audio += result["duration_ms"] / 1000
            wall += seconds
            reference = [w for turn in gold["turns"] for w in words(turn["text"])]
            hypothesis = [w for turn in result["turns"] for w in words(turn["text"])]
            errors += distance(reference, hypothesis)
            total += len(reference)
            for turn in gold["turns"]:
                near = " ".join(t["masked"] for t in result["turns"]
                                if t["start_ms"] / 1000 < turn["end"] + 0.5 and t["end_ms"] / 1000 > turn["start"] - 0.5)
                for value in turn["phi"]:
                    phi += len("".join(words(value)))
                    leak += leaked(value, near)
            if form == "stereo" or extra:
                # Time-based: each recognised turn's time is split over the script's turns it
                # overlaps, and the time under a turn of the other speaker is wrong. (The turn's
                # midpoint alone, as this once did, scored a whole call heard as one speaker's
                # single turn as right.)
                for t in result["turns"]:
                    start, end = t["start_ms"] / 1000, t["end_ms"] / 1000
                    for g in gold["turns"]:
                        overlap = max(0.0, min(end, g["end"]) - max(start, g["start"]))
                        spoken += overlap
                        if g["speaker"] != t["speaker"]:
                            wrong += overlap
        der = f"{100 * wrong / spoken:6.1f}%" if (form == "stereo" or extra) and spoken else "      -"
        print(f"{label:<16} {100 * errors / max(total, 1):6.1f}% {100 * leak / max(phi, 1):6.1f}% {der} {audio / wall:11.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
