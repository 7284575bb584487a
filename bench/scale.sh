#!/usr/bin/env bash
# Scale curves (issue 9): throughput against input size (100 B to 10 MB, one text each) and against
# concurrency (1 to 64 tasks). Flat or linear is right; a stage whose MB/s falls as its input
# grows has a quadratic corner.
#
#   bench/scale.sh [stages, default detect,mask,rehydrate]
#
# Builds the release binary; texts are the turns of bench/corpus/turns.jsonl joined to each size.
set -euo pipefail
cd "$(dirname "$0")/.."
STAGES="${1:-detect,mask,rehydrate}"
swift build -c release --product masker >/dev/null
MASKER=.build/release/masker
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
texts = [json.loads(line)["text"] for line in open("bench/corpus/turns.jsonl")]
for size in (100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000):
    parts, total, index = [], 0, 0
    while total < size:
        text = texts[index % len(texts)]
        parts.append(text)
        total += len(text) + 1
        index += 1
    joined = " ".join(parts)[:size]
    # Enough copies of the small sizes that a round takes a measurable time.
    copies = max(1, 200_000 // size)
    with open(f"{work}/size-{size}.jsonl", "w") as out:
        for _ in range(copies):
            out.write(json.dumps({"text": joined}) + "\n")
PY

printf '\nthroughput against input size (MB/s; one text of each size, release build, %s cores)\n' "$(nproc)"
printf '%-12s' size
IFS=, read -ra names <<<"$STAGES"
for name in "${names[@]}"; do printf '%14s' "$name"; done
echo
for size in 100 1000 10000 100000 1000000 10000000; do
  rounds=3
  [ "$size" -ge 1000000 ] && rounds=1
  out=$("$MASKER" bench --quiet --json --corpus "$WORK/size-$size.jsonl" --stages "$STAGES" --rounds "$rounds")
  printf '%-12s' "$size B"
  python3 -c '
import json, sys
stages = {s["stage"]: s["mb_per_s"] for s in json.loads(sys.argv[1])["stages"]}
print("".join("%14.2f" % stages[name] if name in stages else "%14s" % "-" for name in sys.argv[2].split(",")))
' "$out" "$STAGES"
done

printf '\nthroughput against concurrency (detect, bench/corpus/turns.jsonl)\n'
printf '%-8s %12s %10s %10s\n' tasks turns_per_s p50_us p99_us
for tasks in 1 2 4 8 16 32 64; do
  out=$("$MASKER" bench --quiet --json --corpus bench/corpus/turns.jsonl --stages detect --rounds 2 --concurrency "$tasks")
  python3 -c '
import json, sys
s = json.loads(sys.argv[1])["stages"][0]
print("%-8s %12.0f %10.1f %10.1f" % (sys.argv[2], s["turns_per_s"], s["p50_us"], s["p99_us"]))
' "$out" "$tasks"
done
