#!/usr/bin/env bash
# Three stateless `masker serve` replicas behind nginx, sharing one PostgreSQL (SPEC section 10):
# throughput, latency and CPU per turn with one, two and three replicas, then 100 callers whose
# turns land on different replicas while one replica is killed with SIGKILL; every answer exact,
# one audit chain that verifies with every answered turn's events in it, every token restorable
# from every surviving replica (bench/scale-out.py says what is measured and checked).
#
# Usage: scripts/scale-out.sh [seconds per phase, default 15] [callers, default 100]
# Starts its own PostgreSQL cluster on loopback (scripts/postgres.sh, in /tmp/masker-pg-scale on
# port 54359, apart from the test suite's and the fault tests' clusters; 400 connections: three
# replicas' pools), installs wrk and nginx from Debian if missing, builds the release binary (or
# runs MASKER_BINARY); leaves nothing running (the cluster is stopped at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE="${1:-15}"
CALLERS="${2:-100}"

. scripts/apt-need.sh
apt_need wrk nginx
if [ -n "${MASKER_BINARY:-}" ]; then
  MASKER="$MASKER_BINARY"
else
  swift build -c release --product masker >/dev/null
  MASKER=.build/release/masker
fi
export MASKER_NER_DIR="${MASKER_NER_DIR:-$PWD/.build/release/Masker_MaskerCore.resources/ner}"
export MASKER_PG_DIR=/tmp/masker-pg-scale MASKER_PG_PORT=54359 MASKER_PG_MAX_CONNECTIONS=400
eval "$(bash scripts/postgres.sh start)"
trap 'bash scripts/postgres.sh stop' EXIT
python3 bench/scale-out.py "$MASKER" "$MASKER_TEST_DATABASE_URL" "$SECONDS_PER_PHASE" "$CALLERS"
