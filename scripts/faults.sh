#!/usr/bin/env bash
# Fault tests against a running `masker serve` (issue 38), each bounded to well under a minute:
#   kill9            three SIGKILLs under load; restart, `audit verify`, every token answered restores
#   disk-full        the data directory on a tmpfs filled to the last byte (root only; skipped with
#                    a printed reason otherwise): fast truthful 503s, /health, recovery without restart
#   postgres-outage  a PostgreSQL cluster of its own stopped, then frozen (SIGSTOP), 5 s each under load: 503 within 2.5 s,
#                    /health within 1 s, turns back within 2 s of the database
# Usage: scripts/faults.sh [kill9|disk-full|postgres-outage|all]   (default all)
# Uses MASKER_BINARY (default .build/debug/masker; build it first). Python 3 standard library only.
set -euo pipefail
cd "$(dirname "$0")/.."
export MASKER_BINARY="${MASKER_BINARY:-$PWD/.build/debug/masker}"
which="${1:-all}"
run() {
  echo "== faults: $1"
  python3 "Tests/faults/$2"
}
case "$which" in
  kill9) run kill9 kill9.py ;;
  disk-full) run disk-full disk_full.py ;;
  postgres-outage) run postgres-outage postgres_outage.py ;;
  all)
    run kill9 kill9.py
    run disk-full disk_full.py
    run postgres-outage postgres_outage.py
    ;;
  *) echo "usage: scripts/faults.sh [kill9|disk-full|postgres-outage|all]" >&2; exit 64 ;;
esac
