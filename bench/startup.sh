#!/usr/bin/env bash
# Start-up to ready (issue 9: ≤ 150 ms): the time from starting `masker serve` (development mode,
# SQLite, the embedded NER model loaded before it listens) until /health answers, five times after
# a first run that creates the data directory, keys and databases.
#
#   bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product masker >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" <<'PY'
import json, os, socket, subprocess, sys, time, urllib.request
work = sys.argv[1]
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
env = dict(os.environ, MASKER_DEV="1", MASKER_DATA_DIR=work, MASKER_LISTEN_ADDR=f"127.0.0.1:{port}", MASKER_LOG_LEVEL="warning")
times = []
for run in range(6):
    started = time.monotonic()
    server = subprocess.Popen([".build/release/masker", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=0.5) as reply:
                health = json.loads(reply.read())
                break
        except Exception:
            if server.poll() is not None:
                sys.exit("masker serve exited before it was ready")
            time.sleep(0.002)
    elapsed = (time.monotonic() - started) * 1000
    server.terminate()
    server.wait()
    if run > 0:
        times.append(elapsed)
    print(f"run {run}{' (first: creates keys and databases)' if run == 0 else ''}: ready in {elapsed:.0f} ms, "
          f"ner_model {health['components']['ner_model']['status']}")
times.sort()
print(f"median {times[len(times) // 2]:.0f} ms, worst {times[-1]:.0f} ms")
PY
