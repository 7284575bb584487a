#!/usr/bin/env python3
"""Before and after on a noisy machine: runs `masker bench` for two or more binaries in turn
(A B, B A, A B, ...), pinned to one core, and prints the best and the median of each stage's
MB/s and the medians of its p50 and p99 per turn.

Why: this VM's speed depends on its neighbours more than on any one change. The same binary
measured 40 to 68 MB/s within one afternoon, so a pair of runs minutes apart says nothing. Runs
that alternate share the machine's good and bad minutes, and only their ratio is read.

    bench/interleave.py --corpus bench/corpus/turns.jsonl --stages detect_regex OLD_MASKER NEW_MASKER
    bench/interleave.py --corpus bench/corpus/notes.jsonl --stages detect,detect_gemma --rounds 2 --repeats 8 A B

Pair it with `scripts/compare-detections.sh OLD NEW`, which checks that a speed change found
the same spans.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", nargs="+", help="masker executables to compare, two or more")
    parser.add_argument("--corpus", default="bench/corpus/turns.jsonl")
    parser.add_argument("--stages", default="detect_regex", help="masker bench --stages")
    parser.add_argument("--rounds", default="10", help="masker bench --rounds per run")
    parser.add_argument("--repeats", type=int, default=10, help="runs of each binary (default 10)")
    parser.add_argument("--core", default="1", help="the core to pin to with taskset (default 1)")
    args = parser.parse_args()
    if len(args.binaries) < 2:
        parser.error("give two or more masker binaries")
    for binary in args.binaries:
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            parser.error(f"{binary}: not an executable file")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env.setdefault("MASKER_NER_DIR", os.path.join(root, "Sources/MaskerCore/Resources/ner"))
    pin = ["taskset", "-c", args.core] if shutil.which("taskset") else []

    results = {binary: {} for binary in args.binaries}
    for repeat in range(args.repeats):
        order = args.binaries if repeat % 2 == 0 else list(reversed(args.binaries))
        for binary in order:
            run = subprocess.run(pin + [binary, "bench", "--corpus", args.corpus, "--stages", args.stages,
                                        "--rounds", args.rounds, "--json"],
                                 capture_output=True, text=True, env=env)
            if run.returncode != 0:
                print(f"{binary} failed (exit {run.returncode}): {run.stderr.strip()}", file=sys.stderr)
                return 1
            for stage in json.loads(run.stdout)["stages"]:
                results[binary].setdefault(stage["stage"], []).append(stage)

    width = max(len(binary) for binary in args.binaries)
    print(f"{'binary':{width}}  {'stage':14}  {'best MB/s':>9}  {'median':>7}  {'p50 µs':>7}  {'p99 µs':>7}  ({args.repeats} runs each, interleaved)")
    for binary in args.binaries:
        for stage, runs in results[binary].items():
            speeds = [run["mb_per_s"] for run in runs]
            print(f"{binary:{width}}  {stage:14}  {max(speeds):9.2f}  {statistics.median(speeds):7.2f}"
                  f"  {statistics.median(run['p50_us'] for run in runs):7.2f}  {statistics.median(run['p99_us'] for run in runs):7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
