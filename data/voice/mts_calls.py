#!/usr/bin/env python3
"""Call scripts for render_calls.py from MTS-Dialog conversations: the diarization development set
of docs/voice.md ("How the change detection was chosen"), kept apart from the project's own
fixtures (calls.jsonl) so the fixtures stay a test.

    python3 data/voice/mts_calls.py OUT.jsonl [--count 12] [--csv ../shared/data/mts-dialog/MTS-Dialog-ValidationSet.csv]
    python3 data/voice/render_calls.py DIR --calls OUT.jsonl [--gap 0] [--voices caller=rms,agent=awb]
    python3 bench/voice.py --fixtures DIR --forms mono16k+diarize,tel8k+diarize

The first `--count` conversations of the set with at least four alternating turns: Doctor as the
agent, Patient as the caller (guests' lines left out), turns of 12 characters or more (a speaker's
line right after their own is dropped, so turns alternate),
each cut to 200 characters, up to six turns. No PHI is marked (the set is de-identified): it
measures speakers, not masking. MTS-Dialog is CC BY 4.0 (Ben Abacha et al., 2023); nothing of it is
committed here, only this script.
"""
import argparse
import csv
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--csv", default=os.path.join(ROOT, "..", "shared", "data", "mts-dialog", "MTS-Dialog-ValidationSet.csv"))
    args = parser.parse_args()
    written = 0
    with open(args.csv, newline="") as source, open(args.out, "w") as out:
        for row in csv.DictReader(source):
            turns = []
            for line in row["dialogue"].split("\n"):
                match = re.match(r"\s*(Doctor|Patient):\s*(.+)", line)
                if not match or len(match.group(2).strip()) < 12:
                    continue
                speaker = "caller" if match.group(1) == "Patient" else "agent"
                if turns and turns[-1]["speaker"] == speaker:
                    continue
                turns.append({"speaker": speaker, "text": match.group(2).strip()[:200], "phi": []})
            if len(turns) < 4:
                continue
            out.write(json.dumps({"id": f"mts{row['ID']}", "turns": turns[:6]}) + "\n")
            written += 1
            if written >= args.count:
                break
    print(f"{written} conversations in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
